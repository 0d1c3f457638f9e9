"""An OpenType font for stamps, rescaled to 1000 units per em once per process."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont, TTLibError
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

from signing.errors import SigningConfigError

# pyHanko's text layout spaces glyphs as if every font had 1000 units per em;
# DejaVu has 2048, so Vietnamese stacked diacritics land in the wrong place.
TARGET_UPEM = 1000
# Latin with every Vietnamese letter and tone mark, digits and punctuation. Each signature
# subsets the font it embeds; starting from these ~650 glyphs instead of DejaVu's 6000
# takes that from hundreds of milliseconds to a few.
REPERTOIRE = [
    c
    for low, high in (
        (0x20, 0x7E),
        (0xA0, 0x24F),
        (0x300, 0x36F),
        (0x1E00, 0x1EFF),
        (0x2010, 0x2044),
        (0x20AB, 0x20AC),
    )
    for c in range(low, high + 1)
]


def _subset(font: TTFont) -> None:
    options = subset.Options()
    # Mark positioning and composition only: Vietnamese NFC text uses precomposed glyphs, and
    # dropping the large kerning tables keeps per-signature subsetting cheap.
    options.layout_features = ["ccmp", "locl", "mark", "mkmk"]
    options.drop_tables += ["kern", "MATH"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=REPERTOIRE)
    subsetter.subset(font)


@functools.lru_cache(maxsize=4)
def font_bytes(path: Path) -> bytes:
    """The font at ``path``, reduced to Vietnamese Latin and rescaled to 1000 units per em (cached)."""
    try:
        font = TTFont(str(path))
        _subset(font)
        if font["head"].unitsPerEm != TARGET_UPEM:
            scale_upem(font, TARGET_UPEM)
        out = io.BytesIO()
        font.save(out)
    except (OSError, TTLibError, KeyError) as e:
        raise SigningConfigError(
            f"The stamp font {path} cannot be read.",
            f"Không đọc được phông chữ {path} dùng cho hình ảnh chữ ký.",
            field="ISOLEDGER_SIGNING_FONT",
        ) from e
    return out.getvalue()


# pyHanko drops these from every subset it embeds; HarfBuzz shapes with them (marks, composition).
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")


@functools.lru_cache(maxsize=4)
def _for_embedding(data: bytes) -> bytes:
    # The same glyphs in the same order, without the layout tables: subsetting it for each signature skips
    # decompiling GSUB/GPOS, the larger part of what embedding the stamp's font costs.
    font = TTFont(io.BytesIO(data))
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _shaping_face(data: bytes) -> hb.Face:
    return hb.Face(data)


@dataclass(frozen=True)
class RescaledFontFactory(FontEngineFactory):
    """Font engine factory over in-memory font bytes (pyHanko's own one reopens a file each time).

    HarfBuzz shapes the text with the whole font; the glyph accumulator subsets and embeds a copy of it
    without the layout tables, which pyHanko would drop from the embedded subset anyway.
    """

    data: bytes
    font_size: int = 10

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        engine = GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_for_embedding(self.data)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )
        engine.hb_font = hb.Font(_shaping_face(self.data))
        return engine

    def __repr__(self) -> str:
        return f"RescaledFontFactory({len(self.data)} bytes, size={self.font_size})"


def stamp_font(path: Path, size: int) -> RescaledFontFactory:
    return RescaledFontFactory(font_bytes(path), size)
