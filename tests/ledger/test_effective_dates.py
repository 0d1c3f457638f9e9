"""A version is in force from its effective date (00:00 Vietnam time), not from the moment it is issued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ledger.errors import InvalidInput, RuleViolation
from tests.factories import LEADER, SECRETARY, file_ref, issued_document

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _approved_version(ledger, doc: str, content: str) -> int:  # type: ignore[no-untyped-def]
    n: int = ledger.create_draft(SECRETARY, doc, file=file_ref(content), change_summary=f"Sửa đổi {content}")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    return n


def _form(ledger, code: str = "BM-01") -> str:  # type: ignore[no-untyped-def]
    doc: str = ledger.register_document(SECRETARY, code=code, title="Phiếu đề nghị", kind="form", department="VP")
    return doc


def _now(state: dict) -> tuple[int | None, int | None]:  # type: ignore[type-arg]
    return state["in_force"], state["upcoming"]


def test_a_version_with_a_later_date_is_issued_not_yet_in_force_until_midnight_in_vietnam(ledger, clock):
    doc = _form(ledger)
    n = _approved_version(ledger, doc, "v1")
    ledger.issue(SECRETARY, doc, n, effective_from="2026-03-05", distribution=["VP"])
    state = ledger.document(doc)
    assert _now(state) == (None, 1)
    assert state["versions"][0]["status"] == "issued" and state["in_force_on"] == "2026-03-02"
    clock.now = datetime(2026, 3, 4, 23, 59, 59, tzinfo=VN)
    assert _now(ledger.document(doc)) == (None, 1)
    clock.now = datetime(2026, 3, 5, 0, 0, tzinfo=VN)  # 17:00 UTC on the 4th
    assert clock.now.astimezone(UTC).day == 4
    assert _now(ledger.document(doc)) == (1, None)


def test_the_previous_version_stays_in_force_until_the_new_one_takes_effect(ledger, clock):
    doc = issued_document(ledger)
    n = _approved_version(ledger, doc, "v2")
    ledger.record_signature(LEADER, doc, n, meaning="approval", signed_file=file_ref("v2s"),
                            certificate={"fingerprint": "cd" * 32, "subject": "CN=A", "issuer": "CN=B", "serial": "9"},
                            pades_level="B-B", signing_time="2026-03-02T10:00:00+07:00")
    ledger.issue(SECRETARY, doc, n, effective_from="2026-04-01", distribution=["VP"])
    assert [e["type"] for e in ledger.history(doc)[-2:]] == ["Issued", "Superseded"]
    assert _now(ledger.document(doc)) == (1, 2)
    clock.now = datetime(2026, 4, 1, 0, 0, tzinfo=VN)
    assert _now(ledger.document(doc)) == (2, None)


@pytest.mark.parametrize("day", ["2026-02-10", "2026-03-02"])
def test_an_effective_date_today_or_in_the_past_is_in_force_at_once(ledger, day):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from=day, distribution=["VP"])
    assert _now(ledger.document(doc)) == (1, None)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v2"), effective_from="2026-03-02",
                 distribution=["VP"])
    assert _now(ledger.document(doc)) == (2, None)


def test_issuing_while_another_version_waits_for_its_date_is_refused_and_writes_nothing(ledger, clock):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v2"), effective_from="2026-04-01",
                 distribution=["VP"])
    n = _approved_version(ledger, doc, "v3")
    before = ledger.current_version(doc)
    with pytest.raises(RuleViolation) as err:
        ledger.issue(SECRETARY, doc, n, effective_from="2026-05-01", distribution=["VP"])
    assert err.value.code == "issue_pending"
    assert "chưa có hiệu lực" in err.value.message_vi and "01/04/2026" in err.value.message_vi
    assert ledger.current_version(doc) == before
    clock.now = datetime(2026, 4, 1, tzinfo=VN)  # version 2 has taken effect: version 3 may now be issued
    ledger.issue(SECRETARY, doc, n, effective_from="2026-05-01", distribution=["VP"])
    assert _now(ledger.document(doc)) == (2, 3)


def test_withdrawing_a_version_before_its_date_keeps_the_previous_one_in_force(ledger, clock):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v2"), effective_from="2026-04-01",
                 distribution=["VP"])
    ledger.withdraw(SECRETARY, doc, 2, reason="Cần sửa thêm trước khi áp dụng")
    events = ledger.history(doc)
    assert [e["type"] for e in events[-2:]] == ["Withdrawn", "Reinstated"]
    assert events[-1]["data"] == {"version": 1, "withdrawn_version": 2}
    state = ledger.document(doc)
    assert _now(state) == (1, None)
    assert [v["status"] for v in state["versions"]] == ["issued", "withdrawn"]
    clock.now = datetime(2026, 4, 2, tzinfo=VN)
    assert _now(ledger.document(doc)) == (1, None), "the withdrawn version never takes effect"
    # the next version replaces version 1, which stays in force until that version's date
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v3"), effective_from="2026-05-01",
                 distribution=["VP"])
    assert ledger.history(doc)[-1]["data"] == {"previous_version": 1, "by_version": 3}
    assert _now(ledger.document(doc)) == (1, 3)


def test_withdrawing_the_only_version_before_its_date_leaves_nothing_in_force_or_upcoming(ledger):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-04-01",
                 distribution=["VP"])
    ledger.withdraw(SECRETARY, doc, 1, reason="Không áp dụng")
    assert ledger.history(doc)[-1]["type"] == "Withdrawn"
    assert _now(ledger.document(doc)) == (None, None)


def test_withdrawing_a_version_after_it_took_effect_leaves_no_version_in_force(ledger, clock):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v2"), effective_from="2026-03-10",
                 distribution=["VP"])
    clock.now = datetime(2026, 3, 10, tzinfo=VN)
    ledger.withdraw(SECRETARY, doc, 2, reason="Sai sót")
    assert ledger.history(doc)[-1]["type"] == "Withdrawn"
    state = ledger.document(doc)
    assert _now(state) == (None, None)
    assert [v["status"] for v in state["versions"]] == ["superseded", "withdrawn"]


def test_the_version_in_force_until_its_successor_takes_effect_is_withdrawn_by_withdrawing_the_successor(ledger):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v2"), effective_from="2026-04-01",
                 distribution=["VP"])
    with pytest.raises(RuleViolation) as err:
        ledger.withdraw(SECRETARY, doc, 1, reason="Thử")
    assert err.value.code == "not_withdrawable"
    assert "thu hồi phiên bản 2" in err.value.message_vi


def test_an_effective_date_before_that_of_the_version_in_force_is_refused_naming_the_field(ledger):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    n = _approved_version(ledger, doc, "v2")
    with pytest.raises(InvalidInput) as err:
        ledger.issue(SECRETARY, doc, n, effective_from="2026-02-28", distribution=["VP"])
    assert err.value.field == "effective_from" and "01/03/2026" in err.value.message_vi


def test_time_travel_answers_what_was_in_force_on_the_day_asked(ledger):
    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    last = datetime.fromisoformat(ledger.history(doc)[-1]["timestamp"])
    later = (last.astimezone(VN) + timedelta(days=30)).date()
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v2"), effective_from=later, distribution=["VP"])
    issued_at = datetime.fromisoformat(ledger.history(doc)[-1]["timestamp"]) + timedelta(microseconds=1)
    midnight = datetime(later.year, later.month, later.day, tzinfo=VN)
    assert _now(ledger.state_at(doc, as_of=issued_at)) == (1, 2)
    assert _now(ledger.state_at(doc, as_of=midnight - timedelta(microseconds=1))) == (1, 2)
    assert _now(ledger.state_at(doc, as_of=midnight)) == (2, None)
    assert ledger.state_at(doc, as_of=midnight)["in_force_on"] == later.isoformat()


def test_snapshots_taken_across_upcoming_versions_and_reinstatements_match_a_replay(ledger, clock):
    from ledger.application import SNAPSHOT_INTERVAL
    from ledger.verify import verify_chains, verify_snapshots

    doc = _form(ledger)
    ledger.issue(SECRETARY, doc, _approved_version(ledger, doc, "v1"), effective_from="2026-03-01",
                 distribution=["VP"])
    for i in range(16):  # issue a version for next month, withdraw it before then: 7 events a round
        n = _approved_version(ledger, doc, f"v{i}")
        ledger.issue(SECRETARY, doc, n, effective_from="2026-04-01", distribution=["VP"])
        ledger.withdraw(SECRETARY, doc, n, reason="Chưa áp dụng")
    assert ledger.current_version(doc) > 2 * SNAPSHOT_INTERVAL
    assert _now(ledger.document(doc)) == (1, None)
    report = verify_chains(ledger)
    assert report.intact
    snapshots = verify_snapshots(ledger, report.versions, interval=SNAPSHOT_INTERVAL)
    assert snapshots.checked >= 1 and snapshots.first_break is None
    assert ledger.state_at(doc, version=ledger.current_version(doc)) == ledger.document(doc)
