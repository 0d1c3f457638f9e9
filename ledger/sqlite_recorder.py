"""SQLite recorder that marks each request's first events (ledger.requests) in the insert's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ledger.requests import MarksRequests


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
