"""Failures become ArchiveErrors: a stopped server, a full disk, every library error of the S3 client."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import urllib3
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from archive.errors import (
    ArchiveError,
    BucketMissing,
    ObjectNotFound,
    StorageAccessDenied,
    StorageFull,
    StorageUnavailable,
    UploadInterrupted,
)
from archive.local import LocalObjectStore, map_os_error
from archive.masterkey import MasterKey
from archive.s3 import S3ObjectStore
from archive.service import Archive

KEY = "scopes/doc-1/" + "ab" * 32


def s3_error(code: str) -> S3Error:
    return S3Error(None, code, f"{code} happened", "/bucket/key", "req", "host")  # type: ignore[arg-type]


LIBRARY_ERRORS: list[BaseException] = [
    s3_error("NoSuchKey"), s3_error("NoSuchBucket"), s3_error("AccessDenied"),
    s3_error("InvalidAccessKeyId"), s3_error("SignatureDoesNotMatch"), s3_error("InternalError"),
    s3_error("SlowDown"), ServerError("server failed", 503), InvalidResponseError(502, "text/html", "<h1>"),
    MinioException("generic"),
    urllib3.exceptions.MaxRetryError(None, "/bucket", reason=None),  # type: ignore[arg-type]
    urllib3.exceptions.ProtocolError("Connection aborted."),
    urllib3.exceptions.ReadTimeoutError(None, "/bucket", "Read timed out."),  # type: ignore[arg-type]
    ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
    OSError(errno.ENOSPC, "No space left on device"),
]


class FakeMinio:
    """Answers like an empty, healthy bucket until ``failing`` is set; then every call raises it."""

    def __init__(self) -> None:
        self.failing: BaseException | None = None

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.failing is not None and name != "get_object":
                raise self.failing
            return getattr(self, "_" + name)(*args, **kwargs)

        return call

    def _bucket_exists(self, bucket: str) -> bool:
        return True

    def _get_object_lock_config(self, bucket: str) -> None:
        raise s3_error("ObjectLockConfigurationNotFoundError")

    def _get_bucket_versioning(self, bucket: str) -> SimpleNamespace:
        return SimpleNamespace(status="Off")

    def _get_object(self, bucket: str, key: str) -> Any:
        fake = self

        class Response:
            def read(self, size: int | None = None) -> bytes:
                if fake.failing is not None:
                    raise fake.failing
                return b""

            def close(self) -> None:
                pass

            def release_conn(self) -> None:
                pass

        return Response()


def _operations(store: S3ObjectStore, tmp_path: Path) -> dict[str, Any]:
    payload = tmp_path / "payload"
    payload.write_bytes(b"ciphertext")
    return {
        "put_file": lambda: store.put_file(KEY, payload),
        "put_bytes": lambda: store.put_bytes(KEY, b"ciphertext"),
        "read": lambda: store.open(KEY).read(10),
        "exists": lambda: store.exists(KEY),
        "delete": lambda: store.delete(KEY),
        "list": lambda: list(store.list()),
        "check": lambda: store.check(),
    }


def _name(error: BaseException) -> str:
    return f"{type(error).__name__}-{getattr(error, 'code', '')}"


@pytest.mark.parametrize("error", LIBRARY_ERRORS, ids=_name)
@pytest.mark.parametrize("operation", ["put_file", "put_bytes", "read", "exists", "delete", "list", "check"])
def test_no_library_exception_escapes_the_s3_adapter_unmapped(tmp_path: Path, error: BaseException,
                                                             operation: str) -> None:
    client = FakeMinio()
    store = S3ObjectStore(client, "bucket", tmp_path / "staging")  # type: ignore[arg-type]
    client.failing = error
    try:
        _operations(store, tmp_path)[operation]()
    except ArchiveError as e:
        assert e.__cause__ is error
        assert e.code and e.message_vi and e.message_en
    else:
        assert operation == "exists" and getattr(error, "code", None) == "NoSuchKey"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("NoSuchKey", ObjectNotFound), ("NoSuchBucket", BucketMissing), ("AccessDenied", StorageAccessDenied),
     ("InvalidAccessKeyId", StorageAccessDenied), ("SignatureDoesNotMatch", StorageAccessDenied),
     ("InternalError", StorageUnavailable)],
)
def test_s3_error_codes_map_to_their_meaning(tmp_path: Path, code: str, expected: type[ArchiveError]) -> None:
    client = FakeMinio()
    store = S3ObjectStore(client, "bucket", tmp_path / "staging")  # type: ignore[arg-type]
    client.failing = s3_error(code)
    with pytest.raises(expected):
        store.open(KEY).read(1)


def test_wrong_credentials_at_start_are_named(tmp_path: Path) -> None:
    client = FakeMinio()
    client.failing = s3_error("InvalidAccessKeyId")
    with pytest.raises(StorageAccessDenied) as denied:
        S3ObjectStore(client, "bucket", tmp_path / "staging")  # type: ignore[arg-type]
    assert denied.value.code == "storage_access_denied"


def test_a_missing_bucket_is_created(moto, tmp_path: Path) -> None:
    client = moto.client()
    store = S3ObjectStore(client, "created-on-start", tmp_path / "staging")
    assert client.bucket_exists("created-on-start")
    store.close()


def test_a_missing_bucket_is_named_when_creating_is_off(moto, tmp_path: Path) -> None:
    with pytest.raises(BucketMissing):
        S3ObjectStore(moto.client(), "never-made", tmp_path / "staging", create_bucket=False)


def test_an_unreachable_server_is_reported_quickly(tmp_path: Path, start_moto) -> None:
    server = start_moto()
    server.stop()
    with pytest.raises(StorageUnavailable) as down:
        S3ObjectStore(server.client(), "bucket", tmp_path / "staging")
    assert down.value.code == "storage_unavailable"


def test_a_server_stopped_during_an_upload_fails_cleanly(tmp_path: Path, start_moto, key_store,
                                                        samples) -> None:
    server = start_moto()
    store = S3ObjectStore(server.client(), "uploads", tmp_path / "staging", part_size=5 * 1024 * 1024)
    archive = Archive(store, key_store, MasterKey(os.urandom(32)))
    mib = 1024 * 1024
    data = samples.pdf_bytes(12 * mib)

    def upload() -> Iterator[bytes]:
        for start in range(0, len(data), mib):
            yield data[start : start + mib]
        server.stop()  # the caller is still sending when the storage goes away

    with pytest.raises(StorageUnavailable):
        archive.put(upload(), "scan.pdf", "rec-1")
    assert list(store.staging_dir().iterdir()) == []
    archive.close()


def test_a_full_disk_is_reported_as_such() -> None:
    mapped = map_os_error(OSError(errno.ENOSPC, "No space left on device"), "upload")
    assert isinstance(mapped, StorageFull) and mapped.code == "storage_full"
    assert "dung lượng" in mapped.message_vi


def test_local_storage_failures_are_mapped(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    with pytest.raises(StorageUnavailable):
        store.put_file(KEY, tmp_path / "does-not-exist")
    with pytest.raises(ObjectNotFound):
        store.open(KEY)


def test_errors_carry_a_stable_code_and_both_languages() -> None:
    import archive.errors as errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, ArchiveError)]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)) >= 14
    for cls in classes:
        assert cls.message_vi != ArchiveError.message_vi or cls is ArchiveError
        assert cls.message_en


def test_an_interrupted_upload_leaves_no_staging_file(tmp_path: Path, local_archive: Archive) -> None:
    def broken() -> Iterator[bytes]:
        yield b"%PDF-1.7 start"
        raise OSError(errno.ECONNRESET, "client went away")

    with pytest.raises(UploadInterrupted) as interrupted:
        local_archive.put(broken(), "a.pdf", "doc-1")
    assert interrupted.value.field == "file"
    assert list(local_archive.store.staging_dir().iterdir()) == []
