"""Opening untrusted PDF bytes for signing or validation, with clear errors for bad input."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import errors as se
from signing._boundary import mapped_errors

_HEADER_WINDOW = 1024


def _check_header(data: bytes) -> None:
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise se.NotPdfError(
            "The file is not a PDF (no %PDF- header).",
            "Tệp không phải là PDF (thiếu phần đầu %PDF-).",
            field="file",
        )


def _check_structure(reader: PdfFileReader) -> None:
    if reader.security_handler is not None:
        raise se.EncryptedPdfError(field="file")
    # Touch the page tree now, so damage and decode-limit breaches surface here.
    pages = reader.root["/Pages"]
    if int(pages["/Count"]) < 1:
        raise se.InvalidPdfError("The PDF has no pages.", "Tệp PDF không có trang nào.", field="file")


def open_for_signing(data: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over ``data``; raises an ``InvalidPdfError`` subclass for bad input."""
    _check_header(data)
    with mapped_errors("read"):
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        _check_structure(writer.prev)
    return writer


def open_for_validation(data: bytes) -> PdfFileReader:
    """A reader over ``data``; raises an ``InvalidPdfError`` subclass for bad input."""
    _check_header(data)
    with mapped_errors("read"):
        reader = PdfFileReader(io.BytesIO(data))
        _check_structure(reader)
    return reader
