"""Checking an uploaded signature or seal image: a small PNG with transparency, never a decompression bomb."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from signing.errors import AppearanceError

MAX_BYTES = 512 * 1024
MAX_SIDE = 2000
MAX_PIXELS = 2_000_000
MIN_SIDE = 32
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_NAMES = {"signature_image": ("ảnh chữ ký", "signature image"), "seal_image": ("ảnh con dấu", "seal image")}


@dataclass(frozen=True)
class CheckedImage:
    """A PNG that passed the checks, with its pixel size."""

    data: bytes
    width: int
    height: int


def _refuse(field: str, vi: str, en: str) -> AppearanceError:
    name_vi, name_en = _NAMES.get(field, ("ảnh", "image"))
    return AppearanceError(f"The {name_en} {en}", f"{name_vi.capitalize()} {vi}", field=field)


def _has_transparency(img: Image.Image) -> bool:
    if img.mode in ("RGBA", "LA", "PA"):
        alpha = img.getchannel("A")
        low, _high = alpha.getextrema()  # type: ignore[misc]
        return bool(low < 255)
    return "transparency" in img.info


def check_png(data: bytes, field: str) -> CheckedImage:
    """``data`` if it is a PNG of at most 512 KiB and 2 megapixels with transparent pixels, else ``AppearanceError``.

    The header (and its size) is read before any pixel is decoded, so a small file that would
    decode to gigabytes is refused without decoding it.
    """
    if len(data) > MAX_BYTES:
        raise _refuse(field, f"lớn hơn {MAX_BYTES // 1024} KiB.", f"is larger than {MAX_BYTES // 1024} KiB.")
    if not data.startswith(PNG_MAGIC):
        raise _refuse(field, "phải là tệp PNG (nền trong suốt).", "must be a PNG file (with a transparent background).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as img:
                width, height = img.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise _refuse(field, f"quá lớn ({width} x {height} điểm ảnh; tối đa {MAX_SIDE} mỗi chiều và "
                                  f"{MAX_PIXELS // 1_000_000} triệu điểm ảnh).",
                                  f"is too large ({width} x {height} pixels; at most {MAX_SIDE} a side and "
                                  f"{MAX_PIXELS // 1_000_000} megapixels).")
                if min(width, height) < MIN_SIDE:
                    raise _refuse(field, f"quá nhỏ (ít nhất {MIN_SIDE} điểm ảnh mỗi chiều).",
                                  f"is too small (at least {MIN_SIDE} pixels a side).")
                img.load()
                transparent = _has_transparency(img)
    except AppearanceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise _refuse(field, f"quá lớn (tối đa {MAX_SIDE} điểm ảnh mỗi chiều và {MAX_PIXELS // 1_000_000} triệu "
                      "điểm ảnh).", f"is too large (at most {MAX_SIDE} pixels a side and "
                      f"{MAX_PIXELS // 1_000_000} megapixels).") from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise _refuse(field, "không đọc được (tệp PNG bị hỏng).", "cannot be read (a damaged PNG).") from e
    if not transparent:
        raise _refuse(field, "phải có nền trong suốt (PNG có kênh alpha), để con dấu và chữ ký không che nhau.",
                      "must have a transparent background (a PNG with alpha), so seal and signature do not hide "
                      "each other.")
    return CheckedImage(data, width, height)
