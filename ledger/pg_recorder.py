"""PostgreSQL recorder whose writers commit concurrently while readers still never pass over a gap.

eventsourcing's recorder serialises every insert (``LOCK TABLE ... IN EXCLUSIVE MODE``) so that the
``notification_id`` sequence is also the commit order. Here writers take no lock: each row keeps the
sequence value and the id of the transaction that wrote it (``xact_id``). The read positions live in a
second, append-only table, ``<events>_positions``: any reader "publishes" them, in ``(xact_id,
notification_id)`` order, for the rows of transactions older than the oldest one still in flight
(``pg_snapshot_xmin(pg_current_snapshot())``), a set no later commit can add to. Publishers never block a
writer, the primary key on the position settles a race between two of them, and a position, once inserted,
never changes. Rows written before this table existed keep their old ``notification_id`` as their position
(the schema step below).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier, Literal

from ledger.requests import MarksRequests

PUBLISH_BATCH = 10_000
PUBLISH_RETRIES = 50  # a publisher that lost a race starts again; far more than readers run at once
SETTLE_TIMEOUT = 5.0  # seconds a reader waits for older writers before reading what is published


class _InsertWithoutPipeline(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL recorder, but for how an insert is sent (below ``MarksRequests`` in the bases)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # eventsourcing's statement, without its RETURNING: the sequence values are not read positions here.
        self._insert_rows = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            " SELECT originator_id, originator_version, topic, state FROM unnest(%s::{schema}.{row}[])"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name),
                 row=Identifier(self.stored_event_type_name))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The request's mark (``_insert_events``) and the events in one transaction, statement by statement.

        eventsourcing sends them in psycopg's pipeline mode, which hangs for good once the events' message is
        large (10,000 events of ~1.7 KB: the client waits in ``Pipeline.sync`` while the server waits for the
        rest of the message; reproduced on psycopg 3.3.9 every time, tests/ledger/test_large_batches.py).
        Without the pipeline it costs a round trip or two on a batch, nothing on a page of them."""
        if not stored_events:
            return None
        # Built before the transaction opens: the server ends a transaction idle for 5 s, and a batch's rows
        # take a while to build in a busy process.
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                for e in stored_events]
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            curs.execute(self._insert_rows, (rows,))
        return None


class ConcurrentApplicationRecorder(MarksRequests, _InsertWithoutPipeline):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = Identifier(self.datastore.schema)
        self.positions_table_name = f"{self.events_table_name}_positions"
        self.check_identifier_length(self.positions_table_name)
        names = {"schema": schema, "events": Identifier(self.events_table_name),
                 "positions": Identifier(self.positions_table_name),
                 "order_idx": Identifier(f"{self.events_table_name}_xact_order_idx"),
                 "events_name": Literal(self.events_table_name), "schema_name": Literal(self.datastore.schema)}
        self.sql_create_statements.append(self._schema_step(names))
        requests = {"schema": schema, "requests": Identifier(self.requests_table_name),
                    "requests_at": Identifier(f"{self.requests_table_name}_at")}
        self.sql_create_statements += [
            SQL("CREATE TABLE IF NOT EXISTS {schema}.{requests} (request text PRIMARY KEY,"
                " recorded_at double precision NOT NULL)").format(**requests),
            SQL("CREATE INDEX IF NOT EXISTS {requests_at} ON {schema}.{requests} (recorded_at)").format(**requests)]
        self._mark = SQL("INSERT INTO {schema}.{requests} (request, recorded_at) VALUES (%s, %s)").format(**requests)
        self._marked = SQL("SELECT 1 AS found FROM {schema}.{requests} WHERE request = %s").format(**requests)
        self._forget = SQL("DELETE FROM {schema}.{requests} WHERE recorded_at < %s").format(**requests)
        self._publish = SQL(
            "INSERT INTO {schema}.{positions} (position, notification_id, xact_id)"
            " SELECT c.position + row_number() OVER (ORDER BY e.xact_id, e.notification_id),"
            "        e.notification_id, e.xact_id"
            " FROM (SELECT COALESCE(MAX(position), 0) AS position FROM {schema}.{positions}) c,"
            "      (SELECT COALESCE((SELECT xact_id FROM {schema}.{positions} WHERE xact_id IS NOT NULL"
            "                        ORDER BY xact_id DESC, notification_id DESC LIMIT 1), '0'::xid8) AS xact_id,"
            "              COALESCE((SELECT notification_id FROM {schema}.{positions} WHERE xact_id IS NOT NULL"
            "                        ORDER BY xact_id DESC, notification_id DESC LIMIT 1), 0) AS notification_id) k,"
            "      LATERAL (SELECT xact_id, notification_id FROM {schema}.{events}"
            "               WHERE (xact_id, notification_id) > (k.xact_id, k.notification_id)"
            "                 AND xact_id < pg_snapshot_xmin(pg_current_snapshot())"
            "               ORDER BY xact_id, notification_id LIMIT {batch}) e"
        ).format(batch=Literal(PUBLISH_BATCH), **names)
        self._select = SQL(
            "SELECT p.position AS notification_id, e.originator_id, e.originator_version, e.topic, e.state"
            " FROM {schema}.{positions} p JOIN {schema}.{events} e ON e.notification_id = p.notification_id"
            " WHERE p.position > %s AND p.position <= %s AND (%s::text[] IS NULL OR e.topic = ANY(%s::text[]))"
            " ORDER BY p.position LIMIT %s"
        ).format(**names)
        self._max_position = SQL("SELECT MAX(position) AS max FROM {schema}.{positions}").format(**names)

    @staticmethod
    def _schema_step(names: dict[str, Any]) -> Composed:
        """Adds ``xact_id`` and the positions table, once. Rows already in the log keep their notification id
        as their position; the ALTER TABLE holds every writer off until the step commits, so none is missed."""
        return SQL(
            "DO $step$ BEGIN"
            " IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = {schema_name}"
            "                AND table_name = {events_name} AND column_name = 'xact_id') THEN"
            "  ALTER TABLE {schema}.{events} ADD COLUMN xact_id xid8;"
            "  ALTER TABLE {schema}.{events} ALTER COLUMN xact_id SET DEFAULT pg_current_xact_id();"
            "  CREATE INDEX {order_idx} ON {schema}.{events} (xact_id, notification_id);"
            "  CREATE TABLE {schema}.{positions} ("
            "   position bigint PRIMARY KEY, notification_id bigint NOT NULL UNIQUE, xact_id xid8);"
            "  CREATE INDEX ON {schema}.{positions} (xact_id, notification_id) WHERE xact_id IS NOT NULL;"
            "  INSERT INTO {schema}.{positions} (position, notification_id, xact_id)"
            "   SELECT notification_id, notification_id, NULL FROM {schema}.{events};"
            " END IF;"
            " END $step$"
        ).format(**names)

    # ---- writers: no lock, no NOTIFY (a NOTIFY serialises every committing transaction) ---------------
    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """What runs first in the insert's transaction: the request's mark (a second one fails the whole insert)."""
        params = self._mark_params() if stored_events else None
        if params is not None:
            curs.execute(self._mark, params)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def request_recorded(self, request: str) -> bool:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._marked, (request,))
            return curs.fetchone() is not None

    def forget_requests(self, before: float) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._forget, (before,))
            return int(curs.rowcount)

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        # The sequence values are not read positions; positions are published later by readers.
        return None

    # ---- readers ---------------------------------------------------------------------------------------
    def publish(self) -> None:
        """Gives positions to every row of the finished transactions older than any still in flight.

        One statement, no lock: with nothing new it inserts nothing (and takes no transaction id). Two readers
        publishing at once both number from the same last position, so the second one's first row collides
        on the primary key (it waits for the first to commit, then fails as a whole) and it starts again."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            for _ in range(PUBLISH_RETRIES):
                try:
                    curs.execute(self._publish, prepare=True)
                except psycopg.errors.UniqueViolation:
                    continue
                if curs.rowcount < PUBLISH_BATCH:
                    return

    def settle(self, timeout: float = SETTLE_TIMEOUT) -> bool:
        """Waits until every transaction in flight when called has ended, then publishes: what any writer
        committed before the call is then readable (a client reads its own writes). False on timeout."""
        statement = "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= %s::xid8 AS done"
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute("SELECT pg_snapshot_xmin(s) = pg_snapshot_xmax(s) AS done,"
                         " pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() s")
            row = _one(curs)
            done, deadline, wait = bool(row["done"]), time.monotonic() + timeout, 0.0005
            while not done and time.monotonic() < deadline:
                time.sleep(wait)
                wait = min(wait * 2, 0.02)
                curs.execute(statement, (row["xmax"],))
                done = bool(_one(curs)["done"])
        self.publish()
        return done

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *, inclusive_of_start: bool = True) -> list[Notification]:
        after = 0 if start is None else (start - 1 if inclusive_of_start else start)
        found = self._select_published(after, limit, stop, topics)
        if len(found) < limit:
            self.publish()
            more = self._select_published(found[-1].id if found else after, limit - len(found), stop, topics)
            found.extend(more)
        return found

    def _select_published(self, after: int, limit: int, stop: int | None,
                          topics: Sequence[str]) -> list[Notification]:
        wanted = list(topics) or None
        params = (after, stop if stop is not None else 2**63 - 1, wanted, wanted, limit)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select, params, prepare=True)
            return [Notification(id=row["notification_id"], originator_id=row["originator_id"],
                                 originator_version=row["originator_version"], topic=row["topic"],
                                 state=bytes(row["state"])) for row in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def max_notification_id(self) -> int | None:
        self.publish()
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._max_position)
            found = _one(curs)["max"]
        return None if found is None else int(found)

    def count_published(self, up_to: int) -> int:
        """How many events the log holds at positions up to ``up_to`` (a deleted event row shows here)."""
        statement = SQL("SELECT COUNT(*) AS n FROM {0}.{1} p JOIN {0}.{2} e ON e.notification_id = p.notification_id"
                        " WHERE p.position <= %s").format(Identifier(self.datastore.schema),
                                                           Identifier(self.positions_table_name),
                                                           Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, (up_to,))
            return int(_one(curs)["n"])


def _one(curs: Any) -> dict[str, Any]:
    row: dict[str, Any] | None = curs.fetchone()
    if row is None:
        raise LookupError("the statement returned no row")
    return row
