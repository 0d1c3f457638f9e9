"""Object storage of files: encrypted per scope, content-addressed, verified on every read, erasable."""

from __future__ import annotations

from archive.bootstrap import ArchiveSettings, build_archive, open_store
from archive.errors import (
    ArchiveError,
    BucketMissing,
    FileTooLarge,
    IntegrityError,
    InvalidConfiguration,
    KeyUnavailable,
    ObjectNotFound,
    RetentionActive,
    ScopeKeyMissing,
    StorageAccessDenied,
    StorageFull,
    StorageUnavailable,
    UnsupportedMediaType,
    UploadInterrupted,
    WrongMasterKey,
)
from archive.service import Archive, VerifyResult

__all__ = [
    "Archive", "ArchiveSettings", "VerifyResult", "build_archive", "open_store",
    "ArchiveError", "BucketMissing", "FileTooLarge", "IntegrityError", "InvalidConfiguration",
    "KeyUnavailable", "ObjectNotFound", "RetentionActive", "ScopeKeyMissing", "StorageAccessDenied",
    "StorageFull", "StorageUnavailable", "UnsupportedMediaType", "UploadInterrupted", "WrongMasterKey",
]
