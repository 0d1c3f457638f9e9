"""Nonconformity and corrective action (§10.2) on the process mechanism: every step allowed and refused (role, state,
the wrong department's leader, missing fields, an implementer checking their own work), an ineffective check
that reopens, cancelled actions that never count as done, and nothing closed while an action is open."""

from __future__ import annotations

import pytest

from ledger.clock import clocked
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from tests.qms.org import (
    AUDITOR,
    KHTC_LEADER,
    LEADER,
    QLKH_LEADER,
    SECRETARY,
    STAFF,
    STAFF_2,
    STRANGER,
    Org,
)

PLAN = {"plan": "Rà soát sổ theo dõi hồ sơ đề tài; phân công người nhắc hạn.",
        "criteria": "Ba tháng liền không còn hồ sơ đề tài quá hạn xử lý.", "check_on": "2026-06-30"}


def raised(o: Org, who=AUDITOR, **extra):  # type: ignore[no-untyped-def]
    values = {"year": 2026, "department": o.khtc, "source": "direct", "title": "Hồ sơ đề tài xử lý quá hạn",
              "description": "3/20 hồ sơ nghiệm thu đề tài xử lý quá 15 ngày làm việc so với quy định.",
              "requirement": "QT-07 mục 5.3", "detected_on": "2026-03-02"}
    return o.ledger.open_case(who, "nonconformity", values={**values, **extra})


def planned(o: Org, **extra):  # type: ignore[no-untyped-def]
    case_id = raised(o, **extra)
    o.ledger.take_step(KHTC_LEADER, case_id, "contain", values={"correction": "Xử lý ngay 3 hồ sơ quá hạn."})
    o.ledger.take_step(KHTC_LEADER, case_id, "analyse", values={"method": "five_whys",
                                                               "causes": "Không có người theo dõi hạn xử lý"})
    o.ledger.take_step(KHTC_LEADER, case_id, "plan", values=PLAN)
    return case_id


def implemented(o: Org, owner=STAFF) -> str:  # type: ignore[no-untyped-def]
    case_id = planned(o)
    o.ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Lập sổ theo dõi hạn xử lý hồ sơ",
                                                                "owner": owner.user_id, "due": "2026-03-31"})
    o.ledger.take_step(owner, case_id, "complete_action", values={"action_id": "A1", "result": "Đã lập sổ."})
    o.ledger.take_step(SECRETARY, case_id, "verify", values={"note": "Sổ theo dõi đã dùng từ 16/03/2026."})
    return case_id


def test_a_nonconformity_is_corrected_verified_found_effective_and_closed(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        case_id = implemented(org)
        case = ledger.case(case_id)
        assert case["state"] == "verified" and case["data"]["verified_on"] == "2026-03-02"
        assert case["data"]["plans"][0]["criteria"] == PLAN["criteria"]
        assert case["derived"]["effectiveness_due"] is False
        clock.advance(days=120)  # 30/06/2026, the check date the plan declared
        assert ledger.case(case_id)["derived"]["effectiveness_due"] is True
        ledger.take_step(AUDITOR, case_id, "effectiveness", values={
            "result": "effective", "findings": "Tháng 4, 5, 6 không có hồ sơ quá hạn."})
        assert ledger.case(case_id)["state"] == "effective"
        ledger.take_step(SECRETARY, case_id, "close", values={})
    case = ledger.case(case_id)
    assert case["state"] == "closed" and case["final"]
    assert case["data"]["checks"][0] | {"at": ""} == {
        "result": "effective", "findings": "Tháng 4, 5, 6 không có hồ sơ quá hạn.", "round": 1,
        "criteria": PLAN["criteria"], "by": "danh.gia", "at": ""}
    assert [t["step"] for t in case["trail"]] == ["raise", "contain", "analyse", "plan", "actions", "complete_action",
                                                  "verify", "effectiveness", "close"]


def test_the_effectiveness_check_is_made_on_a_later_day_by_someone_who_implemented_nothing(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        case_id = implemented(org, owner=AUDITOR)
        check = {"result": "effective", "findings": "Không còn hồ sơ quá hạn."}
        with pytest.raises(RuleViolation) as same_day:
            ledger.take_step(AUDITOR, case_id, "effectiveness", values=check)
        assert same_day.value.code == "too_early" and "02/03/2026" in same_day.value.message_vi
        clock.advance(days=30)
        with pytest.raises(RuleViolation) as implementer:
            ledger.take_step(AUDITOR, case_id, "effectiveness", values=check)
        assert implementer.value.code == "same_person"
        with pytest.raises(NotAllowed):
            ledger.take_step(STAFF, case_id, "effectiveness", values=check)
        with pytest.raises(InvalidInput) as no_findings:
            ledger.take_step(LEADER, case_id, "effectiveness", values={"result": "effective"})
        assert no_findings.value.field == "findings"
        with pytest.raises(InvalidInput) as bad_result:
            ledger.take_step(LEADER, case_id, "effectiveness", values=check | {"result": "partly"})
        assert bad_result.value.field == "result"
        ledger.take_step(LEADER, case_id, "effectiveness", values=check)
    assert ledger.case(case_id)["state"] == "effective"


def test_an_ineffective_check_reopens_the_nonconformity_for_a_new_analysis_and_plan(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        case_id = implemented(org)
        clock.advance(days=30)
        ledger.take_step(LEADER, case_id, "effectiveness", values={
            "result": "ineffective", "findings": "Tháng 3 vẫn có 2 hồ sơ quá hạn."})
        case = ledger.case(case_id)
        assert case["state"] == "reopened" and case["data"]["reopened"] == 1
        assert case["derived"]["last_check"] == "ineffective"
        with pytest.raises(RuleViolation) as closing:
            ledger.take_step(SECRETARY, case_id, "close", values={})
        assert closing.value.code == "wrong_state"
        ledger.take_step(KHTC_LEADER, case_id, "analyse", values={
            "method": "fishbone", "causes": "Phần mềm không cảnh báo hạn; Không có người theo dõi hạn xử lý"})
        ledger.take_step(KHTC_LEADER, case_id, "plan", values=PLAN | {"criteria": "Sáu tháng không quá hạn.",
                                                                      "check_on": "2026-09-30"})
        with pytest.raises(RuleViolation) as old_round:  # the first plan's done action does not verify the second
            ledger.take_step(SECRETARY, case_id, "verify", values={"note": "Đã làm"})
        assert old_round.value.code == "no_action_done"
        ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Bật cảnh báo hạn trên phần mềm",
                                                                  "owner": STAFF_2.user_id, "due": "2026-04-30"})
        ledger.take_step(STAFF_2, case_id, "complete_action", values={"action_id": "A2"})
        ledger.take_step(SECRETARY, case_id, "verify", values={"note": "Cảnh báo đã bật."})
    case = ledger.case(case_id)
    assert case["state"] == "verified" and case["data"]["round"] == 2
    assert [a["round"] for a in case["data"]["actions"]] == [1, 2]
    assert [a["causes"] for a in case["data"]["analyses"]][0] == "Không có người theo dõi hạn xử lý"


def test_a_cancelled_action_does_not_count_as_done(org) -> None:
    ledger = org.ledger
    case_id = planned(org)
    ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Mua phần mềm nhắc hạn",
                                                              "owner": STAFF.user_id, "due": "2026-04-30"})
    with pytest.raises(NotAllowed):
        ledger.take_step(STAFF, case_id, "verify", values={"note": "Đã làm"})
    with pytest.raises(RuleViolation) as still_open:
        ledger.take_step(SECRETARY, case_id, "verify", values={"note": "Đã làm"})
    assert still_open.value.code == "actions_open"
    with pytest.raises(InvalidInput) as no_reason:
        ledger.take_step(KHTC_LEADER, case_id, "cancel_action", values={"action_id": "A1"})
    assert no_reason.value.field == "reason"
    with pytest.raises(NotAllowed):
        ledger.take_step(SECRETARY, case_id, "cancel_action", values={"action_id": "A1"}, reason="Không cần")
    with pytest.raises(NotAllowed) as other_leader:
        ledger.take_step(QLKH_LEADER, case_id, "cancel_action", values={"action_id": "A1"}, reason="Không cần")
    assert other_leader.value.code == "not_department_leader"
    ledger.take_step(KHTC_LEADER, case_id, "cancel_action", values={"action_id": "A1"},
                     reason="Không có kinh phí mua phần mềm năm 2026.")
    with pytest.raises(RuleViolation) as done_after_cancel:
        ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": "A1"})
    assert done_after_cancel.value.code == "action_not_open"
    with pytest.raises(RuleViolation) as nothing_done:
        ledger.take_step(SECRETARY, case_id, "verify", values={"note": "Đã làm"})
    assert nothing_done.value.code == "no_action_done"
    derived = ledger.case(case_id)["derived"]
    assert (derived["open_actions"], derived["done_actions"], derived["cancelled_actions"]) == (0, 0, 1)


def test_the_plan_is_approved_by_the_responsible_departments_leader_with_its_criteria(org) -> None:
    ledger = org.ledger
    case_id = raised(org)
    ledger.take_step(SECRETARY, case_id, "analyse", values={"method": "brainstorming", "causes": "Thiếu nhân lực"})
    with pytest.raises(NotAllowed) as other_leader:
        ledger.take_step(QLKH_LEADER, case_id, "plan", values=PLAN)
    assert other_leader.value.code == "not_department_leader"
    with pytest.raises(NotAllowed):
        ledger.take_step(SECRETARY, case_id, "plan", values=PLAN)
    for missing in ("plan", "criteria", "check_on"):
        with pytest.raises(InvalidInput) as refused:
            ledger.take_step(KHTC_LEADER, case_id, "plan", values={k: v for k, v in PLAN.items() if k != missing})
        assert refused.value.field == missing
    with pytest.raises(RuleViolation) as past:
        ledger.take_step(KHTC_LEADER, case_id, "plan", values=PLAN | {"check_on": "2026-01-15"})
    assert past.value.field == "check_on"
    ledger.take_step(LEADER, case_id, "plan", values=PLAN)
    case = ledger.case(case_id)
    assert case["state"] == "planned" and case["data"]["plans"][0]["approved_by"] == "giam.doc"


def test_raising_a_nonconformity_checks_its_source_department_and_dates(org) -> None:
    ledger = org.ledger
    with pytest.raises(InvalidInput) as source:
        raised(org, source="rumour")
    assert source.value.field == "source"
    with pytest.raises(RuleViolation) as future:
        raised(org, detected_on="2026-04-01")
    assert future.value.field == "detected_on"
    with pytest.raises(InvalidInput) as foreign_ref:
        raised(org, source="complaint", ref=ledger.open_case(STRANGER, "quality_policy",
                                                             values={"year": 2026, "statement": "Khác"}))
    assert foreign_ref.value.field == "ref"
    with pytest.raises(InvalidInput) as department:
        raised(org, department=org.foreign)
    assert department.value.field == "department"
    with pytest.raises(InvalidInput) as title:
        raised(org, title="  ")
    assert title.value.field == "title"
    risk = ledger.open_case(KHTC_LEADER, "risk", values={
        "year": 2026, "department": org.khtc, "kind": "risk", "title": "Chậm xử lý hồ sơ",
        "description": "Hồ sơ tồn đọng cuối năm", "processes": "Quản lý đề tài"})
    case_id = raised(org, who=STAFF, source="missed_objective", ref=risk)
    assert ledger.case(case_id)["data"]["ref"] == risk and ledger.case(case_id)["state"] == "raised"


def test_containment_and_analysis_belong_to_the_departments_leader_or_the_secretary(org) -> None:
    ledger = org.ledger
    case_id = raised(org)
    with pytest.raises(NotAllowed) as other_leader:
        ledger.take_step(QLKH_LEADER, case_id, "contain", values={"correction": "Xử lý ngay"})
    assert other_leader.value.code == "not_department_leader"
    with pytest.raises(NotAllowed):
        ledger.take_step(STAFF, case_id, "contain", values={"correction": "Xử lý ngay"})
    with pytest.raises(NotAllowed):
        ledger.take_step(STAFF, case_id, "analyse", values={"method": "five_whys", "causes": "Thiếu người"})
    with pytest.raises(InvalidInput) as empty:
        ledger.take_step(KHTC_LEADER, case_id, "analyse", values={"method": "five_whys", "causes": ""})
    assert empty.value.field == "causes"
    ledger.take_step(SECRETARY, case_id, "contain", values={"correction": "Xử lý ngay 3 hồ sơ."})
    with pytest.raises(RuleViolation) as again:
        ledger.take_step(SECRETARY, case_id, "contain", values={"correction": "Lần nữa"})
    assert again.value.code == "wrong_state"
    with pytest.raises(RuleViolation) as early:
        ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "x", "owner": STAFF.user_id,
                                                                  "due": "2026-04-01"})
    assert early.value.code == "wrong_state"


def test_cancelling_needs_a_reason_and_a_leader_and_cancels_the_open_actions(org) -> None:
    ledger = org.ledger
    case_id = planned(org)
    ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Lập sổ theo dõi", "owner": STAFF.user_id,
                                                              "due": "2026-04-30"})
    with pytest.raises(InvalidInput) as no_reason:
        ledger.take_step(KHTC_LEADER, case_id, "cancel", values={})
    assert no_reason.value.field == "reason"
    with pytest.raises(NotAllowed):
        ledger.take_step(SECRETARY, case_id, "cancel", values={}, reason="Trùng")
    with pytest.raises(NotAllowed):
        ledger.take_step(QLKH_LEADER, case_id, "cancel", values={}, reason="Trùng")
    ledger.take_step(LEADER, case_id, "cancel", values={}, reason="Trùng với NC đã ghi nhận từ đánh giá nội bộ.")
    case = ledger.case(case_id)
    assert case["state"] == "cancelled" and case["final"]
    assert [a["status"] for a in case["data"]["actions"]] == ["cancelled"]
    for step, values in (("complete_action", {"action_id": "A1"}), ("close", {}),
                         ("reopen", {})):
        with pytest.raises(RuleViolation) as refused:
            ledger.take_step(KHTC_LEADER, case_id, step, values=values, reason="Mở lại")
        assert refused.value.code == "wrong_state", step


def test_reopening_needs_a_reason_and_closing_only_follows_an_effective_check(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        case_id = implemented(org)
        with pytest.raises(RuleViolation) as early_close:
            ledger.take_step(SECRETARY, case_id, "close", values={})
        assert early_close.value.code == "wrong_state"
        clock.advance(days=30)
        ledger.take_step(AUDITOR, case_id, "effectiveness", values={"result": "effective", "findings": "Đạt."})
        with pytest.raises(InvalidInput) as no_reason:
            ledger.take_step(SECRETARY, case_id, "reopen", values={})
        assert no_reason.value.field == "reason"
        with pytest.raises(NotAllowed):
            ledger.take_step(QLKH_LEADER, case_id, "reopen", values={}, reason="Tái diễn")
        ledger.take_step(SECRETARY, case_id, "reopen", values={}, reason="Tháng 5 tái diễn 1 hồ sơ quá hạn.")
    assert ledger.case(case_id)["state"] == "reopened"



def test_the_branch_of_the_effectiveness_check_is_declared_checked_and_drawn() -> None:
    from ledger.qms.declaration import Field, Process, Step
    from ledger.qms.diagram import to_dot
    from ledger.qms.registry import process_named

    dot = to_dot(process_named("nonconformity"))
    assert '"verified" -> "effective"' in dot
    assert '"verified" -> "reopened" [label="Kiểm tra hiệu lực: Không có hiệu lực", style=dashed];' in dot
    result = Field("result", "choice", ("Kết luận", "Result"), choices={"ok": ("Đạt", "Pass"), "no": ("Không", "No")})
    with pytest.raises(ValueError, match="unknown state 'nowhere'"):
        Process(name="p", collection="p", label=("P", "P"), clause="0", states={"a": ("A", "A"), "b": ("B", "B")},
                steps=(Step("open", ("Mở", "Open"), (), "a", ("staff",)),
                       Step("check", ("Kiểm", "Check"), ("a",), "b", ("staff",), fields=(result,),
                            branch=("result", {"no": "nowhere"}))))
    with pytest.raises(ValueError, match="branch field 'verdict'"):
        Process(name="p", collection="p", label=("P", "P"), clause="0", states={"a": ("A", "A"), "b": ("B", "B")},
                steps=(Step("open", ("Mở", "Open"), (), "a", ("staff",)),
                       Step("check", ("Kiểm", "Check"), ("a",), "b", ("staff",), fields=(result,),
                            branch=("verdict", {"no": "a"}))))
