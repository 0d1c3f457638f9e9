"""Risks and opportunities (§6.1) on the process mechanism: every step allowed and refused (role, state, the wrong
department's leader, missing or ill-fitting fields), the derived levels and dates, and a matrix version that keeps
past scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ledger.clock import clocked
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.qms import matrix as M
from projections.runner import Projector
from tests.qms.org import (
    KHTC_LEADER,
    LEADER,
    QLKH_LEADER,
    SECRETARY,
    STAFF,
    STAFF_2,
    STRANGER,
    Org,
)

DESCRIPTION = "Hồ sơ thanh toán kinh phí đề tài khoa học nộp trễ so với kế hoạch quý."


def identify(o: Org, who=KHTC_LEADER, **extra):  # type: ignore[no-untyped-def]
    values = {"year": 2026, "department": o.khtc, "kind": "risk", "title": "Giải ngân vốn đề tài chậm",
              "description": DESCRIPTION, "cause": "Chủ nhiệm đề tài chậm nộp chứng từ",
              "processes": "Quản lý tài chính đề tài khoa học"}
    return o.ledger.open_case(who, "risk", values={**values, **extra})


def assessed(o: Org, likelihood: int = 4, impact: int = 4, **extra):  # type: ignore[no-untyped-def]
    case_id = identify(o, **extra)
    o.ledger.take_step(KHTC_LEADER, case_id, "assess", values={"likelihood": likelihood, "impact": impact,
                                                               "basis": "Ba quý liền chậm giải ngân."})
    return case_id


def treated(o: Org, **extra):  # type: ignore[no-untyped-def]
    case_id = assessed(o, **extra)
    o.ledger.take_step(KHTC_LEADER, case_id, "treat", values={
        "treatment": "mitigate", "plan": "Nhắc chủ nhiệm đề tài hằng tháng; hướng dẫn hồ sơ mẫu.",
        "reassess_on": "2026-06-30"})
    return case_id


def test_a_risk_goes_from_identified_to_closed_with_its_levels_recorded(org) -> None:
    ledger = org.ledger
    case_id = identify(org)
    assert ledger.case(case_id)["state"] == "identified"
    assert ledger.case(case_id)["derived"]["level"] is None
    ledger.take_step(KHTC_LEADER, case_id, "assess", values={"likelihood": 4, "impact": 4})
    case = ledger.case(case_id)
    assert case["state"] == "assessed"
    assert case["data"]["assessments"][0] | {"at": "", "seq": 0} == {
        "stage": "inherent", "likelihood": 4, "impact": 4, "score": 16, "level": "critical", "matrix": "R1",
        "by": "truong.phong", "at": "", "seq": 0}
    ledger.take_step(KHTC_LEADER, case_id, "treat", values={"treatment": "mitigate", "plan": "Nhắc hằng tháng.",
                                                            "reassess_on": "2026-06-30"})
    ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Gửi công văn nhắc nộp chứng từ",
                                                              "owner": STAFF.user_id, "due": "2026-03-20"})
    ledger.take_step(SECRETARY, case_id, "actions", values={"action": "Ban hành hồ sơ mẫu thanh toán",
                                                            "owner": STAFF_2.user_id, "due": "2026-04-15"})
    ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": "A1", "result": "Đã gửi 12 công văn."})
    ledger.take_step(KHTC_LEADER, case_id, "complete_action", values={"action_id": "A2"})
    ledger.take_step(KHTC_LEADER, case_id, "residual", values={"likelihood": 2, "impact": 3,
                                                               "reassess_on": "2026-09-30"})
    case = ledger.case(case_id)
    assert case["state"] == "monitored"
    assert case["derived"] | {} == {"level": "medium", "score": 6, "matrix": "R1", "inherent_level": "critical",
                                    "residual_level": "medium", "open_actions": 0, "overdue_actions": [],
                                    "reassessment_due": False}
    assert [(a["id"], a["status"], a["owner"]) for a in case["data"]["actions"]] == [
        ("A1", "done", "chuyen.vien"), ("A2", "done", "ke.toan")]
    ledger.take_step(KHTC_LEADER, case_id, "close", values={}, reason="Rủi ro còn lại ở mức chấp nhận được.")
    assert ledger.case(case_id)["state"] == "closed"
    assert [t["step"] for t in ledger.case(case_id)["trail"]] == [
        "identify", "assess", "treat", "actions", "actions", "complete_action", "complete_action", "residual", "close"]


def test_an_opportunity_is_scored_on_benefit_and_effort_and_pursued(org) -> None:
    ledger = org.ledger
    case_id = identify(org, who=QLKH_LEADER, department=org.qlkh, kind="opportunity",
                       title="Dùng phần mềm quản lý đề tài dùng chung của Bộ", processes="Quản lý đề tài")
    ledger.take_step(QLKH_LEADER, case_id, "assess", values={"benefit": 5, "effort": 2})
    assessment = ledger.case(case_id)["data"]["assessments"][0]
    assert (assessment["score"], assessment["level"], assessment["matrix"]) == (20, "critical", "O1")
    with pytest.raises(InvalidInput) as refused:
        ledger.take_step(QLKH_LEADER, case_id, "treat", values={"treatment": "mitigate", "plan": "Giảm",
                                                                "reassess_on": "2026-12-01"})
    assert refused.value.field == "treatment"
    ledger.take_step(QLKH_LEADER, case_id, "treat", values={"treatment": "pursue", "plan": "Đăng ký dùng thử.",
                                                            "reassess_on": "2026-12-01"})
    assert ledger.case(case_id)["data"]["treatment"] == "pursue"


def test_a_risk_is_scored_on_its_own_two_axes_each_from_one_to_five(org) -> None:
    ledger = org.ledger
    case_id = identify(org)
    for values, field in (({"likelihood": 3}, "impact"), ({"impact": 3}, "likelihood"),
                          ({"likelihood": 3, "impact": 3, "benefit": 2}, "benefit"),
                          ({"likelihood": 6, "impact": 3}, "likelihood"),
                          ({"likelihood": 0, "impact": 3}, "likelihood"),
                          ({"likelihood": 2.5, "impact": 3}, "likelihood")):
        with pytest.raises(InvalidInput) as refused:
            ledger.take_step(KHTC_LEADER, case_id, "assess", values=values)
        assert refused.value.field == field, values
    assert ledger.case(case_id)["version"] == 1  # nothing was half-written


def test_identifying_a_risk_is_refused_without_what_it_threatens_or_outside_ones_own_department(org) -> None:
    ledger = org.ledger
    with pytest.raises(InvalidInput) as untied:
        identify(org, processes="")
    assert untied.value.field == "processes"
    with pytest.raises(NotAllowed) as other_department:
        identify(org, who=QLKH_LEADER)
    assert other_department.value.code == "not_department_leader"
    with pytest.raises(NotAllowed):
        identify(org, who=STAFF)
    with pytest.raises(InvalidInput) as foreign:
        identify(org, department=org.foreign)
    assert foreign.value.field == "department"
    with pytest.raises(InvalidInput) as kind:
        identify(org, kind="threat")
    assert kind.value.field == "kind"
    with pytest.raises(InvalidInput) as missing:
        identify(org, description="")
    assert missing.value.field == "description"
    with pytest.raises(RuleViolation) as year:
        identify(org, year=2030)
    assert year.value.field == "year"
    with pytest.raises(InvalidInput):  # another agency's secretary: our department is not one of theirs
        identify(org, who=STRANGER)
    # the secretary and the agency leader identify for any department; a linked case ties it too
    first = identify(org, who=SECRETARY, department=org.qlkh)
    second = identify(org, who=LEADER, processes="", refs=[first])
    assert ledger.case(second)["data"]["refs"] == [first]


def test_a_risk_may_be_linked_only_to_items_of_its_own_agency(org) -> None:
    foreign = org.ledger.open_case(STRANGER, "quality_policy", values={"year": 2026, "statement": "Chính sách khác"})
    with pytest.raises(InvalidInput) as refused:
        identify(org, refs=[foreign])
    assert refused.value.field == "refs"


def test_only_the_departments_own_leader_or_the_agency_leader_decides_the_treatment(org) -> None:
    ledger = org.ledger
    case_id = assessed(org)
    treatment = {"treatment": "mitigate", "plan": "Nhắc hằng tháng.", "reassess_on": "2026-06-30"}
    with pytest.raises(NotAllowed) as wrong_leader:
        ledger.take_step(QLKH_LEADER, case_id, "treat", values=treatment)
    assert wrong_leader.value.code == "not_department_leader"
    assert "Kế hoạch - Tài chính" in wrong_leader.value.message_vi
    with pytest.raises(NotAllowed):
        ledger.take_step(SECRETARY, case_id, "treat", values=treatment)
    with pytest.raises(RuleViolation) as past:
        ledger.take_step(KHTC_LEADER, case_id, "treat", values=treatment | {"reassess_on": "2026-03-01"})
    assert past.value.code == "date_in_past" and past.value.field == "reassess_on"
    with pytest.raises(InvalidInput) as no_plan:
        ledger.take_step(KHTC_LEADER, case_id, "treat", values=treatment | {"plan": ""})
    assert no_plan.value.field == "plan"
    ledger.take_step(LEADER, case_id, "treat", values=treatment)
    case = ledger.case(case_id)
    assert case["state"] == "treated" and case["data"]["treatments"][0]["approved_by"] == "giam.doc"


def test_steps_from_the_wrong_state_are_refused(org) -> None:
    ledger = org.ledger
    case_id = identify(org)
    for step, values in (("treat", {"treatment": "accept", "plan": "x", "reassess_on": "2026-06-30"}),
                         ("actions", {"action": "x", "owner": STAFF.user_id, "due": "2026-06-30"}),
                         ("residual", {"likelihood": 1, "impact": 1, "reassess_on": "2026-06-30"})):
        with pytest.raises(RuleViolation) as refused:
            ledger.take_step(KHTC_LEADER, case_id, step, values=values)
        assert refused.value.code == "wrong_state", step
    ledger.take_step(KHTC_LEADER, case_id, "close", values={}, reason="Trùng với rủi ro đã có.")
    with pytest.raises(RuleViolation) as closed:
        ledger.take_step(KHTC_LEADER, case_id, "assess", values={"likelihood": 1, "impact": 1})
    assert closed.value.code == "wrong_state"


def test_actions_have_an_owner_of_the_agency_a_due_date_and_are_done_once_by_their_owner(org) -> None:
    ledger = org.ledger
    case_id = treated(org)
    action = {"action": "Gửi công văn nhắc", "owner": STAFF.user_id, "due": "2026-03-20"}
    with pytest.raises(InvalidInput) as stranger:
        ledger.take_step(KHTC_LEADER, case_id, "actions", values=action | {"owner": STRANGER.user_id})
    assert stranger.value.field == "owner"
    with pytest.raises(RuleViolation) as past:
        ledger.take_step(KHTC_LEADER, case_id, "actions", values=action | {"due": "2026-02-01"})
    assert past.value.field == "due"
    with pytest.raises(InvalidInput) as no_due:
        ledger.take_step(KHTC_LEADER, case_id, "actions", values=action | {"due": None})
    assert no_due.value.field == "due"
    with pytest.raises(NotAllowed):
        ledger.take_step(QLKH_LEADER, case_id, "actions", values=action)
    ledger.take_step(KHTC_LEADER, case_id, "actions", values=action)
    with pytest.raises(NotAllowed) as not_owner:
        ledger.take_step(STAFF_2, case_id, "complete_action", values={"action_id": "A1"})
    assert not_owner.value.code == "not_action_owner"
    with pytest.raises(InvalidInput) as unknown:
        ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": "A9"})
    assert unknown.value.field == "action_id"
    ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": "A1"})
    with pytest.raises(RuleViolation) as again:
        ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": "A1"})
    assert again.value.code == "action_not_open"
    done = ledger.case(case_id)["data"]["actions"][0]
    assert (done["status"], done["done_by"]) == ("done", "chuyen.vien")


def test_nothing_is_reassessed_or_closed_while_an_action_is_open(org) -> None:
    ledger = org.ledger
    case_id = treated(org)
    ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Gửi công văn nhắc", "owner": STAFF.user_id,
                                                              "due": "2026-03-20"})
    with pytest.raises(NotAllowed):
        ledger.take_step(STAFF, case_id, "residual", values={"likelihood": 2, "impact": 2,
                                                             "reassess_on": "2026-09-30"})
    with pytest.raises(RuleViolation) as residual:
        ledger.take_step(KHTC_LEADER, case_id, "residual", values={"likelihood": 2, "impact": 2,
                                                                   "reassess_on": "2026-09-30"})
    assert residual.value.code == "actions_open" and "A1" in residual.value.message_vi
    with pytest.raises(InvalidInput) as no_reason:
        ledger.take_step(KHTC_LEADER, case_id, "close", values={})
    assert no_reason.value.field == "reason"
    with pytest.raises(RuleViolation) as close:
        ledger.take_step(KHTC_LEADER, case_id, "close", values={}, reason="Hết rủi ro")
    assert close.value.code == "actions_open"
    with pytest.raises(NotAllowed):
        ledger.take_step(SECRETARY, case_id, "close", values={}, reason="Hết rủi ro")


def test_overdue_actions_and_a_reassessment_due_are_derived_from_the_dates(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        case_id = treated(org)
        ledger.take_step(KHTC_LEADER, case_id, "actions", values={"action": "Gửi công văn nhắc",
                                                                  "owner": STAFF.user_id, "due": "2026-03-20"})
        assert ledger.case(case_id)["derived"]["overdue_actions"] == []
        clock.advance(days=19)  # 21/03/2026
        assert ledger.case(case_id)["derived"]["overdue_actions"] == ["A1"]
        ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": "A1"})
        derived = ledger.case(case_id)["derived"]
        assert derived["overdue_actions"] == [] and derived["reassessment_due"] is False
        clock.advance(days=101)  # 30/06/2026, the reassessment date
        assert ledger.case(case_id)["derived"]["reassessment_due"] is True
        ledger.take_step(KHTC_LEADER, case_id, "residual", values={"likelihood": 2, "impact": 2,
                                                                   "reassess_on": "2026-12-31"})
        assert ledger.case(case_id)["derived"]["reassessment_due"] is False


# The matrix R1 as a table of levels (rows: likelihood 5..1, columns: impact 1..5). A version never changes.
R1_TABLE = """
medium high critical critical critical
low medium high critical critical
low medium medium high critical
low low medium medium high
low low low low medium
"""


def test_the_matrix_in_force_is_the_declared_r1_table() -> None:
    rows = [line.split() for line in R1_TABLE.strip().splitlines()]
    declared = [[M.RISK_MATRIX_V1.cell_level(likelihood, impact) for impact in range(1, 6)]
                for likelihood in range(5, 0, -1)]
    assert declared == rows
    assert M.matrix_on("risk", date(2026, 3, 2)) is M.RISK_MATRIX_V1


def test_a_later_matrix_version_never_rewrites_past_scores(org, clock, monkeypatch, projector: Projector) -> None:
    ledger = org.ledger
    stricter = replace(M.RISK_MATRIX_V1, version="R2", since=date(2026, 7, 1),
                       thresholds=((2, "low"), (5, "medium"), (8, "high"), (25, "critical")))
    with clocked(clock):
        before = assessed(org, likelihood=2, impact=3)  # 6: medium on R1
        monkeypatch.setattr(M, "MATRICES", [*M.MATRICES, stricter])
        clock.advance(days=130)  # 10/07/2026: R2 is in force
        after = assessed(org, likelihood=2, impact=3)  # 6: high on R2
        ledger.take_step(KHTC_LEADER, before, "assess", values={"likelihood": 2, "impact": 3})
    first, again = ledger.case(before)["data"]["assessments"]
    assert (first["matrix"], first["level"]) == ("R1", "medium")
    assert (again["matrix"], again["level"]) == ("R2", "high")
    assert ledger.case(after)["derived"]["level"] == "high"
    assert ledger.case(before)["derived"]["inherent_level"] == "high"
    # the read model, rebuilt from the log after the change, keeps the past score as it was made
    projector.catch_up()
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT data FROM cases WHERE id=?", [before])
        projected = __import__("json").loads(cur.fetchone()[0])
    assert [(a["matrix"], a["level"]) for a in projected["assessments"]] == [("R1", "medium"), ("R2", "high")]
    then = ledger.state_at(before, as_of=clock.now.replace(month=3, day=3))
    assert then is not None and then["data"]["assessments"][0]["level"] == "medium"
