"""Documents go from draft to issue under the rules of DESIGN.md."""

from __future__ import annotations

import pytest

from ledger.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from tests.factories import (CERT, DEPT_LEADER, LEADER, REVIEWER, SECRETARY, STRANGER, file_ref,
                             issued_document)


def test_an_issued_version_is_in_force_with_its_effective_date(ledger):
    doc = issued_document(ledger)
    state = ledger.document(doc)
    assert state["in_force"] == 1
    assert state["versions"][0]["status"] == "issued"
    assert state["versions"][0]["effective_from"] == "2026-03-02"
    assert state["versions"][0]["file"]["sha256"] == file_ref("QT-01-signed")["sha256"]


def test_issuing_a_version_records_its_supersession_in_the_same_transaction(ledger, clock):
    doc = issued_document(ledger)
    n = ledger.create_draft(SECRETARY, doc, file=file_ref("v2"), change_summary="Sửa đổi lần 1")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    ledger.record_signature(LEADER, doc, n, meaning="approval", signed_file=file_ref("v2s"), certificate=CERT,
                            pades_level="B-B", signing_time="2026-03-02T10:00:00+07:00")
    before = ledger.document(doc)["version"]
    ledger.issue(SECRETARY, doc, n, effective_from="2026-04-01", distribution=["Toàn Sở"])
    state = ledger.document(doc)
    assert [v["status"] for v in state["versions"]] == ["superseded", "issued"]
    assert (state["in_force"], state["upcoming"]) == (1, 2), "version 1 stays in force until 01/04/2026"
    clock.advance(days=30)
    assert (ledger.document(doc)["in_force"], ledger.document(doc)["upcoming"]) == (2, None)
    events = ledger.history(doc)
    assert [e["type"] for e in events[before:]] == ["Issued", "Superseded"]
    assert events[-1]["data"] == {"previous_version": 1, "by_version": 2}


def test_a_version_that_is_not_approved_cannot_be_issued(ledger):
    doc = ledger.register_document(SECRETARY, code="BM-01", title="Biểu mẫu", kind="form", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    with pytest.raises(RuleViolation) as err:
        ledger.issue(SECRETARY, doc, n, effective_from="2026-04-01", distribution=["VP"])
    assert err.value.code == "not_approved"
    assert "Dự thảo" in err.value.message_vi


def test_a_kind_that_requires_a_signature_cannot_be_issued_unsigned(ledger):
    doc = ledger.register_document(SECRETARY, code="QT-02", title="Quy trình", kind="procedure", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    with pytest.raises(RuleViolation) as err:
        ledger.issue(SECRETARY, doc, n, effective_from="2026-04-01", distribution=["VP"])
    assert err.value.code == "signature_required"


def test_a_form_needs_no_signature_to_be_issued(ledger):
    doc = ledger.register_document(SECRETARY, code="BM-02", title="Phiếu", kind="form", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    ledger.issue(SECRETARY, doc, n, effective_from="2026-03-02", distribution=["VP"])
    assert ledger.document(doc)["in_force"] == 1


def test_a_draft_is_revised_only_by_its_author_or_the_controller_and_only_before_approval(ledger):
    author = DEPT_LEADER
    doc = ledger.register_document(SECRETARY, code="HD-01", title="Hướng dẫn", kind="instruction", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    with pytest.raises(NotAllowed):
        ledger.revise_draft(author, doc, n, file=file_ref("b"), change_summary="y")
    ledger.revise_draft(SECRETARY, doc, n, file=file_ref("b"), change_summary="y")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    with pytest.raises(RuleViolation) as err:
        ledger.revise_draft(SECRETARY, doc, n, file=file_ref("c"), change_summary="z")
    assert err.value.code == "not_revisable"


def test_only_named_reviewers_review_and_the_approver_waits_for_them(ledger):
    doc = ledger.register_document(SECRETARY, code="QT-03", title="Quy trình", kind="procedure", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[REVIEWER.user_id], approver=LEADER.user_id)
    with pytest.raises(NotAllowed):
        ledger.review(DEPT_LEADER, doc, n, verdict="agree")
    with pytest.raises(RuleViolation) as err:
        ledger.approve(LEADER, doc, n)
    assert err.value.code == "reviews_pending"
    ledger.review(REVIEWER, doc, n, verdict="agree_with_comments", comment="Bổ sung bước lưu hồ sơ")
    with pytest.raises(NotAllowed):
        ledger.approve(DEPT_LEADER, doc, n)
    ledger.approve(LEADER, doc, n)
    assert ledger.document(doc)["versions"][0]["reviews"][REVIEWER.user_id]["comment"] == "Bổ sung bước lưu hồ sơ"


def test_a_rejected_version_keeps_the_reason_and_can_be_revised_and_resubmitted(ledger):
    doc = ledger.register_document(SECRETARY, code="QT-04", title="Quy trình", kind="procedure", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.reject(LEADER, doc, n, reason="Thiếu lưu đồ")
    assert ledger.document(doc)["versions"][0]["reason"] == "Thiếu lưu đồ"
    ledger.revise_draft(SECRETARY, doc, n, file=file_ref("có lưu đồ"), change_summary="Thêm lưu đồ")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    assert ledger.document(doc)["versions"][0]["status"] == "submitted"


def test_a_review_signature_cannot_follow_the_approval_signature(ledger):
    doc = issued_document(ledger)
    with pytest.raises(RuleViolation):
        ledger.record_signature(DEPT_LEADER, doc, 1, meaning="review", signed_file=file_ref("z"),
                                certificate=CERT, pades_level="B-B", signing_time="2026-03-02T10:00:00+07:00")


def test_withdrawing_the_version_in_force_leaves_no_version_in_force(ledger):
    doc = issued_document(ledger)
    ledger.withdraw(SECRETARY, doc, 1, reason="Không còn áp dụng")
    state = ledger.document(doc)
    assert state["in_force"] is None and state["versions"][0]["status"] == "withdrawn"


def test_an_obsolete_document_refuses_every_change(ledger):
    doc = issued_document(ledger)
    ledger.obsolete(LEADER, doc, reason="Sáp nhập cơ quan")
    with pytest.raises(RuleViolation) as err:
        ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    assert err.value.code == "document_obsolete"


def test_a_document_code_is_unique_within_an_agency_but_not_across_agencies(ledger):
    ledger.register_document(SECRETARY, code="qt-09", title="A", kind="form", department="VP")
    with pytest.raises(RuleViolation) as err:
        ledger.register_document(SECRETARY, code="QT-09", title="B", kind="form", department="VP")
    assert err.value.field == "code"
    ledger.register_document(STRANGER, code="QT-09", title="C", kind="form", department="VP")


def test_another_agency_cannot_act_on_a_document(ledger):
    doc = issued_document(ledger)
    with pytest.raises(NotAllowed) as err:
        ledger.create_draft(STRANGER, doc, file=file_ref(), change_summary="x")
    assert err.value.code == "other_agency"


@pytest.mark.parametrize(("field", "kwargs"), [
    ("code", {"code": "có dấu", "title": "t", "kind": "form", "department": "d"}),
    ("title", {"code": "A-1", "title": "  ", "kind": "form", "department": "d"}),
    ("kind", {"code": "A-1", "title": "t", "kind": "poem", "department": "d"}),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(ledger, field, kwargs):
    before = ledger.recorder.max_notification_id()
    with pytest.raises(InvalidInput) as err:
        ledger.register_document(SECRETARY, **kwargs)
    assert err.value.field == field
    assert err.value.message_vi and err.value.message_en
    assert ledger.recorder.max_notification_id() == before


def test_a_refused_command_writes_nothing(ledger):
    doc = issued_document(ledger)
    version = ledger.document(doc)["version"]
    with pytest.raises(RuleViolation):
        ledger.issue(SECRETARY, doc, 1, effective_from="2026-05-01", distribution=["VP"])
    assert ledger.document(doc)["version"] == version


def test_an_unknown_document_is_not_found(ledger):
    with pytest.raises(NotFound):
        ledger.document("not-a-uuid")
    with pytest.raises(NotFound):
        ledger.document("3f2b6a52-8d5e-4c1e-9d0a-1b2c3d4e5f60")


def test_a_staff_member_cannot_register_documents(ledger):
    from tests.factories import actor
    with pytest.raises(NotAllowed) as err:
        ledger.register_document(actor("nv", "staff"), code="X-1", title="t", kind="form", department="d")
    assert "Thư ký ISO" in err.value.message_vi


def test_vietnamese_file_names_survive_in_nfc(ledger):
    import unicodedata
    doc = ledger.register_document(SECRETARY, code="BM-05", title="Biểu mẫu", kind="form", department="VP")
    decomposed = unicodedata.normalize("NFD", "Biểu mẫu đánh giá nội bộ.docx")
    ledger.create_draft(SECRETARY, doc, file=file_ref(name=decomposed), change_summary="x")
    assert ledger.document(doc)["versions"][0]["file"]["filename"] == "Biểu mẫu đánh giá nội bộ.docx"
