"""A batch runs the ledger's commands as always and saves their events together: chains intact, all or nothing."""

from __future__ import annotations

import pytest

from ledger.errors import NotAllowed, RuleViolation
from ledger.verify import verify_chains
from tests.factories import ARCHIVIST, SECRETARY, STRANGER, file_ref, issued_document


def test_a_batch_saves_every_event_of_its_commands_at_its_end_with_intact_chains(ledger):
    before = ledger.recorder.max_notification_id() or 0
    with ledger.batch():
        doc = ledger.register_document(SECRETARY, code="QT-01", title="Quy trình tiếp nhận", kind="procedure",
                                       department="VP")
        n = ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="Dự thảo")
        ledger.revise_draft(SECRETARY, doc, n, file=file_ref("v1b"), change_summary="Sửa")
        rec = ledger.open_record(ARCHIVIST, code="HS-01", title="Hồ sơ", series="Công văn", retention_years=5,
                                 legal_basis="Thông tư 10/2022/TT-BNV")
        ledger.close_record(ARCHIVIST, rec)
        assert (ledger.recorder.max_notification_id() or 0) == before  # nothing written yet
    assert (ledger.recorder.max_notification_id() or 0) == before + 5
    assert ledger.document(doc)["version"] == 3 and ledger.record(rec)["closed_on"] is not None
    report = verify_chains(ledger)
    assert report.intact and report.events == before + 5


def test_a_batch_that_fails_saves_nothing_and_its_rules_still_hold(ledger):
    before = ledger.recorder.max_notification_id() or 0
    with pytest.raises(NotAllowed), ledger.batch():
        doc = ledger.register_document(SECRETARY, code="QT-02", title="Quy trình", kind="procedure", department="VP")
        ledger.create_draft(STRANGER, doc, file=file_ref(), change_summary="Không được phép")
    assert (ledger.recorder.max_notification_id() or 0) == before
    with pytest.raises(RuleViolation), ledger.batch():
        ledger.register_document(SECRETARY, code="QT-03", title="Một", kind="procedure", department="VP")
        ledger.register_document(SECRETARY, code="QT-03", title="Hai", kind="procedure", department="VP")
    issued_document(ledger, "QT-04")
    with pytest.raises(RuleViolation), ledger.batch():  # the code is taken in the log already
        ledger.register_document(SECRETARY, code="QT-04", title="Lại", kind="procedure", department="VP")
    assert verify_chains(ledger).intact
