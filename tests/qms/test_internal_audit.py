"""Internal audit (§9.2) on the process mechanism: the year's programme drafted, returned, approved on its signed
document and put in force; an audit of one department under it planned (never by an auditor of that department),
scheduled, started, its checklist and findings recorded, the report signed by the lead auditor and acknowledged by
the department's leader, and closed only once every nonconformity finding has its NC — each step also refused."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from ledger.clock import clocked
from ledger.directory import Directory
from ledger.errors import InvalidInput, LedgerError, NotAllowed, RuleViolation
from tests.factories import AGENCY, CERT, file_ref, issued_document
from tests.qms.org import ADMIN, AUDITOR, KHTC_LEADER, LEADER, QLKH_LEADER, SECRETARY, STAFF, STAFF_2, Org

KHTC_AUDITOR = "ke.toan.truong"  # an internal auditor who works in the Phòng Kế hoạch - Tài chính
LINE_KHTC = {"processes": "Quản lý tài chính đề tài", "clauses": "7.5, 8.5", "risk": "high", "month": 3,
             "basis": "Hai sự không phù hợp năm trước"}


_CODES = itertools.count(1)


def _code(prefix: str) -> str:
    return f"{prefix}-{next(_CODES)}"


def signed_by(ledger: Any, signer: Any, kind: str = "other", code: str | None = None) -> str:
    """A document issued with version 1 approved and signed for approval by ``signer``."""
    doc = ledger.register_document(SECRETARY, code=code or _code("BC"), title="Báo cáo đánh giá nội bộ",
                                   kind=kind, department="Văn phòng Sở")
    ledger.create_draft(SECRETARY, doc, file=file_ref(doc), change_summary="Lần đầu")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver=signer.user_id)
    ledger.approve(signer, doc, 1)
    ledger.record_signature(signer, doc, 1, meaning="approval", signed_file=file_ref(doc + "-ky"), certificate=CERT,
                            pades_level="B-T", signing_time=ledger.clock().isoformat(), timestamp_time=None)
    ledger.issue(SECRETARY, doc, 1, effective_from=ledger.today().isoformat(), distribution=["leadership"])
    return str(doc)


def khtc_auditor(o: Org) -> Any:
    """An internal auditor placed in the Phòng Kế hoạch - Tài chính (so never an auditor of it)."""
    from tests.factories import actor

    Directory(o.ledger).create_account(ADMIN, username=KHTC_AUDITOR, agency_id=AGENCY, full_name="Kim Thị Sa Vi",
                                       roles=["internal_auditor", "staff"], department=o.khtc)
    return actor(KHTC_AUDITOR, "internal_auditor", "staff")


def programme(o: Org, *, approve: bool = True, year: int = 2026) -> str:
    ledger = o.ledger
    case_id = ledger.open_case(SECRETARY, "internal_audit_programme", values={
        "year": year, "objectives": "Đánh giá sự phù hợp và hiệu lực của HTQLCL tại các phòng.",
        "criteria": "TCVN ISO 9001:2015; các quy trình nội bộ của Sở.",
        "auditors": [QLKH_LEADER.user_id, LEADER.user_id]})
    ledger.take_step(SECRETARY, case_id, "add_line", values=LINE_KHTC | {"department": o.khtc})
    ledger.take_step(SECRETARY, case_id, "add_line", values={
        "department": o.qlkh, "processes": "Quản lý đề tài khoa học", "clauses": "8.1, 9.1", "risk": "medium",
        "month": 4})
    if approve:
        doc = issued_document(ledger, code=f"CT-DGNB-{year}", kind="audit_programme")
        ledger.take_step(SECRETARY, case_id, "submit", values={"document": doc})
        ledger.take_step(LEADER, case_id, "approve", values={})
    return str(case_id)


def plan_values(o: Org, prog: str, **extra: Any) -> dict[str, Any]:
    return {"programme": prog, "year": 2026, "department": o.khtc,
            "title": "Đánh giá nội bộ Phòng Kế hoạch - Tài chính 2026",
            "objectives": "Xác định mức độ phù hợp của quá trình quản lý tài chính đề tài.",
            "scope": "Hồ sơ thanh toán, tạm ứng đề tài năm 2025–2026.", "criteria": "TCVN ISO 9001:2015; QT-07.",
            "starts_on": "2026-03-10", "ends_on": "2026-03-11", "lead_auditor": QLKH_LEADER.user_id,
            "auditors": [AUDITOR.user_id, {"external": {"name": "Trần Văn Cường", "organisation": "Trung tâm TĐC"}}],
            **extra}


def planned(o: Org, prog: str | None = None) -> str:
    return str(o.ledger.open_case(SECRETARY, "internal_audit", values=plan_values(o, prog or programme(o))))


def in_progress(o: Org, clock: Any, prog: str | None = None) -> str:
    ledger = o.ledger
    case_id = planned(o, prog)
    ledger.take_step(SECRETARY, case_id, "schedule", values={"notice": "Đoàn làm việc ngày 10–11/3/2026."})
    for clause, question in (("7.5", "Hồ sơ thanh toán có được lưu đúng quy định?"),
                             ("8.5", "Tạm ứng đề tài có được theo dõi hạn hoàn ứng?"),
                             ("9.1", "Kết quả giải ngân có được báo cáo hằng quý?")):
        ledger.take_step(AUDITOR, case_id, "add_line", values={"clause": clause, "question": question})
    clock.advance(days=8)  # 10/03/2026
    ledger.take_step(QLKH_LEADER, case_id, "start", values={"opening_meeting": "Khai mạc 8h00 tại phòng họp."})
    return case_id


def refused(error: type[LedgerError], call: Any) -> LedgerError:
    with pytest.raises(error) as caught:
        call()
    return caught.value


# ---- the programme ----------------------------------------------------------------------------------------
def test_a_programme_is_drafted_returned_approved_on_its_signed_document_put_in_force_and_superseded(org, clock):
    ledger = org.ledger
    with clocked(clock):
        assert refused(NotAllowed, lambda: ledger.open_case(STAFF, "internal_audit_programme", values={
            "year": 2026, "objectives": "x"})).code == "role_required"
        prog = programme(org, approve=False)
        ledger.take_step(SECRETARY, prog, "add_line", values=LINE_KHTC | {"department": org.qlkh, "risk": "low"})
        assert refused(InvalidInput, lambda: ledger.take_step(SECRETARY, prog, "remove_line",
                                                               values={"line_id": "P3"})).field == "reason"
        ledger.take_step(SECRETARY, prog, "remove_line", values={"line_id": "P3"}, reason="Trùng phòng ban.")
        assert refused(InvalidInput, lambda: ledger.take_step(SECRETARY, prog, "remove_line", values={
            "line_id": "P3"}, reason="Lần nữa")).field == "line_id"
        bad = refused(InvalidInput, lambda: ledger.take_step(SECRETARY, prog, "add_line",
                                                             values=LINE_KHTC | {"department": org.khtc, "month": 13}))
        assert bad.field == "month"
        case = ledger.case(prog)
        assert [x["id"] for x in case["data"]["lines"]] == ["P1", "P2"]
        assert case["derived"] == {"lines": 2, "departments": 2, "by_risk": {"high": 1, "medium": 1, "low": 0},
                                   "months": [3, 4]}
        ledger.take_step(SECRETARY, prog, "submit", values={})
        assert refused(NotAllowed, lambda: ledger.take_step(SECRETARY, prog, "approve", values={})).code == (
            "role_required")
        unsigned = refused(RuleViolation, lambda: ledger.take_step(LEADER, prog, "approve", values={}))
        assert unsigned.code == "signature_required" and unsigned.field == "document"
        assert refused(InvalidInput, lambda: ledger.take_step(LEADER, prog, "return", values={})).field == "reason"
        ledger.take_step(LEADER, prog, "return", values={}, reason="Bổ sung phòng Quản lý Công nghệ.")
        assert ledger.case(prog)["state"] == "draft"
        doc = issued_document(ledger, code="CT-DGNB-2026", kind="audit_programme")
        ledger.take_step(SECRETARY, prog, "submit", values={"document": doc})
        ledger.take_step(LEADER, prog, "approve", values={})
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, prog, "add_line", values=LINE_KHTC | {
            "department": org.khtc})).code == "wrong_state"
        ledger.take_step(SECRETARY, prog, "enforce", values={})
        case = ledger.case(prog)
        assert case["state"] == "in_force" and [x["id"] for x in case["data"]["approved_lines"]] == ["P1", "P2"]
        assert case["data"]["approved_by"] == LEADER.user_id
        assert refused(LedgerError, lambda: ledger.open_case(SECRETARY, "internal_audit_programme", values={
            "year": 2026, "objectives": "Chương trình thứ hai"})) is not None  # one programme per agency and year
        assert refused(NotAllowed, lambda: ledger.take_step(SECRETARY, prog, "supersede", values={},
                                                            reason="Chương trình mới")).code == "role_required"
        ledger.take_step(LEADER, prog, "supersede", values={}, reason="Thay bằng chương trình điều chỉnh.")
        assert ledger.case(prog)["state"] == "superseded" and ledger.case(prog)["final"]


def test_an_empty_programme_is_not_submitted_and_a_cancelled_one_needs_a_reason(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        prog = ledger.open_case(SECRETARY, "internal_audit_programme", values={"year": 2026, "objectives": "Đánh giá"})
        empty = refused(RuleViolation, lambda: ledger.take_step(SECRETARY, prog, "submit", values={}))
        assert empty.code == "programme_empty" and empty.message_en
        assert refused(InvalidInput, lambda: ledger.take_step(LEADER, prog, "cancel", values={})).field == "reason"
        ledger.take_step(LEADER, prog, "cancel", values={}, reason="Sáp nhập đơn vị.")
        assert ledger.case(prog)["state"] == "cancelled"


# ---- planning an audit ------------------------------------------------------------------------------------
def test_an_audit_is_planned_only_under_an_approved_programme_of_its_year(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        draft = programme(org, approve=False)
        early = refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit",
                                                                values=plan_values(org, draft)))
        assert early.code == "programme_not_approved" and early.field == "programme"
        assert "chưa được phê duyệt" in early.message_vi and "not approved" in early.message_en
        risk = ledger.open_case(KHTC_LEADER, "risk", values={
            "year": 2026, "department": org.khtc, "kind": "risk", "title": "Chậm giải ngân", "description": "Chậm",
            "processes": "Tài chính"})
        assert refused(InvalidInput, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, risk))).field == "programme"  # a link to a case of another process
        ledger.take_step(SECRETARY, draft, "submit", values={"document": issued_document(ledger, code="CT-1",
                                                                                          kind="audit_programme")})
        ledger.take_step(LEADER, draft, "approve", values={})
        assert refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, draft, year=2027))).code == "wrong_programme"
        assert refused(NotAllowed, lambda: ledger.open_case(AUDITOR, "internal_audit", values=plan_values(
            org, draft))).code == "role_required"
        missing = plan_values(org, draft)
        del missing["objectives"]
        assert refused(InvalidInput, lambda: ledger.open_case(SECRETARY, "internal_audit",
                                                              values=missing)).field == "objectives"
        assert refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, draft, starts_on="2026-03-01"))).code == "date_in_past"
        order = refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, draft, ends_on="2026-03-09")))
        assert order.field == "ends_on" and order.code == "dates_out_of_order"
        case_id = ledger.open_case(LEADER, "internal_audit", values=plan_values(org, draft))
    case = ledger.case(case_id)
    assert case["state"] == "planned" and case["title"] == "Đánh giá nội bộ Phòng Kế hoạch - Tài chính 2026"
    assert case["derived"]["days_to_start"] == 8 and case["data"]["department"] == org.khtc


def test_an_auditor_may_not_audit_their_own_department(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        insider = khtc_auditor(org)
        prog = programme(org)
        leads_it = refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, prog, lead_auditor=KHTC_LEADER.user_id)))
        assert (leads_it.code, leads_it.field) == ("own_department_auditor", "lead_auditor")
        assert "không được đánh giá chính phòng ban của mình (Phòng Kế hoạch - Tài chính)" in leads_it.message_vi
        assert "may not audit their own department (Phòng Kế hoạch - Tài chính)" in leads_it.message_en
        works_there = refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, prog, auditors=[AUDITOR.user_id, insider.user_id])))
        assert (works_there.code, works_there.field) == ("own_department_auditor", "auditors")
        assert KHTC_AUDITOR in works_there.message_vi
        not_auditor = refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, prog, auditors=[STAFF.user_id])))
        assert (not_auditor.code, not_auditor.field) == ("not_an_auditor", "auditors")
        cannot_sign = refused(RuleViolation, lambda: ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, prog, lead_auditor=AUDITOR.user_id, auditors=[])))
        assert (cannot_sign.code, cannot_sign.field) == ("lead_cannot_sign", "lead_auditor")
        # the same auditor audits another department
        other = ledger.open_case(SECRETARY, "internal_audit", values=plan_values(
            org, prog, department=org.qlkh, lead_auditor=LEADER.user_id, auditors=[insider.user_id],
            title="Đánh giá Phòng Quản lý Khoa học"))
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, other, "revise_plan", values={
            "lead_auditor": QLKH_LEADER.user_id})).code == "own_department_auditor"  # a revision is checked too
        case_id = planned(org, prog)
        ledger.take_step(SECRETARY, case_id, "revise_plan", values={"ends_on": "2026-03-12"})
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "revise_plan", values={
            "auditors": [insider.user_id]})).field == "auditors"
    assert ledger.case(case_id)["data"]["ends_on"] == "2026-03-12"


# ---- running it ----------------------------------------------------------------------------------------------
def test_an_audit_runs_from_plan_to_a_signed_report_acknowledged_and_closed_once_its_ncs_are_raised(org, clock):
    ledger = org.ledger
    with clocked(clock):
        case_id = planned(org)
        assert refused(RuleViolation, lambda: ledger.take_step(QLKH_LEADER, case_id, "start",
                                                               values={})).code == "wrong_state"
        assert refused(NotAllowed, lambda: ledger.take_step(AUDITOR, case_id, "schedule", values={
            "notice": "x"})).code == "role_required"
        assert refused(InvalidInput, lambda: ledger.take_step(SECRETARY, case_id, "schedule",
                                                              values={})).field == "notice"
        ledger.take_step(SECRETARY, case_id, "schedule", values={"notice": "Đoàn làm việc ngày 10–11/3/2026."})
        assert refused(NotAllowed, lambda: ledger.take_step(STAFF, case_id, "add_line", values={
            "clause": "7.5", "question": "?"})).code == "not_in_team"
        for clause, question in (("7.5", "Hồ sơ thanh toán có được lưu đúng quy định?"),
                                 ("8.5", "Tạm ứng đề tài có được theo dõi hạn hoàn ứng?"),
                                 ("9.1", "Kết quả giải ngân có được báo cáo hằng quý?")):
            ledger.take_step(AUDITOR, case_id, "add_line", values={"clause": clause, "question": question})
        early = refused(RuleViolation, lambda: ledger.take_step(QLKH_LEADER, case_id, "start", values={}))
        assert early.code == "too_early" and "10/03/2026" in early.message_vi
        clock.advance(days=8)
        assert ledger.case(case_id)["derived"]["days_to_start"] == 0
        ledger.take_step(QLKH_LEADER, case_id, "start", values={})
        started = ledger.case(case_id)
        assert started["data"]["started_on"] == "2026-03-10" and started["derived"]["days_to_start"] is None
        record = {"evidence": "Sổ theo dõi tạm ứng 2025", "result": "major_nc"}
        ledger.take_step(AUDITOR, case_id, "record_line", values={"line_id": "L2"} | record)
        ledger.take_step(AUDITOR, case_id, "record_line", values={
            "line_id": "L1", "evidence": "20 hồ sơ", "result": "conforming"})
        assert refused(RuleViolation, lambda: ledger.take_step(AUDITOR, case_id, "raise_finding", values={
            "line_id": "L1", "description": "x"})).code == "line_conforming"
        assert refused(RuleViolation, lambda: ledger.take_step(AUDITOR, case_id, "raise_finding", values={
            "line_id": "L3", "description": "x"})).code == "line_not_done"
        assert refused(InvalidInput, lambda: ledger.take_step(AUDITOR, case_id, "raise_finding", values={
            "line_id": "L9", "description": "x"})).field == "line_id"
        finding = {"line_id": "L2", "description": "5/12 khoản tạm ứng quá hạn hoàn ứng chưa được nhắc.",
                   "requirement": "QT-07 mục 5.4"}
        ledger.take_step(AUDITOR, case_id, "raise_finding", values=finding)
        assert refused(RuleViolation, lambda: ledger.take_step(AUDITOR, case_id, "raise_finding",
                                                               values=finding)).code == "line_has_finding"
        assert refused(RuleViolation, lambda: ledger.take_step(AUDITOR, case_id, "record_line", values={
            "line_id": "L2", "evidence": "x", "result": "conforming"})).code == "line_has_finding"
        incomplete = refused(RuleViolation, lambda: ledger.take_step(QLKH_LEADER, case_id, "finish", values={}))
        assert incomplete.code == "checklist_incomplete" and "L3" in incomplete.message_vi
        ledger.take_step(AUDITOR, case_id, "record_line", values={
            "line_id": "L3", "evidence": "Báo cáo quý", "result": "ofi"})
        ledger.take_step(AUDITOR, case_id, "raise_finding", values={"line_id": "L3",
                                                                   "description": "Nên báo cáo theo tháng."})
        ledger.take_step(QLKH_LEADER, case_id, "finish", values={"closing_meeting": "Thống nhất 2 phát hiện."})
        assert refused(RuleViolation, lambda: ledger.take_step(QLKH_LEADER, case_id, "issue", values={
            "document": signed_by(ledger, QLKH_LEADER)})).code == "report_missing"
        ledger.take_step(AUDITOR, case_id, "write_report", values={
            "summary": "3 nội dung kiểm tra; 1 không phù hợp nặng, 1 cơ hội cải tiến.",
            "conclusion": "HTQLCL của phòng được duy trì; cần khắc phục việc theo dõi tạm ứng."})
        by_leader = signed_by(ledger, LEADER, kind="procedure")
        assert refused(NotAllowed, lambda: ledger.take_step(LEADER, case_id, "issue", values={
            "document": by_leader})).code == "not_lead_auditor"
        assert refused(NotAllowed, lambda: ledger.take_step(AUDITOR, case_id, "issue", values={
            "document": by_leader})).code == "role_required"
        unsigned = refused(RuleViolation, lambda: ledger.take_step(QLKH_LEADER, case_id, "issue", values={
            "document": by_leader}))
        assert unsigned.code == "signature_required" and unsigned.field == "document"
        report = signed_by(ledger, QLKH_LEADER)
        ledger.take_step(QLKH_LEADER, case_id, "issue", values={"document": report})
        case = ledger.case(case_id)
        assert case["state"] == "issued" and case["data"]["issued_by"] == QLKH_LEADER.user_id
        assert case["derived"]["findings"] == {"major_nc": 1, "minor_nc": 0, "observation": 0, "ofi": 1}
        assert case["derived"]["ncs_missing"] == ["F1"] and case["derived"]["lines_done"] == 3
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "close",
                                                               values={})).code == "not_acknowledged"
        assert refused(NotAllowed, lambda: ledger.take_step(QLKH_LEADER, case_id, "acknowledge",
                                                            values={})).code == "not_department_leader"
        ledger.take_step(KHTC_LEADER, case_id, "acknowledge", values={"comment": "Thống nhất."})
        assert refused(RuleViolation, lambda: ledger.take_step(KHTC_LEADER, case_id, "acknowledge",
                                                               values={})).code == "already_acknowledged"
        lacking = refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "close", values={}))
        assert lacking.code == "findings_without_nc" and "F1" in lacking.message_vi and "F1" in lacking.message_en
        nc_values = {"year": 2026, "department": org.khtc, "source": "audit_finding",
                     "title": "F1: tạm ứng quá hạn không được nhắc", "description": finding["description"]}
        elsewhere = ledger.open_case(AUDITOR, "nonconformity", values=nc_values | {"ref": programme(org, year=2027)})
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "link_nc", values={
            "finding_id": "F1", "nonconformity": elsewhere})).code == "nc_not_from_this_audit"
        direct = ledger.open_case(AUDITOR, "nonconformity", values=nc_values | {"source": "direct", "ref": case_id})
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "link_nc", values={
            "finding_id": "F1", "nonconformity": direct})).field == "nonconformity"
        nc = ledger.open_case(AUDITOR, "nonconformity", values=nc_values | {"ref": case_id})
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "link_nc", values={
            "finding_id": "F2", "nonconformity": nc})).code == "finding_not_nc"
        assert refused(NotAllowed, lambda: ledger.take_step(QLKH_LEADER, case_id, "link_nc", values={
            "finding_id": "F1", "nonconformity": nc})).code == "not_department_leader"
        ledger.take_step(KHTC_LEADER, case_id, "link_nc", values={"finding_id": "F1", "nonconformity": nc})
        assert refused(RuleViolation, lambda: ledger.take_step(SECRETARY, case_id, "link_nc", values={
            "finding_id": "F1", "nonconformity": nc})).code == "finding_has_nc"
        assert refused(NotAllowed, lambda: ledger.take_step(AUDITOR, case_id, "close",
                                                            values={})).code == "role_required"
        ledger.take_step(SECRETARY, case_id, "close", values={})
        assert refused(RuleViolation, lambda: ledger.take_step(LEADER, case_id, "cancel", values={},
                                                               reason="x")).code == "wrong_state"
    case = ledger.case(case_id)
    assert case["state"] == "closed" and case["final"]
    assert [(f["id"], f["line"], f["kind"], f["clause"], f["nonconformity"]) for f in case["data"]["findings"]] == [
        ("F1", "L2", "major_nc", "8.5", nc), ("F2", "L3", "ofi", "9.1", None)]
    assert [(x["id"], x["clause"], x["result"], x.get("finding")) for x in case["data"]["lines"]] == [
        ("L1", "7.5", "conforming", None), ("L2", "8.5", "major_nc", "F1"), ("L3", "9.1", "ofi", "F2")]
    assert ledger.case(nc)["data"]["ref"] == case_id  # the NC points back at the audit
    assert [t["step"] for t in case["trail"]] == [
        "plan", "schedule", "add_line", "add_line", "add_line", "start", "record_line", "record_line", "raise_finding",
        "record_line", "raise_finding", "finish", "write_report", "issue", "acknowledge", "link_nc", "close"]


def test_an_audit_is_cancelled_with_a_reason_by_a_planner_before_its_report_is_issued(org, clock) -> None:
    ledger = org.ledger
    with clocked(clock):
        case_id = in_progress(org, clock)
        assert refused(NotAllowed, lambda: ledger.take_step(QLKH_LEADER, case_id, "cancel", values={},
                                                            reason="x")).code == "role_required"
        assert refused(InvalidInput, lambda: ledger.take_step(SECRETARY, case_id, "cancel",
                                                               values={})).field == "reason"
        assert refused(NotAllowed, lambda: ledger.take_step(STAFF_2, case_id, "record_line", values={
            "line_id": "L1", "evidence": "x", "result": "conforming"})).code == "not_in_team"
        ledger.take_step(SECRETARY, case_id, "cancel", values={}, reason="Phòng sáp nhập theo quyết định 12/QĐ.")
    case = ledger.case(case_id)
    assert case["state"] == "cancelled" and case["final"] and case["trail"][-1]["reason"].startswith("Phòng sáp")
