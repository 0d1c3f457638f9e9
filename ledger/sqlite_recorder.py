"""SQLite recorder that marks each request's first events (ledger.requests) in the insert's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteFactory

from ledger.requests import MarksRequests


class LedgerSQLiteFactory(SQLiteFactory):
    """eventsourcing's SQLite factory, with a writer waiting for the process's one writing connection as long as
    that writer may itself wait for the file's lock (twice SQLITE_LOCK_TIMEOUT), not the pool's fixed 5 s: a write
    queued behind another one that waits on the lock (the projector, the API's store, another process) is then
    served, not refused as "the database is busy"."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        lock_timeout = self.datastore.pool.lock_timeout or 5
        self.datastore.pool.pool_timeout = max(self.datastore.pool.pool_timeout, 2.0 * lock_timeout)


class RequestMarkingSQLiteRecorder(MarksRequests, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.requests_table_name} ("
                "request TEXT PRIMARY KEY, recorded_at REAL NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {self.requests_table_name}_at ON {self.requests_table_name} (recorded_at)"]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        params = self._mark_params() if stored_events else None
        if params is not None:
            c.execute(f"INSERT INTO {self.requests_table_name} (request, recorded_at) VALUES (?, ?)", params)
        return super()._insert_events(c, stored_events, **kwargs)

    def request_recorded(self, request: str) -> bool:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT 1 FROM {self.requests_table_name} WHERE request=?", (request,))
            return c.fetchone() is not None

    def forget_requests(self, before: float) -> int:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {self.requests_table_name} WHERE recorded_at < ?", (before,))
            c.execute("SELECT changes()")
            return int(c.fetchone()[0])
