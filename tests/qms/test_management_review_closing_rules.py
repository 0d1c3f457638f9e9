"""The closing rule of a management review holds for any sequence of decision steps, by anyone (hypothesis): a review
never reaches closed while a decision action is open, a cancelled action never counts as done, and a refused step
changes nothing; and the case views kept step by step equal a rebuild from zero."""

from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.clock import clocked
from ledger.errors import LedgerError
from ledger.qms.registry import process_named
from tests.factories import issued_document
from tests.qms.org import AUDITOR, KHTC_LEADER, LEADER, QLKH_LEADER, SECRETARY, STAFF, STAFF_2, Org

ACTORS = (LEADER, SECRETARY, KHTC_LEADER, QLKH_LEADER, STAFF, STAFF_2, AUDITOR)
REVIEW = process_named("management_review")
DECISIONS = ("actions", "complete_action", "cancel_action", "close")
CODES = itertools.count(1)  # the minutes of each example get their own document code


def minuted(o: Org, code: str = "BB-XXLD") -> str:
    """A review of 2026 taken through the notice, one report, the freeze, the meeting and the signed minutes."""
    ledger = o.ledger
    review = ledger.open_case(SECRETARY, "management_review", values={
        "year": 2026, "meeting_date": ledger.today().isoformat(), "chair": LEADER.user_id,
        "agenda": "Xem xét hệ thống quản lý chất lượng."})
    ledger.take_step(SECRETARY, review, "ask", values={"department": o.khtc, "topics": "Mục tiêu, rủi ro."})
    ledger.take_step(SECRETARY, review, "notify", values={})
    ledger.take_step(KHTC_LEADER, review, "report", values={"department": o.khtc, "report": "Đạt 5/6 mục tiêu."})
    ledger.take_step(SECRETARY, review, "freeze", values={"pack_sha256": "a" * 64, "pack_position": 1,
                                                          "pack_day": ledger.today().isoformat()})
    ledger.take_step(SECRETARY, review, "hold", values={"held_on": ledger.today().isoformat(),
                                                        "attendees": [LEADER.user_id], "discussion": "Thảo luận."})
    ledger.take_step(LEADER, review, "minute", values={"document": issued_document(ledger, code),
                                                       "conclusions": "Các quyết định cải tiến."})
    return review


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), length=st.integers(5, 30))
def test_no_sequence_of_decision_steps_closes_a_review_with_an_open_action(org, clock, data, length) -> None:  # type: ignore[no-untyped-def]
    ledger = org.ledger
    with clocked(clock):
        review = minuted(org, f"BB-{next(CODES)}")
        before = ledger.case(review)
        for _ in range(length):
            step = data.draw(st.sampled_from(DECISIONS))
            who = data.draw(st.sampled_from(ACTORS))
            ids = [a["id"] for a in before["data"].get("actions", [])] or ["A1"]
            values = {"actions": {"action": "Số hóa hồ sơ đề tài", "owner": data.draw(st.sampled_from(
                          (STAFF, STAFF_2, KHTC_LEADER))).user_id, "due": "2099-12-31"},
                      "complete_action": {"action_id": data.draw(st.sampled_from(ids))},
                      "cancel_action": {"action_id": data.draw(st.sampled_from(ids))}}.get(step, {})
            try:
                ledger.take_step(who, review, step, values=values, reason="Theo kết luận cuộc họp.")
            except LedgerError:
                after = ledger.case(review)
                assert (after["version"], after["data"]) == (before["version"], before["data"])  # refused: unchanged
                continue
            after = ledger.case(review)
            if after["state"] == "closed":
                assert all(a["status"] != "open" for a in after["data"].get("actions", []))
                assert step == "close" and before["state"] == "minuted"
            for old, new in zip(before["data"].get("actions", []), after["data"].get("actions", []), strict=False):
                if old["status"] == "cancelled":
                    assert new["status"] == "cancelled"  # never done afterwards
            before = after
            if after["state"] == "closed":
                break


def test_a_rebuild_of_the_review_and_improvement_views_equals_the_incrementally_kept_ones(org, clock,
                                                                                        projector) -> None:
    ledger = org.ledger
    with clocked(clock):
        review = minuted(org)
        projector.catch_up()
        programme = ledger.open_case(SECRETARY, "improvement_programme", values={
            "year": 2026, "aims": "Rút ngắn thời gian xử lý hồ sơ."})
        proposal = ledger.open_case(STAFF, "improvement", values={
            "year": 2026, "department": org.khtc, "title": "Số hóa sổ theo dõi", "area": "Hồ sơ đề tài",
            "routine": True, "situation": "Sổ giấy.", "proposal": "Bảng tính dùng chung.", "benefit": "Tra cứu nhanh.",
            "effort": "low", "programme": programme})
        steps = [
            (SECRETARY, review, "actions", {"action": "Số hóa hồ sơ", "owner": STAFF.user_id, "due": "2026-06-30"}),
            (STAFF, review, "complete_action", {"action_id": "A1", "result": "Xong."}),
            (SECRETARY, programme, "plan", {"round": 1, "area": "Hồ sơ", "content": "Số hóa", "due": "2026-06-30"}),
            (SECRETARY, programme, "submit", {}),
            (LEADER, programme, "approve", {}),
            (KHTC_LEADER, proposal, "screen", {"screening": "Khả thi."}),
            (KHTC_LEADER, proposal, "accept", {"owner": STAFF.user_id, "due": "2026-04-30"}),
            (STAFF, proposal, "implement", {"result": "Đã dùng."}),
            (KHTC_LEADER, proposal, "verify", {"achieved": "achieved", "measured": "40 giây/hồ sơ."}),
            (SECRETARY, review, "close", {}),
        ]
        for who, case_id, step, values in steps:
            clock.advance(days=1)
            ledger.take_step(who, case_id, step, values=values)
            projector.catch_up()
    kept = projector.dump()
    projector.rebuild()
    assert projector.dump() == kept
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT id, state, data FROM cases WHERE process IN ('management_review', 'improvement', "
                    "'improvement_programme')")
        rows = {r[0]: (r[1], json.loads(r[2])) for r in cur.fetchall()}
    for case_id in (review, programme, proposal):
        case = ledger.case(case_id)
        assert rows[case_id] == (case["state"], case["data"])
    assert [rows[i][0] for i in (review, programme, proposal)] == ["closed", "approved", "verified"]
