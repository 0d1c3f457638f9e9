"""FileRef: how an event points at a file's bytes in object storage, and the one rule for each file's scope."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
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


class FileKind(StrEnum):
    """What a stored file is to the ledger; each kind has one scope (its encryption key) in the archive."""

    VERSION = "version"    # a document version's draft file (DraftCreated, DraftRevised)
    SIGNED = "signed"      # the signed PDF that becomes its version's file (Signed)
    RECORD = "record"      # a file kept in a record (FileAdded)
    EVIDENCE = "evidence"  # a record's destruction minutes (Destroyed), kept after the record's key is shredded
    IMAGE = "image"        # a leader's signature image or an agency's seal (SignatureImageSet, SealImageSet)
    CASE = "case"          # a file a QMS case's step names (e.g. a measurement's evidence: CaseOpened, StepTaken)


def file_scope(kind: FileKind, aggregate_id: str) -> str:
    """The archive scope of a file of ``kind`` that belongs to the document or record ``aggregate_id``.

    Every entry point that stores or reads a file, and the reference index that verify and sweep walk,
    ask this function: a version's file and its signed copy share the document's scope (a signature
    replaces the version's file), a record's files share the record's scope (shredded on destruction),
    and destruction evidence has a scope of its own so that shredding the record leaves it readable; an
    account's signature image and an agency's seal belong to that account's or agency's aggregate, and a QMS
    case's files (a measurement's evidence) to the case."""
    if kind is FileKind.EVIDENCE:
        return f"{aggregate_id}-evidence"
    return aggregate_id


def evidence_scope(record_id: str) -> str:
    """The scope of a record's destruction evidence: ``file_scope(FileKind.EVIDENCE, record_id)``."""
    return file_scope(FileKind.EVIDENCE, record_id)


def stored_scope(kind: FileKind, aggregate_id: str, ref: FileRef) -> str:
    """The scope a file referenced by an event was stored under: ``file_scope``, except destruction minutes
    that the HTTP API and the web pages stored under ``{record_id}.minutes`` before that was corrected;
    their events cannot change, so the reference index reads them where they are."""
    legacy = f"{aggregate_id}.minutes"
    if kind is FileKind.EVIDENCE and ref.key == f"scopes/{legacy}/{ref.sha256}":
        return legacy
    return file_scope(kind, aggregate_id)
