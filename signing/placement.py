"""Where a stamp goes: the page, preset positions, and the next box free of earlier signatures."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import errors as se
from signing._boundary import mapped_errors
from signing._pdf import open_for_validation
from signing.appearance import Placement
from signing.config import Meaning

Box = tuple[float, float, float, float]
# Decree 30/2020 Appendix I margins: right 15-20 mm, bottom 20-25 mm; we keep 15 mm and 20 mm.
RIGHT_MARGIN = 42.5
BOTTOM_MARGIN = 57.0
GAP = 6.0


@dataclass(frozen=True)
class StampSize:
    width: float
    height: float


# The approval stamp fits a 36 mm seal (102 pt) at real size; the review stamp is smaller, without a seal.
SIZES = {Meaning.APPROVAL: StampSize(360.0, 110.0), Meaning.REVIEW: StampSize(240.0, 60.0)}


class Position(enum.StrEnum):
    """Preset places for a stamp on its page; the signature block is at the lower right by default."""

    BOTTOM_RIGHT = "bottom-right"
    BOTTOM_LEFT = "bottom-left"
    BOTTOM_CENTER = "bottom-center"
    TOP_RIGHT = "top-right"
    TOP_LEFT = "top-left"


@dataclass(frozen=True)
class PageLayout:
    """One page's visible area and the rectangles of the signature widgets already on it."""

    index: int
    area: Box
    signatures: tuple[Box, ...]


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box: Box, area: Box) -> bool:
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


def _inherited(page: generic.DictionaryObject, key: str) -> Any:
    node: Any = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get_object().get("/Parent")
        node = node.get_object() if node is not None else None
    return None


def _rect(value: Any) -> Box:
    x1, y1, x2, y2 = (float(v) for v in value)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _is_signature(annot: generic.DictionaryObject) -> bool:
    if annot.get("/Subtype") != "/Widget":
        return False
    field: Any = annot
    while field is not None:
        field = field.get_object()
        if "/FT" in field:
            return bool(field["/FT"] == "/Sig")
        field = field.get("/Parent")
    return False


def _signature_rects(page: generic.DictionaryObject) -> Iterator[Box]:
    annots = page.get("/Annots")
    for ref in annots.get_object() if annots is not None else ():
        annot = ref.get_object()
        if _is_signature(annot) and "/Rect" in annot:
            rect = _rect(annot["/Rect"])
            if rect[2] > rect[0] and rect[3] > rect[1]:
                yield rect


def page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def page_layout(reader: PdfFileReader, index: int) -> PageLayout:
    """``index`` is 0-based; raises ``AppearanceError`` (field ``page``) when the page does not exist."""
    count = page_count(reader)
    if not 0 <= index < count:
        raise se.AppearanceError(
            f"The PDF has {count} page(s); page {index + 1} does not exist.",
            f"Tệp PDF có {count} trang; không có trang {index + 1}.",
            field="page",
        )
    with mapped_errors("read"):
        page_ref, _ = reader.find_page_for_modification(index)
        page = page_ref.get_object()
        area = _rect(_inherited(page, "/CropBox") or _inherited(page, "/MediaBox"))
        return PageLayout(index, area, tuple(_signature_rects(page)))


def read_layout(pdf: bytes, page: int | None) -> PageLayout:
    """The layout of ``page`` (1-based; None = the last page) of ``pdf``."""
    reader = open_for_validation(pdf)
    index = page_count(reader) - 1 if page is None else page - 1
    return page_layout(reader, index)


def preset_box(area: Box, size: StampSize, position: Position) -> Box:
    """The box at ``position`` inside the page margins."""
    x0, y0, x1, y1 = area
    w, h = size.width, size.height
    if position in (Position.BOTTOM_RIGHT, Position.TOP_RIGHT):
        left = x1 - RIGHT_MARGIN - w
    elif position is Position.BOTTOM_CENTER:
        left = (x0 + x1 - w) / 2
    else:
        left = x0 + RIGHT_MARGIN
    bottom = y0 + BOTTOM_MARGIN if position.value.startswith("bottom") else y1 - BOTTOM_MARGIN - h
    return (left, bottom, left + w, bottom + h)


def _candidates(area: Box, start: Box, position: Position) -> Iterator[Box]:
    # Same column first (upwards from the bottom, downwards from the top), then the next column inwards.
    w, h = start[2] - start[0], start[3] - start[1]
    dy = h + GAP if position.value.startswith("bottom") else -(h + GAP)
    dx = -(w + GAP) if position.value.endswith("right") else w + GAP
    columns = int((area[2] - area[0]) // (w + GAP)) + 1
    rows = int((area[3] - area[1]) // (h + GAP)) + 1
    for col in range(columns):
        for row in range(rows):
            yield (start[0] + col * dx, start[1] + row * dy, start[2] + col * dx, start[3] + row * dy)


def free_box(layout: PageLayout, size: StampSize, position: Position = Position.BOTTOM_RIGHT) -> Box:
    """The first box from ``position`` that stays on the page and overlaps no earlier signature."""
    start = preset_box(layout.area, size, position)
    for box in _candidates(layout.area, start, position):
        if inside(box, layout.area) and not any(overlaps(box, s) for s in layout.signatures):
            return box
    raise se.AppearanceError(
        f"Page {layout.index + 1} has no free room for another signature; choose another page.",
        f"Trang {layout.index + 1} không còn chỗ trống cho chữ ký mới; hãy chọn trang khác.",
        field="page",
    )


def checked_box(layout: PageLayout, box: Box) -> Box:
    """``box`` as chosen by the signer, refused if it leaves the page or covers an earlier signature."""
    if not inside(box, layout.area):
        raise se.AppearanceError(
            f"The signature box lies outside page {layout.index + 1}.",
            f"Khung chữ ký nằm ngoài trang {layout.index + 1}.",
            field="box",
        )
    if any(overlaps(box, s) for s in layout.signatures):
        raise se.AppearanceError(
            "The signature box covers an earlier signature; choose another place.",
            "Khung chữ ký che lên một chữ ký đã có; hãy chọn chỗ khác.",
            field="box",
        )
    return box


def place(layout: PageLayout, style: Meaning, box: Box | None, position: Position) -> Placement:
    """The placement of a new stamp on ``layout``'s page: the chosen box, or the next free one."""
    chosen = checked_box(layout, box) if box is not None else free_box(layout, SIZES[style], position)
    return Placement(page=layout.index, box=chosen)


@dataclass(frozen=True)
class StampRequest:
    """Where the signer wants the stamp, placed on the PDF as it is opened for signing (its layout read once).

    ``page`` is 1-based (None: the last page); ``box`` the signer's own box, else the next free one at
    ``position``. Signing resolves it with ``on(reader)``, on the very reader it signs with, so the page tree
    is parsed once for placing the stamp and for adding its widget.
    """

    style: Meaning
    page: int | None = None
    box: Box | None = None
    position: Position = Position.BOTTOM_RIGHT

    def on(self, reader: PdfFileReader) -> Placement:
        index = page_count(reader) - 1 if self.page is None else self.page - 1
        return place(page_layout(reader, index), self.style, self.box, self.position)


def page_sizes(pdf: bytes) -> list[Box]:
    """The visible area (x1, y1, x2, y2 in points) of every page of ``pdf``, in order."""
    reader = open_for_validation(pdf)
    return [page_layout(reader, i).area for i in range(page_count(reader))]
