"""The fault harness's short run (one fault of each kind, a few clients, the real server) on the suite's backend:
nothing acknowledged is lost or doubled, nothing half-applied, every file stored, no 5xx but 503, verify green."""

from __future__ import annotations

import os
import shutil

import pytest

from bench import faults
from tests.environment import require

BACKEND = os.environ.get("ISOLEDGER_TEST_BACKEND", "sqlite")


@pytest.fixture(scope="module")
def rows() -> list[faults.Row]:
    require(shutil.which("mount") is not None, "mount(8) is needed for the small disk")
    return faults.main(["--short", "--backend", BACKEND, "--clients", "4"])


def test_every_fault_kind_of_the_backend_was_injected(rows: list[faults.Row]) -> None:
    kinds = {f.name for f in faults.FAULTS if BACKEND in f.backends}
    assert {r.fault for r in rows} == kinds
    assert not [r.fault for r in rows if "mount refused" in r.note]
    assert all(r.acked > 0 for r in rows), [(r.fault, r.acked) for r in rows]


def test_nothing_acknowledged_is_lost_or_doubled(rows: list[faults.Row]) -> None:
    for r in rows:
        assert (r.lost, r.duplicated, r.found) == (0, 0, r.acked), (r.fault, r.problems[:5])


def test_nothing_is_half_applied_and_every_file_is_stored(rows: list[faults.Row]) -> None:
    for r in rows:
        assert (r.half_applied, r.bad_files) == (0, 0), (r.fault, r.problems[:5])


def test_no_server_error_but_503_and_verify_stays_green(rows: list[faults.Row]) -> None:
    for r in rows:
        assert r.unexpected_5xx == 0, (r.fault, r.problems[:5])
        assert r.verify_ok, (r.fault, r.problems[:5])


def test_the_server_comes_back_by_itself(rows: list[faults.Row]) -> None:
    for r in rows:
        assert r.recovery is not None and r.recovery < 90, (r.fault, r.recovery)
