"""The archive façade: stream in, hash, sniff, encrypt, store; stream out verified; verify, sweep, shred."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from archive import media
from archive.crypto import DEFAULT_CHUNK_SIZE, ChunkEncryptor, DecryptingReader, DecryptingStream
from archive.errors import (
    ArchiveError,
    FileTooLarge,
    InvalidFileInput,
    ScopeKeyMissing,
    StorageUnavailable,
    UploadInterrupted,
)
from archive.keys import KeyStore
from archive.local import map_os_error
from archive.masterkey import MasterKey
from archive.store import ObjectStore, check_scope, object_key, sha256_of
from ledger.files import FileRef

log = logging.getLogger(__name__)

READ_SIZE = 1024 * 1024
DEFAULT_MAX_SIZE = 1024 * 1024 * 1024

Source = BinaryIO | Iterable[bytes]


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking one stored file: ``ok``, or a ``code`` and a message naming the problem."""

    ok: bool
    key: str
    code: str | None = None
    problem_en: str | None = None
    problem_vi: str | None = None


def clean_filename(filename: str) -> str:
    """The user's file name in NFC, without directory parts or control characters; diacritics kept."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc").strip()
    if not name or name in (".", ".."):
        raise InvalidFileInput(message_en="The file has no name.", message_vi="Tệp không có tên.")
    return name


def _pieces(source: Source) -> Iterator[bytes]:
    """The caller's bytes in pieces; an OSError of *their* stream is not a storage failure."""
    read = getattr(source, "read", None)
    pieces: Iterator[bytes] = iter(lambda: read(READ_SIZE), b"") if read is not None else iter(source)  # type: ignore[arg-type]
    while True:
        try:
            piece = next(pieces)
        except StopIteration:
            return
        except OSError as e:
            raise UploadInterrupted(f"Reading the upload failed: {e}.") from e
        yield bytes(piece)


class _Spool:
    """Where an upload's ciphertext waits for its key: memory up to ``limit`` bytes, then a staging file.

    Nothing but ciphertext is written. ``discard`` removes the staging file (if any) in every case.
    """

    def __init__(self, staging: Path, limit: int) -> None:
        self._staging = staging
        self._limit = limit
        self._pieces: list[bytes] = []
        self._size = 0
        self._file: BinaryIO | None = None
        self.path: Path | None = None

    def write(self, data: bytes) -> int:
        if self._file is None and self._size + len(data) > self._limit:
            self._spill()
        if self._file is not None:
            return self._file.write(data)
        self._pieces.append(data)
        self._size += len(data)
        return len(data)

    def _spill(self) -> None:
        try:
            fd, tmp = tempfile.mkstemp(prefix="upload-", dir=self._staging)
        except OSError as e:
            raise map_os_error(e, "staging") from e
        self.path = Path(tmp)
        self._file = os.fdopen(fd, "w+b")
        for piece in self._pieces:
            self._file.write(piece)
        self._pieces = []

    def getvalue(self) -> bytes:
        return b"".join(self._pieces)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def reader(self) -> BinaryIO:
        """A seekable view of the ciphertext written so far (for sniffing zip containers)."""
        if self._file is None:
            return io.BytesIO(self.getvalue())
        self._file.flush()
        return self._file

    def discard(self) -> None:
        """Drop what was spooled. On a full disk the close cannot flush the last buffer and says so (ENOSPC): the
        file is closed and removed all the same, and the error that ended the upload is the one reported."""
        self._pieces = []
        try:
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
        finally:
            if self.path is not None:
                self.path.unlink(missing_ok=True)


class Archive:
    """Files of documents and records, encrypted per scope (one data key per document or record)."""

    def __init__(self, store: ObjectStore, keys: KeyStore, master_key: MasterKey, *,
                 max_size: int = DEFAULT_MAX_SIZE, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.keys = keys
        self._master = master_key
        self.max_size = max_size
        self._chunk_size = chunk_size
        self._clock = clock
        self._key_lock = threading.Lock()

    # -- keys ---------------------------------------------------------------------------------
    def _data_key(self, scope: str, create: bool) -> bytes:
        wrapped = self.keys.get(scope)
        if wrapped is None:
            if not create:
                raise ScopeKeyMissing(field="file", scope=scope)
            with self._key_lock:
                # add() keeps the first key if another process created one meanwhile.
                wrapped = self.keys.add(scope, self._master.wrap(scope, os.urandom(32)))
        return self._master.unwrap(scope, wrapped)

    # -- put ----------------------------------------------------------------------------------
    def put(self, stream: Source, filename: str, scope: str, retain_until: datetime | None = None,
            declared_size: int | None = None) -> FileRef:
        """Store a file and return its FileRef once the bytes are durable.

        ``stream`` is a binary file object or an iterable of byte blocks, read once, in pieces;
        memory stays bounded whatever the size. The size limit is enforced while reading
        (``declared_size``, e.g. a Content-Length, lets it fail before reading). The media type
        is taken from the bytes; the name is kept as given (NFC) and does not decide the type.
        Errors: ``FileTooLarge``, ``UnsupportedMediaType``, ``StorageUnavailable`` family,
        ``KeyUnavailable`` family, ``InvalidConfiguration`` (bad scope or name).
        """
        name = clean_filename(filename)
        check_scope(scope)
        if declared_size is not None and declared_size > self.max_size:
            raise FileTooLarge(self.max_size)
        data_key = self._data_key(scope, create=True)
        # Small objects (S3: up to one part) are encrypted into memory and sent in one PUT; larger
        # ones spill to a staging file on disk. Either way the ciphertext is complete, and its key
        # (the content hash) known, before anything is stored.
        spool = _Spool(self.store.staging_dir(), getattr(self.store, "memory_spool_limit", 0))
        try:
            digest, size, head = self._encrypt_into(spool, stream, data_key, scope)
            media_type = media.sniff(
                head, lambda: io.BufferedReader(DecryptingReader(spool.reader(), data_key, scope, size), 65536)
            )
            key = object_key(scope, digest)
            # Same bytes, same scope, same key: written again rather than skipped, which refreshes
            # the object's age (so a concurrent sweep cannot take it as an old orphan) and heals it.
            if spool.path is None:
                self.store.put_bytes(key, spool.getvalue(), retain_until)
            else:
                spool.flush()
                self.store.put_file(key, spool.path, retain_until)
            return FileRef(key=key, sha256=digest, size=size, media_type=media_type, filename=name)
        except OSError as e:
            raise map_os_error(e, "upload") from e
        finally:
            spool.discard()

    def _encrypt_into(self, spool: _Spool, stream: Source, data_key: bytes,
                      scope: str) -> tuple[str, int, bytes]:
        encryptor = ChunkEncryptor(spool, data_key, scope, self._chunk_size)
        digest = hashlib.sha256()
        size = 0
        head = b""
        for piece in _pieces(stream):
            size += len(piece)
            if size > self.max_size:
                raise FileTooLarge(self.max_size)
            if len(head) < media.HEAD_SIZE:
                head += piece[: media.HEAD_SIZE - len(head)]
            digest.update(piece)
            encryptor.write(piece)
        encryptor.finish()
        return digest.hexdigest(), size, head

    # -- read ---------------------------------------------------------------------------------
    def open(self, ref: FileRef, scope: str) -> DecryptingStream:
        """An iterator of verified plaintext chunks (close it, or use it in a ``with``).

        Missing key or object, and any corruption within the first chunks, raise here, before
        any byte is handed out; later corruption raises ``IntegrityError`` from ``next()`` before
        the final chunk is released, so a consumer never gets a complete stream of bad bytes.
        """
        if ref.key != object_key(scope, ref.sha256):
            raise InvalidFileInput(message_en=f"{ref.key} does not belong to scope {scope!r}.",
                                   message_vi="Tệp không thuộc tài liệu/hồ sơ này.")
        data_key = self._data_key(scope, create=False)
        raw = self.store.open(ref.key)
        return DecryptingStream(raw, data_key, scope, ref.sha256, ref.size, close=raw.close)

    def read_bytes(self, ref: FileRef, scope: str) -> bytes:
        """The whole file in memory: for small files and tests only."""
        with self.open(ref, scope) as chunks:
            return b"".join(chunks)

    def verify(self, ref: FileRef, scope: str) -> VerifyResult:
        """Check that the object exists, decrypts and hashes right. Unreachable storage raises."""
        try:
            with self.open(ref, scope) as chunks:
                for _ in chunks:
                    pass
        except StorageUnavailable:
            raise
        except ArchiveError as e:
            return VerifyResult(False, ref.key, e.code, e.message_en, e.message_vi)
        return VerifyResult(True, ref.key)

    # -- erase --------------------------------------------------------------------------------
    def destroy_scope(self, scope: str) -> list[str]:
        """Crypto-shred a document or record: destroy its data key, then delete its objects.

        Returns the SHA-256 of every erased object (for the ``Destroyed`` event). The key goes
        first: once it is gone the bytes are unreadable everywhere, backups included, even if
        deleting an object then fails (the call can simply be repeated).
        """
        check_scope(scope)
        objects = list(self.store.list(f"scopes/{scope}/"))
        self.keys.delete(scope)
        for obj in objects:
            self.store.delete(obj.key)
        return sorted(sha256_of(obj.key) for obj in objects)

    def sweep(self, referenced: Callable[[str], bool] | set[str] | frozenset[str],
              grace: timedelta = timedelta(hours=24)) -> list[str]:
        """Delete objects no event references and older than ``grace``; return their keys.

        An upload's FileRef is returned before its event is written, so young objects are
        always left alone: the grace period must exceed the longest upload-to-event delay.
        Also removes staging files left by crashed uploads older than ``grace``.
        """
        is_referenced = referenced.__contains__ if isinstance(referenced, set | frozenset) else referenced
        cutoff = self._clock() - grace
        removed: list[str] = []
        for obj in list(self.store.list()):
            if obj.last_modified < cutoff and not is_referenced(obj.key):
                self.store.delete(obj.key)
                removed.append(obj.key)
                log.info("swept orphan object %s", obj.key)
        self._sweep_staging(cutoff)
        return removed

    def _sweep_staging(self, cutoff: datetime) -> None:
        try:
            for entry in os.scandir(self.store.staging_dir()):
                if entry.name.startswith("upload-") and \
                        datetime.fromtimestamp(entry.stat().st_mtime, UTC) < cutoff:
                    os.unlink(entry.path)
        except OSError as e:
            raise map_os_error(e, "staging") from e

    def check(self) -> None:
        """Raise unless both the object store and the key database answer (health check)."""
        self.store.check()
        self.keys.get("healthcheck")

    def close(self) -> None:
        self.store.close()
        self.keys.close()

