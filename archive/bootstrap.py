"""Wiring: the archive's settings section, and one factory that builds the archive from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from archive.errors import InvalidConfiguration
from archive.keys import open_key_store
from archive.local import LocalObjectStore
from archive.masterkey import load_master_key
from archive.service import DEFAULT_MAX_SIZE, Archive
from archive.store import ObjectStore


def _reveal(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


@dataclass(frozen=True)
class ArchiveSettings:
    """The storage section of the settings (``isoledger.settings`` reads it from the environment).

    Secrets (the master key, the S3 secret key, the database URL with its password) are ``SecretStr``;
    plain strings given here are wrapped, so they stay masked when the settings are printed.
    """

    home: Path = Path("./var")
    storage_url: str = "file://"
    master_key: SecretStr | None = None
    database_url: SecretStr | None = None
    max_size: int = DEFAULT_MAX_SIZE
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = True
    s3_region: str | None = None

    def __post_init__(self) -> None:
        for name in ("master_key", "database_url", "s3_secret_key"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, SecretStr(value) if value else None)
        object.__setattr__(self, "home", Path(self.home))


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
            access_key=settings.s3_access_key, secret_key=_reveal(settings.s3_secret_key),
            secure=settings.s3_secure, region=settings.s3_region,
        )
    raise InvalidConfiguration(
        f"ISOLEDGER_STORAGE_URL must start with file:// or s3://, not {url!r}.",
        "ISOLEDGER_STORAGE_URL phải bắt đầu bằng file:// hoặc s3://.",
    )


def open_store(settings: ArchiveSettings) -> Archive:
    """The archive for ``settings``. Close it at shutdown."""
    master = load_master_key(_reveal(settings.master_key), settings.home)
    keys = open_key_store(_reveal(settings.database_url), settings.home)
    store = open_object_store(settings)
    return Archive(store, keys, master, max_size=settings.max_size)


def build_archive(storage_url: str = "file://", home: str | Path = "./var", master_key: str | None = None,
                  database_url: str | None = None, max_size: int = DEFAULT_MAX_SIZE,
                  **s3: str | bool | None) -> Archive:
    """Same as ``open_store`` with plain arguments; ``s3`` takes ``s3_access_key``, ``s3_secret_key``,
    ``s3_secure``, ``s3_region``."""
    settings = ArchiveSettings(Path(home), storage_url, SecretStr(master_key) if master_key else None,
                               SecretStr(database_url) if database_url else None, max_size,
                               **s3)  # type: ignore[arg-type]  # s3_secret_key as text is wrapped too
    return open_store(settings)
