"""Chunked AES-256-GCM: round trips, and every kind of tampering is detected (hypothesis)."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.crypto import HEADER, TAG_SIZE, ChunkEncryptor, DecryptingStream, ciphertext_size
from archive.errors import IntegrityError, KeyUnavailable, WrongMasterKey
from archive.masterkey import MasterKey

KEY = bytes(range(32))
SCOPE = "record-1"


def encrypt(data: bytes, chunk_size: int, pieces: int = 3, scope: str = SCOPE) -> bytes:
    sink = io.BytesIO()
    encryptor = ChunkEncryptor(sink, KEY, scope, chunk_size)
    step = max(1, len(data) // pieces)
    for i in range(0, len(data), step):
        encryptor.write(data[i : i + step])
    encryptor.finish()
    return sink.getvalue()


def decrypt(blob: bytes, data: bytes, scope: str = SCOPE) -> bytes:
    stream = DecryptingStream(io.BytesIO(blob), KEY, scope, hashlib.sha256(data).hexdigest(), len(data))
    return b"".join(stream)


def records(blob: bytes, chunk_size: int) -> tuple[bytes, list[bytes]]:
    body = blob[HEADER.size :]
    step = chunk_size + TAG_SIZE
    return blob[: HEADER.size], [body[i : i + step] for i in range(0, len(body), step)]


data_and_chunk = st.tuples(st.binary(max_size=600), st.integers(min_value=1, max_value=64))


@given(data_and_chunk, st.integers(min_value=1, max_value=7))
def test_encryption_round_trips_for_any_data_chunking_and_write_pattern(case, pieces) -> None:
    data, chunk_size = case
    blob = encrypt(data, chunk_size, pieces)
    assert len(blob) == ciphertext_size(len(data), chunk_size)
    assert decrypt(blob, data) == data


@settings(max_examples=300)
@given(data_and_chunk, st.data())
def test_any_flipped_bit_is_detected(case, draw) -> None:
    data, chunk_size = case
    blob = bytearray(encrypt(data, chunk_size))
    position = draw.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[position] ^= 1 << draw.draw(st.integers(min_value=0, max_value=7))
    with pytest.raises(IntegrityError):
        decrypt(bytes(blob), data)


@given(data_and_chunk, st.data())
def test_a_dropped_chunk_is_detected(case, draw) -> None:
    data, chunk_size = case
    header, chunks = records(encrypt(data, chunk_size), chunk_size)
    drop = draw.draw(st.integers(min_value=0, max_value=len(chunks) - 1))
    with pytest.raises(IntegrityError):
        decrypt(header + b"".join(c for i, c in enumerate(chunks) if i != drop), data)


@given(st.binary(min_size=2, max_size=600), st.integers(min_value=1, max_value=64), st.data())
def test_swapped_chunks_are_detected(data, chunk_size, draw) -> None:
    header, chunks = records(encrypt(data, chunk_size), chunk_size)
    if len(chunks) < 2:
        chunk_size = 1
        header, chunks = records(encrypt(data, chunk_size), chunk_size)
    i, j = draw.draw(st.lists(st.integers(0, len(chunks) - 1), min_size=2, max_size=2, unique=True))
    chunks[i], chunks[j] = chunks[j], chunks[i]
    with pytest.raises(IntegrityError):
        decrypt(header + b"".join(chunks), data)


@given(data_and_chunk, st.data())
def test_a_cut_or_extended_object_is_detected(case, draw) -> None:
    data, chunk_size = case
    blob = encrypt(data, chunk_size)
    cut = draw.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    with pytest.raises(IntegrityError):
        decrypt(blob[:cut], data)
    with pytest.raises(IntegrityError):
        decrypt(blob + draw.draw(st.binary(min_size=1, max_size=40)), data)


@given(st.binary(min_size=1, max_size=300))
def test_a_stream_of_wrong_length_is_detected(data) -> None:
    # A truncated file re-encrypted whole still differs from what the FileRef promised.
    blob = encrypt(data[:-1], 16)
    with pytest.raises(IntegrityError):
        decrypt(blob, data)


def test_an_object_cannot_be_read_under_another_scope() -> None:
    data = os.urandom(100)
    with pytest.raises(IntegrityError):
        decrypt(encrypt(data, 32, scope="record-1"), data, scope="record-2")


def test_the_last_chunk_is_withheld_until_the_whole_file_hashes_right() -> None:
    data = os.urandom(100)
    blob = encrypt(data, 32)
    wrong = hashlib.sha256(b"something else").hexdigest()
    stream = DecryptingStream(io.BytesIO(blob), KEY, SCOPE, wrong, len(data))
    served = b""
    with pytest.raises(IntegrityError):
        for chunk in stream:
            served += chunk
    assert len(served) < len(data)


def test_a_data_key_unwraps_only_with_its_master_key_and_scope() -> None:
    master, other = MasterKey(os.urandom(32)), MasterKey(os.urandom(32))
    wrapped = master.wrap("doc-1", KEY)
    assert master.unwrap("doc-1", wrapped) == KEY
    with pytest.raises(WrongMasterKey):
        other.unwrap("doc-1", wrapped)
    with pytest.raises(KeyUnavailable):
        master.unwrap("doc-2", wrapped)  # a row copied to another scope
