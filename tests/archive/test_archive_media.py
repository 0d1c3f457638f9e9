"""Media types come from the bytes: magic numbers, and the inner entries of zip containers."""

from __future__ import annotations

import io
import os

import pytest

from archive import media
from archive.errors import UnreadablePdf, UnsupportedMediaType
from tests.pdfs import padded_pdf


def sniff(data: bytes) -> str:
    return media.sniff(data[: media.HEAD_SIZE], lambda: io.BytesIO(data))


@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        ("pdf_bytes", media.PDF), ("png_bytes", media.PNG), ("jpeg_bytes", media.JPEG),
        ("tiff_bytes", media.TIFF), ("docx_bytes", media.DOCX), ("xlsx_bytes", media.XLSX),
    ],
)
def test_each_allowed_type_is_recognised(samples, builder: str, expected: str) -> None:
    assert sniff(getattr(samples, builder)()) == expected


@pytest.mark.parametrize("media_type", [media.ODT, media.ODS])
def test_open_document_files_are_told_by_their_mimetype_entry(samples, media_type: str) -> None:
    assert sniff(samples.odf_bytes(media_type)) == media_type


@pytest.mark.parametrize(
    "data",
    [
        b"", b"plain text", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1legacy .doc", b"PK\x03\x04 not really a zip",
        b"MZ\x90\x00 an executable",
    ],
)
def test_other_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        sniff(data)
    assert refused.value.field == "file" and refused.value.code == "unsupported_media_type"


def test_a_zip_that_is_neither_office_nor_odf_is_refused(samples) -> None:
    with pytest.raises(UnsupportedMediaType):
        sniff(samples.pptx_bytes())
    with pytest.raises(UnsupportedMediaType):
        sniff(samples.zip([("notes.txt", b"hi")]))
    with pytest.raises(UnsupportedMediaType):
        sniff(samples.odf_bytes("application/vnd.oasis.opendocument.presentation"))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nquy I\n%%EOF\n",  # a header and an end marker, nothing a reader can open
        b"%PDF-" + b"x" * 3000,
        b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n",
    ],
    ids=["no-trailer", "padding-only", "html-behind-a-header"],
)
def test_bytes_that_only_start_like_a_pdf_are_refused(data: bytes) -> None:
    with pytest.raises(UnreadablePdf) as refused:
        sniff(data)
    assert refused.value.field == "file" and refused.value.code == "pdf_unreadable"


def test_a_cut_off_pdf_is_refused() -> None:
    whole = padded_pdf(5000)
    with pytest.raises(UnreadablePdf):
        sniff(whole[: len(whole) // 2])


@pytest.mark.parametrize("size", [0, 5000, 300_000])
def test_a_real_pdf_is_accepted_whatever_its_padding(size: int) -> None:
    assert sniff(padded_pdf(size, filler=os.urandom(4096))) == media.PDF
