"""The one mechanism every QMS process runs on, proven on the quality policy: steps as chained events, refusals
that say why, signatures required where declared, keys unique per agency, time-travel from the log."""

from __future__ import annotations

import pytest

from ledger.clock import clocked
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.verify import verify_chains
from tests.factories import LEADER, SECRETARY, STRANGER, issued_document


def _policy(ledger, year: int = 2026, **extra) -> str:  # type: ignore[no-untyped-def]
    values = {"year": year, "statement": "Cải cách hành chính, phục vụ người dân và doanh nghiệp ngày càng tốt hơn."}
    return ledger.open_case(SECRETARY, "quality_policy", values=values | extra)


def test_opening_a_case_records_the_declared_opening_step_as_a_chained_event(ledger) -> None:
    case_id = _policy(ledger)
    case = ledger.case(case_id)
    assert case["state"] == "draft"
    assert case["title"] == "Chính sách chất lượng năm 2026"
    assert case["data"]["statement"].startswith("Cải cách hành chính")
    events = ledger.history(case_id)
    assert [e["type"] for e in events] == ["CaseOpened"]
    assert events[0]["meta"]["role"] == "iso_secretary"
    assert events[0]["data"]["values"]["year"] == 2026


def test_a_second_policy_for_the_same_year_is_refused_naming_the_year(ledger) -> None:
    _policy(ledger)
    with pytest.raises(RuleViolation) as refused:
        _policy(ledger)
    assert refused.value.field == "year"
    assert "2026" in refused.value.message_vi
    _policy(ledger, year=2027)


def test_a_step_from_the_wrong_state_is_refused_in_both_languages(ledger) -> None:
    case_id = _policy(ledger)
    with pytest.raises(RuleViolation) as refused:
        ledger.take_step(SECRETARY, case_id, "publish", values={})
    assert refused.value.code == "wrong_state"
    assert "Dự thảo" in refused.value.message_vi and "draft" in refused.value.message_en


def test_a_step_is_refused_to_a_role_the_declaration_does_not_name(ledger) -> None:
    case_id = _policy(ledger)
    with pytest.raises(NotAllowed):
        ledger.take_step(LEADER, case_id, "submit", values={})
    ledger.take_step(SECRETARY, case_id, "submit", values={})
    with pytest.raises(NotAllowed):
        ledger.take_step(SECRETARY, case_id, "return", values={}, reason="Chưa đạt")


def test_another_agency_cannot_take_a_step(ledger) -> None:
    case_id = _policy(ledger)
    with pytest.raises(NotAllowed):
        ledger.take_step(STRANGER, case_id, "submit", values={})


def test_a_required_reason_and_a_required_field_are_named_when_missing(ledger) -> None:
    with pytest.raises(InvalidInput) as missing:
        ledger.open_case(SECRETARY, "quality_policy", values={"year": 2026})
    assert missing.value.field == "statement"
    with pytest.raises(InvalidInput) as unknown:
        _policy(ledger, colour="đỏ")
    assert unknown.value.field == "colour"
    case_id = _policy(ledger)
    ledger.take_step(SECRETARY, case_id, "submit", values={})
    with pytest.raises(InvalidInput) as no_reason:
        ledger.take_step(LEADER, case_id, "return", values={})
    assert no_reason.value.field == "reason"
    ledger.take_step(LEADER, case_id, "return", values={}, reason="Bổ sung cam kết cải tiến liên tục")
    assert ledger.case(case_id)["state"] == "draft"


def test_approval_needs_the_formal_document_signed_for_approval_by_the_approver(ledger) -> None:
    case_id = _policy(ledger)
    ledger.take_step(SECRETARY, case_id, "submit", values={})
    with pytest.raises(RuleViolation) as unsigned:
        ledger.take_step(LEADER, case_id, "approve", values={})
    assert unsigned.value.code == "signature_required" and unsigned.value.field == "document"
    ledger.take_step(LEADER, case_id, "return", values={}, reason="Đính kèm văn bản")
    doc = issued_document(ledger, code="CS-2026", kind="quality_policy")
    ledger.take_step(SECRETARY, case_id, "submit", values={"document": doc})
    ledger.take_step(LEADER, case_id, "approve", values={})
    ledger.take_step(SECRETARY, case_id, "publish", values={})
    case = ledger.case(case_id)
    assert case["state"] == "published"
    assert [t["step"] for t in case["trail"]] == ["draft", "submit", "return", "submit", "approve", "publish"]


def test_every_step_extends_the_case_hash_chain(ledger) -> None:
    case_id = _policy(ledger)
    ledger.take_step(SECRETARY, case_id, "revise", values={"statement": "Nội dung mới: minh bạch, hiệu quả."})
    ledger.take_step(SECRETARY, case_id, "submit", values={})
    events = ledger.history(case_id)
    assert [e["type"] for e in events] == ["CaseOpened", "StepTaken", "StepTaken"]
    assert events[1]["data"]["from_state"] == "draft" and events[2]["data"]["to_state"] == "submitted"
    report = verify_chains(ledger)
    assert report.intact and report.versions[str(case_id)] == 3


def test_the_case_as_it_stood_is_rebuilt_from_the_log(ledger, clock) -> None:
    with clocked(clock):
        case_id = _policy(ledger)
        before = clock.now
        clock.advance(days=3)
        ledger.take_step(SECRETARY, case_id, "revise", values={"statement": "Nội dung sửa lần hai."})
    then = ledger.state_at(case_id, as_of=before)
    assert then is not None and then["data"]["statement"].startswith("Cải cách hành chính")
    assert ledger.case(case_id)["data"]["statement"] == "Nội dung sửa lần hai."
    assert [t["at"][:10] for t in ledger.case(case_id)["trail"]] == ["2026-03-02", "2026-03-05"]
