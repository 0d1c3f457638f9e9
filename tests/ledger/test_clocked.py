"""Commands run under a set clock stamp their events, and compute "today", with it; nothing else is affected."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from ledger.clock import clocked
from tests.factories import SECRETARY, file_ref


def test_events_inside_a_clocked_block_carry_that_clock_and_others_the_wall_clock(ledger) -> None:
    moments = iter(datetime(2025, 3, 3, 2, minute, tzinfo=UTC) for minute in range(10))
    with clocked(lambda: next(moments)):
        doc = ledger.register_document(SECRETARY, code="QT-09", title="Quy trình", kind="procedure",
                                       department="VP")
        ledger.create_draft(SECRETARY, doc, file=file_ref(), change_summary="Dự thảo")
        assert ledger.today() == date(2025, 3, 3)
        elsewhere: list[date] = []
        worker = threading.Thread(target=lambda: elsewhere.append(ledger.today()))
        worker.start()
        worker.join()
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver="giamdoc")
    stamps = [datetime.fromisoformat(e["timestamp"]) for e in ledger.history(doc)]
    assert stamps[:2] == [datetime(2025, 3, 3, 2, 0, tzinfo=UTC), datetime(2025, 3, 3, 2, 1, tzinfo=UTC)]
    assert datetime.now(UTC) - stamps[2] < timedelta(minutes=1)
    assert elsewhere == [ledger.today()] != [date(2025, 3, 3)]  # another thread kept the ledger's own clock
    state = ledger.state_at(doc, as_of=datetime(2025, 3, 3, 2, 0, 30, tzinfo=UTC))
    assert state["version"] == 1
