"""One page of a PDF as a PNG (poppler's pdftoppm), for placing a stamp by pointing at the page."""

from __future__ import annotations

import shutil
import subprocess

from signing import errors as se
from signing._pdf import open_for_validation
from signing.placement import page_count

DPI = 60
TIMEOUT = 30


def render_page(pdf: bytes, page: int, dpi: int = DPI) -> bytes:
    """Page ``page`` (from 1) of ``pdf`` as PNG bytes at ``dpi``; ``AppearanceError`` (field ``page``) if absent."""
    count = page_count(open_for_validation(pdf))
    if not 1 <= page <= count:
        raise se.AppearanceError(f"The PDF has {count} page(s); page {page} does not exist.",
                                 f"Tệp PDF có {count} trang; không có trang {page}.", field="page")
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise se.SigningConfigError("pdftoppm (poppler-utils) is not installed on the server.",
                                    "Máy chủ chưa cài pdftoppm (gói poppler-utils).", field="pdftoppm")
    try:
        done = subprocess.run([tool, "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile", "-"],
                              input=pdf, capture_output=True, timeout=TIMEOUT, check=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise se.InvalidPdfError("The page cannot be drawn.", "Không vẽ được trang này.", field="file") from e
    return done.stdout
