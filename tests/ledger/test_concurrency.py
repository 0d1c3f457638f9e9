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



def test_a_write_queued_behind_one_waiting_for_the_file_lock_is_served_not_refused_as_busy(tmp_path, clock):
    """On SQLite a write that waits for the file's lock (held by another process, the projector or the API's store)
    holds the ledger's one writing connection meanwhile: here the heartbeat's forgetting of old request marks. A
    command queued behind it must wait as long as that write may wait, not give up after the pool's 5 s."""
    import sqlite3
    import time

    from ledger.application import Ledger

    path = tmp_path / "ledger.sqlite3"  # SQLite's file lock and one writing connection: on either suite's backend
    ledger = Ledger(f"sqlite:///{path}", clock=clock)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another connection holds the file's write lock for 7 s
    forgetting = threading.Thread(target=ledger.forget_requests, args=(time.time(),))
    forgetting.start()
    time.sleep(0.5)  # the forgetting holds the writing connection and waits for the lock
    outcomes: list[str] = []

    def write() -> None:
        try:
            doc = ledger.register_document(SECRETARY, code="BM-20", title="Biểu mẫu", kind="form", department="VP")
            outcomes.append(ledger.document(doc)["code"])
        except LedgerError as e:
            outcomes.append(e.code)

    command = threading.Thread(target=write)
    command.start()
    time.sleep(6.5)
    other.execute("COMMIT")
    other.close()
    forgetting.join()
    command.join()
    ledger.close()
    assert outcomes == ["BM-20"], outcomes
