"""Chunked AES-256-GCM (a STREAM-style construction): encrypt while writing, verify while reading.

Object layout::

    header  = b"ISOA" | version (1 byte) | chunk_size (4 bytes, big-endian) | salt (16 bytes)
    chunk i = AES-256-GCM(object_key, nonce_i, plaintext_i, aad=header) -> ciphertext_i | tag (16 bytes)

``object_key = HKDF-SHA256(data_key, salt, info="isoledger/archive/v1/" + scope)``: a fresh key per
object, so counter nonces never repeat under one key. ``nonce_i = i (8 bytes) | final (1 byte) | 000``:
the chunk index and a final-chunk flag are authenticated, so a reordered, dropped, cut or appended
chunk fails its tag. Every chunk holds ``chunk_size`` plaintext bytes except the last (possibly empty).
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from archive.errors import IntegrityError

MAGIC = b"ISOA"
VERSION = 1
TAG_SIZE = 16
SALT_SIZE = 16
HEADER = struct.Struct(">4sBI16s")
DEFAULT_CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def _object_aead(data_key: bytes, salt: bytes, scope: str) -> AESGCM:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=salt,
        info=b"isoledger/archive/v1/" + scope.encode("utf-8"),
    )
    return AESGCM(hkdf.derive(data_key))


def _nonce(index: int, final: bool) -> bytes:
    return struct.pack(">QB3x", index, 1 if final else 0)


def ciphertext_size(plain_size: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Size of the stored object for ``plain_size`` bytes of plaintext."""
    chunks = max(1, -(-plain_size // chunk_size))
    return HEADER.size + plain_size + chunks * TAG_SIZE


class ChunkEncryptor:
    """Encrypts a stream of ``write`` calls into ``sink``; ``finish`` seals the final chunk.

    Holds at most one chunk of plaintext: a full chunk is kept back until more data arrives,
    because only then is it known not to be the final one. The caller's pieces are kept by
    reference, not copied: a piece that is exactly one chunk is encrypted as it is.
    """

    def __init__(self, sink: Writable, data_key: bytes, scope: str, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 salt: bytes | None = None) -> None:
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError("chunk_size out of range")
        self._salt = salt if salt is not None else os.urandom(SALT_SIZE)
        self._header = HEADER.pack(MAGIC, VERSION, chunk_size, self._salt)
        self._aead = _object_aead(data_key, self._salt, scope)
        self._sink = sink
        self._chunk_size = chunk_size
        self._pending: list[bytes | memoryview] = []
        self._pending_size = 0
        self._index = 0
        self._finished = False
        sink.write(self._header)

    def write(self, data: bytes) -> None:
        if self._finished:
            raise ValueError("encryptor already finished")
        if not data:
            return
        if not isinstance(data, bytes):
            data = bytes(data)  # a mutable buffer could change under us
        self._pending.append(data)
        self._pending_size += len(data)
        while self._pending_size > self._chunk_size:
            self._seal(self._take(self._chunk_size), final=False)

    def finish(self) -> None:
        self._seal(self._take(self._pending_size), final=True)
        self._finished = True

    def _take(self, size: int) -> bytes | memoryview:
        """The first ``size`` pending bytes, without copying when one piece holds them."""
        if size == 0:
            return b""
        self._pending_size -= size
        first = self._pending[0]
        if len(first) == size:
            self._pending.pop(0)
            return first
        if len(first) > size:
            view = memoryview(first)
            self._pending[0] = view[size:]
            return view[:size]
        parts: list[bytes | memoryview] = []
        needed = size
        while needed:
            piece = self._pending[0]
            if len(piece) <= needed:
                parts.append(self._pending.pop(0))
                needed -= len(piece)
            else:
                view = memoryview(piece)
                parts.append(view[:needed])
                self._pending[0] = view[needed:]
                needed = 0
        return b"".join(parts)

    def _seal(self, plaintext: bytes | memoryview, final: bool) -> None:
        self._sink.write(self._aead.encrypt(_nonce(self._index, final), plaintext, self._header))
        self._index += 1


def _read_exact(raw: Readable, size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        data = raw.read(remaining)
        if not data:
            break
        parts.append(data)
        remaining -= len(data)
    return b"".join(parts)


def _parse_header(header: bytes) -> tuple[int, bytes]:
    if len(header) != HEADER.size:
        raise IntegrityError("The stored file is truncated (no complete header).")
    magic, version, chunk_size, salt = HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or not 0 < chunk_size <= MAX_CHUNK_SIZE:
        raise IntegrityError("The stored file does not have a valid encryption header.")
    return chunk_size, salt


class DecryptingStream(Iterator[bytes]):
    """Iterates over verified plaintext chunks of one stored object.

    Each chunk is released only after its GCM tag verified (index and final flag included).
    The final chunk is released only after the SHA-256 and size of the whole plaintext match
    the expected ones and no byte follows it: a consumer never sees a complete stream of bad data.
    The first chunk is decrypted eagerly, so for a file of one chunk (<= 1 MiB by default) any
    problem raises when the stream is created, before a response is started.
    """

    def __init__(self, raw: Readable, data_key: bytes, scope: str, sha256: str, size: int,
                 close: Callable[[], None] | None = None) -> None:
        self._raw = raw
        self._close_raw = close
        self._expected_sha256 = sha256
        self._expected_size = size
        self._hash = hashlib.sha256()
        self._index = 0
        self._closed = False
        try:
            header = _read_exact(raw, HEADER.size)
            self._chunk_size, salt = _parse_header(header)
            self._header = header
            self._aead = _object_aead(data_key, salt, scope)
            self._count = max(1, -(-size // self._chunk_size))
            self._ready: bytes | None = self._decrypt_next()
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> DecryptingStream:
        return self

    def __next__(self) -> bytes:
        if self._ready is None:
            self.close()
            raise StopIteration
        chunk = self._ready
        try:
            self._ready = self._decrypt_next() if self._index < self._count else None
        except BaseException:
            self.close()
            raise
        return chunk

    def _decrypt_next(self) -> bytes:
        index = self._index
        final = index == self._count - 1
        plain_len = self._expected_size - index * self._chunk_size if final else self._chunk_size
        record = _read_exact(self._raw, plain_len + TAG_SIZE)
        if len(record) != plain_len + TAG_SIZE:
            raise IntegrityError("The stored file is truncated.")
        try:
            plaintext = self._aead.decrypt(_nonce(index, final), record, self._header)
        except InvalidTag as e:
            raise IntegrityError(f"Chunk {index} of the stored file failed authentication.") from e
        self._hash.update(plaintext)
        self._index += 1
        if final:
            if self._raw.read(1):
                raise IntegrityError("The stored file has unexpected bytes after its final chunk.")
            if self._hash.hexdigest() != self._expected_sha256:
                raise IntegrityError("The stored file does not match its SHA-256.")
        return plaintext

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._ready = None
            if self._close_raw is not None:
                self._close_raw()

    def __enter__(self) -> DecryptingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DecryptingReader(io.RawIOBase):
    """A seekable read-only view of the plaintext of an encrypted *local* file (random access by chunk).

    Used to look inside zip containers (DOCX, XLSX, ODF) at upload time without writing plaintext
    to disk. Integrity of the whole file is not checked here, only each chunk's tag.
    """

    def __init__(self, file: BinaryIO, data_key: bytes, scope: str, plain_size: int) -> None:
        super().__init__()
        self._file = file
        file.seek(0)
        self._header = _read_exact(file, HEADER.size)
        self._chunk_size, salt = _parse_header(self._header)
        self._aead = _object_aead(data_key, salt, scope)
        self._size = plain_size
        self._count = max(1, -(-plain_size // self._chunk_size))
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        final = index == self._count - 1
        plain_len = self._size - index * self._chunk_size if final else self._chunk_size
        self._file.seek(HEADER.size + index * (self._chunk_size + TAG_SIZE))
        record = _read_exact(self._file, plain_len + TAG_SIZE)
        try:
            plaintext = self._aead.decrypt(_nonce(index, final), record, self._header)
        except InvalidTag as e:
            raise IntegrityError(f"Chunk {index} of the staged file failed authentication.") from e
        self._cached = (index, plaintext)
        return plaintext

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._size:
            return 0
        index, offset = divmod(self._pos, self._chunk_size)
        data = self._chunk(index)[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)
