"""Pulls the ledger's notification log in pages; each page's view updates and tracking commit together.

eventsourcing's SQLite recorder cannot ``subscribe()``, so its ProjectionRunner does not work on the
embedded default. This runner works the same on both engines: it reads the tracked position under a
write lock (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL), reads the next page of
notifications, applies them and moves the position in the same transaction. Two runners never apply
one event twice, and a rebuild is the same loop started from position 0 on empty tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from projections import (
    acknowledgements,
    calendar,
    case_links,
    cases,
    directory,
    merkle,
    outbox,
    periodic_review,
    search,
    tthc,
    views,
)
from projections.db import Database
from projections.views import Ev

# Each view module offers SCHEMA (DDL), TABLES (rebuildable tables) and either apply_page(cursor, events)
# or apply(execute, event).
# The outbox decides after the people are known.
VIEW_MODULES: list[Any] = [views, directory, merkle, cases, case_links, acknowledgements, periodic_review, calendar,
                           tthc, outbox]

NAME = "views"
SCHEMA = "views-schema"  # its "position" is the schema version the view tables were made with


ReadAhead = tuple[int, "Future[tuple[list[Any], list[Ev]]]"]  # (the position it reads after, the page read)


@dataclass(frozen=True)
class CatchUp:
    events: int
    position: int
    seconds: float


class Projector:
    """Keeps every read model current from one ledger."""

    def __init__(self, ledger: Any, db: Database, *, page_size: int = 1000) -> None:
        self.ledger = ledger
        self.db = db
        self.page_size = page_size
        self._decode = ledger.mapper.transcoder.decode
        self.on_caught_up: Callable[[], Any] | None = None  # e.g. a checkpoint when enough is new

    def create_tables(self) -> None:
        """Creates the views. Views made under an older ``views.SCHEMA_VERSION`` (or before it was kept) are
        dropped and recreated empty, and the next catch-up replays the whole log into them."""
        with self.db.transaction() as cur:
            cur.execute(views.SCHEMA[0])
            if self.db.postgres:
                # The statements below lock whole tables even when there is nothing to create. A page being
                # applied by another process holds this row from its first statement (_apply_page): waiting for it
                # here, before any table lock, is what keeps the two from deadlocking (the page read ``records``,
                # this queued for the table, the page then writing it waited behind this).
                cur.execute("INSERT INTO projection_tracking VALUES (?, 0) ON CONFLICT DO NOTHING", (NAME,))
                cur.execute("SELECT position FROM projection_tracking WHERE name=? FOR UPDATE", (NAME,))
            cur.execute("SELECT position FROM projection_tracking WHERE name=?", (SCHEMA,))
            row = cur.fetchone()
            if row is None or int(row[0]) != views.SCHEMA_VERSION:
                for table in (*search.INDEX_TABLES, *self.tables()):
                    cur.execute(f"DROP TABLE IF EXISTS {table}")
                cur.execute("DELETE FROM projection_tracking WHERE name IN (?, ?)", (NAME, SCHEMA))
                cur.execute("INSERT INTO projection_tracking VALUES (?, ?) ON CONFLICT DO NOTHING",
                            (SCHEMA, views.SCHEMA_VERSION))
            for module in VIEW_MODULES:
                for statement in module.SCHEMA:
                    cur.execute(statement)
                if hasattr(module, "prepare"):
                    module.prepare(cur, self.ledger)
            for statement in search.schema(self.db.postgres):  # kept by the engine as the views' rows change
                cur.execute(statement)
            cur.execute("INSERT INTO projection_tracking VALUES (?, 0) ON CONFLICT DO NOTHING", (NAME,))

    def position(self) -> int:
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT position FROM projection_tracking WHERE name=?", (NAME,))
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def catch_up(self, *, progress: Callable[[int], None] | None = None, limit: int | None = None) -> CatchUp:
        """Applies every event after the tracked position; returns how many were applied.

        While a page is applied, the next one is read and decoded in a second thread (once a page came full, so
        there is more to read): the database's own work of either overlaps the Python of the other."""
        started, total = time.perf_counter(), 0
        position = 0
        settle = getattr(self.ledger.recorder, "settle", None)
        if settle is not None:  # PostgreSQL: wait for the writers still in flight, so every commit so far is read
            settle()
        tracked = self.position()
        if (self.ledger.recorder.max_notification_id() or 0) <= tracked:
            # Nothing new: two plain reads, not the write lock (BEGIN IMMEDIATE, FOR UPDATE) every read would take.
            return CatchUp(0, tracked, time.perf_counter() - started)
        ahead: ThreadPoolExecutor | None = None
        pending: ReadAhead | None = None
        try:
            while limit is None or total < limit:
                if pending is None and total:
                    ahead = ahead or ThreadPoolExecutor(max_workers=1, thread_name_prefix="isoledger-read-ahead")
                applied, position, pending = self._apply_page(ahead, pending)
                total += applied
                if progress and applied:
                    progress(applied)
                if applied < self.page_size:
                    break
        finally:
            if ahead is not None:
                ahead.shutdown(wait=True, cancel_futures=True)
        if total and self.on_caught_up is not None:
            self.on_caught_up()
        return CatchUp(total, position, time.perf_counter() - started)

    def rebuild(self, *, progress: Callable[[int], None] | None = None) -> CatchUp:
        """Empties the views and replays the whole log through the same code path as catching up."""
        with self.db.transaction() as cur:
            if self.db.postgres:  # first, as a page and create_tables do: never a table lock before this row's
                cur.execute("SELECT position FROM projection_tracking WHERE name=? FOR UPDATE", (NAME,))
            for table in self.tables():
                cur.execute(f"DELETE FROM {table}")
            cur.execute("UPDATE projection_tracking SET position=0 WHERE name=?", (NAME,))
        return self.catch_up(progress=progress)

    def _read(self, position: int) -> tuple[list[Any], list[Ev]]:
        """The page of notifications after ``position``, and its events decoded (once, for every view)."""
        page = self.ledger.recorder.select_notifications(position, self.page_size, inclusive_of_start=False)
        return page, [self._event(n) for n in page]

    def _apply_page(self, ahead: ThreadPoolExecutor | None, pending: ReadAhead | None
                    ) -> tuple[int, int, ReadAhead | None]:
        lock = " FOR UPDATE" if self.db.postgres else ""
        with self.db.transaction() as cur:
            cur.execute(f"SELECT position FROM projection_tracking WHERE name=?{lock}", (NAME,))
            position = int(cur.fetchone()[0])
            if pending is not None and pending[0] == position:
                page, events = pending[1].result()
            else:  # nothing read ahead, or another runner moved the position meanwhile
                page, events = self._read(position)
            if not page:
                return 0, position, None
            following = None
            if ahead is not None and len(page) == self.page_size:
                following = (page[-1].id, ahead.submit(self._read, page[-1].id))
            for module in VIEW_MODULES:
                if hasattr(module, "apply_page"):
                    module.apply_page(cur, events)
                else:
                    with self.db.pipeline(cur):
                        for event in events:
                            module.apply(cur.execute, event)
            cur.execute("UPDATE projection_tracking SET position=? WHERE name=?", (page[-1].id, NAME))
            return len(page), page[-1].id, following

    @staticmethod
    def tables() -> list[str]:
        return [t for module in VIEW_MODULES for t in module.TABLES]

    def _event(self, n: Any) -> Ev:
        kind, _, etype = n.topic.rpartition(":")[2].partition(".")
        fields = self._decode(n.state)
        at = fields["timestamp"].isoformat()
        return Ev(n.id, str(n.originator_id), n.originator_version, kind, etype, fields, at)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every view, sorted: what a rebuild must reproduce exactly."""
        out = {}
        with self.db.transaction(write=False) as cur:
            for table in self.tables():
                cur.execute(f"SELECT * FROM {table}")
                out[table] = sorted(tuple(r) for r in cur.fetchall())
        return out
