"""Any document or record can be seen as it was at a version or an instant, with the events that led there."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import LEADER, SECRETARY, file_ref, issued_document


def test_the_state_at_a_version_is_the_state_after_that_many_events(ledger):
    doc = issued_document(ledger)
    assert ledger.state_at(doc, version=1)["versions"] == []
    assert ledger.state_at(doc, version=2)["versions"][0]["status"] == "draft"
    assert ledger.state_at(doc, version=5)["versions"][0]["status"] == "approved"
    assert ledger.state_at(doc, version=7)["in_force"] == 1


def test_the_state_as_of_an_instant_ignores_what_happened_later(ledger, clock):
    from ledger.application import Ledger  # noqa: F401 - the clock drives event time through the ledger

    doc = ledger.register_document(SECRETARY, code="BM-07", title="Biểu mẫu", kind="form", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    events = ledger.history(doc)
    cut = events[-1]["timestamp"]
    from datetime import datetime
    instant = datetime.fromisoformat(cut) + timedelta(microseconds=1)
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    then = ledger.state_at(doc, as_of=instant)
    assert then["versions"][0]["status"] == "draft"
    assert [e["type"] for e in ledger.history(doc, as_of=instant)] == ["Registered", "DraftCreated"]
    assert ledger.document(doc)["versions"][0]["status"] == "approved"


def test_time_travel_past_many_snapshots_matches_a_full_replay(ledger):
    doc = ledger.register_document(SECRETARY, code="BM-08", title="Biểu mẫu", kind="form", department="VP")
    ledger.create_draft(SECRETARY, doc, file=file_ref("0"), change_summary="v0")
    for i in range(130):
        ledger.revise_draft(SECRETARY, doc, 1, file=file_ref(str(i)), change_summary=f"lần {i}")
    for version in (3, 51, 100, 101, 132):
        state = ledger.state_at(doc, version=version)
        replayed = [e for e in ledger.history(doc) if e["version"] <= version]
        assert state["version"] == version == len(replayed)
        assert state["versions"][0]["change_summary"] == replayed[-1]["data"]["change_summary"]
        assert state["last_hash"] == replayed[-1]["hash"]


def test_the_current_version_is_read_without_rebuilding_and_matches_the_state(ledger):
    import pytest

    from ledger.errors import NotFound

    doc = issued_document(ledger)
    assert ledger.current_version(doc) == ledger.document(doc)["version"] == 7
    with pytest.raises(NotFound):
        ledger.current_version("3f2b6a52-8d5e-4c1e-9d0a-1b2c3d4e5f60")
