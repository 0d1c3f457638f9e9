"""ObjectStore on S3-compatible storage (MinIO, Ceph RGW, AWS) through the minio client."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.commonconfig import GOVERNANCE
from minio.deleteobjects import DeleteObject
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.retention import Retention

from archive.errors import (
    ArchiveError,
    BucketMissing,
    InvalidConfiguration,
    ObjectNotFound,
    RetentionActive,
    StorageAccessDenied,
    StorageUnavailable,
)
from archive.local import map_os_error
from archive.store import PREFIX, ObjectReader, StoredObject, check_key

log = logging.getLogger(__name__)

_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken",
           "ExpiredToken", "AllAccessDisabled"}
_MISSING_OBJECT = {"NoSuchKey", "NoSuchVersion", "ResourceNotFound"}
DEFAULT_PART_SIZE = 5 * 1024 * 1024  # the S3 minimum: minio keeps up to ~5 parts alive at once (see tests)


def map_s3_error(e: BaseException, what: str) -> ArchiveError:
    """The one place where minio, urllib3 and socket errors become ``ArchiveError``s."""
    if isinstance(e, S3Error):
        if e.code in _MISSING_OBJECT:
            return ObjectNotFound(f"No object {what}.", field="file")
        if e.code == "NoSuchBucket":
            return BucketMissing(f"The bucket is missing ({what}).")
        if e.code in _DENIED:
            return StorageAccessDenied(f"The S3 server refused access on {what}: {e.code}.")
        if e.code == "ObjectLocked" or "lock" in (e.message or "").lower():
            return RetentionActive(f"{what}: {e.message}")
        return StorageUnavailable(f"The S3 server answered {e.code} on {what}: {e.message}.")
    if isinstance(e, ServerError | InvalidResponseError):
        return StorageUnavailable(f"The S3 server failed on {what}: {e}.")
    if isinstance(e, urllib3.exceptions.HTTPError | MinioException):
        return StorageUnavailable(f"The S3 server cannot be reached ({what}): {type(e).__name__}.")
    if isinstance(e, OSError):
        return map_os_error(e, what)
    if isinstance(e, ArchiveError):
        return e
    if isinstance(e, ValueError):  # minio validates names and arguments with ValueError
        return InvalidConfiguration(f"Invalid S3 request on {what}: {e}.", "Yêu cầu S3 không hợp lệ.")
    return StorageUnavailable(f"Unexpected S3 client failure on {what}: {type(e).__name__}: {e}.")


@contextmanager
def _mapped(what: str) -> Iterator[None]:
    try:
        yield
    except ArchiveError:
        raise
    except (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError) as e:
        raise map_s3_error(e, what) from e


class _ResponseReader:
    def __init__(self, key: str, response: Any) -> None:
        self._key = key
        self._response = response
        self._at_end = False

    def read(self, size: int = -1, /) -> bytes:
        with _mapped(self._key):
            data = bytes(self._response.read(None if size < 0 else size))
        if size < 0 or (size > 0 and not data):
            self._at_end = True
        return data

    def close(self) -> None:
        try:
            if self._at_end:
                self._response.release_conn()  # fully read: the connection can serve the next request
            else:
                self._response.close()  # unread bytes would poison a reused connection
                self._response.release_conn()
        except (urllib3.exceptions.HTTPError, OSError):  # closing a broken connection: nothing to keep
            pass


def http_client(connect_timeout: float = 5.0, read_timeout: float = 60.0,
                retries: int = 3) -> urllib3.PoolManager:
    """Bounded timeouts and retries, so an unreachable server fails in seconds, not minutes."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        retries=urllib3.Retry(total=retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


class S3ObjectStore:
    """Objects in one bucket. Object lock (WORM, GOVERNANCE mode) is used where the bucket has it."""

    def __init__(self, client: Minio, bucket: str, staging: Path, *, part_size: int = DEFAULT_PART_SIZE,
                 parallel_uploads: int = 2, create_bucket: bool = True, object_lock: bool = False) -> None:
        self._client = client
        self._bucket = bucket
        self._staging = staging
        self._part_size = part_size
        self._parallel = parallel_uploads
        # An object that fits one part is a single PUT anyway: it need not touch the disk first.
        self.memory_spool_limit = part_size
        try:
            staging.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise map_os_error(e, str(staging)) from e
        with _mapped(f"bucket {bucket}"):
            if not client.bucket_exists(bucket):
                if not create_bucket:
                    raise BucketMissing(f"The bucket {bucket!r} does not exist.")
                try:
                    client.make_bucket(bucket, object_lock=object_lock)
                except S3Error as e:
                    if e.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise BucketMissing(f"The bucket {bucket!r} could not be created: {e.code}.") from e
            self.supports_retention = self._has_object_lock()
            self._versioned = client.get_bucket_versioning(bucket).status in ("Enabled", "Suspended")
        if not self.supports_retention:
            log.info("bucket %s has no object lock: retain_until will be skipped with a warning", bucket)

    @classmethod
    def from_url(cls, url: str, staging: Path, *, access_key: str | None, secret_key: str | None,
                 secure: bool = True, region: str | None = None, **options: Any) -> S3ObjectStore:
        """``s3://host:port/bucket``."""
        parts = urlsplit(url)
        bucket = parts.path.strip("/")
        if parts.scheme != "s3" or not parts.netloc or not bucket or "/" in bucket:
            raise InvalidConfiguration(
                f"Storage URL must look like s3://host:port/bucket, not {url!r}.",
                "ISOLEDGER_STORAGE_URL phải có dạng s3://máy:cổng/bucket.",
            )
        try:
            client = Minio(parts.netloc, access_key=access_key or None, secret_key=secret_key or None,
                           secure=secure, region=region, http_client=http_client())
        except ValueError as e:
            raise InvalidConfiguration(f"Invalid S3 settings: {e}.", "Cấu hình S3 không hợp lệ.") from e
        return cls(client, bucket, staging, **options)

    @property
    def client(self) -> Minio:
        return self._client

    @property
    def bucket(self) -> str:
        return self._bucket

    def _has_object_lock(self) -> bool:
        try:
            config = self._client.get_object_lock_config(self._bucket)
        except S3Error as e:
            if e.code in ("ObjectLockConfigurationNotFoundError", "ObjectLockConfigurationNotFound",
                          "NotImplemented", "InvalidRequest"):
                return False
            raise
        return config is not None

    def staging_dir(self) -> Path:
        return self._staging

    def _retention(self, key: str, retain_until: datetime | None) -> Retention | None:
        if retain_until is None:
            return None
        if self.supports_retention:
            return Retention(GOVERNANCE, retain_until.astimezone(UTC))
        log.warning("bucket %s has no object lock: %s stored without retention", self._bucket, key)
        return None

    def _lock_checksum(self, digest: bytes) -> dict[str, str | list[str] | tuple[str]]:
        # Object-lock buckets refuse a PUT without Content-MD5 or a checksum, and minio-py sends
        # no MD5 over plain HTTP: send the body's SHA-256 (the server checks it).
        return {"x-amz-checksum-sha256": base64.b64encode(digest).decode("ascii"),
                "x-amz-sdk-checksum-algorithm": "SHA256"}

    def put_file(self, key: str, path: Path, retain_until: datetime | None = None) -> None:
        check_key(key)
        retention = self._retention(key, retain_until)
        with _mapped(key):
            length = os.path.getsize(path)
            single = length <= self._part_size
            headers = self._lock_checksum(_sha256_of_file(path)) if single and self.supports_retention else {}
            with open(path, "rb") as f:
                result = self._client.put_object(
                    self._bucket, key, f, length,
                    metadata=headers or None, part_size=self._part_size,
                    num_parallel_uploads=self._parallel, retention=retention if single else None,
                )
            if retention is not None and not single:
                # Multipart: retention is set on the completed version (one small request), as not
                # every server honours lock headers on CreateMultipartUpload.
                self._client.set_object_retention(self._bucket, key, retention, version_id=result.version_id)

    def put_bytes(self, key: str, data: bytes, retain_until: datetime | None = None) -> None:
        check_key(key)
        if len(data) > self._part_size:
            raise ValueError("put_bytes is for objects of one part")
        retention = self._retention(key, retain_until)
        headers = self._lock_checksum(hashlib.sha256(data).digest()) if self.supports_retention else {}
        with _mapped(key):
            self._client.put_object(self._bucket, key, io.BytesIO(data), len(data),
                                    metadata=headers or None, part_size=self._part_size,
                                    retention=retention)

    def open(self, key: str) -> ObjectReader:
        with _mapped(check_key(key)):
            return _ResponseReader(key, self._client.get_object(self._bucket, key))

    def exists(self, key: str) -> bool:
        try:
            with _mapped(check_key(key)):
                self._client.stat_object(self._bucket, key)
        except ObjectNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        check_key(key)
        with _mapped(key):
            if not self._versioned:
                self._client.remove_object(self._bucket, key)
                return
            versions = [
                DeleteObject(key, obj.version_id)
                for obj in self._client.list_objects(self._bucket, prefix=key, include_version=True)
                if obj.object_name == key
            ]
            for error in self._client.remove_objects(self._bucket, versions):
                if error.code in _MISSING_OBJECT:
                    continue
                if error.code in ("AccessDenied", "ObjectLocked"):
                    raise RetentionActive(f"{key}: {error.message}")
                raise StorageUnavailable(f"The S3 server could not delete {key}: {error.code}.")

    def list(self, prefix: str = PREFIX) -> Iterator[StoredObject]:
        with _mapped(f"listing {prefix}"):
            for obj in self._client.list_objects(self._bucket, prefix=prefix, recursive=True):
                name = obj.object_name or ""
                try:
                    check_key(name)
                except InvalidConfiguration:
                    continue  # not ours: never touched
                modified = obj.last_modified or datetime.now(UTC)
                yield StoredObject(name, obj.size or 0, modified)

    def check(self) -> None:
        with _mapped(f"bucket {self._bucket}"):
            if not self._client.bucket_exists(self._bucket):
                raise BucketMissing(f"The bucket {self._bucket!r} does not exist.")

    def close(self) -> None:
        pool = getattr(self._client, "_http", None)  # minio has no close(); drop pooled sockets
        if isinstance(pool, urllib3.PoolManager):
            pool.clear()


def _sha256_of_file(path: Path) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.digest()
