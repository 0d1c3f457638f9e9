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
        server.stop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if BACKEND == "postgres":
        server = request.getfixturevalue("pg_server")
        return server.create_database(f"t{os.getpid()}_{next(_counter)}")
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


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

