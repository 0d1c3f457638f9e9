"""Properties over random command sequences: the domain's invariants hold after every step, a refused
command changes nothing, every chain verifies, and replaying to any version gives the state seen then."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings

from ledger.application import Ledger
from ledger.errors import LedgerError
from ledger.verify import verify_chains
from tests.factories import ARCHIVIST, SECRETARY
from tests.projections.test_rebuild import _apply, ops


def _check_document(state: dict) -> None:  # type: ignore[type-arg]
    issued = [v for v in state["versions"] if v["status"] == "issued"]
    assert len(issued) <= 1, "one version issued and not replaced at a time"
    today = state["in_force_on"]
    if issued and issued[0]["effective_from"] <= today:
        assert (state["in_force"], state["upcoming"]) == (issued[0]["n"], None)
    elif issued:
        assert state["upcoming"] == issued[0]["n"], "issued with a later date: not yet in force"
        if state["in_force"] is not None:
            before = state["versions"][state["in_force"] - 1]
            assert before["status"] == "superseded" and before["effective_from"] <= today
    else:
        assert (state["in_force"], state["upcoming"]) == (None, None)
    pending = [v for v in state["versions"] if v["status"] in ("draft", "submitted", "approved", "rejected")]
    assert len(pending) <= 1, "one version in progress at a time"
    for v in state["versions"]:
        if v["status"] in ("issued", "superseded") and state["kind"] != "form":
            assert v["signed_for_approval"], "a kind that needs a signature was issued signed"


def _check_record(state: dict) -> None:  # type: ignore[type-arg]
    if state["destroyed"]:
        assert state["loan"] is None and state["hold"] is None
        assert state["destruction"]["status"] == "executed"
        assert state["retention_years"] is not None and state["closed_on"] is not None


@settings(max_examples=int(os.environ.get("ISOLEDGER_HYPOTHESIS_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_invariants_hold_after_every_command_and_refusals_change_nothing(sequence):
    url = f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
    ledger = Ledger(url, clock=lambda: datetime(2026, 3, 2, 3, tzinfo=UTC))
    try:
        docs = [ledger.register_document(SECRETARY, code=f"QT-{i}", title=f"Quy trình {i}", kind=k,
                                         department="VP") for i, k in enumerate(["procedure", "form", "audit_plan"])]
        recs = [ledger.open_record(ARCHIVIST, code=f"HS-{i}", title="Hồ sơ", series="S", retention_years=y,
                                   legal_basis="L") for i, y in enumerate([5, None, 20])]
        seen: dict[tuple[str, int], dict] = {}  # type: ignore[type-arg]
        for kind, op, i in sequence:
            if kind == "catch_up":
                continue
            target = docs[i] if kind == "doc" else recs[i]
            read = ledger.document if kind == "doc" else ledger.record
            before = read(target)
            try:
                _apply(ledger, docs, recs, kind, op, i)
            except LedgerError:
                assert read(target) == before, "a refused command changed nothing"
            after = read(target)
            (_check_document if kind == "doc" else _check_record)(after)
            seen[(target, after["version"])] = after
        assert verify_chains(ledger).intact
        for (target, version), state in seen.items():
            assert ledger.state_at(target, version=version) == state
    finally:
        ledger.close()
