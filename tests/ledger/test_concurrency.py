"""Every command states the version it expects; a conflicting write fails and nothing is half-applied."""

from __future__ import annotations

import threading

import pytest

from ledger.errors import ConcurrencyConflict, LedgerError
from ledger.verify import verify_chains
from tests.factories import LEADER, SECRETARY, file_ref


def test_a_stale_expected_version_is_refused_and_writes_nothing(ledger):
    doc = ledger.register_document(SECRETARY, code="BM-10", title="Biểu mẫu", kind="form", department="VP")
    ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x", expected_version=1)
    with pytest.raises(ConcurrencyConflict) as err:
        ledger.revise_draft(SECRETARY, doc, 1, file=file_ref("b"), change_summary="y", expected_version=1)
    assert err.value.field == "If-Match"
    assert ledger.document(doc)["version"] == 2


def test_concurrent_approvals_of_one_version_let_exactly_one_through(ledger):
    doc = ledger.register_document(SECRETARY, code="BM-11", title="Biểu mẫu", kind="form", department="VP")
    ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver=LEADER.user_id)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def approve() -> None:
        barrier.wait()
        try:
            ledger.approve(LEADER, doc, 1, expected_version=3)
            outcomes.append("ok")
        except LedgerError as e:
            outcomes.append(e.code)

    threads = [threading.Thread(target=approve) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"concurrency_conflict", "concurrent_write", "not_submitted", "database_busy"}
    assert [e["type"] for e in ledger.history(doc)].count("Approved") == 1
    assert verify_chains(ledger).intact
