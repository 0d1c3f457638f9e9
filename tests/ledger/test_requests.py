"""A request's mark is written with its first events, in their transaction: a command repeated under the same
request id applies nothing twice, on every backend, however the repeat arrives (another thread, another process)."""

from __future__ import annotations

import threading
import uuid

import pytest

from ledger.requests import RequestAlreadyApplied, writing_for
from ledger.verify import verify_chains
from tests.factories import ARCHIVIST, SECRETARY, file_ref


def _events(ledger) -> int:  # type: ignore[no-untyped-def]
    return ledger.recorder.max_notification_id() or 0


def test_a_request_that_wrote_is_recorded_and_one_that_did_not_is_not(ledger):
    applied, refused = uuid.uuid4().hex, uuid.uuid4().hex
    with writing_for(applied):
        ledger.register_document(SECRETARY, code="QT-01", title="Quy trình", kind="procedure", department="VP")
    with writing_for(refused), pytest.raises(Exception):  # noqa: B017,PT011 - a refused command writes nothing
        ledger.create_draft(ARCHIVIST, "not-an-id", file=file_ref(), change_summary="Không")
    assert ledger.request_recorded(applied)
    assert not ledger.request_recorded(refused)


def test_the_same_request_applied_again_is_refused_and_writes_nothing(ledger):
    request = uuid.uuid4().hex
    with writing_for(request):
        doc = ledger.register_document(SECRETARY, code="QT-02", title="Quy trình", kind="procedure", department="VP")
    before = _events(ledger)
    with writing_for(request), pytest.raises(RequestAlreadyApplied) as refused:
        ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="Dự thảo lần hai")
    assert refused.value.code == "request_already_applied" and refused.value.field == "Idempotency-Key"
    assert _events(ledger) == before
    assert ledger.document(doc)["version"] == 1
    assert verify_chains(ledger).intact


def test_one_request_may_write_several_times_its_mark_goes_with_the_first(ledger):
    request = uuid.uuid4().hex
    with writing_for(request):
        doc = ledger.register_document(SECRETARY, code="QT-03", title="Quy trình", kind="procedure", department="VP")
        ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="Dự thảo")
    assert ledger.document(doc)["version"] == 2 and ledger.request_recorded(request)


def test_two_racing_repeats_of_one_request_apply_once(ledger):
    request, codes = uuid.uuid4().hex, iter(range(100))
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def attempt() -> None:
        code = f"QT-R{next(codes)}"
        start.wait()
        try:
            with writing_for(request):
                ledger.register_document(SECRETARY, code=code, title="Đua", kind="procedure", department="VP")
            outcomes.append("applied")
        except RequestAlreadyApplied:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["applied", "refused", "refused", "refused"]
    assert verify_chains(ledger).intact


def test_events_written_outside_a_request_carry_no_mark_and_old_marks_are_forgotten(ledger):
    ledger.register_document(SECRETARY, code="QT-04", title="Không khoá", kind="procedure", department="VP")
    request = uuid.uuid4().hex
    with writing_for(request):
        ledger.register_document(SECRETARY, code="QT-05", title="Có khoá", kind="procedure", department="VP")
    assert ledger.forget_requests(before=0) == 0
    assert ledger.forget_requests(before=2**40) == 1
    assert not ledger.request_recorded(request)
