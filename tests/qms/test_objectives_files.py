"""A measurement's evidence is stored through the archive in its case's scope, and `isoledger verify` checks every
file the case events name: green as stored, the tampered file named when its bytes change on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isoledger.cli import app as cli
from ledger.files import FileKind, file_scope
from ledger.references import references
from tests.api.conftest import build_world, make_api
from tests.qms.objectives_setup import STATISTICS_PDF, measured_objective


@pytest.fixture
def api(database_url: str, tmp_path: Path, ledger: Any, projector: Any,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The API, and the environment `isoledger verify` reads pointing at the same ledger and archive."""
    built = make_api(database_url, tmp_path, ledger, projector)
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path))
    monkeypatch.setenv("ISOLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("ISOLEDGER_STORAGE_URL", raising=False)
    with built.client:
        yield built
    built.archive.close()


def _measured(api: Any) -> tuple[str, dict[str, Any]]:
    build_world(api)
    return measured_objective(api)


def test_evidence_is_stored_in_the_cases_scope_and_verify_reads_it(api: Any) -> None:
    case_id, ev = _measured(api)
    assert ev["key"] == f"scopes/{file_scope(FileKind.CASE, case_id)}/{ev['sha256']}"
    found = [r for r in references(api.services.ledger) if r.kind is FileKind.CASE]
    assert [(r.aggregate_id, r.ref.sha256) for r in found] == [(case_id, ev["sha256"])]
    result = CliRunner().invoke(cli, ["verify"])
    assert result.exit_code == 0, result.output
    report = api.call("GET", "/api/v1/audit/verify", "danhgia", params={"agency_id": "so-khcn-a"}).json()
    assert report["intact"], report
    assert "2 mục QMS" in report["summary_vi"]  # the policy and the objective
    assert "cơ quan và tài khoản" not in report["summary_vi"]
    assert "2 QMS cases" in report["summary_en"]


def test_a_tampered_evidence_file_is_named_by_verify(api: Any, tmp_path: Path) -> None:
    case_id, ev = _measured(api)
    victim = tmp_path / "objects" / ev["key"]
    data = bytearray(victim.read_bytes())
    data[-5] ^= 0x01
    victim.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["verify"])
    assert result.exit_code != 0
    assert "Thống kê quý I.pdf" in result.output and case_id in result.output
    report = api.call("GET", "/api/v1/audit/verify", "danhgia", params={"agency_id": "so-khcn-a"}).json()
    assert not report["intact"]
    got = api.call("GET", f"/api/v1/objectives/{case_id}/files/{ev['sha256']}", "thuky")
    assert got.status_code != 200 or got.content != STATISTICS_PDF
