"""Steps of the province tests' QMS cases, taken through the ledger as the agency's people take them."""

from __future__ import annotations

from typing import Any

from tests.factories import LEADER, SECRETARY, issued_document
from tests.qms.org import AUDITOR
from tests.qms.test_context import _context, _fill


def approved_context(ledger: Any, year: int = 2026, code: str = "BC-2026") -> str:
    """The year's context analysis, complete, submitted on its signed document and approved by the leader."""
    case_id = _context(ledger, year)
    _fill(ledger, case_id)
    doc = issued_document(ledger, code=code, kind="context_analysis")
    ledger.take_step(SECRETARY, case_id, "submit", values={"document": doc})
    ledger.take_step(LEADER, case_id, "approve", values={})
    return case_id


def nonconformity(ledger: Any, department: str, year: int = 2026) -> str:
    return ledger.open_case(AUDITOR, "nonconformity", values={
        "year": year, "department": department, "source": "audit_finding", "title": "Hồ sơ đề tài xử lý quá hạn",
        "description": "3/20 hồ sơ nghiệm thu xử lý quá hạn."})


def cancel(ledger: Any, case_id: str) -> None:
    ledger.take_step(LEADER, case_id, "cancel", values={}, reason="Ghi nhận nhầm")


def concluded_inspection(api: Any, agency: str, scores: dict[str, int], supervisor: str = "chi-cuc-tdc-tra-vinh",
                         inspector: str = "kiemtra", planned_on: str = "2026-12-08") -> str:
    """An inspection of ``agency`` by its supervisor's inspector, scored and concluded, through the API."""
    r = api.call("POST", f"/api/v1/agencies/{supervisor}/inspections", inspector, json={
        "inspected_agency": agency, "kind": "periodic", "year": 2026, "planned_on": planned_on,
        "team_lead": inspector, "scope": "Việc duy trì HTQLCL năm 2026", "criteria": "TC1"})
    assert r.status_code == 201, r.text
    case = str(r.json()["id"])
    for step, body in (("start", {}), ("score", scores), ("record", {"summary": "Duy trì HTQLCL."}),
                       ("conclude", {"conclusion": "Kết luận kiểm tra."})):
        r = api.call("POST", f"/api/v1/inspections/{case}/{step}", inspector, json=body)
        assert r.status_code == 200, (step, r.text)
    return case
