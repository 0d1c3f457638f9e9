"""An OpenType font for stamps, rescaled to 1000 units per em once per process."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont, TTLibError
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

from signing.errors import SigningConfigError

# pyHanko's text layout spaces glyphs as if every font had 1000 units per em;
# DejaVu has 2048, so Vietnamese stacked diacritics land in the wrong place.
TARGET_UPEM = 1000


@functools.lru_cache(maxsize=4)
def font_bytes(path: Path) -> bytes:
    """The font at ``path`` as TrueType bytes with 1000 units per em (cached)."""
    try:
        font = TTFont(str(path))
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


@dataclass(frozen=True)
class RescaledFontFactory(FontEngineFactory):
    """Font engine factory over in-memory font bytes (pyHanko's own one reopens a file each time)."""

    data: bytes
    font_size: int = 10

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self.data),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )

    def __repr__(self) -> str:
        return f"RescaledFontFactory({len(self.data)} bytes, size={self.font_size})"


def stamp_font(path: Path, size: int) -> RescaledFontFactory:
    return RescaledFontFactory(font_bytes(path), size)
