"""TTHC import benchmark: `isoledger tthc import`'s work on a 10,000-row feed (500 procedures × 20 months), beside
raw baselines measured in the same run: reading and checking the file alone, and bare inserts of the same rows
into a table of the same database.

    .venv/bin/python bench/tthc_import.py [--rows 10000] [--backend sqlite|postgres] [--database-url URL]

Prints rows/s of: parsing alone; bare inserts (one executemany, one transaction); the import through the ledger
(every row checked, each change an event sealed into its procedure's hash chain, all saved in one batch); the read
models catching up; and the same file imported again (nothing changes, no event).
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from isoledger.bootstrap import bootstrap, use_cases  # noqa: E402
from isoledger.settings import Settings  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from ledger.directory import Directory  # noqa: E402
from usecases.tthc_import import read_feed  # noqa: E402

AGENCY = "so-khcn-bench"
GEN = runpy.run_path(str(ROOT / "samples" / "tthc" / "generate.py"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--database-url")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="isoledger-bench-tthc-"))
    url = args.database_url or (f"sqlite:///{home / 'ledger.sqlite3'}" if args.backend == "sqlite" else None)
    if url is None:
        raise SystemExit("--backend postgres needs --database-url")
    os.environ.update(ISOLEDGER_HOME=str(home), ISOLEDGER_DATABASE_URL=url)
    services = bootstrap(Settings.from_env())
    try:
        admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
        Directory(services.ledger).create_agency(admin, agency_id=AGENCY, name="Sở KH&CN (bench)", supervised_by=[])
        services.projector.catch_up()
        data = GEN["as_csv"](GEN["sized"](args.rows, document=None), AGENCY)
        n = args.rows

        t = time.perf_counter()
        feed = read_feed(data, "bench.csv")
        parse = time.perf_counter() - t

        t = time.perf_counter()
        with services.db.transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_tthc_rows (code TEXT, period TEXT, name TEXT, field TEXT, "
                        "level TEXT, received INTEGER, on_time INTEGER, late INTEGER, pending INTEGER)")
            cur.executemany("INSERT INTO bench_tthc_rows VALUES (?,?,?,?,?,?,?,?,?)",
                            [(r.code, r.period, r.name, r.field, r.level, r.received, r.on_time, r.late, r.pending)
                             for r in feed.rows])
        bare = time.perf_counter() - t
        with services.db.transaction() as cur:
            cur.execute("DROP TABLE bench_tthc_rows")

        uc = use_cases(services)
        uc.deps.projections.close()  # no background worker: the catch-up below is measured on its own
        operator = Actor("operator", AGENCY, frozenset({"admin"}))
        events = services.ledger.recorder.max_notification_id() or 0
        feed = read_feed(data, "bench.csv")
        t = time.perf_counter()
        done = uc.tthc.import_feed(operator, feed)
        ledger_s = time.perf_counter() - t
        added = (services.ledger.recorder.max_notification_id() or 0) - events
        t = time.perf_counter()
        caught = services.projector.catch_up()
        views_s = time.perf_counter() - t

        t = time.perf_counter()
        again = uc.tthc.import_feed(operator, feed)
        again_s = time.perf_counter() - t
        after = (services.ledger.recorder.max_notification_id() or 0) - events
    finally:
        services.close()
    print(f"TTHC import, {n:,} rows ({args.backend}), {added:,} events: {done.changes}")
    print(f"  parse + check alone          {n / parse:>10,.0f} rows/s  ({parse:.2f} s)")
    print(f"  bare inserts (baseline)      {n / bare:>10,.0f} rows/s  ({bare:.2f} s)")
    print(f"  import through the ledger    {n / ledger_s:>10,.0f} rows/s  ({ledger_s:.2f} s, parse included: "
          f"{n / (ledger_s + parse):,.0f} rows/s)")
    print(f"  read models catch up         {caught.events / views_s:>10,.0f} events/s ({views_s:.2f} s)")
    print(f"  the same file again          {n / again_s:>10,.0f} rows/s  ({again_s:.2f} s), "
          f"{after - added} new events, changed: {again.changed}")
    total = parse + ledger_s + views_s
    print(f"target 'a 10,000-row import takes seconds': {total:.1f} s end to end — "
          + ("met" if total < 60 else "not met"))


if __name__ == "__main__":
    main()
