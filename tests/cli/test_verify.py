"""`isoledger verify` passes an untouched ledger and names the first event whose bytes were changed."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from isoledger.cli import app
from isoledger.bootstrap import bootstrap
from isoledger.settings import Settings
from signing.samples import sample_pdf
from ledger.config import is_postgres, sqlite_path
from tests.factories import SECRETARY, file_ref, issued_document


@pytest.fixture
def env(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ISOLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("ISOLEDGER_STORAGE_URL", raising=False)
    return database_url


def _rows(url):
    if is_postgres(url):
        conn = psycopg.connect(url, autocommit=True)
        return conn, "isoledger_events", "%s"
    return sqlite3.connect(sqlite_path(url), isolation_level=None), "stored_events", "?"


def _tamper(url: str, version: int, transform) -> None:
    conn, table, mark = _rows(url)
    try:
        row = conn.execute(f"SELECT originator_id, state FROM {table} WHERE originator_version = {mark}",
                           (version,)).fetchone()
        conn.execute(f"UPDATE {table} SET state = {mark} WHERE originator_id = {mark} AND originator_version = "
                     f"{mark}", (transform(bytes(row[1])), row[0], version))
    finally:
        conn.close()


def _ledger_with_document(url: str) -> str:
    """A document whose files really are in the archive (verify checks them too)."""
    services = bootstrap(Settings.from_env())
    try:
        doc = issued_document(services.ledger, store=lambda ref, scope: services.archive.put(
            io.BytesIO(sample_pdf(1, ref["filename"].encode("ascii", "replace").decode())), ref["filename"],
            scope).to_dict())
        return doc
    finally:
        services.close()


def test_a_missing_or_corrupt_file_is_named_by_verify(env):
    doc = _ledger_with_document(env)
    objects = sorted((Path(os.environ["ISOLEDGER_HOME"]) / "objects").rglob("*"))
    victim = next(p for p in objects if p.is_file() and doc in str(p))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "TỆP HỎNG / BAD FILE" in result.output


def test_an_untouched_ledger_verifies(env):
    _ledger_with_document(env)
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "7 sự kiện" in result.output


def test_a_changed_word_in_a_stored_event_is_named_by_verify(env):
    doc = _ledger_with_document(env)
    _tamper(env, 4, lambda state: state.replace(b'"agree"', b'"disagree"'))
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1
    assert f"aggregate {doc} version 4" in result.output
    assert "hash does not match" in result.output


@pytest.mark.parametrize("offset", [0, 7, 40, -3, -1])
def test_any_flipped_byte_of_an_event_breaks_verification(env, offset):
    doc = _ledger_with_document(env)

    def flip(state: bytes) -> bytes:
        b = bytearray(state)
        b[offset] ^= 0x01
        return bytes(b)

    _tamper(env, 2, flip)
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1
    assert f"aggregate {doc} version 2" in result.output


def test_history_as_of_a_past_instant_shows_the_state_then(env):
    doc = _ledger_with_document(env)
    result = CliRunner().invoke(app, ["history", doc, "--json"])
    assert result.exit_code == 0, result.output
    assert '"in_force": 1' in result.output
    early = CliRunner().invoke(app, ["history", doc, "--as-of", "2000-01-01T00:00:00+07:00", "--json"])
    assert early.exit_code == 0, early.output
    assert json.loads(early.output) == {"state": None, "events": []}
    bad = CliRunner().invoke(app, ["history", doc, "--as-of", "hôm qua"])
    assert bad.exit_code == 2


def test_a_changed_snapshot_is_named_by_verify(env):
    services = bootstrap(Settings.from_env())
    try:
        ledger = services.ledger
        doc = ledger.register_document(SECRETARY, code="BM-50", title="Biểu mẫu", kind="form", department="VP")
        ledger.create_draft(SECRETARY, doc, file=file_ref("0"), change_summary="v0")
        for i in range(60):
            ledger.revise_draft(SECRETARY, doc, 1, file=file_ref(str(i)), change_summary=f"lần {i}")
    finally:
        services.close()
    untouched = CliRunner().invoke(app, ["verify"])
    assert "BAD SNAPSHOT" not in untouched.output and "chains intact" in untouched.output
    conn, _, mark = _rows(env)
    table = "isoledger_snapshots" if is_postgres(env) else "stored_snapshots"
    try:
        row = conn.execute(f"SELECT originator_id, originator_version, state FROM {table}").fetchone()
        forged = bytes(row[2]).replace("lần".encode(), "lan".encode(), 1)
        assert forged != bytes(row[2])
        conn.execute(f"UPDATE {table} SET state = {mark} WHERE originator_id = {mark} AND originator_version = {mark}",
                     (forged, row[0], row[1]))
    finally:
        conn.close()
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "BAD SNAPSHOT" in result.output and f"aggregate {doc} version 50" in result.output
