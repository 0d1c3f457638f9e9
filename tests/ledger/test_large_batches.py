"""A large batch of events reaches the log, on both engines. On PostgreSQL, eventsourcing's insert in psycopg's
pipeline mode hung for good once the message was this large (CI stopped at 90 minutes on a 10,000-row import)."""

from __future__ import annotations

import os
import threading
import uuid

from eventsourcing.persistence import StoredEvent

from ledger.application import Ledger

EVENTS = 10_000


def test_ten_thousand_events_of_a_few_kilobytes_are_saved_in_one_insert_without_hanging(ledger: Ledger) -> None:
    events = [StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic="tests:Large",
                          state=os.urandom(200 + (i * 37) % 3000)) for i in range(EVENTS)]
    before = ledger.recorder.max_notification_id() or 0
    errors: list[BaseException] = []

    def insert() -> None:
        try:
            ledger.recorder.insert_events(events)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    writer = threading.Thread(target=insert, daemon=True)
    writer.start()
    writer.join(timeout=60)
    assert not writer.is_alive(), "the insert of 10,000 events did not return within 60 s"
    assert errors == []
    assert (ledger.recorder.max_notification_id() or 0) - before == EVENTS
    last = ledger.recorder.select_events(events[-1].originator_id)
    assert [e.state for e in last] == [events[-1].state]
