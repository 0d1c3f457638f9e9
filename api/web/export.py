"""History exports: CSV in UTF-8 with a BOM (Excel keeps the diacritics) and a PDF with DejaVu Sans embedded."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfResources
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing.config import DEFAULT_FONT
from signing.fonts import RescaledFontFactory, font_bytes

A4 = (595, 842)
MARGIN = 42
FONT_SIZE = 8
LEADING = 11
WRAP = 118  # characters per line at 8 pt across A4 minus margins


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if c is None else str(c) for c in row] for row in rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _lines(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = [title, ""]
    for row in rows:
        first = True
        for name, value in zip(header, row, strict=False):
            text = f"{name}: {'' if value is None else value}"
            for piece in textwrap.wrap(text, WRAP, break_long_words=True) or [""]:
                lines.append(("• " if first else "   ") + piece)
                first = False
        lines.append("")
    return lines


def to_pdf(title: str, header: Sequence[str], rows: Sequence[Sequence[object]],
           font_path: Path = DEFAULT_FONT) -> bytes:
    """A plain A4 report: one block per row, Vietnamese text in an embedded subset of DejaVu Sans."""
    writer = PdfFileWriter(stream_xrefs=False)
    factory = RescaledFontFactory(font_bytes(font_path), FONT_SIZE)
    lines = _lines(title, header, rows)
    per_page = (A4[1] - 2 * MARGIN) // LEADING
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[title]]
    engine = factory.create_font_engine(writer)
    for number, chunk in enumerate(pages, start=1):
        resources = PdfResources()
        style = TextBoxStyle(font=_Shared(engine), font_size=FONT_SIZE, leading=LEADING)
        box = TextBox(style, writer=writer, resources=resources,
                      box=BoxConstraints(width=A4[0] - 2 * MARGIN, height=A4[1] - 2 * MARGIN))
        box.content = "\n".join(chunk + ["", f"— {number}/{len(pages)} —"])
        body = box.render()
        stream = b"q 1 0 0 1 %d %d cm\n%s\nQ" % (MARGIN, MARGIN, body)
        content = writer.add_object(generic.StreamObject(stream_data=stream))
        page = generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, *A4))),
            generic.NameObject("/Resources"): resources.as_pdf_object(),
            generic.NameObject("/Contents"): content,
        })
        writer.insert_page(page)
    engine.prepare_write()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _Shared:
    """A font engine factory that hands out one engine, so every page shares one embedded font."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    def create_font_engine(self, writer: object, obj_stream: object = None) -> object:
        return self.engine
