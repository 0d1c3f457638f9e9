"""The read models show what people look at, and a rebuild gives exactly the incrementally kept state."""

from __future__ import annotations

from datetime import date

from projections import queries
from tests.factories import AGENCY, ARCHIVIST, LEADER, REVIEWER, SECRETARY, file_ref, issued_document

TODAY = date(2026, 3, 2)  # the test clock's day in Vietnam


def test_the_register_lists_documents_in_force_and_finds_them_without_accents(ledger, projector):
    issued_document(ledger, "QT-01")
    ledger.register_document(SECRETARY, code="BM-01", title="Phiếu đề nghị", kind="form", department="VP")
    projector.catch_up()
    in_force = queries.documents(projector.db, AGENCY, today=TODAY)
    assert [d["code"] for d in in_force] == ["QT-01"]
    found = queries.documents(projector.db, AGENCY, today=TODAY, status="all", q="quy trinh kiem soat")
    assert [d["code"] for d in found] == ["QT-01"]
    assert queries.documents(projector.db, "another-agency", today=TODAY, status="all") == []


def test_the_inbox_follows_the_workflow(ledger, projector):
    doc = ledger.register_document(SECRETARY, code="QT-05", title="Quy trình", kind="procedure", department="VP")
    n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="x")
    projector.catch_up()
    assert [i["task"] for i in queries.inbox(projector.db, SECRETARY.user_id, AGENCY)] == ["submit"]
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[REVIEWER.user_id], approver=LEADER.user_id)
    projector.catch_up()
    assert queries.inbox(projector.db, SECRETARY.user_id, AGENCY) == []
    assert [i["task"] for i in queries.inbox(projector.db, REVIEWER.user_id, AGENCY)] == ["review"]
    assert queries.inbox(projector.db, LEADER.user_id, AGENCY) == []
    ledger.review(REVIEWER, doc, n, verdict="agree")
    projector.catch_up()
    assert [i["task"] for i in queries.inbox(projector.db, LEADER.user_id, AGENCY)] == ["approve"]
    ledger.approve(LEADER, doc, n)
    projector.catch_up()
    assert [i["task"] for i in queries.inbox(projector.db, LEADER.user_id, AGENCY)] == ["sign"]


def test_loans_show_who_has_what_and_which_are_overdue(ledger, projector, clock):
    rec = ledger.open_record(ARCHIVIST, code="HS-1", title="Hồ sơ", series="S", retention_years=5, legal_basis="L")
    ledger.lend(ARCHIVIST, rec, borrower="Trần Thị Bích", purpose="Thanh tra", due_on="2026-03-10",
                approved_by="GĐ")
    projector.catch_up()
    [loan] = queries.loans(projector.db, AGENCY, today=date(2026, 3, 2))
    assert loan["borrower"] == "Trần Thị Bích" and not loan["overdue"]
    assert queries.loans(projector.db, AGENCY, today=date(2026, 3, 11), overdue_only=True)[0]["overdue"]
    ledger.take_back(ARCHIVIST, rec, received_by="van.thu")
    projector.catch_up()
    assert queries.loans(projector.db, AGENCY, today=date(2026, 3, 11)) == []


def test_records_whose_retention_ended_are_listed_until_destroyed(ledger, projector):
    rec = ledger.open_record(ARCHIVIST, code="HS-2", title="Hồ sơ", series="S", retention_years=5, legal_basis="L")
    ledger.close_record(ARCHIVIST, rec, closed_on="2020-01-15")
    keep = ledger.open_record(ARCHIVIST, code="HS-3", title="Hồ sơ", series="S", retention_years=10,
                              legal_basis="L")
    ledger.close_record(ARCHIVIST, keep, closed_on="2020-01-15")
    projector.catch_up()
    assert [r["code"] for r in queries.retention_due(projector.db, AGENCY, today=date(2026, 3, 2))] == ["HS-2"]


def test_the_audit_trail_has_every_event_with_actor_time_and_hash(ledger, projector):
    doc = issued_document(ledger)
    projector.catch_up()
    trail = queries.audit_trail(projector.db, aggregate_id=doc)
    history = ledger.history(doc)
    assert [(a["version"], a["event_type"], a["hash"]) for a in trail] == \
        [(e["version"], e["type"], e["hash"]) for e in history]
    assert trail[0]["actor"] == SECRETARY.user_id and trail[0]["role"] == "iso_secretary"
    assert trail[-1]["summary"] == "Ban hành phiên bản 1, hiệu lực từ 02/03/2026"


def test_each_event_is_applied_once_however_often_catch_up_runs(ledger, projector):
    issued_document(ledger)
    first = projector.catch_up()
    assert first.events == 7
    assert projector.catch_up().events == 0
    assert len(queries.audit_trail(projector.db)) == 7


def test_audit_summaries_read_in_vietnamese_or_english(ledger, projector):
    from projections.views import Ev, summary

    doc = issued_document(ledger)
    last = ledger.history(doc)[-1]
    ev = Ev(0, doc, last["version"], "Document", last["type"], dict(last["data"], meta=last["meta"]),
            last["timestamp"])
    assert summary(ev) == "Ban hành phiên bản 1, hiệu lực từ 02/03/2026"
    assert summary(ev, "en") == "Version 1 issued, effective from 02/03/2026"


def test_percent_and_underscore_in_a_search_are_not_wildcards(ledger, projector):
    issued_document(ledger, "QT-01")
    projector.catch_up()
    assert queries.documents(projector.db, AGENCY, today=TODAY, status="all", q="quy_trình") == []
    found = queries.documents(projector.db, AGENCY, today=TODAY, status="all", q="QUY TRINH")
    assert [d["code"] for d in found] == ["QT-01"]


def test_views_made_by_an_earlier_release_are_rebuilt_from_the_log_on_start(ledger, database_url):
    """Before effective dates the documents view had in_force/effective_from columns and no schema number."""
    from projections.db import Database
    from projections.runner import Projector

    issued_document(ledger, "QT-01")
    db = Database(database_url)
    try:
        with db.transaction() as cur:
            cur.execute("CREATE TABLE projection_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
            cur.execute("INSERT INTO projection_tracking VALUES ('views', ?)", (ledger.recorder.max_notification_id(),))
            cur.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, code TEXT NOT NULL, "
                        "in_force INTEGER, effective_from TEXT)")
        projector = Projector(ledger, db)
        projector.create_tables()
        assert projector.catch_up().events == ledger.recorder.max_notification_id()
        assert [d["in_force"] for d in queries.documents(db, AGENCY, today=TODAY)] == [1]
        projector.create_tables()  # a second start keeps the views
        assert projector.position() == ledger.recorder.max_notification_id()
    finally:
        db.close()
