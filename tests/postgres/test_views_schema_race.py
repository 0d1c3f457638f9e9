"""A process that starts (and makes sure the view tables exist) while another applies a page of events: neither
fails. In CI the starting process's ``ALTER TABLE records ... IF NOT EXISTS`` queued behind a page that had read
``records`` and then wrote it, and PostgreSQL cancelled one of them as a deadlock."""

from __future__ import annotations

import threading
import time

import pytest

from projections.db import Database
from projections.runner import NAME, Projector
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL's table locks")


def test_creating_the_tables_while_a_page_is_applied_waits_for_it_instead_of_deadlocking(ledger, projector,
                                                                                          database_url):
    errors: list[BaseException] = []
    other = Projector(ledger, Database(database_url))  # a second server process starting

    def start() -> None:
        try:
            other.create_tables()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    starter = threading.Thread(target=start)
    with projector.db.transaction() as cur:  # what a page does: lock the position, read a view, then write it
        cur.execute("SELECT position FROM projection_tracking WHERE name=? FOR UPDATE", (NAME,))
        cur.execute("SELECT COUNT(*) FROM records")
        starter.start()
        time.sleep(1.5)  # the starter is now waiting (before the fix: queued for the table's exclusive lock)
        cur.execute("UPDATE records SET title=title WHERE id=?", ("none",))
    starter.join(30)
    other.db.close()
    assert not starter.is_alive() and errors == []
