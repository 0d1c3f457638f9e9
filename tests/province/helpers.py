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
