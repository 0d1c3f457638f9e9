"""Bounded memory: a 64 MiB upload and download never hold more than a few MiB in Python."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.local import LocalObjectStore
from archive.masterkey import MasterKey
from archive.service import Archive
from tests.pdfs import padded_pdf

MIB = 1024 * 1024
SIZE = 64 * MIB
PIECE = 64 * 1024
DATA = padded_pdf(SIZE, filler=os.urandom(PIECE))


def generated() -> Iterator[bytes]:
    for start in range(0, SIZE, PIECE):
        yield DATA[start : start + PIECE]


def peak_of(action) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def round_trip(archive: Archive) -> tuple[int, int]:
    refs = []
    upload = peak_of(lambda: refs.append(archive.put(generated(), "scan.pdf", "rec-1")))

    def download() -> None:
        with archive.open(refs[0], "rec-1") as chunks:
            assert sum(len(c) for c in chunks) == SIZE

    return upload, peak_of(download)


@pytest.fixture
def big_limit_archive(tmp_path: Path, key_store) -> Iterator[Archive]:  # type: ignore[no-untyped-def]
    archive = Archive(LocalObjectStore(tmp_path / "objects"), key_store, MasterKey(os.urandom(32)),
                      max_size=128 * MIB)
    yield archive
    archive.close()


def test_a_64_mib_upload_to_a_directory_stays_within_8_mib(big_limit_archive: Archive) -> None:
    upload, download = round_trip(big_limit_archive)
    print(f"local: upload peak {upload / MIB:.1f} MiB, download peak {download / MIB:.1f} MiB")
    assert upload < 8 * MIB, upload
    assert download < 8 * MIB, download


def test_a_64_mib_upload_to_s3_stays_within_its_multipart_buffers(make_s3_store, key_store) -> None:  # type: ignore[no-untyped-def]
    # 5 MiB parts. minio's pool admits two tasks at a time, each worker still holds its last part until it
    # takes the next, and one part is being read: at most ~5 parts (25 MiB) whatever the file size.
    archive = Archive(make_s3_store(), key_store, MasterKey(os.urandom(32)), max_size=128 * MIB)
    upload, download = round_trip(archive)
    print(f"s3: upload peak {upload / MIB:.1f} MiB, download peak {download / MIB:.1f} MiB")
    assert upload < 32 * MIB, upload
    assert download < 8 * MIB, download
