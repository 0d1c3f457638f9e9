"""The province dashboard for 250 agencies: the dashboard's time beside a raw count query in the same run.

    .venv/bin/python bench/province_calendar.py [--agencies 250] [--samples 30] [--backend sqlite|postgres]

Builds the agencies (three levels, two supervisors) through the ledger's commands, each with a few QMS cases
(a quality policy drafted, submitted or approved-in-waiting, a nonconformity for some) and a form issued for
every third — so the calendar's facts are of a realistic shape — then measures, p50 and p95:
- the dashboard through HTTP as the administrator (every agency × every step, counts per step);
- the same use case in process (no HTTP, no JSON);
- the raw baseline: one GROUP BY count of the year's facts per agency and fact on a bare connection.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from bench.province import PASSWORD, build_app  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from ledger.application import Ledger  # noqa: E402
from ledger.directory import Directory  # noqa: E402

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
LEVELS = ("province", "district", "commune")


def build(ledger: Ledger, agencies: int) -> None:
    directory = Directory(ledger)
    for sup in ("chi-cuc-tdc", "so-noi-vu"):
        directory.create_agency(ADMIN, agency_id=sup, name=f"Cơ quan giám sát {sup}", supervised_by=[])
    for i in range(agencies):
        agency = f"co-quan-{i:03d}"
        directory.create_agency(ADMIN, agency_id=agency, name=f"Cơ quan số {i}", level=LEVELS[i % 3],
                                supervised_by=["chi-cuc-tdc" if i % 4 else "so-noi-vu"])
        secretary = Actor(f"thuky-{i}", agency, frozenset({"iso_secretary", "staff"}))
        leader = Actor(f"lanhdao-{i}", agency, frozenset({"agency_leader"}))
        directory.create_account(ADMIN, username=secretary.user_id, agency_id=agency, full_name="Thư ký ISO",
                                 roles=sorted(secretary.roles))
        directory.create_account(ADMIN, username=leader.user_id, agency_id=agency, full_name="Lãnh đạo",
                                 roles=sorted(leader.roles))
        policy = ledger.open_case(secretary, "quality_policy", values={"year": 2026, "statement": "Chính sách"})
        if i % 2:
            ledger.take_step(secretary, policy, "submit", values={})
        if i % 3 == 0:
            doc = ledger.register_document(secretary, code="BM-01", title="Phiếu theo dõi", kind="form",
                                           department="Văn phòng")
            file = {"key": f"bench/{i}", "sha256": "0" * 64, "size": 1, "media_type": "application/pdf",
                    "filename": "BM-01.pdf"}
            n = ledger.create_draft(secretary, doc, file=file, change_summary="Ban hành")
            ledger.submit_for_review(secretary, doc, n, reviewers=[], approver=leader.user_id)
            ledger.approve(leader, doc, n)
            ledger.issue(secretary, doc, n, effective_from="2026-03-02", distribution=["leadership"])


def timed(fn: Callable[[], object], samples: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=250)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isoledger-calendar-") as tmp:
        home = Path(tmp)
        if args.backend == "postgres":
            from tests.pgserver import PgServer

            with PgServer() as server:
                run(server.create_database("calendar"), home, args.agencies, args.samples)
        else:
            run(f"sqlite:///{home / 'calendar.sqlite3'}", home, args.agencies, args.samples)


def run(url: str, home: Path, agencies: int, samples: int) -> None:
    ledger = Ledger(url)
    app, services = build_app(url, home, ledger)
    t = time.perf_counter()
    build(ledger, agencies)
    services.projector.catch_up()
    print(f"built {agencies} agencies in {time.perf_counter() - t:.1f} s "
          f"({ledger.recorder.max_notification_id():,} events)")
    ctx = app.state.ctx
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}

        def http() -> None:
            r = client.get("/api/v1/province/dashboard", params={"year": 2026}, headers=headers)
            assert r.status_code == 200 and len(r.json()["agencies"]) == agencies + 3, r.text[:200]

        def in_process() -> None:
            ctx.uc.province.dashboard(ADMIN, 2026)

        def raw() -> None:
            with services.db.transaction(write=False) as cur:
                cur.execute("SELECT agency_id, fact, count(*) FROM calendar_facts WHERE year=? OR "
                            "(subject='document' AND year<?) GROUP BY agency_id, fact", (2026, 2026))
                cur.fetchall()

        rows = [("dashboard through HTTP (admin, every agency)", timed(http, samples)),
                ("dashboard use case in process", timed(in_process, samples)),
                ("raw: GROUP BY count of the year's facts", timed(raw, samples))]
    print(f"\nbench/province_calendar.py --agencies {agencies} ({url.split(':')[0]})")
    for name, (p50, p95) in rows:
        print(f"{name:<48} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    ratio = rows[0][1][0] / max(rows[2][1][0], 0.001)
    print(f"HTTP dashboard / raw count: {ratio:.1f}x")
    ledger.close()


if __name__ == "__main__":
    main()
