"""Benchmark of the ledger core on SQLite and PostgreSQL, each figure beside a raw eventsourcing baseline.

Run: `make bench` or `.venv/bin/python bench/ledger.py [--n 2000]`. Prints a table and writes nothing.
- create commands/s: Ledger.register_document vs a bare eventsourcing Aggregate created and saved
  with the same payload (one event each);
- update commands/s: Ledger.revise_draft vs a bare aggregate get + one event + save;
- rebuild events/s: Projector.rebuild vs a bare read of the notification log in the same page size;
- time-travel: the state of a 1,000-event document as of an instant in its middle (snapshots every 50).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402

from ledger.actors import Actor  # noqa: E402
from ledger.application import Ledger  # noqa: E402
from ledger.config import eventsourcing_env  # noqa: E402
from projections.db import Database  # noqa: E402
from projections.runner import Projector  # noqa: E402

SEC = Actor("thuky", "so-khcn-tra-vinh", frozenset({"iso_secretary"}))
FILE = {"key": "scopes/x/" + "a" * 64, "sha256": "a" * 64, "size": 102400, "media_type": "application/pdf",
        "filename": "Quy trình kiểm soát tài liệu.pdf"}


class RawDoc(Aggregate):
    @event("Registered")
    def __init__(self, agency_id: str, code: str, title: str, kind: str, department: str, meta: dict) -> None:
        self.agency_id, self.code, self.title = agency_id, code, title
        self.versions: list[dict[str, Any]] = []

    @event("DraftRevised")
    def revise(self, version: int, file: dict, change_summary: str, meta: dict) -> None:
        self.versions.append({"n": version, "file": file})


class RawApp(Application):
    name = "raw"


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def bench_backend(label: str, url_factory: Any, n: int) -> list[tuple[str, float, float, str]]:
    rows = []
    meta = {"user_id": "thuky", "role": "iso_secretary", "agency_id": "so-khcn-tra-vinh", "request_id": "r" * 32}

    # -- create and update, interleaved in rounds so that both see the same disk and cache weather ---
    raw_env = eventsourcing_env(url_factory("raw")) | {"AGGREGATE_CACHE_MAXSIZE": "5000"}
    raw_env.pop("APPLICATION_RECORDER_TOPIC", None)  # the bare library's own recorder
    raw = RawApp(env=raw_env)
    ledger = Ledger(url_factory("ours"))
    ids: list[str] = []
    raw_ids: list[Any] = []
    rounds = 5
    per = n // rounds
    t_ours = t_raw = 0.0
    for r in range(rounds):
        t = time.perf_counter()
        for i in range(r * per, (r + 1) * per):
            ids.append(ledger.register_document(SEC, code=f"QT-{i:05}", title="Quy trình kiểm soát tài liệu",
                                                kind="procedure", department="Văn phòng Sở"))
        t_ours += time.perf_counter() - t
        t = time.perf_counter()
        for i in range(r * per, (r + 1) * per):
            a = RawDoc(agency_id="so-khcn-tra-vinh", code=f"QT-{i:05}", title="Quy trình kiểm soát tài liệu",
                       kind="procedure", department="Văn phòng Sở", meta=meta)
            raw.save(a)
            raw_ids.append(a.id)
        t_raw += time.perf_counter() - t
    rows.append((f"{label}: create commands/s", rate(len(ids), t_ours), rate(len(raw_ids), t_raw), ">= 0.8x"))

    for doc in ids[:50]:
        ledger.create_draft(SEC, doc, file=FILE, change_summary="Dự thảo")
    t_ours = t_raw = 0.0
    for r in range(rounds):
        t = time.perf_counter()
        for i in range(r * per, (r + 1) * per):
            ledger.revise_draft(SEC, ids[i % 50], 1, file=FILE, change_summary=f"Sửa lần {i}")
        t_ours += time.perf_counter() - t
        t = time.perf_counter()
        for i in range(r * per, (r + 1) * per):
            a = raw.repository.get(raw_ids[i % 50])
            a.revise(version=1, file=FILE, change_summary=f"Sửa lần {i}", meta=meta)
            raw.save(a)
        t_raw += time.perf_counter() - t
    rows.append((f"{label}: update commands/s", rate(rounds * per, t_ours), rate(rounds * per, t_raw), ">= 0.8x"))

    # -- rebuild --------------------------------------------------------------------------------
    db = Database(ledger.database_url)
    projector = Projector(ledger, db)
    projector.create_tables()
    total = ledger.recorder.max_notification_id()
    best_raw = best_ours = best_decode = 0.0
    decode = ledger.mapper.transcoder.decode
    for _ in range(3):
        t = time.perf_counter()
        start = 0
        while True:
            page = ledger.recorder.select_notifications(start, projector.page_size, inclusive_of_start=False)
            if not page:
                break
            for note in page:
                decode(note.state)
            start = page[-1].id
        best_decode = max(best_decode, rate(total, time.perf_counter() - t))
        t = time.perf_counter()
        start, read = 0, 0
        while True:
            page = ledger.recorder.select_notifications(start, projector.page_size, inclusive_of_start=False)
            if not page:
                break
            read += len(page)
            start = page[-1].id
        best_raw = max(best_raw, rate(read, time.perf_counter() - t))
        result = projector.rebuild()
        assert result.events == total
        best_ours = max(best_ours, rate(result.events, result.seconds))
    rows.append((f"{label}: rebuild events/s ({total} events)", best_ours, best_raw, ">= 0.7x, >= 20000/s"))
    rows.append((f"{label}:   reference: log read + JSON decode only, events/s", best_decode, best_raw, "—"))

    # -- time travel ----------------------------------------------------------------------------
    doc = ids[-1]
    ledger.create_draft(SEC, doc, file=FILE, change_summary="Dự thảo")
    middle = None
    for i in range(998):
        ledger.revise_draft(SEC, doc, 1, file=FILE, change_summary=f"Sửa lần {i}")
        if i == 600:
            middle = datetime.now(UTC)
    assert ledger.document(doc)["version"] == 1000
    samples = []
    for _ in range(20):
        t = time.perf_counter()
        state = ledger.state_at(doc, as_of=middle)
        samples.append((time.perf_counter() - t) * 1000)
    assert state is not None and 590 < state["version"] < 620
    full = []
    for _ in range(5):
        t = time.perf_counter()
        list(ledger.events.get(UUID(doc)))
        full.append((time.perf_counter() - t) * 1000)
    rows.append((f"{label}: time-travel ms, 1000-event doc (p50; baseline = bare read of all events)",
                 statistics.median(samples), statistics.median(full), "< 50 ms"))
    db.close()
    ledger.close()
    raw.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench_backend("SQLite", lambda name: f"sqlite:///{tmp}/{name}.sqlite3", args.n)
    if not args.no_postgres:
        from tests.pgserver import PgServer

        with PgServer(fsync=True) as pg:
            rows += bench_backend("PostgreSQL", lambda name: pg.create_database(name), args.n)
    print(f"\n{'measure':<78} {'ours':>10} {'raw':>10} {'ratio':>7}  target")
    for name, ours, raw, target in rows:
        print(f"{name:<78} {ours:>10,.1f} {raw:>10,.1f} {ours / raw:>7.2f}  {target}")


if __name__ == "__main__":
    main()
