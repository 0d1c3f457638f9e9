"""What a reader of a signed PDF sees, checked with independent tools: poppler (pdftotext, pdftoppm, pdfsig)."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Widget:
    """A signature widget: its field name, page (1-based) and rectangle in points."""

    name: str
    page: int
    rect: Box

    @property
    def visible(self) -> bool:
        return self.rect[2] - self.rect[0] > 0 and self.rect[3] - self.rect[1] > 0


def signature_widgets(pdf: bytes) -> list[Widget]:
    """Every signature widget of ``pdf``, found through the pages' annotations."""
    reader = PdfFileReader(io.BytesIO(pdf))
    out = []
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            field = annot if "/FT" in annot else annot.get("/Parent").get_object()
            if annot.get("/Subtype") == "/Widget" and field.get("/FT") == "/Sig":
                x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
                out.append(Widget(str(field.get("/T")), index + 1, (min(x1, x2), min(y1, y2), max(x1, x2),
                                                                     max(y1, y2))))
    return out


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def page_text(path: Path, page: int) -> str:
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          check=True, capture_output=True, text=True, timeout=60)
    return done.stdout


def render(path: Path, page: int) -> Image.Image:
    """The page at 72 dpi, so one pixel is one point."""
    done = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "72", "-png", "-singlefile",
                           str(path)], check=True, capture_output=True, timeout=60)
    return Image.open(io.BytesIO(done.stdout)).convert("RGB")


def inside(img: Image.Image, box: Box) -> Image.Image:
    x1, y1, x2, y2 = box
    return img.crop((round(x1), round(img.height - y2), round(x2), round(img.height - y1)))


def share(img: Image.Image, predicate) -> float:  # type: ignore[no-untyped-def]
    pixels = list(img.getdata())
    return sum(1 for p in pixels if predicate(p)) / max(len(pixels), 1)


def non_white(p: tuple[int, int, int]) -> bool:
    return min(p) < 200


def red(p: tuple[int, int, int]) -> bool:
    return p[0] > 150 and p[1] < 100 and p[2] < 100


def blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 150 and p[0] < 100 and p[1] < 120


def pdfsig_valid(path: Path) -> list[bool]:
    """For each signature, whether poppler finds it cryptographically valid."""
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    blocks = out.split("Signature #")[1:]
    return ["Signature is Valid" in b for b in blocks]
