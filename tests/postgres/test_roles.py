"""On PostgreSQL the runtime role may only INSERT and SELECT the event tables."""

from __future__ import annotations

import psycopg
import pytest

from isoledger.database import EVENT_TABLES, REQUESTS_TABLE, initialise
from ledger.application import Ledger
from tests.factories import SECRETARY, issued_document


@pytest.fixture
def two_roles(pg_server):
    pg_server.admin("DROP DATABASE IF EXISTS roles_db")
    pg_server.admin("DROP ROLE IF EXISTS iso_owner")
    pg_server.admin("DROP ROLE IF EXISTS iso_app")
    pg_server.admin("CREATE ROLE iso_owner LOGIN PASSWORD 'owner-pw'")
    pg_server.admin("CREATE ROLE iso_app LOGIN PASSWORD 'app-pw'")
    pg_server.create_database("roles_db", owner="iso_owner")
    owner = pg_server.url("roles_db", "iso_owner", "owner-pw")
    runtime = pg_server.url("roles_db", "iso_app", "app-pw")
    initialise(owner, runtime)
    return owner, runtime


def test_the_runtime_role_appends_events_but_cannot_update_or_delete_them(two_roles):
    _, runtime = two_roles
    app = Ledger(runtime, create_tables=False)
    try:
        doc = issued_document(app)
        assert app.document(doc)["in_force"] == 1
    finally:
        app.close()
    with psycopg.connect(runtime, autocommit=True) as conn:
        for table in EVENT_TABLES:
            column = "position" if table.endswith("_positions") else "topic"
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"UPDATE {table} SET {column} = {column}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"DELETE FROM {table}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"TRUNCATE {table}")
        rows = conn.execute(f"SELECT count(*) FROM {EVENT_TABLES[0]}").fetchone()
        assert rows[0] == 7


def test_concurrent_writers_without_table_lock_rights_still_commit_in_order(two_roles):
    import threading

    _, runtime = two_roles
    app = Ledger(runtime, create_tables=False)
    errors: list[BaseException] = []

    def register(i: int) -> None:
        try:
            app.register_document(SECRETARY, code=f"BM-{i:03}", title="Biểu mẫu", kind="form", department="VP")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors
        ids = [n.id for n in app.recorder.select_notifications(None, 100)]
        assert ids == sorted(ids) and len(ids) == 20
    finally:
        app.close()


def test_the_runtime_role_marks_a_requests_events_and_forgets_old_marks_but_cannot_change_one(two_roles):
    import uuid

    from ledger.requests import RequestAlreadyApplied, writing_for

    _, runtime = two_roles
    app = Ledger(runtime, create_tables=False)
    request = uuid.uuid4().hex
    try:
        with writing_for(request):
            app.register_document(SECRETARY, code="BM-900", title="Biểu mẫu", kind="form", department="VP")
        assert app.request_recorded(request)
        with writing_for(request), pytest.raises(RequestAlreadyApplied):
            app.register_document(SECRETARY, code="BM-901", title="Biểu mẫu", kind="form", department="VP")
        assert app.forget_requests(before=2**40) == 1
    finally:
        app.close()
    with psycopg.connect(runtime, autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(f"UPDATE {REQUESTS_TABLE} SET recorded_at = 0")
