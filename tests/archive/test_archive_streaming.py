"""The streaming paths keep their guarantees: the read hold-back, the zero-copy encryptor, in-memory small uploads."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import archive.service as service
from archive.crypto import HEADER, TAG_SIZE, ChunkEncryptor, DecryptingStream
from archive.errors import IntegrityError, StorageUnavailable, UploadInterrupted
from archive.masterkey import MasterKey
from archive.service import Archive
from tests.pdfs import padded_pdf

KEY = bytes(range(32))
SCOPE = "record-1"
MIB = 1024 * 1024


def encrypt(data: bytes, chunk_size: int, write_size: int = 1000) -> bytes:
    sink = io.BytesIO()
    encryptor = ChunkEncryptor(sink, KEY, SCOPE, chunk_size)
    for i in range(0, len(data), write_size):
        encryptor.write(data[i : i + write_size])
    encryptor.finish()
    return sink.getvalue()


def stream(blob: bytes, data: bytes, sha256: str | None = None) -> DecryptingStream:
    return DecryptingStream(io.BytesIO(blob), KEY, SCOPE, sha256 or hashlib.sha256(data).hexdigest(), len(data))


@settings(max_examples=150)
@given(st.binary(max_size=700), st.integers(min_value=1, max_value=64), st.integers(1, 50))
def test_any_write_pattern_round_trips(data: bytes, chunk_size: int, write_size: int) -> None:
    assert b"".join(stream(encrypt(data, chunk_size, write_size), data)) == data


@settings(max_examples=200)
@given(st.binary(min_size=1, max_size=500), st.integers(min_value=8, max_value=64), st.data())
def test_a_flipped_bit_never_completes_the_stream_and_only_authentic_bytes_come_first(data: bytes, chunk_size: int,
                                                                      draw: st.DataObject) -> None:
    blob = bytearray(encrypt(data, chunk_size))
    position = draw.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[position] ^= 1 << draw.draw(st.integers(min_value=0, max_value=7))
    served = bytearray()
    with pytest.raises(IntegrityError):
        for piece in stream(bytes(blob), data):
            served += piece
    assert len(served) < len(data) and data.startswith(bytes(served))


@pytest.mark.parametrize("corrupt", [1, 4, 6, 7])
def test_a_corrupt_chunk_raises_before_the_chunk_before_it_is_released(corrupt: int) -> None:
    chunk_size = 64
    data = os.urandom(chunk_size * 7 + 20)  # eight chunks
    blob = bytearray(encrypt(data, chunk_size))
    blob[HEADER.size + corrupt * (chunk_size + TAG_SIZE) + 3] ^= 0x40
    served = bytearray()
    with pytest.raises(IntegrityError, match=f"Chunk {corrupt} "):
        for piece in stream(bytes(blob), data):
            served += piece
    # everything up to, but not including, the chunk before the bad one was handed out
    assert bytes(served) == data[: (corrupt - 1) * chunk_size]


def test_a_wrong_whole_file_hash_withholds_the_last_two_chunks() -> None:
    data = os.urandom(64 * 5)
    served = bytearray()
    with pytest.raises(IntegrityError, match="SHA-256"):
        for piece in stream(encrypt(data, 64), data, sha256=hashlib.sha256(b"other").hexdigest()):
            served += piece
    assert bytes(served) == data[: 64 * 3]


def test_closing_a_stream_early_closes_the_source_once() -> None:
    data = os.urandom(10 * 1024)
    closed: list[bool] = []
    chunks = DecryptingStream(io.BytesIO(encrypt(data, 1024)), KEY, SCOPE, hashlib.sha256(data).hexdigest(),
                              len(data), close=lambda: closed.append(True))
    first = next(chunks)
    chunks.close()
    chunks.close()
    assert first == data[:1024] and closed == [True]
    assert list(chunks) == []


def test_a_storage_failure_mid_read_surfaces_and_closes() -> None:
    data = os.urandom(64 * 6)
    blob = encrypt(data, 64)

    class Failing(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            if self.tell() > len(blob) // 2:
                raise StorageUnavailable("gone")
            return super().read(size)

    closed: list[bool] = []
    served = bytearray()
    with pytest.raises(StorageUnavailable):
        for piece in DecryptingStream(Failing(blob), KEY, SCOPE, hashlib.sha256(data).hexdigest(), len(data),
                                      close=lambda: closed.append(True)):
            served += piece
    assert closed == [True] and data.startswith(bytes(served))


# -- uploads ----------------------------------------------------------------------------------------
def test_the_encryptor_does_not_depend_on_how_the_stream_is_cut() -> None:
    data = os.urandom(5000)
    salt = os.urandom(16)
    outputs = set()
    for write_size in (1, 7, 100, 1000, 1024, 2048, 5000):
        sink = io.BytesIO()
        encryptor = ChunkEncryptor(sink, KEY, SCOPE, 1024, salt=salt)
        for i in range(0, len(data), write_size):
            encryptor.write(memoryview(data)[i : i + write_size])
        encryptor.finish()
        outputs.add(sink.getvalue())
    assert len(outputs) == 1


def test_the_encryptor_copies_mutable_buffers() -> None:
    buffer = bytearray(b"%PDF" + bytes(60))
    sink = io.BytesIO()
    encryptor = ChunkEncryptor(sink, KEY, SCOPE, 1024)
    encryptor.write(buffer)
    buffer[:] = bytes(len(buffer))  # the caller reuses its buffer
    encryptor.finish()
    original = b"%PDF" + bytes(60)
    assert b"".join(stream(sink.getvalue(), original)) == original


def count_staging_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    created: list[str] = []
    real = service.tempfile.mkstemp

    def spy(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, path = real(*args, **kwargs)  # type: ignore[call-overload]
        created.append(path)
        return fd, path

    monkeypatch.setattr(service.tempfile, "mkstemp", spy)
    return created


def test_a_small_s3_upload_never_touches_the_disk(s3_archive: Archive, samples, monkeypatch) -> None:
    created = count_staging_files(monkeypatch)
    data = samples.pdf_bytes(300_000)
    ref = s3_archive.put(io.BytesIO(data), "a.pdf", SCOPE)
    assert created == []
    assert s3_archive.read_bytes(ref, SCOPE) == data


def test_a_small_zip_container_is_sniffed_from_memory(s3_archive: Archive, samples, monkeypatch) -> None:
    created = count_staging_files(monkeypatch)
    ref = s3_archive.put(io.BytesIO(samples.xlsx_bytes()), "bang.xlsx", SCOPE)
    assert ref.media_type.endswith("spreadsheetml.sheet") and created == []


@pytest.fixture
def multipart_archive(make_s3_store, key_store) -> Archive:  # type: ignore[no-untyped-def]
    store = make_s3_store(part_size=5 * MIB)
    return Archive(store, key_store, MasterKey(os.urandom(32)), max_size=64 * MIB)


def test_a_large_s3_upload_spills_to_a_staging_file_and_removes_it(multipart_archive: Archive,
                                                                    monkeypatch) -> None:
    created = count_staging_files(monkeypatch)
    data = padded_pdf(12 * MIB, filler=os.urandom(MIB))
    ref = multipart_archive.put(io.BytesIO(data), "big.pdf", SCOPE)
    assert len(created) == 1 and not Path(created[0]).exists()
    assert multipart_archive.read_bytes(ref, SCOPE) == data


@pytest.mark.parametrize("size", [100_000, 12 * MIB], ids=["in-memory", "spilled"])
def test_a_failure_mid_upload_leaves_no_object_and_no_staging_file(multipart_archive: Archive,
                                                                   size: int) -> None:
    def broken() -> Iterator[bytes]:
        yield b"%PDF-1.7\n" + os.urandom(size - 9)
        raise OSError("client went away")

    with pytest.raises(UploadInterrupted):
        multipart_archive.put(broken(), "a.pdf", SCOPE)
    assert list(multipart_archive.store.list()) == []
    assert list(multipart_archive.store.staging_dir().iterdir()) == []


@pytest.mark.parametrize("size", [100_000, 12 * MIB], ids=["single-put", "multipart"])
def test_a_failing_store_leaves_no_object_under_the_content_key(multipart_archive: Archive, monkeypatch,
                                                                size: int) -> None:
    store = multipart_archive.store
    client = store.client  # type: ignore[attr-defined]
    real = client._put_object
    calls = []

    def fail_second_part(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2 or size < MIB:
            raise OSError("connection reset")
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "_put_object", fail_second_part)
    data = padded_pdf(size, filler=os.urandom(MIB))
    with pytest.raises(StorageUnavailable):
        multipart_archive.put(io.BytesIO(data), "a.pdf", SCOPE)
    monkeypatch.undo()
    digest = hashlib.sha256(data).hexdigest()
    assert not store.exists(f"scopes/{SCOPE}/{digest}")
    assert list(store.staging_dir().iterdir()) == []
