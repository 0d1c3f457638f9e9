"""Fixtures for archive tests: a moto S3 server (stand-in for MinIO/Ceph), stores, sample files."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from minio import Minio

from archive.keys import SqlKeyStore, postgres_key_store, sqlite_key_store
from archive.local import LocalObjectStore
from archive.masterkey import MasterKey
from archive.s3 import S3ObjectStore, http_client
from archive.service import Archive
from tests.pdfs import padded_pdf

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
SMALL_CHUNK = 64 * 1024  # several chunks per test file without big files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MotoServer:
    """moto's standalone S3 server on 127.0.0.1, in its own process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)

    def client(self) -> Minio:
        return Minio(self.endpoint, "test-key", "test-secret", secure=False,
                     http_client=http_client())  # retries as in production

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def moto() -> Iterator[MotoServer]:
    server = MotoServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def master_key() -> MasterKey:
    return MasterKey(os.urandom(32))


@pytest.fixture
def key_store(tmp_path: Path) -> SqlKeyStore:
    return sqlite_key_store(tmp_path / "keys.sqlite3")


def s3_store(moto: MotoServer, staging: Path, *, object_lock: bool = False, **options: Any) -> S3ObjectStore:
    bucket = "t-" + uuid.uuid4().hex[:16]
    return S3ObjectStore(moto.client(), bucket, staging, object_lock=object_lock, **options)


@pytest.fixture
def local_archive(tmp_path: Path, key_store: SqlKeyStore, master_key: MasterKey) -> Iterator[Archive]:
    archive = Archive(LocalObjectStore(tmp_path / "objects"), key_store, master_key,
                      max_size=8 * 1024 * 1024, chunk_size=SMALL_CHUNK)
    yield archive
    archive.close()


@pytest.fixture
def s3_archive(moto: MotoServer, tmp_path: Path, key_store: SqlKeyStore,
               master_key: MasterKey) -> Iterator[Archive]:
    archive = Archive(s3_store(moto, tmp_path / "staging"), key_store, master_key,
                      max_size=8 * 1024 * 1024, chunk_size=SMALL_CHUNK)
    yield archive
    archive.close()


# -- PostgreSQL for the KeyStore contract: $ISOLEDGER_TEST_POSTGRES_URL, else the suite's throw-away server --
@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    url = os.environ.get("ISOLEDGER_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    # the suite-wide throw-away server of tests/conftest.py (started on first use, stopped at the end)
    yield request.getfixturevalue("pg_server").create_database(f"archive_keys_{os.getpid()}")


@pytest.fixture
def pg_key_store(postgres_url: str) -> Iterator[SqlKeyStore]:
    store = postgres_key_store(postgres_url)
    with store._transaction() as cur:  # a clean table per test
        cur.execute("DELETE FROM archive_data_keys")
    yield store
    store.close()


# -- sample files: the smallest bytes each sniffing rule accepts --------------------------------------
class Samples:
    """Builders of test files, reached through the ``samples`` fixture."""

    @staticmethod
    def pdf_bytes(size: int = 200_000, seed: int = 1) -> bytes:
        return padded_pdf(size, seed=seed)

    @staticmethod
    def png_bytes() -> bytes:
        return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(2000)

    @staticmethod
    def jpeg_bytes() -> bytes:
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(2000)

    @staticmethod
    def tiff_bytes() -> bytes:
        return b"II*\x00\x08\x00\x00\x00" + os.urandom(2000)

    @staticmethod
    def zip(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for i, (name, data) in enumerate(entries):
                kind = zipfile.ZIP_STORED if (stored_first and i == 0) else zipfile.ZIP_DEFLATED
                z.writestr(name, data, compress_type=kind)
        return buffer.getvalue()

    @staticmethod
    def docx_bytes(padding: int = 0) -> bytes:
        return Samples.zip([
            ("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"), ("word/media/scan.bin", os.urandom(padding)),
        ])

    @staticmethod
    def xlsx_bytes() -> bytes:
        return Samples.zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])

    @staticmethod
    def odf_bytes(media_type: str) -> bytes:
        content = ("content.xml", b"<office:document-content/>")
        return Samples.zip([("mimetype", media_type.encode()), content], stored_first=True)

    @staticmethod
    def pptx_bytes() -> bytes:
        return Samples.zip([("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p/>")])


@pytest.fixture
def samples() -> type[Samples]:
    return Samples


@pytest.fixture
def make_s3_store(moto: MotoServer, tmp_path: Path) -> Iterator[Callable[..., S3ObjectStore]]:
    stores: list[S3ObjectStore] = []

    def make(**options: Any) -> S3ObjectStore:
        store = s3_store(moto, tmp_path / "staging", **options)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def start_moto() -> Iterator[Callable[[], MotoServer]]:
    """A private moto server for tests that stop it; stopped afterwards whatever happens."""
    servers: list[MotoServer] = []

    def start() -> MotoServer:
        servers.append(MotoServer())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
