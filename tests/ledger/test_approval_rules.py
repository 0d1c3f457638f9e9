"""Who approves what (Điều 4.3 and 9.3): the agency leader approves and signs for approval the QMS documents;
department leaders sign for review and approve only what the agency delegates; people named on a submit are the
agency's accounts; the records controller controls documents when the agency says so."""

from __future__ import annotations

import pytest

from ledger.actors import Actor
from ledger.application import Ledger
from ledger.approval import RESERVED
from ledger.directory import Directory
from ledger.errors import InvalidInput, NotAllowed
from tests.factories import CERT, file_ref

AGENCY, OTHER = "so-khcn-tra-vinh", "so-tu-phap-tien-giang"
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
AGENCY_ADMIN = Actor("quan.tri", AGENCY, frozenset({"agency_admin"}))
SECRETARY = Actor("thu.ky", AGENCY, frozenset({"iso_secretary"}))
LEADER = Actor("giam.doc", AGENCY, frozenset({"agency_leader"}))
DEPT = Actor("truong.phong", AGENCY, frozenset({"department_leader"}))
CONTROLLER = Actor("van.thu", AGENCY, frozenset({"records_controller"}))
PEOPLE = {"thu.ky": ["iso_secretary"], "giam.doc": ["agency_leader"], "truong.phong": ["department_leader"],
          "van.thu": ["records_controller"], "chuyen.vien": ["staff"]}


@pytest.fixture
def directory(ledger) -> Directory:  # type: ignore[no-untyped-def]
    d = Directory(ledger)
    d.create_agency(ADMIN, agency_id=AGENCY, name="Sở Khoa học và Công nghệ Trà Vinh", supervised_by=[])
    d.create_agency(ADMIN, agency_id=OTHER, name="Sở Tư pháp Tiền Giang", supervised_by=[])
    for username, roles in PEOPLE.items():
        d.create_account(ADMIN, username=username, agency_id=AGENCY, full_name=username, roles=roles)
    d.create_account(ADMIN, username="giam.doc.b", agency_id=OTHER, full_name="Mai Văn Dũng", roles=["agency_leader"])
    return d


def draft(ledger, kind: str, code: str = "TL-01", by: Actor = SECRETARY) -> str:  # type: ignore[no-untyped-def]
    doc = ledger.register_document(by, code=code, title="Tài liệu", kind=kind, department="Văn phòng")
    ledger.create_draft(by, doc, file=file_ref(code), change_summary="Lần đầu")
    return str(doc)


def sign(ledger, who: Actor, doc: str, meaning: str) -> None:  # type: ignore[no-untyped-def]
    ledger.record_signature(who, doc, 1, meaning=meaning, signed_file=file_ref(doc + meaning), certificate=CERT,
                            pades_level="B-B", signing_time="2026-03-02T09:00:00+07:00")


@pytest.mark.parametrize("kind", RESERVED)
def test_a_department_leader_named_approver_of_a_qms_document_is_refused_naming_the_approver(ledger, directory,
                                                                                            kind):
    doc = draft(ledger, kind)
    with pytest.raises(InvalidInput) as e:
        ledger.submit_for_review(SECRETARY, doc, 1, reviewers=["truong.phong"], approver="truong.phong")
    assert (e.value.field, e.value.code) == ("approver", "approver_not_allowed")
    assert "lãnh đạo cơ quan" in e.value.message_vi
    assert ledger.document(doc)["versions"][0]["status"] == "draft"  # nothing written
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=["truong.phong"], approver="giam.doc")
    sign(ledger, DEPT, doc, "review")  # department leaders sign for review (ký xem xét)
    ledger.review(DEPT, doc, 1, verdict="agree")
    ledger.approve(LEADER, doc, 1)
    sign(ledger, LEADER, doc, "approval")
    assert ledger.document(doc)["versions"][0]["signed_for_approval"]


def test_a_department_leader_approves_only_the_kinds_the_agency_delegates(ledger, directory):
    form = draft(ledger, "form", "BM-01")
    ledger.submit_for_review(SECRETARY, form, 1, reviewers=[], approver="truong.phong")
    ledger.approve(DEPT, form, 1)  # forms are delegated by default
    plan = draft(ledger, "audit_plan", "KH-01")
    with pytest.raises(InvalidInput) as e:
        ledger.submit_for_review(SECRETARY, plan, 1, reviewers=[], approver="truong.phong")
    assert e.value.field == "approver"
    directory.set_agency_rules(AGENCY_ADMIN, AGENCY, delegated_kinds=["audit_plan", "form"])
    ledger.submit_for_review(SECRETARY, plan, 1, reviewers=[], approver="truong.phong")
    ledger.approve(DEPT, plan, 1)
    assert ledger.document(plan)["versions"][0]["status"] == "approved"


def test_withdrawing_a_delegation_stops_a_pending_approval_by_a_department_leader(ledger, directory):
    doc = draft(ledger, "procedure")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver="truong.phong")
    directory.set_agency_rules(ADMIN, AGENCY, delegated_kinds=["form"])
    with pytest.raises(NotAllowed) as e:
        ledger.approve(DEPT, doc, 1)
    assert e.value.code == "approval_reserved"
    with pytest.raises(NotAllowed):
        ledger.reject(DEPT, doc, 1, reason="Không đồng ý")


def test_a_department_leader_never_signs_a_qms_document_for_approval(ledger):
    # Even in a ledger with no directory (people not checked), the signature rule holds.
    doc = draft(ledger, "quality_policy")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver="giam.doc")
    ledger.approve(LEADER, doc, 1)
    dept_with_both = Actor("giam.doc", AGENCY, frozenset({"department_leader"}))  # the approver, demoted since
    with pytest.raises(NotAllowed) as e:
        sign(ledger, dept_with_both, doc, "approval")
    assert e.value.code == "approval_reserved"


def test_a_reserved_kind_cannot_be_delegated(directory):
    with pytest.raises(InvalidInput) as e:
        directory.set_agency_rules(AGENCY_ADMIN, AGENCY, delegated_kinds=["form", "quality_policy"])
    assert e.value.field == "delegated_kinds"
    with pytest.raises(InvalidInput):
        directory.set_agency_rules(AGENCY_ADMIN, AGENCY, delegated_kinds=["khong-co"])
    with pytest.raises(NotAllowed):
        directory.set_agency_rules(Actor("quan.tri.b", OTHER, frozenset({"agency_admin"})), AGENCY,
                                   delegated_kinds=["form"])
    assert directory.agency(AGENCY)["delegated_kinds"] == ["form", "instruction", "other", "procedure", "regulation"]


@pytest.mark.parametrize(("approver", "why"), [("khong.co.ai", "no account"), ("giam.doc.b", "another agency"),
                                               ("chuyen.vien", "staff"), ("giam.doc", "locked")])
def test_an_approver_who_is_not_an_active_leader_of_the_agency_is_refused(ledger, directory, approver, why):
    if why == "locked":
        directory.lock(ADMIN, "giam.doc", reason="Nghỉ phép")
    doc = draft(ledger, "form")
    with pytest.raises(InvalidInput) as e:
        ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver=approver)
    assert e.value.field == "approver", why


def test_reviewers_are_active_accounts_of_the_agency(ledger, directory):
    doc = draft(ledger, "form")
    for reviewer in ("khong.co.ai", "giam.doc.b"):
        with pytest.raises(InvalidInput) as e:
            ledger.submit_for_review(SECRETARY, doc, 1, reviewers=["chuyen.vien", reviewer], approver="giam.doc")
        assert e.value.field == "reviewers"
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=["chuyen.vien", "van.thu"], approver="giam.doc")


def test_the_records_controller_controls_documents_only_when_the_agency_says_so(ledger, directory):
    with pytest.raises(NotAllowed):
        draft(ledger, "form", by=CONTROLLER)
    directory.set_agency_rules(AGENCY_ADMIN, AGENCY, records_controller_controls_documents=True)
    doc = draft(ledger, "form", by=CONTROLLER)
    ledger.submit_for_review(CONTROLLER, doc, 1, reviewers=[], approver="giam.doc")
    ledger.approve(LEADER, doc, 1)
    ledger.issue(CONTROLLER, doc, 1, effective_from="2026-03-02", distribution=["leadership"])
    assert ledger.document(doc)["in_force"] == 1
    history = ledger.history(doc)
    assert {e["meta"]["role"] for e in history if e["type"] in ("Registered", "Issued")} == {"records_controller"}


def test_a_leader_locked_through_another_process_is_refused_as_approver_by_this_one(ledger, directory, database_url,
                                                                                   clock):
    """The rules read people from this process's cache without copying; a change written by another server
    process (here a second ledger on the same database) is still seen by the next command."""
    doc = draft(ledger, "form")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver="giam.doc")  # giam.doc is now cached here
    other = Ledger(database_url, clock=clock)
    try:
        Directory(other).lock(ADMIN, "giam.doc", reason="Nghỉ phép")
    finally:
        other.close()
    second = draft(ledger, "form", code="TL-02")
    with pytest.raises(InvalidInput) as e:
        ledger.submit_for_review(SECRETARY, second, 1, reviewers=[], approver="giam.doc")
    assert e.value.field == "approver"


def test_changing_the_facts_a_rule_read_changes_nothing_in_the_directory(ledger, directory):
    facts = ledger._account_facts("giam.doc")
    facts["roles"].append("admin")
    facts["status"] = "locked"
    assert ledger._account_facts("giam.doc")["roles"] == ["agency_leader"]
    assert directory.account("giam.doc")["roles"] == ["agency_leader"]
    doc = draft(ledger, "form")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver="giam.doc")
