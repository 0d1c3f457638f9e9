"""Public portal benchmark: an agency's public page and its JSON twin through a real server, p50/p95 of the full
answer beside the ETag path (If-None-Match → 304) and the HTTP floor (/healthz), measured in the same run.

    .venv/bin/python bench/public_portal.py [--n 300] [--procedures 200] [--months 12]

The agency has its procedures' monthly figures (bench: 200 × 12), a published quality policy and context, and ten
documents in force; requests of the three kinds are taken in turns, so that load from elsewhere hits them alike.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import runpy
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import free_port, start  # noqa: E402
from isoledger.bootstrap import bootstrap, use_cases  # noqa: E402
from isoledger.settings import Settings  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from ledger.directory import Directory  # noqa: E402
from usecases.tthc_import import read_feed  # noqa: E402

AGENCY = "so-khcn-bench"
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
SECRETARY = Actor("thuky", AGENCY, frozenset({"iso_secretary", "staff"}))
LEADER = Actor("giamdoc", AGENCY, frozenset({"agency_leader"}))
CERT = {"fingerprint": "ab" * 32, "subject": "CN=Bench", "issuer": "CN=Bench CA", "serial": "1"}
GEN = runpy.run_path(str(ROOT / "samples" / "tthc" / "generate.py"))


def ref(name: str) -> dict[str, object]:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return {"key": f"scopes/bench/{digest}", "sha256": digest, "size": 1, "media_type": "application/pdf",
            "filename": f"{name}.pdf"}


def signed(ledger, code: str, kind: str, issue: bool) -> str:  # type: ignore[no-untyped-def]
    doc = ledger.register_document(SECRETARY, code=code, title=f"Quy trình {code}", kind=kind, department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=ref(code), change_summary="Ban hành")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    ledger.record_signature(LEADER, doc, n, meaning="approval", signed_file=ref(code + "-ky"), certificate=CERT,
                            pades_level="B-T", signing_time="2026-01-10T09:00:00+07:00")
    if issue:
        ledger.issue(SECRETARY, doc, n, effective_from=ledger.today().isoformat(), distribution=["leadership"])
    return doc


def build(procedures: int, months: int) -> None:
    services = bootstrap(Settings.from_env())
    try:
        ledger, directory = services.ledger, Directory(services.ledger)
        directory.create_agency(ADMIN, agency_id=AGENCY, name="Sở Khoa học và Công nghệ (bench)", supervised_by=[])
        for user, roles in (("thuky", ["iso_secretary", "staff"]), ("giamdoc", ["agency_leader"])):
            directory.create_account(ADMIN, username=user, agency_id=AGENCY, full_name=user, roles=roles)
        for i in range(10):
            signed(ledger, f"QT-{i + 1:02d}", "procedure", True)
        year = ledger.today().year
        policy = ledger.open_case(SECRETARY, "quality_policy", values={"year": year, "statement": "Phục vụ tốt."})
        ledger.take_step(SECRETARY, policy, "submit", values={"document": signed(ledger, "CSCL", "quality_policy",
                                                                                  False)})
        ledger.take_step(LEADER, policy, "approve", values={})
        ledger.take_step(SECRETARY, policy, "publish", values={})
        context = ledger.open_case(SECRETARY, "context", values={"year": year, "scope": "Toàn bộ hoạt động."})
        for q in ("strength", "weakness", "opportunity", "threat"):
            ledger.take_step(SECRETARY, context, "add_issue", values={"quadrant": q, "category": "service",
                                                                      "description": f"Vấn đề {q}"})
        ledger.take_step(SECRETARY, context, "add_party", values={"name": "Người dân", "needs": "Đúng hạn",
                                                                  "monitoring": "Khảo sát"})
        ledger.take_step(SECRETARY, context, "submit", values={"document": signed(ledger, "PTBC", "context_analysis",
                                                                                   False)})
        ledger.take_step(LEADER, context, "approve", values={})
        ledger.take_step(SECRETARY, context, "publish", values={})
        services.projector.catch_up()
        items = GEN["rows"](procedures=procedures, months=months, first="2025-11", document="QT-01")
        uc = use_cases(services)
        uc.tthc.import_feed(SECRETARY, read_feed(GEN["as_json"](items, AGENCY), "bench.json"))
        uc.deps.projections.close()
        services.projector.catch_up()
    finally:
        services.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--procedures", type=int, default=200)
    ap.add_argument("--months", type=int, default=12)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="isoledger-bench-public-"))
    env = dict(os.environ, ISOLEDGER_HOME=str(home), ISOLEDGER_DATABASE_URL=f"sqlite:///{home / 'ledger.sqlite3'}")
    os.environ.update(env)
    build(args.procedures, args.months)
    port = free_port()
    server = start(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            paths = {"page": f"/public/agencies/{AGENCY}", "json": f"/api/v1/public/agencies/{AGENCY}"}
            tags = {k: http.get(p).headers["ETag"] for k, p in paths.items()}
            size = {k: len(http.get(p).content) for k, p in paths.items()}
            times: dict[str, list[float]] = {k: [] for k in ("floor", "page", "page 304", "json", "json 304")}
            for _ in range(args.n):
                for key, path, headers in (("floor", "/healthz", {}),
                                           ("page", paths["page"], {}),
                                           ("page 304", paths["page"], {"If-None-Match": tags["page"]}),
                                           ("json", paths["json"], {}),
                                           ("json 304", paths["json"], {"If-None-Match": tags["json"]})):
                    t = time.perf_counter()
                    r = http.get(path, headers=headers)
                    times[key].append(time.perf_counter() - t)
                    assert r.status_code == (304 if "304" in key else 200), (key, r.status_code)
    finally:
        server.terminate()
        server.wait()
    print(f"public portal, {args.procedures} procedures × {args.months} months, {args.n} requests each "
          f"(page {size['page'] / 1024:.0f} KiB, JSON {size['json'] / 1024:.0f} KiB):")
    for key, values in times.items():
        q = statistics.quantiles(values, n=100)
        print(f"  {key:<10} p50 {q[49] * 1000:7.1f} ms   p95 {q[94] * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
