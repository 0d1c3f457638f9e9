"""On PostgreSQL writers commit concurrently, yet no reader ever passes over an event that commits later below it."""

from __future__ import annotations

import random
import threading
import time
import uuid
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import Ledger
from ledger.errors import RuleViolation
from projections.db import Database
from projections.runner import Projector
from tests.factories import SECRETARY

TABLE = "isoledger_events"
INSERT = f"INSERT INTO {TABLE} (originator_id, originator_version, topic, state) VALUES (%s, 1, 'tests:Probe', %s)"


@pytest.fixture(scope="module")
def shared(pg_server: Any) -> Any:
    url = pg_server.create_database(f"writers_{uuid.uuid4().hex[:8]}")
    app = Ledger(url)
    yield app, url
    app.close()


def read_all(recorder: Any, after: int, page: int = 50) -> list[tuple[int, str]]:
    out = []
    while batch := recorder.select_notifications(after, page, inclusive_of_start=False):
        out += [(n.id, str(n.originator_id)) for n in batch]
        after = batch[-1].id
    return out


# Each step acts on one of three writer connections, or reads: "xid" starts a transaction and takes its id
# early, "insert" writes one event (its sequence value is drawn now), "commit"/"rollback" ends it.
step = st.one_of(st.tuples(st.sampled_from(["xid", "insert", "commit", "rollback"]), st.integers(0, 2)),
                 st.just(("read", 0)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=40))
def test_no_interleaving_of_writers_lets_a_reader_skip_an_event(shared: Any, steps: list[tuple[str, int]]) -> None:
    app, url = shared
    start = app.recorder.max_notification_id() or 0
    conns = [psycopg.connect(url) for _ in range(3)]
    open_rows: list[list[str]] = [[] for _ in range(3)]
    committed: set[str] = set()
    seen: list[tuple[int, str]] = []
    try:
        for action, k in steps:
            if action == "read":
                seen += read_all(app.recorder, seen[-1][0] if seen else start)
            elif action == "xid":
                conns[k].execute("SELECT pg_current_xact_id()")
            elif action == "insert":
                oid = str(uuid.uuid4())
                conns[k].execute(INSERT, (oid, b"x"))
                open_rows[k].append(oid)
            elif action == "commit":
                conns[k].commit()
                committed.update(open_rows[k])
                open_rows[k] = []
            else:
                conns[k].rollback()
                open_rows[k] = []
        for k, conn in enumerate(conns):
            conn.commit()
            committed.update(open_rows[k])
        # A transaction of any database on the server holds the horizon back (readers lag, by design); the
        # product's readers settle before a catch-up, and so does this last read (after every commit above).
        assert app.recorder.settle(timeout=30)
        seen += read_all(app.recorder, seen[-1][0] if seen else start)
        final = read_all(app.recorder, start)
        assert seen == final  # what was read early is exactly the start of what is there at the end
        assert {oid for _, oid in final} == committed and len(final) == len(committed)
        assert [p for p, _ in final] == list(range(start + 1, start + 1 + len(final)))
    finally:
        for conn in conns:
            conn.close()


def test_fifty_concurrent_writers_with_random_delays_never_make_a_reader_skip(pg_server: Any) -> None:
    url = pg_server.create_database(f"stress_{uuid.uuid4().hex[:8]}")
    app = Ledger(url)
    committed: set[str] = set()
    lock = threading.Lock()
    errors: list[BaseException] = []
    stop = threading.Event()
    readers: list[list[tuple[int, str]]] = [[] for _ in range(3)]

    def raw_writer(w: int) -> None:
        rng = random.Random(w)
        with psycopg.connect(url) as conn:
            for _ in range(12):
                oid = str(uuid.uuid4())
                time.sleep(rng.random() * 0.004)
                conn.execute(INSERT, (oid, b"x"))
                time.sleep(rng.random() * 0.01)  # the transaction stays open while others commit
                if rng.random() < 0.15:
                    conn.rollback()
                else:
                    conn.commit()
                    with lock:
                        committed.add(oid)

    def ledger_writer(w: int) -> None:
        rng = random.Random(1000 + w)
        for i in range(6):
            time.sleep(rng.random() * 0.005)
            doc = app.register_document(SECRETARY, code=f"W{w}-{i}", title="Quy trình tiếp nhận hồ sơ",
                                        kind="form", department="VP")
            with lock:
                committed.add(doc)

    def reader(r: int) -> None:
        rng = random.Random(2000 + r)
        while not stop.is_set():
            readers[r] += read_all(app.recorder, readers[r][-1][0] if readers[r] else 0, page=rng.randint(1, 40))
            time.sleep(rng.random() * 0.003)

    def guard(target: Any, *args: Any) -> None:
        try:
            target(*args)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    reading = [threading.Thread(target=guard, args=(reader, r)) for r in range(3)]
    writing = [threading.Thread(target=guard, args=(raw_writer if w % 2 else ledger_writer, w)) for w in range(50)]
    try:
        for t in reading + writing:
            t.start()
        for t in writing:
            t.join()
        stop.set()
        for t in reading:
            t.join()
        assert not errors, errors[:3]
        final = read_all(app.recorder, 0)
        assert [p for p, _ in final] == list(range(1, len(final) + 1))
        assert {oid for _, oid in final} == committed and len(final) == len(committed)
        for seen in readers:
            assert seen == final[:len(seen)]
    finally:
        app.close()


def test_a_log_written_before_positions_keeps_every_event_at_its_position(pg_server: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import ledger.application as application
    from ledger.config import eventsourcing_env

    url = pg_server.create_database(f"legacy_{uuid.uuid4().hex[:8]}")

    def previous_release(database_url: str, *, create_tables: bool = True) -> dict[str, str]:
        env = eventsourcing_env(database_url, create_tables=create_tables)
        env["APPLICATION_RECORDER_TOPIC"] = "eventsourcing.postgres:PostgresApplicationRecorder"
        return env

    with monkeypatch.context() as m:
        m.setattr(application, "eventsourcing_env", previous_release)
        old = Ledger(url)
        for i in range(5):
            old.register_document(SECRETARY, code=f"QT-{i:02}", title="Quy trình", kind="form", department="VP")
        with pytest.raises(RuleViolation):  # a refused duplicate burns a sequence value: the old log has a gap
            old.register_document(SECRETARY, code="QT-00", title="Quy trình", kind="form", department="VP")
        old.register_document(SECRETARY, code="QT-99", title="Quy trình", kind="form", department="VP")
        before = [(n.id, n.originator_id, n.originator_version) for n in old.recorder.select_notifications(None, 100)]
        old.close()
    assert len(before) == 6

    app = Ledger(url)
    db = Database(url)
    try:
        projector = Projector(app, db)
        projector.create_tables()
        after = [(n.id, n.originator_id, n.originator_version) for n in app.recorder.select_notifications(None, 100)]
        assert after == before
        app.register_document(SECRETARY, code="QT-NEW", title="Quy trình mới", kind="form", department="VP")
        log = app.recorder.select_notifications(None, 100)
        assert [(n.id, n.originator_id, n.originator_version) for n in log[:-1]] == before
        assert log[-1].id == before[-1][0] + 1
        assert projector.catch_up().events == 7
        assert app.recorder.max_notification_id() == log[-1].id
    finally:
        db.close()
        app.close()
