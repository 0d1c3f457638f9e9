"""The suite's PostgreSQL server reports, at the end of a run, what went wrong on its side: a session it ended is
named, and the sessions a test's dropped database ended are not."""

from __future__ import annotations

import time

import psycopg
import pytest

from tests.conftest import BACKEND
from tests.pgserver import PgServer

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="the PostgreSQL suite's own server")


def test_a_session_the_server_ended_is_reported_and_a_dropped_databases_sessions_are_not() -> None:
    with PgServer() as server:
        url = server.create_database("left_open")
        lingering = psycopg.connect(url, autocommit=True)  # a test's worker still on its database
        idle = psycopg.connect(server.url(), autocommit=True)
        idle.execute("SET idle_in_transaction_session_timeout = '100ms'")
        idle.execute("BEGIN")
        time.sleep(0.5)  # the server ends the idle transaction's session
        with pytest.raises(psycopg.errors.IdleInTransactionSessionTimeout):
            idle.execute("SELECT 1")
        server.drop_database("left_open")
        lingering.close()
        deadline = time.monotonic() + 5
        while not any("idle-in-transaction" in line for line in server.trouble()) and time.monotonic() < deadline:
            time.sleep(0.1)  # the log is written by the server's logger a moment later
        trouble = server.trouble()
    assert any("FATAL" in line and "idle-in-transaction" in line for line in trouble), trouble
    assert not any("administrator command" in line for line in trouble), trouble
