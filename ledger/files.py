"""FileRef: how an event points at a file's bytes in object storage."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class FileRef:
    """An immutable reference to stored bytes.

    ``key`` is the object key in the store, ``sha256`` the hex digest of the plain
    bytes, ``size`` their length, ``media_type`` the type checked from the bytes and
    ``filename`` the name the user gave (Vietnamese diacritics kept, NFC).
    """

    key: str
    sha256: str
    size: int
    media_type: str
    filename: str

    def __post_init__(self) -> None:
        if not _SHA256.match(self.sha256):
            raise ValueError("sha256 must be 64 lowercase hex digits")
        if self.size < 0:
            raise ValueError("size must not be negative")
        if not self.key or not self.filename or not self.media_type:
            raise ValueError("key, filename and media_type are required")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileRef:
        return cls(
            key=str(data["key"]),
            sha256=str(data["sha256"]),
            size=int(data["size"]),
            media_type=str(data["media_type"]),
            filename=str(data["filename"]),
        )


def evidence_scope(record_id: str) -> str:
    """The encryption scope of a record's destruction evidence, which must outlive the record's own key."""
    return f"{record_id}-evidence"
