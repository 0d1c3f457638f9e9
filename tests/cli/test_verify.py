"""`isoledger verify` passes an untouched ledger and names the first event whose bytes were changed."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from isoledger.cli import app
from isoledger.bootstrap import bootstrap
from isoledger.settings import Settings
from signing.samples import sample_pdf
from ledger.config import is_postgres, sqlite_path
from tests.factories import ARCHIVIST, LEADER, SECRETARY, STRANGER, file_ref, issued_document


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


def _destroyed_record(minutes_scope: Callable[[str], str] | None = None) -> tuple[str, str]:
    """A record with a real file, destroyed with real minutes (stored under ``minutes_scope(record_id)`` if
    given, else where the product stores them); returns the record id and the minutes' object key."""
    from ledger.files import FileKind, file_scope

    services = bootstrap(Settings.from_env())
    try:
        ledger, archive = services.ledger, services.archive
        rec = ledger.open_record(ARCHIVIST, code="HS-2019", title="Hồ sơ đánh giá nội bộ năm 2019",
                                 series="Đánh giá nội bộ", retention_years=5, legal_basis="Thông tư 10/2022")
        kept = archive.put(io.BytesIO(sample_pdf(1, "Bao cao")), "Báo cáo.pdf", file_scope(FileKind.RECORD, rec))
        ledger.add_file(ARCHIVIST, rec, file=kept.to_dict())
        ledger.close_record(ARCHIVIST, rec, closed_on="2019-12-31")
        ledger.propose_destruction(ARCHIVIST, rec, reason="Hết thời hạn bảo quản")
        ledger.approve_destruction(LEADER, rec, decision_no="15/QĐ", decided_by="Giám đốc Sở", council=["A"])
        minutes = archive.put(io.BytesIO(sample_pdf(1, "Bien ban huy")), "Biên bản hủy.pdf",
                              minutes_scope(rec) if minutes_scope else file_scope(FileKind.EVIDENCE, rec))
        erased = archive.destroy_scope(file_scope(FileKind.RECORD, rec))
        ledger.record_destruction(ARCHIVIST, rec, executed_by="Đặng Minh Khoa", witnesses=["Võ Thành Đạt"],
                                  method="crypto_shredding", minutes_file=minutes.to_dict(), erased_hashes=erased)
        return rec, minutes.key
    finally:
        services.close()


def test_destruction_minutes_are_checked_and_counted(env):
    _destroyed_record()
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "0 tệp, 1 biên bản hủy" in result.output and "0 files, 1 destruction minutes" in result.output


def test_altered_destruction_minutes_are_named_by_verify(env):
    rec, key = _destroyed_record()
    victim = Path(os.environ["ISOLEDGER_HOME"]) / "objects" / key
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1
    assert f"TỆP HỎNG / BAD FILE (biên bản hủy / destruction minutes) {key}" in result.output
    assert "Biên bản hủy «Biên bản hủy.pdf» của hồ sơ HS-2019" in result.output


def test_minutes_stored_under_the_old_minutes_scope_still_verify(env):
    """The API stored minutes under ``{record_id}.minutes`` before that was corrected; those events cannot
    change, so verify reads the minutes where they are rather than failing for ever."""
    _destroyed_record(lambda rec: f"{rec}.minutes")
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "1 biên bản hủy" in result.output


def test_minutes_stored_under_any_other_scope_fail_verify(env):
    _destroyed_record(lambda rec: f"{rec}.khac")
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "does not belong to scope" in result.output


def test_only_the_named_agency_is_counted_with_agency(env):
    _ledger_with_document(env)
    services = bootstrap(Settings.from_env())
    try:
        services.ledger.register_document(STRANGER, code="QT-99", title="Quy trình khác", kind="procedure",
                                          department="VP")
    finally:
        services.close()
    everything = CliRunner().invoke(app, ["verify"])
    assert everything.exit_code == 0, everything.output
    assert "Đã kiểm tra 8 sự kiện của 2 tài liệu và hồ sơ" in everything.output
    own = CliRunner().invoke(app, ["verify", "--agency", "so-khcn-tra-vinh"])
    assert own.exit_code == 0, own.output
    assert "Đã kiểm tra 7 sự kiện của 1 tài liệu và hồ sơ, 2 tệp, 0 biên bản hủy." in own.output
