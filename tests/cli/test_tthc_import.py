"""`isoledger tthc import`: the one-stop system's feed recorded through the ledger in seconds, idempotent, corrections
recorded as changes, and a bad file reported row by row with nothing written."""

from __future__ import annotations

import runpy
import time
from pathlib import Path

from typer.testing import CliRunner

from isoledger.bootstrap import bootstrap
from isoledger.cli import app
from isoledger.settings import Settings
from ledger.actors import Actor
from ledger.directory import Directory
from tests.cli.test_verify import env  # noqa: F401 - the same environment fixture
from tests.factories import SECRETARY

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "tthc"
GEN = runpy.run_path(str(SAMPLES / "generate.py"))
AGENCY = SECRETARY.agency_id


def _world() -> None:
    services = bootstrap(Settings.from_env())
    try:
        admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
        Directory(services.ledger).create_agency(admin, agency_id=AGENCY, name="Sở Khoa học và Công nghệ",
                                                 supervised_by=[])
        services.ledger.register_document(SECRETARY, code="QT-05", title="Quy trình giải quyết thủ tục hành chính",
                                          kind="procedure", department="Văn phòng")
        services.projector.catch_up()
    finally:
        services.close()


def _events() -> int:
    services = bootstrap(Settings.from_env())
    try:
        return int(services.ledger.recorder.max_notification_id() or 0)
    finally:
        services.close()


def _figures(code: str, period: str) -> tuple[int, ...]:
    services = bootstrap(Settings.from_env())
    try:
        services.projector.catch_up()
        with services.db.transaction(write=False) as cur:
            cur.execute("SELECT f.received, f.on_time, f.late, f.pending, f.corrections FROM procedure_figures f "
                        "JOIN procedures p ON p.id = f.procedure_id WHERE p.agency_id=? AND p.code=? AND f.period=?",
                        (AGENCY, code, period))
            return tuple(cur.fetchone())
    finally:
        services.close()


def test_ten_thousand_rows_import_in_seconds_and_a_second_import_changes_nothing(env, tmp_path):
    _world()
    items = GEN["sized"](10_000)
    assert len(items) == 10_000
    feed = tmp_path / "igate-2025.csv"
    feed.write_bytes(GEN["as_csv"](items, AGENCY))
    before = _events()
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["tthc", "import", str(feed)])
    took = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "500 thủ tục mới / new procedures" in result.output and "10000 số liệu kỳ mới" in result.output
    added = _events() - before
    assert added == 500 + 10_000 + 1  # each procedure listed, each month's figures, the import itself
    assert took < 60, f"{took:.1f} s"  # seconds on an idle machine (bench/tthc_import.py measures it)

    again = CliRunner().invoke(app, ["tthc", "import", str(feed), "--agency", AGENCY])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output and "đã nhập / imported" in again.output
    assert _events() - before == added  # not one event more


def test_a_corrected_row_records_a_change_and_only_that(env, tmp_path):
    _world()
    items = GEN["rows"](procedures=5, months=3, first="2026-01")
    first = tmp_path / "t1.json"
    first.write_bytes(GEN["as_json"](items, AGENCY))
    assert CliRunner().invoke(app, ["tthc", "import", str(first)]).exit_code == 0
    before = _events()
    code, period = items[4]["code"], items[4]["period"]
    corrected = [dict(x, received=x["received"] + 3, pending=x["pending"] + 3) if i == 4 else x
                 for i, x in enumerate(items)]
    second = tmp_path / "t2.json"
    second.write_bytes(GEN["as_json"](corrected, AGENCY))
    result = CliRunner().invoke(app, ["tthc", "import", str(second)])
    assert result.exit_code == 0, result.output
    assert "0 số liệu kỳ mới / new monthly figures, 1 đính chính / corrected" in result.output
    assert _events() - before == 2  # the corrected month, and the import that brought it
    fig = _figures(code, period)
    assert fig[0] == items[4]["received"] + 3 and fig[4] == 1


def test_a_bad_file_is_reported_row_by_row_and_nothing_is_written(env, tmp_path):
    _world()
    items = GEN["rows"](procedures=3, months=2)
    items[1] = dict(items[1], code="12345")
    items[3] = dict(items[3], late=-2)
    items[4], items[5] = dict(items[4], document="QT-99"), dict(items[5], document="QT-99")  # one procedure
    feed = tmp_path / "bad.csv"
    feed.write_bytes(GEN["as_csv"](items, AGENCY))
    before = _events()
    result = CliRunner().invoke(app, ["tthc", "import", str(feed)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    out = result.output
    assert "2 lỗi" in out and "nothing was recorded" in out
    assert "│ 3 " in out and "code" in out and "│ 5 " in out and "late" in out
    assert _events() == before
    items[1] = dict(items[1], code=items[0]["code"].replace("1.", "2.", 1))
    items[3] = dict(items[3], late=0)
    feed.write_bytes(GEN["as_csv"](items, AGENCY))
    result = CliRunner().invoke(app, ["tthc", "import", str(feed)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "QT-99" in result.output and "│ 6 " in result.output and "│ 7 " in result.output, result.output
    assert _events() == before


def test_a_file_for_another_agency_than_the_one_named_is_refused(env, tmp_path):
    _world()
    feed = tmp_path / "t.json"
    feed.write_bytes(GEN["as_json"](GEN["rows"](procedures=1, months=1), AGENCY))
    result = CliRunner().invoke(app, ["tthc", "import", str(feed), "--agency", "so-tu-phap-b"])
    assert result.exit_code == 1 and "agency_id" in result.output, result.output
