"""Property: for any sequence of commands, rebuilding the views from zero gives the incrementally kept state."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import Ledger
from ledger.errors import LedgerError
from projections.db import Database
from projections.runner import Projector
from tests.factories import ARCHIVIST, CERT, LEADER, REVIEWER, SECRETARY, file_ref

DOC_OPS = ["draft", "revise", "submit", "review", "approve", "reject", "sign", "issue", "withdraw", "obsolete"]
REC_OPS = ["add_file", "close", "lend", "extend", "return", "hold", "release", "propose", "approve_d", "destroy"]
ops = st.lists(st.one_of(
    st.tuples(st.just("doc"), st.sampled_from(DOC_OPS + ["next"] * 8), st.integers(0, 2)),
    st.tuples(st.just("rec"), st.sampled_from(REC_OPS + ["next"] * 4), st.integers(0, 2)),
    st.tuples(st.just("catch_up"), st.just(""), st.just(0)),
), min_size=1, max_size=40)


def _apply(ledger: Ledger, docs: list[str], recs: list[str], kind: str, op: str, i: int) -> None:
    if kind == "doc":
        d = docs[i]
        state = ledger.document(d)
        n = len(state["versions"]) or 1
        if op == "next":  # the natural next step, so that long workflows are reached often
            last = state["versions"][-1] if state["versions"] else {"status": "issued", "reviews": {},
                                                                     "signed_for_approval": False}
            signed = last["signed_for_approval"] or state["kind"] == "form"
            op = {"issued": "draft", "superseded": "draft", "withdrawn": "draft", "draft": "submit",
                  "rejected": "revise", "submitted": "approve" if last["reviews"] else "review",
                  "approved": "issue" if signed else "sign"}[last["status"]]
        {
            "draft": lambda: ledger.create_draft(SECRETARY, d, file=file_ref(f"{d}{n}"), change_summary="v"),
            "revise": lambda: ledger.revise_draft(SECRETARY, d, n, file=file_ref(f"r{n}"), change_summary="r"),
            "submit": lambda: ledger.submit_for_review(SECRETARY, d, n, reviewers=[REVIEWER.user_id],
                                                       approver=LEADER.user_id),
            "review": lambda: ledger.review(REVIEWER, d, n, verdict="agree"),
            "approve": lambda: ledger.approve(LEADER, d, n),
            "reject": lambda: ledger.reject(LEADER, d, n, reason="Chưa đạt"),
            "sign": lambda: ledger.record_signature(LEADER, d, n, meaning="approval", signed_file=file_ref("s"),
                                                    certificate=CERT, pades_level="B-B",
                                                    signing_time="2026-03-02T09:00:00+07:00"),
            # in the past, today and later than the clock's 02/03/2026: at once, at once, upcoming
            "issue": lambda: ledger.issue(SECRETARY, d, n, effective_from=("2026-02-20", "2026-03-02",
                                                                           "2026-04-01")[n % 3], distribution=["VP"]),
            "withdraw": lambda: ledger.withdraw(SECRETARY, d, n, reason="Thu hồi"),
            "obsolete": lambda: ledger.obsolete(LEADER, d, reason="Hết hiệu lực"),
        }[op]()
    else:
        r = recs[i]
        if op == "next":
            rec = ledger.record(r)
            op = "add_file" if not rec["files"] else "close" if not rec["closed_on"] else \
                "propose" if not rec["destruction"] else "approve_d" if rec["destruction"]["status"] == "proposed" \
                else "destroy"
        {
            "add_file": lambda: ledger.add_file(ARCHIVIST, r, file=file_ref(r), description="Tệp"),
            "close": lambda: ledger.close_record(ARCHIVIST, r, closed_on="2015-06-30"),
            "lend": lambda: ledger.lend(ARCHIVIST, r, borrower="Bích", purpose="Xem", due_on="2026-04-01",
                                        approved_by="GĐ"),
            "extend": lambda: ledger.extend_loan(ARCHIVIST, r, due_on="2026-05-01"),
            "return": lambda: ledger.take_back(ARCHIVIST, r, received_by="van.thu"),
            "hold": lambda: ledger.place_hold(ARCHIVIST, r, reason="Thanh tra"),
            "release": lambda: ledger.release_hold(ARCHIVIST, r),
            "propose": lambda: ledger.propose_destruction(ARCHIVIST, r, reason="Hết hạn"),
            "approve_d": lambda: ledger.approve_destruction(LEADER, r, decision_no="1/QĐ", decided_by="GĐ",
                                                            council=["A"]),
            "destroy": lambda: ledger.record_destruction(
                ARCHIVIST, r, executed_by="vt", witnesses=["A"], method="shredding", minutes_file=file_ref("bb"),
                erased_hashes=[f["file"]["sha256"] for f in ledger.record(r)["files"]]),
        }[op]()


@settings(max_examples=int(os.environ.get("ISOLEDGER_HYPOTHESIS_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops)
def test_a_rebuild_gives_exactly_the_incrementally_kept_views(request, sequence):
    url = _fresh_database(request)
    ledger = Ledger(url, clock=lambda: datetime(2026, 3, 2, 3, tzinfo=UTC))
    db = Database(url)
    try:
        projector = Projector(ledger, db, page_size=7)
        projector.create_tables()
        docs = [ledger.register_document(SECRETARY, code=f"QT-{i}", title=f"Quy trình {i}", kind=k,
                                         department="VP") for i, k in enumerate(["procedure", "form", "audit_plan"])]
        recs = [ledger.open_record(ARCHIVIST, code=f"HS-{i}", title="Hồ sơ", series="S", retention_years=y,
                                   legal_basis="L") for i, y in enumerate([5, None, 20])]
        for kind, op, i in sequence:
            if kind == "catch_up":
                projector.catch_up()
                continue
            try:
                _apply(ledger, docs, recs, kind, op, i)
            except LedgerError:
                pass
        projector.catch_up()
        incremental = projector.dump()
        projector.rebuild()
        assert projector.dump() == incremental
        assert len(incremental["audit"]) == ledger.recorder.max_notification_id()
    finally:
        db.close()
        ledger.close()


def _fresh_database(request) -> str:  # type: ignore[no-untyped-def]
    from tests.conftest import BACKEND, _counter

    if BACKEND == "postgres":
        server = request.getfixturevalue("pg_server")
        return server.create_database(f"h{os.getpid()}_{next(_counter)}")
    return f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
