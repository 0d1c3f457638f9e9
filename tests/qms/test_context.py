"""The context of the organisation (§4.1–4.2): a year's SWOT issues and interested parties, refused until complete,
approved on a signed document with the approved snapshot kept, and as it stood on any day."""

from __future__ import annotations

import pytest

from ledger.clock import clocked
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from tests.factories import LEADER, SECRETARY, issued_document

ISSUES = [("strength", "people", "Đội ngũ công chức có trình độ chuyên môn cao, 85% có trình độ đại học trở lên."),
          ("weakness", "technology", "Hạ tầng công nghệ thông tin chưa đồng bộ giữa các phòng."),
          ("opportunity", "legal", "Nghị định về chuyển đổi số tạo điều kiện số hóa hồ sơ TTHC."),
          ("threat", "society", "Yêu cầu của người dân về thời gian giải quyết TTHC ngày càng cao.")]


def _context(ledger, year: int = 2026) -> str:  # type: ignore[no-untyped-def]
    return ledger.open_case(SECRETARY, "context", values={
        "year": year, "scope": "Toàn bộ hoạt động giải quyết TTHC và quản lý nhà nước về KH&CN của Sở."})


def _fill(ledger, case_id: str, issues=ISSUES) -> None:  # type: ignore[no-untyped-def]
    for quadrant, category, text in issues:
        ledger.take_step(SECRETARY, case_id, "add_issue",
                         values={"quadrant": quadrant, "category": category, "description": text})
    ledger.take_step(SECRETARY, case_id, "add_party", values={
        "name": "Tổ chức, cá nhân có TTHC", "needs": "Giải quyết đúng hạn, minh bạch, thái độ phục vụ tốt.",
        "monitoring": "Khảo sát mức độ hài lòng hằng quý; hộp thư góp ý; phản ánh qua cổng dịch vụ công."})


def test_issues_are_sorted_into_internal_and_external_by_their_quadrant(ledger) -> None:
    case_id = _context(ledger)
    _fill(ledger, case_id)
    case = ledger.case(case_id)
    assert [(i["id"], i["origin"]) for i in case["data"]["issues"]] == [
        ("V1", "internal"), ("V2", "internal"), ("V3", "external"), ("V4", "external")]
    assert case["derived"]["internal"] == 2 and case["derived"]["external"] == 2 and case["derived"]["parties"] == 1
    assert case["derived"]["by_quadrant"] == {"strength": 1, "weakness": 1, "opportunity": 1, "threat": 1}


def test_an_analysis_missing_a_quadrant_or_a_party_is_not_submitted(ledger) -> None:
    case_id = _context(ledger)
    for quadrant, category, text in ISSUES[:3]:
        ledger.take_step(SECRETARY, case_id, "add_issue",
                         values={"quadrant": quadrant, "category": category, "description": text})
    with pytest.raises(RuleViolation) as refused:
        ledger.take_step(SECRETARY, case_id, "submit", values={})
    assert refused.value.field == "issues" and "Thách thức" in refused.value.message_vi
    threat = ISSUES[3]
    ledger.take_step(SECRETARY, case_id, "add_issue",
                     values={"quadrant": threat[0], "category": threat[1], "description": threat[2]})
    with pytest.raises(RuleViolation) as no_party:
        ledger.take_step(SECRETARY, case_id, "submit", values={})
    assert no_party.value.field == "parties"


def test_an_unknown_quadrant_or_item_is_refused_naming_the_field(ledger) -> None:
    case_id = _context(ledger)
    with pytest.raises(InvalidInput) as bad:
        ledger.take_step(SECRETARY, case_id, "add_issue",
                         values={"quadrant": "luck", "category": "other", "description": "Không rõ"})
    assert bad.value.field == "quadrant"
    with pytest.raises(RuleViolation) as unknown:
        ledger.take_step(SECRETARY, case_id, "remove_item", values={"item_id": "V9"}, reason="Trùng")
    assert unknown.value.field == "item_id"


def test_the_leader_approves_on_a_signed_document_and_the_approved_snapshot_stays(ledger) -> None:
    case_id = _context(ledger)
    _fill(ledger, case_id)
    with pytest.raises(NotAllowed):
        ledger.take_step(LEADER, case_id, "add_issue", values={"quadrant": "strength", "category": "people",
                                                              "description": "x"})
    doc = issued_document(ledger, code="BC-2026", kind="context_analysis")
    ledger.take_step(SECRETARY, case_id, "submit", values={"document": doc})
    ledger.take_step(LEADER, case_id, "approve", values={})
    with pytest.raises(RuleViolation):  # approved: no more editing
        ledger.take_step(SECRETARY, case_id, "remove_item", values={"item_id": "V1"}, reason="Bỏ")
    case = ledger.case(case_id)
    assert case["state"] == "approved"
    snapshot = case["data"]["approved_snapshot"]
    assert [i["id"] for i in snapshot["issues"]] == ["V1", "V2", "V3", "V4"] and snapshot["by"] == LEADER.user_id


def test_an_item_removed_before_approval_is_gone_from_the_analysis_but_not_from_the_log(ledger, clock) -> None:
    with clocked(clock):
        case_id = _context(ledger)
        _fill(ledger, case_id)
        before = clock.now
        clock.advance(days=2)
        ledger.take_step(SECRETARY, case_id, "remove_item", values={"item_id": "V2"}, reason="Đã khắc phục")
    assert [i["id"] for i in ledger.case(case_id)["data"]["issues"]] == ["V1", "V3", "V4"]
    then = ledger.state_at(case_id, as_of=before)
    assert then is not None and [i["id"] for i in then["data"]["issues"]] == ["V1", "V2", "V3", "V4"]
    # the next issue added never reuses a removed id
    ledger.take_step(SECRETARY, case_id, "add_issue",
                     values={"quadrant": "weakness", "category": "finance", "description": "Kinh phí hạn chế."})
    assert ledger.case(case_id)["data"]["issues"][-1]["id"] == "V5"


def test_one_analysis_per_agency_and_year(ledger) -> None:
    _context(ledger)
    with pytest.raises(RuleViolation) as twice:
        _context(ledger)
    assert twice.value.field == "year"
