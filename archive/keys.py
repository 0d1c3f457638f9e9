"""KeyStore port and its SQL adapters (SQLite, PostgreSQL): wrapped data keys in ``archive_data_keys``."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from archive.errors import InvalidConfiguration, StorageUnavailable
from archive.masterkey import WrappedKey

TABLE = "archive_data_keys"


class KeyStore(Protocol):
    """Where wrapped data keys live: apart from the objects, so object backups hold no usable key."""

    def get(self, scope: str) -> WrappedKey | None: ...

    def add(self, scope: str, wrapped: WrappedKey) -> WrappedKey:
        """Store ``wrapped`` unless the scope has a key already; return the key that is stored."""
        ...

    def delete(self, scope: str) -> bool:
        """Destroy the scope's key (crypto-shredding). True if there was one."""
        ...

    def close(self) -> None: ...


class KeyStoreUnavailable(StorageUnavailable):
    code = "key_store_unavailable"
    message_vi = "Không truy cập được cơ sở dữ liệu khóa mã hóa."
    message_en = "The database of encryption keys cannot be reached."


class SqlKeyStore:
    """One implementation for both databases; they differ in driver, placeholder and blob type."""

    def __init__(self, connect: Callable[[], Any], errors: tuple[type[BaseException], ...],
                 placeholder: str, blob_type: str, *, reuse: bool = False) -> None:
        self._connect = connect
        self._errors = errors
        self._p = placeholder
        self._reuse = reuse
        self._local = threading.local()
        with self._transaction() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} ("
                " scope TEXT PRIMARY KEY,"
                " master_key_id TEXT NOT NULL,"
                f" wrapped_key {blob_type} NOT NULL,"
                " created_at TEXT NOT NULL)"
            )

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        # One transaction per operation, committed before returning, so no lock is held between
        # calls. With ``reuse`` (SQLite) each thread keeps its connection: opening one and reading
        # the schema cost more than the query. Any failure drops the connection.
        try:
            conn = self._borrow()
            kept = False
            try:
                with conn:
                    cur = conn.cursor()
                    try:
                        yield cur
                    finally:
                        cur.close()
                kept = self._reuse
            finally:
                if not kept:
                    self._drop(conn)
        except self._errors as e:
            raise KeyStoreUnavailable(
                f"The database of encryption keys failed: {type(e).__name__}: {e}"
            ) from e

    def _borrow(self) -> Any:
        if self._reuse:
            local = self._local
            if getattr(local, "conn", None) is not None and local.pid == os.getpid():
                return local.conn
            local.conn, local.pid = self._connect(), os.getpid()  # a forked child opens its own
            return local.conn
        return self._connect()

    def _drop(self, conn: Any) -> None:
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        conn.close()

    def get(self, scope: str) -> WrappedKey | None:
        with self._transaction() as cur:
            cur.execute(f"SELECT master_key_id, wrapped_key FROM {TABLE} WHERE scope = {self._p}", (scope,))
            row = cur.fetchone()
        return None if row is None else WrappedKey(str(row[0]), bytes(row[1]))

    def add(self, scope: str, wrapped: WrappedKey) -> WrappedKey:
        p = self._p
        with self._transaction() as cur:
            cur.execute(
                f"INSERT INTO {TABLE} (scope, master_key_id, wrapped_key, created_at)"
                f" VALUES ({p}, {p}, {p}, {p}) ON CONFLICT (scope) DO NOTHING",
                (scope, wrapped.master_key_id, wrapped.blob, datetime.now(UTC).isoformat()),
            )
        stored = self.get(scope)
        if stored is None:  # destroyed between the two statements
            raise KeyStoreUnavailable(f"The key of scope {scope!r} vanished while being created.")
        return stored

    def delete(self, scope: str) -> bool:
        with self._transaction() as cur:
            cur.execute(f"DELETE FROM {TABLE} WHERE scope = {self._p}", (scope,))
            return bool(cur.rowcount)

    def close(self) -> None:
        """Close this thread's kept connection (other threads' close when those threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            self._drop(conn)


def sqlite_key_store(path: Path) -> SqlKeyStore:
    path.parent.mkdir(parents=True, exist_ok=True)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=30)

    return SqlKeyStore(connect, (sqlite3.Error, OSError), "?", "BLOB", reuse=True)


class PostgresKeyStore(SqlKeyStore):
    """The PostgreSQL adapter borrows from a small pool: opening a connection per operation cost more than the
    three statements of a first upload together."""

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        import psycopg
        import psycopg_pool

        # check: a pooled connection is tried before it is lent, so after a database restart the stale ones are
        # replaced at once instead of failing one request each (the file storage would read as down meanwhile).
        self._pool = psycopg_pool.ConnectionPool(url, min_size=1, max_size=max_size, timeout=10,
                                                 kwargs={"connect_timeout": 10}, open=False,
                                                 check=psycopg_pool.ConnectionPool.check_connection)
        try:
            super().__init__(lambda: None, (psycopg.Error, psycopg_pool.PoolTimeout, OSError), "%s", "BYTEA")
        except KeyStoreUnavailable:
            self._pool.close()
            raise

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        try:
            self._pool.open()
            with self._pool.connection() as conn, conn.cursor() as cur:  # commits, or rolls back on error
                yield cur
        except self._errors as e:
            raise KeyStoreUnavailable(
                f"The database of encryption keys failed: {type(e).__name__}: {e}"
            ) from e

    def close(self) -> None:
        self._pool.close()


def postgres_key_store(url: str) -> SqlKeyStore:
    return PostgresKeyStore(url)


def open_key_store(database_url: str | None, home: Path) -> SqlKeyStore:
    """``sqlite:///path``, a plain file path, or ``postgresql://...``; default a SQLite file in ``home``."""
    if not database_url:
        return sqlite_key_store(home / "archive-keys.sqlite3")
    if database_url.startswith(("postgresql://", "postgres://")):
        return postgres_key_store(database_url)
    if database_url.startswith("sqlite:///"):
        return sqlite_key_store(Path(database_url.removeprefix("sqlite:///")))
    if database_url.startswith("sqlite://") or "://" in database_url:
        raise InvalidConfiguration(
            f"Unsupported database URL for keys: {database_url.split('://')[0]}://",
            "Địa chỉ cơ sở dữ liệu khóa không được hỗ trợ.",
        )
    return sqlite_key_store(Path(database_url))
