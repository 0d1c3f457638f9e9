"""Backends for the behaviour tests: ISOLEDGER_TEST_BACKEND=sqlite (default) or postgres."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ledger.application import Ledger
from projections.db import Database
from projections.runner import Projector

BACKEND = os.environ.get("ISOLEDGER_TEST_BACKEND", "sqlite")
_counter = itertools.count()


def pytest_report_header() -> str:
    return f"isoledger backend: {BACKEND}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    from tests.pgserver import PgServer

    server = PgServer().start()
    try:
        yield server
    finally:
        _SERVER_TROUBLE.extend(server.trouble())
        server.stop()


_SERVER_TROUBLE: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What the tests' PostgreSQL server logged as going wrong (a crashed backend, a session it ended), so a
    failure in CI, whose server is gone with its log, says what the server saw."""
    if _SERVER_TROUBLE:
        terminalreporter.section("PostgreSQL's log: what went wrong on the server")
        for line in _SERVER_TROUBLE[-40:]:
            terminalreporter.write_line(line)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgres":
        server = request.getfixturevalue("pg_server")
        name = f"t{os.getpid()}_{next(_counter)}"
        yield server.create_database(name)
        server.drop_database(name)  # a thousand tests' databases took ~14 GB of the disk
        return
    yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ledger(database_url: str, clock: Clock) -> Iterator[Ledger]:
    app = Ledger(database_url, clock=clock)
    yield app
    app.close()


@pytest.fixture
def projector(ledger: Ledger, database_url: str) -> Iterator[Projector]:
    db = Database(database_url)
    p = Projector(ledger, db)
    p.create_tables()
    yield p
    db.close()


@pytest.fixture(autouse=True)
def _forget_each_tests_apps() -> Iterator[None]:
    """FastAPI remembers, in process-wide caches of 4,096 entries, every endpoint and dependency it classified;
    an endpoint that closes over its app keeps that app, its ledger and its projections alive after the test.
    Thousands of tests left ~4 GB behind (the PostgreSQL suite peaked at 4.1 GB, 0.87 GB now), the collections
    of that heap paused the process for seconds, and it spent minutes in a last one. Each test's apps go with it."""
    yield
    from fastapi.dependencies import models

    for value in vars(models).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()
