"""Concurrent writers on PostgreSQL: ledger commands at 1/10/50 clients beside raw psycopg commits, one run.

Run: `.venv/bin/python bench/pg_writers.py [--n 1500] [--fsync]`. Prints a table and writes nothing.
- raw: 50 threads, each with its own psycopg connection, INSERT one row of the same size and COMMIT;
- ledger: `Ledger.register_document` (one event, hash-chained) from 1, 10 and 50 threads of one process,
  with this recorder (no lock) and, for comparison, the previous one (one advisory lock for every insert);
- the client's CPU per command, which bounds what one Python process can reach whatever the database does.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from eventsourcing.postgres import PostgresApplicationRecorder  # noqa: E402
from psycopg.sql import SQL, Literal  # noqa: E402

import ledger.application as application  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from ledger.application import Ledger  # noqa: E402
from ledger.config import eventsourcing_env  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

SEC = Actor("thuky", "so-khcn-tra-vinh", frozenset({"iso_secretary"}))
PREVIOUS = "bench.pg_writers:AdvisoryLockRecorder"


def timed(clients: int, n: int, work: Callable[[int], Any]) -> tuple[float, float]:
    """(operations/s, client CPU ms per operation) for ``n`` calls of ``work`` from ``clients`` threads."""
    cpu, started = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(n)))
    elapsed = time.perf_counter() - started
    return n / elapsed, (time.process_time() - cpu) / n * 1000


def raw_rate(url: str, clients: int, n: int) -> tuple[float, float]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE raw_rows (id bigserial PRIMARY KEY, originator_id uuid, state bytea)")
    local = threading.local()
    payload = os.urandom(600)  # about one Registered event

    def insert(_: int) -> None:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(url)
        local.conn.execute("INSERT INTO raw_rows (originator_id, state) VALUES (%s, %s)", (uuid.uuid4(), payload))
        local.conn.commit()

    return timed(clients, n, insert)


def ledger_rates(url: str, n: int, levels: tuple[int, ...]) -> dict[int, tuple[float, float]]:
    app = Ledger(url)
    out = {}
    try:
        for clients in levels:
            def register(i: int, clients: int = clients) -> None:
                app.register_document(SEC, code=f"QT-{clients}-{i:05}", title="Quy trình kiểm soát tài liệu",
                                      kind="procedure", department="Văn phòng Sở")
            count = n if clients > 1 else n // 3
            register(-1)  # warm the pool and the agency's rules
            out[clients] = timed(clients, count, register)
    finally:
        app.close()
    return out


def previous_recorder_rates(url: str, n: int, levels: tuple[int, ...]) -> dict[int, tuple[float, float]]:
    original = application.eventsourcing_env

    def env(database_url: str, *, create_tables: bool = True) -> dict[str, str]:
        return original(database_url, create_tables=create_tables) | {"APPLICATION_RECORDER_TOPIC": PREVIOUS}

    application.eventsourcing_env = env  # type: ignore[assignment]
    try:
        return ledger_rates(url, n, levels)
    finally:
        application.eventsourcing_env = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1500, help="commands per concurrency level")
    parser.add_argument("--fsync", action="store_true", help="PostgreSQL with fsync on (default off, as tests)")
    args = parser.parse_args()
    assert eventsourcing_env("postgresql://x@h/db")["APPLICATION_RECORDER_TOPIC"].endswith("Concurrent"
                                                                                           "ApplicationRecorder")
    with PgServer(fsync=args.fsync) as pg:
        raw = raw_rate(pg.create_database("raw"), 50, args.n)
        ours = ledger_rates(pg.create_database("ours"), args.n, (1, 10, 50))
        before = previous_recorder_rates(pg.create_database("before"), args.n, (1, 50))
        raw_after = raw_rate(pg.create_database("raw2"), 50, args.n)
    (raw, raw_cpu), (raw_after, _) = raw, raw_after
    raw_mean = (raw + raw_after) / 2
    print(f"\nPostgreSQL {'fsync on' if args.fsync else 'fsync off'}, {os.cpu_count()} cores, n={args.n}, load"
          f" average {os.getloadavg()[0]:.1f}\n")
    print("| writer | clients | commands/s | client CPU ms/command | × raw 50 | × 1 client |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| raw psycopg INSERT + COMMIT (before, after) | 50 | {raw:,.0f} / {raw_after:,.0f} | {raw_cpu:.2f} | 1.00 |"
          " |")
    for label, rates in (("ledger, this recorder", ours), ("ledger, one advisory lock (previous)", before)):
        single = rates[1][0]
        for clients, (rate, cpu) in rates.items():
            print(f"| {label} | {clients} | {rate:,.0f} | {cpu:.2f} | {rate / raw_mean:.2f} | {rate / single:.2f} |")
    rate50, cpu50 = ours[50]
    ceiling = 1000 / cpu50
    print(f"\nOne Python process spends {cpu50:.2f} ms of CPU per command at 50 clients (the raw loop {raw_cpu:.2f} ms"
          f" per commit): under the GIL one process can do at most {ceiling:,.0f} commands/s even with an idle"
          f" database, and reached {rate50 / ceiling:.2f} of that; PostgreSQL shares the same {os.cpu_count()}"
          f" cores.")
    if rate50 < 0.5 * raw_mean:
        print(f"Below 0.5× raw: a command is ~{cpu50 / max(raw_cpu, 0.01):.0f}× the raw commit's client CPU"
              " (validation, canonical JSON and SHA-256 of the chain, the agency's rules read, event encoding)"
              " on cores the server and the raw loop also need.")
    if rate50 < 5 * ours[1][0]:
        print(f"Below 5× one client: 5× would be {5 * ours[1][0]:,.0f}/s, above what is left of the CPU ceiling.")


class AdvisoryLockRecorder(PostgresApplicationRecorder):
    """The previous recorder, kept here only to be measured against: every insert takes one advisory lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = zlib.crc32(f"{self.datastore.schema}.{self.events_table_name}".encode())
        self.lock_table_statements = [SQL("SELECT pg_advisory_xact_lock({0})").format(Literal(key))]


if __name__ == "__main__":
    main()
