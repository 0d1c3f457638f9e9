"""ObjectStore port: where ciphertext objects live (local directory or S3), and key naming rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from archive.errors import InvalidConfiguration

_SEGMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
PREFIX = "scopes/"


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: datetime


class ObjectReader(Protocol):
    """Raw bytes of one object; adapters map their library errors inside ``read``."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class ObjectStore(Protocol):
    """Stores opaque (already encrypted) objects under keys such as ``scopes/<scope>/<sha256>``."""

    #: Whether ``put_file`` honours ``retain_until`` (S3 object lock); checked once at start.
    supports_retention: bool

    #: Ciphertext up to this many bytes may be kept in memory and stored with ``put_bytes``
    #: instead of going through a staging file (0: always a staging file).
    memory_spool_limit: int

    def staging_dir(self) -> Path:
        """A directory on local disk for uploads being prepared (same filesystem as the objects if local)."""
        ...

    def put_file(self, key: str, path: Path, retain_until: datetime | None = None) -> None:
        """Make the file at ``path`` durable under ``key``; it may be moved away. Returns when durable."""
        ...

    def put_bytes(self, key: str, data: bytes, retain_until: datetime | None = None) -> None:
        """Like ``put_file`` for a small object held in memory (at most ``memory_spool_limit``)."""
        ...

    def open(self, key: str) -> ObjectReader: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove every version of the object; no error if it is absent."""
        ...

    def list(self, prefix: str = PREFIX) -> Iterator[StoredObject]: ...

    def check(self) -> None:
        """Raise a ``StorageUnavailable`` unless the store answers (for health checks)."""
        ...

    def close(self) -> None: ...


def check_scope(scope: str) -> str:
    if not isinstance(scope, str) or not _SEGMENT.match(scope):
        raise InvalidConfiguration(
            f"Invalid scope {scope!r}: use letters, digits, '.', '_' or '-' (e.g. a UUID).",
            "Phạm vi mã hóa không hợp lệ.",
        )
    return scope


def object_key(scope: str, sha256: str) -> str:
    return f"{PREFIX}{check_scope(scope)}/{sha256}"


def check_key(key: str) -> str:
    """Keys are ``scopes/<scope>/<sha256>``: nothing else reaches a backend (no path traversal)."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] + "/" != PREFIX or not _SEGMENT.match(parts[1]) \
            or not _SHA256.match(parts[2]):
        raise InvalidConfiguration(f"Invalid object key {key!r}.", "Khóa đối tượng không hợp lệ.")
    return key


def scope_of(key: str) -> str:
    return check_key(key).split("/")[1]


def sha256_of(key: str) -> str:
    return check_key(key).split("/")[2]
