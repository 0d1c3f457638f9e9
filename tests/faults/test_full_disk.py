"""A file stored on a full disk is refused as storage_full (503), never a 500, and leaves no staging file behind."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.errors import StorageFull
from archive.keys import sqlite_key_store
from archive.local import LocalObjectStore
from archive.masterkey import MasterKey
from archive.service import Archive
from bench.fault_parts import SmallDisk
from tests.environment import require
from tests.pdfs import padded_pdf


@pytest.fixture
def full_disk() -> Iterator[SmallDisk]:
    disk = SmallDisk(4)
    try:
        require(disk.mounted, f"a tmpfs cannot be mounted here ({disk.refusal})")
        yield disk
    finally:
        disk.release()


def test_an_upload_onto_a_full_disk_is_storage_full_and_leaves_nothing(full_disk: SmallDisk, tmp_path: Path) -> None:
    archive = Archive(LocalObjectStore(full_disk.path / "objects"), sqlite_key_store(tmp_path / "keys.sqlite3"),
                      MasterKey(os.urandom(32)))
    full_disk.fill()
    try:
        with pytest.raises(StorageFull) as refused:
            archive.put(io.BytesIO(padded_pdf(300_000)), "Biên bản.pdf", "rec-1")
        assert refused.value.code == "storage_full"
        assert list(archive.store.staging_dir().iterdir()) == []
        full_disk.free()
        ref = archive.put(io.BytesIO(padded_pdf(300_000)), "Biên bản.pdf", "rec-1")  # space is back: it works
        assert archive.read_bytes(ref, "rec-1") == padded_pdf(300_000)
    finally:
        archive.close()
