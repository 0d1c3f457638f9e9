"""A4 PDFs laid out like a Vietnamese administrative document (Decree 30/2020), DejaVu Serif embedded."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing.fonts import RescaledFontFactory, font_bytes

FONTS = Path("/usr/share/fonts/truetype/dejavu")
A4 = (595.0, 842.0)
# Decree 30/2020 margins: left 30 mm, right 15-20 mm, top and bottom 20 mm.
LEFT, RIGHT, TOP, BOTTOM = 85.0, 538.0, 785.0, 57.0
BODY, LEADING = 12, 16.5
# The empty area under the signer's title, at the right of the last page, where the signature and seal go.
SIGNATURE_X = (318.0, 522.0)
SIGNATURE_HEIGHT = 110.0
# The middles of the two header blocks: the agency's at the left, the national motto's at the right.
_AGENCY_MIDDLE, _MOTTO_MIDDLE = 135.0, 424.0


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Paper:
    """The parts of one document as a reader sees them, top to bottom."""

    kind: str  # QUY TRÌNH, QUYẾT ĐỊNH, KẾ HOẠCH ... (printed in capitals)
    title: str
    number: str  # "Số: 15/QĐ-SKHCN" or "Mã hiệu: QT-01"
    dated: date
    sections: tuple[Section, ...]
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    recipients: tuple[str, ...] = ("Như trên;", "Lưu: VT.")
    subtitle: str = ""  # e.g. "Lần ban hành: 01 · Ngày hiệu lực: 02/01/2025"
    parent: str = "UBND TỈNH TRÀ VINH"
    agency: str = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    place: str = "Trà Vinh"


def vietnamese_date(place: str, day: date) -> str:
    """Decree 30/2020: a leading zero for days below 10 and for January and February."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


class _Font:
    """One embedded font; shaping a string yields its glyph operators and its width in points."""

    def __init__(self, writer: PdfFileWriter, file: str, resource: str) -> None:
        self.engine = RescaledFontFactory(font_bytes(FONTS / file)).create_font_engine(writer)
        self.resource = resource
        self.letters = set(self.engine.tt.getBestCmap())
        self._em: dict[str, float] = {}

    def width(self, text: str, size: int) -> float:
        if text not in self._em:
            self._em[text] = float(self.engine.shape(text, with_actual_text=False).x_advance)
        return self._em[text] * size

    def show(self, text: str, x: float, y: float, size: int) -> bytes:
        missing = sorted({c for c in text if ord(c) not in self.letters})
        if missing:  # a glyph the font lacks would print as nothing, and extract as nothing
            raise ValueError(f"no glyph for {missing!r} in {text!r}")
        self.engine.font_size = size
        ops = self.engine.shape(text).graphics_ops
        return b"BT /%s %d Tf %g %g Td %s ET" % (self.resource.encode(), size, x, y, ops)


class _Pages:
    """Pages under construction: a cursor going down, a new page when the text reaches the floor."""

    def __init__(self) -> None:
        self.writer = PdfFileWriter(stream_xrefs=False)
        self.regular = _Font(self.writer, "DejaVuSerif.ttf", "F1")
        self.bold = _Font(self.writer, "DejaVuSerif-Bold.ttf", "F2")
        self.italic = _Font(self.writer, "DejaVuSerif-Italic.ttf", "F3")
        self.pages: list[list[bytes]] = [[]]
        self.y = TOP

    @property
    def ops(self) -> list[bytes]:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append([])
        number = str(len(self.pages))
        self.ops.append(self.regular.show(number, (A4[0] - self.regular.width(number, 11)) / 2, 812, 11))
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def centred(self, text: str, font: _Font, size: int, middle: float, y: float, room: float) -> float:
        while font.width(text, size) > room and size > 7:
            size -= 1
        w = font.width(text, size)
        self.ops.append(font.show(text, middle - w / 2, y, size))
        return w

    def rule(self, x1: float, x2: float, y: float) -> None:
        self.ops.append(b"q 0.6 w %g %g m %g %g l S Q" % (x1, y, x2, y))

    def wrap(self, text: str, font: _Font, size: int, width: float, first: float) -> list[list[str]]:
        """The words in lines: the first line ``first`` points wide (it is indented), the others ``width``."""
        lines: list[list[str]] = [[]]
        space = font.width(" ", size)
        used, room = 0.0, first
        for word in self._pieces(text.split(), font, size, min(width, first)):
            w = font.width(word, size)
            if lines[-1] and used + space + w > room:
                lines.append([])
                used, room = 0.0, width
            used += (space if lines[-1] else 0.0) + w
            lines[-1].append(word)
        return lines

    @staticmethod
    def _pieces(words: list[str], font: _Font, size: int, width: float) -> list[str]:
        """The words, a word longer than the line (a row of dots in a form) cut to fit."""
        out: list[str] = []
        for word in words:
            while font.width(word, size) > width:
                cut = len(word) - 1
                while cut > 1 and font.width(word[:cut], size) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
            out.append(word)
        return out

    def paragraph(self, text: str, font: _Font, size: int = BODY, indent: float = 28.0) -> None:
        """Justified lines, the first indented, the last left as it is."""
        lines = self.wrap(text, font, size, RIGHT - LEFT, RIGHT - LEFT - indent)
        for i, words in enumerate(lines):
            self.need(LEADING)
            self.y -= LEADING
            x = LEFT + (indent if i == 0 else 0.0)
            if i == len(lines) - 1 or len(words) == 1:
                self.ops.append(font.show(" ".join(words), x, self.y, size))
                continue
            widths = [font.width(w, size) for w in words]
            gap = (RIGHT - x - sum(widths)) / (len(words) - 1)
            for word, w in zip(words, widths, strict=True):
                self.ops.append(font.show(word, x, self.y, size))
                x += w + gap
        self.y -= 3


def _header(p: _Pages, paper: Paper) -> None:
    left, right = _AGENCY_MIDDLE, _MOTTO_MIDDLE
    y = TOP
    if paper.agency:
        p.centred(paper.parent, p.regular, 11, left, y, 210)
        w = p.centred(paper.agency, p.bold, 11, left, y - 14, 210)
        p.rule(left - w / 4, left + w / 4, y - 19)
        p.centred(paper.number, p.regular, 11, left, y - 36, 210)
    top = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto = "Độc lập - Tự do - Hạnh phúc"
    middle = right if paper.agency else A4[0] / 2
    p.centred(top, p.bold, 11, middle, y, 280)
    w = p.centred(motto, p.bold, 12, middle, y - 14, 280)
    p.rule(middle - w / 2, middle + w / 2, y - 18)
    p.centred(vietnamese_date(paper.place, paper.dated), p.italic, 11, middle, y - 36, 280)
    p.y = y - 78
    p.centred(paper.kind.upper(), p.bold, 14, A4[0] / 2, p.y, RIGHT - LEFT)
    for words in p.wrap(paper.title, p.bold, 13, RIGHT - LEFT - 40, RIGHT - LEFT - 40):
        p.y -= 18
        p.centred(" ".join(words), p.bold, 13, A4[0] / 2, p.y, RIGHT - LEFT)
    if paper.subtitle:
        p.y -= 17
        p.centred(paper.subtitle, p.italic, 11, A4[0] / 2, p.y, RIGHT - LEFT)
    p.rule(A4[0] / 2 - 50, A4[0] / 2 + 50, p.y - 8)
    p.y -= 20


def _signature_block(p: _Pages, paper: Paper) -> tuple[float, float, float, float]:
    """The signer's title, an empty area for the signature and seal, the signer's name; recipients at the left."""
    titles = paper.signer_title.split("\n")
    p.need(22 + 15 * len(titles) + SIGNATURE_HEIGHT + 20)
    x1, x2 = SIGNATURE_X
    middle = (x1 + x2) / 2
    y = p.y - 22
    for line in titles:
        p.centred(line, p.bold, 12, middle, y, x2 - x1 + 20)
        y -= 15
    box = (x1, y + 3 - SIGNATURE_HEIGHT, x2, y + 3)
    if paper.signer_name:
        p.centred(paper.signer_name, p.bold, 12, middle, box[1] - 14, x2 - x1 + 20)
    if paper.recipients:
        y = p.y - 22
        p.ops.append(p.bold.show("Nơi nhận:", LEFT, y, 11))
        for item in paper.recipients:
            y -= 13
            p.ops.append(p.regular.show(f"- {item}", LEFT, y, 10))
    return box


@dataclass(frozen=True)
class Rendered:
    """The PDF's bytes, its page count and where on its last page the signature goes (x1, y1, x2, y2)."""

    content: bytes
    pages: int
    signature_box: tuple[float, float, float, float]


def render(paper: Paper) -> Rendered:
    """The paper as an A4 PDF whose text extracts with every Vietnamese letter (embedded, subset fonts)."""
    paper = _nfc(paper)
    p = _Pages()
    _header(p, paper)
    for section in paper.sections:
        if section.heading:
            p.need(2 * LEADING + 6)
            p.y -= 6
            p.paragraph(section.heading, p.bold, indent=0.0)
        for text in section.paragraphs:
            p.paragraph(text, p.regular)
    box = _signature_block(p, paper)
    return Rendered(_write(p), len(p.pages), box)


def _write(p: _Pages) -> bytes:
    fonts = generic.DictionaryObject({
        generic.NameObject(f"/{f.resource}"): f.engine.as_resource() for f in (p.regular, p.bold, p.italic)
    })
    resources = generic.DictionaryObject({generic.NameObject("/Font"): fonts})
    for ops in p.pages:
        content = p.writer.add_object(generic.StreamObject(stream_data=b"\n".join(ops)))
        p.writer.insert_page(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(map(generic.FloatObject, (0, 0, *A4))),
            generic.NameObject("/Resources"): resources,
            generic.NameObject("/Contents"): content,
        }))
    out = io.BytesIO()  # writing embeds the subset of each font that the pages use
    p.writer.write(out)
    return out.getvalue()


def _nfc(paper: Paper) -> Paper:
    def n(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    return Paper(kind=n(paper.kind), title=n(paper.title), number=n(paper.number), dated=paper.dated,
                 sections=tuple(Section(n(s.heading), tuple(n(t) for t in s.paragraphs)) for s in paper.sections),
                 signer_title=n(paper.signer_title), signer_name=n(paper.signer_name),
                 recipients=tuple(n(r) for r in paper.recipients), subtitle=n(paper.subtitle),
                 parent=n(paper.parent), agency=n(paper.agency), place=n(paper.place))


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    maps = [set(TTFont(io.BytesIO(font_bytes(FONTS / f))).getBestCmap())
            for f in ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf")]
    return frozenset(set.intersection(*maps))


def printable(text: str) -> str:
    """Text people typed, ready for ``render``: each character the embedded fonts (Vietnamese Latin) lack becomes
    "?", where ``render`` refuses it (it would print as nothing); the demo's own text is left to that check."""
    covered = _covered()
    return "".join(c if ord(c) in covered else "?" for c in unicodedata.normalize("NFC", text))
