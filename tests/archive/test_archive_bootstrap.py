"""Wiring from settings: URLs, environment variables, and the embedded master key file."""

from __future__ import annotations

import base64
import io
import os
import stat
from pathlib import Path

import pytest

from archive import ArchiveSettings, build_archive, open_store
from archive.errors import InvalidConfiguration, WrongMasterKey
from archive.local import LocalObjectStore
from archive.s3 import S3ObjectStore
from isoledger.settings import Settings


def test_the_storage_section_comes_from_the_environment() -> None:
    settings = Settings.from_env({
        "ISOLEDGER_HOME": "/srv/iso", "ISOLEDGER_STORAGE_URL": "s3://minio:9000/files",
        "ISOLEDGER_S3_ACCESS_KEY": "ak", "ISOLEDGER_S3_SECRET_KEY": "sk-khoa-bi-mat", "ISOLEDGER_S3_SECURE": "false",
        "ISOLEDGER_MAX_UPLOAD_SIZE": "1000",
    }).storage
    assert settings.home == Path("/srv/iso") and settings.storage_url == "s3://minio:9000/files"
    assert (settings.s3_access_key, settings.s3_secure) == ("ak", False)
    assert settings.s3_secret_key is not None and settings.s3_secret_key.get_secret_value() == "sk-khoa-bi-mat"
    assert "sk-khoa-bi-mat" not in repr(settings)
    assert settings.max_size == 1000
    assert Settings.from_env({"ISOLEDGER_HOME": "/srv/iso"}).storage.storage_url == "file:///srv/iso/objects"


def test_a_master_key_given_as_text_is_kept_masked(tmp_path: Path) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    settings = ArchiveSettings(home=tmp_path, master_key=key)  # type: ignore[arg-type]
    assert key not in repr(settings) and key not in str(settings)
    open_store(settings).close()


def test_embedded_mode_generates_a_private_master_key_once(tmp_path: Path, samples) -> None:
    archive = build_archive(home=tmp_path)
    key_file = tmp_path / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32
    ref = archive.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", "doc-1")
    assert isinstance(archive.store, LocalObjectStore)
    assert archive.store.root == tmp_path / "objects"
    archive.close()
    again = build_archive(home=tmp_path)  # restarted: same key, same data
    assert again.verify(ref, "doc-1").ok
    again.close()


def test_starting_with_another_master_key_cannot_read_old_files(tmp_path: Path, samples) -> None:
    archive = build_archive(home=tmp_path)
    ref = archive.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", "doc-1")
    other = build_archive(home=tmp_path, master_key=base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(WrongMasterKey):
        other.open(ref, "doc-1")


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_master_key_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(InvalidConfiguration):
        build_archive(home=tmp_path, master_key=value)


@pytest.mark.parametrize("url", ["ftp://host/x", "s3://host:9000/", "s3:///bucket"])
def test_a_malformed_storage_url_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(InvalidConfiguration):
        build_archive(url, tmp_path)


def test_an_s3_url_opens_the_s3_backend(moto, tmp_path: Path) -> None:
    archive = open_store(ArchiveSettings(
        home=tmp_path, storage_url=f"s3://{moto.endpoint}/from-url", s3_access_key="k", s3_secret_key="s",
        s3_secure=False,
    ))
    assert isinstance(archive.store, S3ObjectStore) and archive.store.bucket == "from-url"
    archive.check()
    archive.close()


def test_an_explicit_directory_url_is_used(tmp_path: Path) -> None:
    archive = build_archive(f"file://{tmp_path / 'elsewhere'}", tmp_path / "home")
    assert archive.store.root == tmp_path / "elsewhere"  # type: ignore[attr-defined]
