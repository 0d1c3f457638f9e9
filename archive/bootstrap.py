"""Wiring: settings from the environment, and one factory that builds the archive from them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import InvalidConfiguration
from archive.keys import open_key_store
from archive.local import LocalObjectStore
from archive.masterkey import load_master_key
from archive.service import DEFAULT_MAX_SIZE, Archive
from archive.store import ObjectStore

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ArchiveSettings:
    home: Path = Path("./var")
    storage_url: str = "file://"
    master_key: str | None = None
    database_url: str | None = None
    max_size: int = DEFAULT_MAX_SIZE
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_secure: bool = True
    s3_region: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ArchiveSettings:
        env = os.environ if environ is None else environ
        try:
            max_size = int(env.get("ISOLEDGER_MAX_UPLOAD_SIZE", DEFAULT_MAX_SIZE))
        except ValueError as e:
            raise InvalidConfiguration("ISOLEDGER_MAX_UPLOAD_SIZE must be a number of bytes.") from e
        return cls(
            home=Path(env.get("ISOLEDGER_HOME") or "./var"),
            storage_url=env.get("ISOLEDGER_STORAGE_URL") or "file://",
            master_key=env.get("ISOLEDGER_MASTER_KEY") or None,
            database_url=env.get("ISOLEDGER_DATABASE_URL") or None,
            max_size=max_size,
            s3_access_key=env.get("ISOLEDGER_S3_ACCESS_KEY") or None,
            s3_secret_key=env.get("ISOLEDGER_S3_SECRET_KEY") or None,
            s3_secure=env.get("ISOLEDGER_S3_SECURE", "true").strip().lower() in _TRUE,
            s3_region=env.get("ISOLEDGER_S3_REGION") or None,
        )


def open_object_store(settings: ArchiveSettings) -> ObjectStore:
    url = settings.storage_url
    scheme = urlsplit(url).scheme
    if scheme == "file":
        path = url.removeprefix("file://")
        return LocalObjectStore(Path(path) if path else settings.home / "objects")
    if scheme == "s3":
        from archive.s3 import S3ObjectStore  # minio only when S3 is configured

        return S3ObjectStore.from_url(
            url, settings.home / "tmp",
            access_key=settings.s3_access_key, secret_key=settings.s3_secret_key,
            secure=settings.s3_secure, region=settings.s3_region,
        )
    raise InvalidConfiguration(
        f"ISOLEDGER_STORAGE_URL must start with file:// or s3://, not {url!r}.",
        "ISOLEDGER_STORAGE_URL phải bắt đầu bằng file:// hoặc s3://.",
    )


def open_store(settings: ArchiveSettings | None = None) -> Archive:
    """The archive for ``settings`` (default: from the environment). Close it at shutdown."""
    settings = settings or ArchiveSettings.from_env()
    master = load_master_key(settings.master_key, settings.home)
    keys = open_key_store(settings.database_url, settings.home)
    store = open_object_store(settings)
    return Archive(store, keys, master, max_size=settings.max_size)


def build_archive(storage_url: str = "file://", home: str | Path = "./var", master_key: str | None = None,
                  database_url: str | None = None, max_size: int = DEFAULT_MAX_SIZE,
                  **s3: str | bool | None) -> Archive:
    """Same as ``open_store`` with plain arguments; ``s3`` takes ``s3_access_key``, ``s3_secret_key``,
    ``s3_secure``, ``s3_region``."""
    settings = ArchiveSettings(Path(home), storage_url, master_key, database_url, max_size, **s3)  # type: ignore[arg-type]
    return open_store(settings)
