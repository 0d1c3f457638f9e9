"""PostgreSQL recorder that serialises inserts with an advisory lock instead of LOCK TABLE.

eventsourcing's recorder takes ``LOCK TABLE ... IN EXCLUSIVE MODE`` so that notification ids
commit in the order they were issued; PostgreSQL allows that lock mode only to roles holding
UPDATE, DELETE or TRUNCATE on the table. Our runtime role may only INSERT and SELECT, so the
same serialisation is taken with a transaction-scoped advisory lock every writer shares.
"""

from __future__ import annotations

import zlib

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Literal


class AdvisoryLockApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        key = zlib.crc32(f"{self.datastore.schema}.{self.events_table_name}".encode())
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout),
            SQL("SELECT pg_advisory_xact_lock({0})").format(Literal(key)),
        ]
