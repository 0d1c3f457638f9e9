"""Records are lent, held and destroyed only as the rules allow."""

from __future__ import annotations

import pytest

from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from tests.factories import ARCHIVIST, LEADER, SECRETARY, file_ref


def open_record(ledger, code="HS-01", years=5):  # type: ignore[no-untyped-def]
    rec = ledger.open_record(ARCHIVIST, code=code, title="Hồ sơ đánh giá nội bộ năm 2020",
                             series="Đánh giá nội bộ", retention_years=years,
                             legal_basis="Thông tư 10/2022/TT-BNV", confidentiality="internal")
    ledger.add_file(ARCHIVIST, rec, file=file_ref(code, "Biên bản đánh giá.pdf"), description="Biên bản")
    return rec


def closed_and_due(ledger, clock, code="HS-01"):  # type: ignore[no-untyped-def]
    rec = open_record(ledger, code)
    ledger.close_record(ARCHIVIST, rec, closed_on="2020-12-31")
    return rec


def test_a_record_on_loan_cannot_be_lent_again(ledger):
    rec = open_record(ledger)
    ledger.lend(ARCHIVIST, rec, borrower="Trần Thị Bích", purpose="Thanh tra", due_on="2026-03-20",
                approved_by="giam.doc")
    with pytest.raises(RuleViolation) as err:
        ledger.lend(ARCHIVIST, rec, borrower="Lê Văn C", purpose="x", due_on="2026-03-21", approved_by="giam.doc")
    assert err.value.code == "already_on_loan"
    assert "20/03/2026" in err.value.message_vi


def test_a_loan_is_extended_forward_only_and_returned_once(ledger):
    rec = open_record(ledger)
    ledger.lend(ARCHIVIST, rec, borrower="Trần Thị Bích", purpose="Thanh tra", due_on="2026-03-20",
                approved_by="giam.doc")
    with pytest.raises(InvalidInput):
        ledger.extend_loan(ARCHIVIST, rec, due_on="2026-03-10")
    ledger.extend_loan(ARCHIVIST, rec, due_on="2026-04-20")
    assert ledger.record(rec)["loan"]["due_on"] == "2026-04-20"
    ledger.take_back(ARCHIVIST, rec, received_by="van.thu", note="Đủ hồ sơ")
    assert ledger.record(rec)["loan"] is None
    with pytest.raises(RuleViolation):
        ledger.take_back(ARCHIVIST, rec, received_by="van.thu")


def test_a_loan_due_in_the_past_is_refused(ledger):
    rec = open_record(ledger)
    with pytest.raises(InvalidInput) as err:
        ledger.lend(ARCHIVIST, rec, borrower="A", purpose="B", due_on="2020-01-01", approved_by="C")
    assert err.value.field == "due_on"


def test_a_record_cannot_be_destroyed_before_its_retention_ends(ledger):
    rec = open_record(ledger, years=10)
    ledger.close_record(ARCHIVIST, rec, closed_on="2020-12-31")
    assert ledger.record(rec)["retention_ends_on"] == "2030-12-31"
    with pytest.raises(RuleViolation) as err:
        ledger.propose_destruction(ARCHIVIST, rec, reason="Hết hạn")
    assert err.value.code == "retention_running"
    assert "31/12/2030" in err.value.message_vi


def test_an_open_or_permanent_record_cannot_be_destroyed(ledger):
    rec = open_record(ledger, code="HS-02")
    with pytest.raises(RuleViolation) as err:
        ledger.propose_destruction(ARCHIVIST, rec, reason="x")
    assert err.value.code == "record_open"
    forever = open_record(ledger, code="HS-03", years=None)
    ledger.close_record(ARCHIVIST, forever, closed_on="2001-01-01")
    with pytest.raises(RuleViolation) as err:
        ledger.propose_destruction(ARCHIVIST, forever, reason="x")
    assert err.value.code == "permanent"


def test_destruction_needs_an_approved_decision(ledger, clock):
    rec = closed_and_due(ledger, clock)
    ledger.propose_destruction(ARCHIVIST, rec, reason="Hết thời hạn bảo quản")
    with pytest.raises(RuleViolation) as err:
        _destroy(ledger, rec)
    assert err.value.code == "destruction_not_approved"
    with pytest.raises(NotAllowed):
        ledger.approve_destruction(ARCHIVIST, rec, decision_no="15/QĐ-SKHCN", decided_by="Giám đốc",
                                   council=["a"])
    ledger.approve_destruction(LEADER, rec, decision_no="15/QĐ-SKHCN", decided_by="Giám đốc Sở",
                               council=["Nguyễn Văn A", "Trần Thị B"])
    _destroy(ledger, rec)
    state = ledger.record(rec)
    assert state["destroyed"] and state["destruction"]["erased_hashes"] == [file_ref("HS-01")["sha256"]]


def test_a_record_on_loan_or_under_hold_cannot_be_destroyed(ledger, clock):
    rec = closed_and_due(ledger, clock)
    ledger.propose_destruction(ARCHIVIST, rec, reason="Hết hạn")
    ledger.approve_destruction(LEADER, rec, decision_no="16/QĐ", decided_by="GĐ", council=["A"])
    ledger.place_hold(ARCHIVIST, rec, reason="Phục vụ thanh tra")
    with pytest.raises(RuleViolation) as err:
        _destroy(ledger, rec)
    assert err.value.code == "legal_hold"
    ledger.release_hold(ARCHIVIST, rec)
    ledger.lend(ARCHIVIST, rec, borrower="Thanh tra tỉnh", purpose="Kiểm tra", due_on="2026-04-01",
                approved_by="GĐ")
    with pytest.raises(RuleViolation) as err:
        _destroy(ledger, rec)
    assert err.value.code == "on_loan"


def test_a_destroyed_record_cannot_be_lent_changed_or_destroyed_again(ledger, clock):
    rec = closed_and_due(ledger, clock)
    ledger.propose_destruction(ARCHIVIST, rec, reason="Hết hạn")
    ledger.approve_destruction(LEADER, rec, decision_no="17/QĐ", decided_by="GĐ", council=["A"])
    _destroy(ledger, rec)
    for attempt in (lambda: ledger.lend(ARCHIVIST, rec, borrower="A", purpose="B", due_on="2026-05-01",
                                        approved_by="C"),
                    lambda: ledger.place_hold(ARCHIVIST, rec, reason="x"),
                    lambda: _destroy(ledger, rec)):
        with pytest.raises(RuleViolation) as err:
            attempt()
        assert err.value.code == "record_destroyed"


def test_only_records_controllers_keep_records(ledger):
    with pytest.raises(NotAllowed):
        ledger.open_record(SECRETARY, code="HS-9", title="t", series="s", retention_years=5, legal_basis="x")


@pytest.mark.parametrize("years", [0, -1, 101, True, "5"])
def test_retention_must_be_whole_years_or_permanent(ledger, years):
    with pytest.raises(InvalidInput) as err:
        ledger.open_record(ARCHIVIST, code="HS-9", title="t", series="s", retention_years=years, legal_basis="x")
    assert err.value.field == "retention_years"


def test_files_cannot_be_added_to_a_closed_record(ledger):
    rec = open_record(ledger)
    ledger.close_record(ARCHIVIST, rec, closed_on="2025-12-31")
    with pytest.raises(RuleViolation) as err:
        ledger.add_file(ARCHIVIST, rec, file=file_ref("late"), description="x")
    assert err.value.code == "record_closed"


def _destroy(ledger, rec):  # type: ignore[no-untyped-def]
    ledger.record_destruction(ARCHIVIST, rec, executed_by="van.thu", witnesses=["Nguyễn Văn A", "Trần Thị B"],
                              method="crypto_shredding", minutes_file=file_ref("biên bản hủy", "Biên bản hủy.pdf"),
                              erased_hashes=[file_ref("HS-01")["sha256"]])
