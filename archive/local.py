"""ObjectStore on a local directory: atomic rename after fsync, read-only object files."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import ObjectNotFound, StorageFull, StorageUnavailable
from archive.store import PREFIX, ObjectReader, StoredObject, check_key, check_scope

log = logging.getLogger(__name__)


def map_os_error(e: OSError, what: str) -> StorageUnavailable:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(f"No space left for {what}.", f"Hết dung lượng khi ghi {what}.")
    return StorageUnavailable(
        f"Local file storage failed on {what}: {e.strerror or e}.",
        f"Kho lưu trữ tệp cục bộ gặp lỗi khi xử lý {what}.",
    )


class _FileReader:
    def __init__(self, key: str, path: Path) -> None:
        self._key = key
        try:
            self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        except FileNotFoundError as e:
            raise ObjectNotFound(f"No object {key}.", field="file") from e
        except OSError as e:
            raise map_os_error(e, key) from e

    def read(self, size: int = -1, /) -> bytes:
        try:
            return self._file.read(size)
        except OSError as e:
            raise map_os_error(e, self._key) from e

    def close(self) -> None:
        self._file.close()


class LocalObjectStore:
    """Objects as files under ``root``; staging under ``root/.staging`` so a rename is atomic."""

    supports_retention = False
    memory_spool_limit = 0  # a file must exist anyway: it is renamed into place

    def __init__(self, root: Path) -> None:
        self._root = root
        self._staging = root / ".staging"
        self._warned_retention = False
        try:
            self._staging.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise map_os_error(e, str(root)) from e

    @property
    def root(self) -> Path:
        return self._root

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def staging_dir(self) -> Path:
        return self._staging

    def put_file(self, key: str, path: Path, retain_until: datetime | None = None) -> None:
        if retain_until is not None and not self._warned_retention:
            self._warned_retention = True
            log.warning("local file storage has no WORM retention; retain_until is not enforced")
        target = self._path(key)
        try:
            with open(path, "rb") as f:
                os.fsync(f.fileno())
            os.chmod(path, 0o440)
            created = not target.parent.exists()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            _fsync_dir(target.parent)
            if created:
                _fsync_dir(target.parent.parent)
        except OSError as e:
            raise map_os_error(e, key) from e

    def put_bytes(self, key: str, data: bytes, retain_until: datetime | None = None) -> None:
        fd, tmp = _staging_file(self._staging)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            self.put_file(key, Path(tmp), retain_until)
        except OSError as e:
            raise map_os_error(e, key) from e
        finally:
            Path(tmp).unlink(missing_ok=True)

    def open(self, key: str) -> ObjectReader:
        return _FileReader(key, self._path(key))

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()
            except OSError:
                pass  # not empty: other objects of the scope remain
        except OSError as e:
            raise map_os_error(e, key) from e

    def list(self, prefix: str = PREFIX) -> Iterator[StoredObject]:
        base = self._root / PREFIX
        # "scopes/<scope>/" lists one directory; anything shorter walks every scope.
        parts = prefix.split("/")
        one_scope = parts[1] if len(parts) == 3 and parts[0] + "/" == PREFIX and parts[1] else None
        if one_scope is not None:
            check_scope(one_scope)
        try:
            if one_scope is not None:
                scope_path = self._root / f"{PREFIX}{one_scope}"
                scopes = [one_scope] if scope_path.is_dir() else []
            else:
                scopes = sorted(d.name for d in os.scandir(base) if d.is_dir()) if base.is_dir() else []
            for scope in scopes:
                yield from self._list_scope(base / scope, f"{PREFIX}{scope}/", prefix)
        except OSError as e:
            raise map_os_error(e, "listing") from e

    @staticmethod
    def _list_scope(path: Path, key_prefix: str, prefix: str) -> Iterator[StoredObject]:
        # A scope directory or an object may vanish while we list (concurrent delete): skip it.
        try:
            entries = sorted(os.scandir(path), key=lambda d: d.name)
        except FileNotFoundError:
            return
        for entry in entries:
            key = key_prefix + entry.name
            if not key.startswith(prefix):
                continue
            try:
                if entry.is_file():
                    st = entry.stat()
                    yield StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))
            except FileNotFoundError:
                continue

    def check(self) -> None:
        try:
            os.statvfs(self._root)
            if not os.access(self._root, os.W_OK):
                raise StorageUnavailable(f"{self._root} is not writable.")
        except OSError as e:
            raise map_os_error(e, str(self._root)) from e

    def close(self) -> None:
        pass


def _staging_file(staging: Path) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix="upload-", dir=staging)
    except OSError as e:
        raise map_os_error(e, "staging") from e


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
