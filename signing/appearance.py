"""The visible signature per Decree 30/2020/NĐ-CP Appendix I: signature image, seal, Vietnamese text."""

from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.stamp import BaseStamp, BaseStampStyle

from signing.config import Meaning
from signing.errors import AppearanceError
from signing.fonts import RescaledFontFactory

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4
MARGIN = 3.0
# Share of the box width given to the images; the text block takes the rest.
ART_SHARE = 0.55


@dataclass(frozen=True)
class Placement:
    """Where the signature is shown: page index (0-based; -1 is the last page) and box in points."""

    page: int
    box: tuple[float, float, float, float]

    def on(self, reader: Any) -> Placement:
        """The placement on the PDF being signed (``reader``): this one, as chosen."""
        return self

    def __post_init__(self) -> None:
        x1, y1, x2, y2 = self.box
        if x2 - x1 < 40 or y2 - y1 < 20:
            raise AppearanceError(
                "The signature box must be at least 40 x 20 points (x1, y1, x2, y2).",
                "Khung chữ ký phải rộng ít nhất 40 x 20 điểm (x1, y1, x2, y2).",
                field="box",
            )


@dataclass(frozen=True)
class Look:
    """The images of one signature: the signer's (blue) and, for the agency's signature, the seal (red).

    Without a signature image the stamp is its text alone (the seal is only drawn over a signature).
    """

    signature_png: bytes | None = None
    seal_png: bytes | None = None
    # The seal is printed at its real size (typically 36-42 mm across).
    seal_diameter_mm: float = 36.0


MIN_TEXT_SCALE = 0.7  # below this the text goes under the images instead of beside them


def vietnam_time(moment: datetime) -> str:
    """Vietnam time to the second, as Vietnamese readers write it: 05/03/2026 09:30:00 +07:00."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S +07:00")


def stamp_text(meaning: Meaning, signer_name: str, agency: str, signed_at: datetime) -> str:
    text = (
        f"{meaning.label_vi}\n"
        f"Người ký: {signer_name}\n"
        f"Cơ quan: {agency}\n"
        f"Thời gian ký: {vietnam_time(signed_at)}"
    )
    # precomposed letters: the stamp font keeps them, and PDF text extraction finds them
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=32)
def _open_png(data: bytes, field: str) -> Image.Image:
    # Decoded once per process per image: a leader's image and the agency's seal serve every signature.
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise AppearanceError(
            f"The {field.replace('_', ' ')} is not a readable PNG image.",
            "Ảnh chữ ký hoặc ảnh con dấu không phải là ảnh PNG đọc được.",
            field=field,
        ) from e


@dataclass(frozen=True)
class DecreeStampStyle(BaseStampStyle):
    """pyHanko stamp style drawing the Appendix I layout; build it with ``decree_style``."""

    signature: Image.Image | None = None
    seal: Image.Image | None = None
    seal_size: float = 36.0 * MM
    text: str = ""
    text_style: TextBoxStyle | None = None
    art_share: float = ART_SHARE

    def create_stamp(
        self, writer: Any, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> DecreeStamp:
        return DecreeStamp(writer, self, box)


class DecreeStamp(BaseStamp):
    """Images on the left (seal over the left third of the signature), text block on the right."""

    style: DecreeStampStyle

    def _image(self, img: Image.Image, x: float, y: float, w: float, h: float) -> bytes:
        content = PdfImage(img, writer=self.writer, box=layout.BoxConstraints(width=w, height=h))
        commands = content.render()
        self.import_resources(content.resources)
        return b"q 1 0 0 1 %g %g cm %s Q" % (x, y, commands)

    def _render_art(
        self, sig: Image.Image, seal: Image.Image | None, room: float, inner_h: float, centred: bool = False
    ) -> list[bytes]:
        # The seal keeps its real size (unless the box is lower than it) and its right
        # edge lies at one third of the signature image, which shrinks to fit the room left.
        height = self.box.height
        seal_w = min(self.style.seal_size, inner_h) if seal is not None else 0.0
        sig_h = inner_h * 0.8
        sig_w = sig_h * sig.width / sig.height
        limit = room if sig_w / 3 >= seal_w else max(1.5 * (room - seal_w), room / 4)
        if sig_w > limit:
            sig_h, sig_w = sig_h * limit / sig_w, limit
        sig_x = MARGIN + max(seal_w - sig_w / 3, 0.0)
        if centred:  # across the whole box: the art's width is sig_x + sig_w - MARGIN
            sig_x += max(room - (sig_x + sig_w - MARGIN), 0.0) / 2
        out = [self._image(sig, sig_x, (height - sig_h) / 2, sig_w, sig_h)]
        if seal is not None:
            out.append(self._image(seal, sig_x + sig_w / 3 - seal_w, (height - seal_w) / 2, seal_w, seal_w))
        return out

    def _render_inner_content(self) -> list[bytes]:
        style = self.style
        width, height = self.box.width, self.box.height
        inner_h = height - 2 * MARGIN
        art_w = width * style.art_share if style.signature is not None else 0.0
        text_box = TextBox(style.text_style or TextBoxStyle(), writer=self.writer, resources=self.resources)
        text_box.content = style.text
        text_commands = text_box.render()
        text_w, text_h = text_box.box.width, text_box.box.height
        # Beside the images the text may shrink only so far; in a narrow box (a document's signature block)
        # it goes under them, across the whole width, so it stays readable.
        beside = (width - art_w - 2 * MARGIN) / text_w if text_w else 1.0
        under = style.signature is not None and beside < MIN_TEXT_SCALE
        commands: list[bytes] = []
        if under:
            scale = min(1.0, (width - 2 * MARGIN) / text_w) if text_w else 1.0
            band = text_h * scale + 2
            assert style.signature is not None
            art = self._render_art(style.signature, style.seal, width - 2 * MARGIN, inner_h - band, centred=True)
            commands.extend(b"q 1 0 0 1 0 %g cm %s Q" % (band / 2, c) for c in art)
            margins = layout.Margins(left=int(MARGIN), right=int(MARGIN), top=int(height - band), bottom=1)
        else:
            if style.signature is not None:
                commands.extend(self._render_art(style.signature, style.seal, art_w - MARGIN, inner_h))
            margins = layout.Margins(left=int(art_w + MARGIN), right=int(MARGIN), top=2, bottom=2)
        rule = layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID if under else layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=margins,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        )
        pos = rule.fit(self.box, text_w, text_h)
        commands.append(b"q %s %s Q" % (pos.as_cm(), text_commands))
        return commands


def decree_style(
    look: Look, text: str, font: RescaledFontFactory, font_size: int, art_share: float = ART_SHARE
) -> DecreeStampStyle:
    """The stamp style for one signature; raises ``AppearanceError`` for unreadable images."""
    signature = _open_png(look.signature_png, "signature_image") if look.signature_png is not None else None
    seal = _open_png(look.seal_png, "seal_image") if look.seal_png is not None and signature else None
    return DecreeStampStyle(
        border_width=0,
        signature=signature,
        seal=seal,
        seal_size=look.seal_diameter_mm * MM,
        text=text,
        text_style=TextBoxStyle(font=font, font_size=font_size, leading=int(font_size * 1.35) or None),
        art_share=art_share,
    )
