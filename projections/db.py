"""One small SQL door for the read models: SQLite (stdlib) or PostgreSQL (psycopg 3), same SQL text."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from ledger.config import is_postgres, sqlite_path


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


class Database:
    """Transactions over the read-model tables. SQL uses ``?`` placeholders on both engines."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.postgres = is_postgres(database_url)
        self._local = threading.local()
        self._pool: Any = None
        if self.postgres:
            from psycopg_pool import ConnectionPool

            self._pool = ConnectionPool(database_url, min_size=1, max_size=10, open=True,
                                        kwargs={"autocommit": False})

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _sqlite(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(sqlite_path(self.url), timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        """A cursor inside one transaction; on SQLite a write transaction takes the lock up front."""
        if self.postgres:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield _PgCursor(cur)
            return
        conn = self._sqlite()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn.cursor()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def pipeline(self, cur: Cursor) -> Iterator[None]:
        """Batches statements on PostgreSQL (no round trip per statement); a no-op on SQLite."""
        if self.postgres:
            with cur.connection.pipeline():  # type: ignore[attr-defined]
                yield
        else:
            yield


def insert_rows(cur: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Bulk insert: COPY on PostgreSQL (one stream instead of a statement per row), executemany on SQLite."""
    if not rows:
        return
    if isinstance(cur, _PgCursor):
        with cur.raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                        rows)


def delete_owned(cur: Any, table: str, column: str, ids: Sequence[str]) -> None:
    """Deletes the rows whose ``column`` is one of ``ids`` (one statement on PostgreSQL, chunks on SQLite)."""
    if not ids:
        return
    if isinstance(cur, _PgCursor):
        cur.raw.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", (list(ids),))
        return
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        cur.execute(f"DELETE FROM {table} WHERE {column} IN ({','.join('?' * len(chunk))})", tuple(chunk))


def select_owned(cur: Any, table: str, columns: Sequence[str], column: str, ids: Sequence[str]) -> list[Any]:
    """The rows whose ``column`` is one of ``ids``."""
    if not ids:
        return []
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {column}"
    if isinstance(cur, _PgCursor):
        cur.raw.execute(f"{sql} = ANY(%s)", (list(ids),))
        return list(cur.raw.fetchall())
    out: list[Any] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        cur.execute(f"{sql} IN ({','.join('?' * len(chunk))})", tuple(chunk))
        out.extend(cur.fetchall())
    return out


class _PgCursor:
    def __init__(self, cur: Any) -> None:
        self._cur = cur
        self.raw = cur
        self.connection = cur.connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cur.execute(sql.replace("?", "%s"), params, prepare=True)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self._cur.executemany(sql.replace("?", "%s"), params)

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    @property
    def description(self) -> Any:
        return self._cur.description
