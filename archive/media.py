"""Media type sniffing from the bytes (magic numbers, a PDF's trailer and page tree, the entries of zip containers)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import IO

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from archive.errors import ArchiveError, UnreadablePdf, UnsupportedMediaType

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

ALLOWED: frozenset[str] = frozenset({PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TIFF})

#: How many leading bytes ``sniff`` needs to see.
HEAD_SIZE = 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls: refused, named in the error


def sniff(head: bytes, open_container: Callable[[], IO[bytes]]) -> str:
    """Return the media type of a file from its first bytes, or raise ``UnsupportedMediaType``.

    ``head`` holds at least the first ``HEAD_SIZE`` bytes (or the whole file if shorter).
    ``open_container`` gives a seekable binary file of the whole content; it is called only
    for zip containers, whose type is told by their inner entries, not by the file name, and for PDFs, which
    must open in a PDF reader.
    """
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    # A PDF starts with its header: bytes before it (which PDF readers skip) make a file that other programs
    # read as something else, an HTML page or a script, so such a file is not taken as a PDF.
    if head.startswith(b"%PDF-"):
        with open_container() as container:
            _check_pdf(container)
        return PDF
    if head.startswith(_ZIP):
        with open_container() as container:
            return _sniff_zip(container)
    if head.startswith(_OLE2):
        raise UnsupportedMediaType("application/x-ole-storage")
    raise UnsupportedMediaType(None)


# What a PDF reader raises on bytes it cannot make sense of (pyHanko's reader, lenient mode).
_BROKEN_PDF = (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, EOFError, RecursionError)


def _check_pdf(container: IO[bytes]) -> None:
    """Refuse a file that starts with ``%PDF-`` but that a PDF reader cannot open: it needs a cross-reference
    table (or stream) and a trailer leading to a catalogue with a page tree. Only those objects are read."""
    try:
        reader = PdfFileReader(container, strict=False)
        pages = reader.root["/Pages"]
        int(pages["/Count"])
    except ArchiveError:
        raise  # the stored bytes failed to decrypt or read back: not the caller's file's fault
    except _BROKEN_PDF as e:
        raise UnreadablePdf() from e


_BROKEN_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, KeyError)


def _sniff_zip(container: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(container) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                # ODF: the first entry, stored uncompressed, names the type; read it bounded.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in (ODT, ODS):
                    return declared
                raise UnsupportedMediaType(declared or "application/zip")
    except _BROKEN_ZIP as e:
        raise UnsupportedMediaType("application/zip") from e
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
        raise UnsupportedMediaType("application/vnd.openxmlformats-officedocument")
    raise UnsupportedMediaType("application/zip")
