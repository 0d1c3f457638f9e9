"""Whatever the next matrix version says, a past assessment keeps the score and level it was made with (hypothesis):
the aggregate and the read model replay each assessment on the matrix in force on its own day."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.clock import clocked
from ledger.qms import matrix as M
from tests.qms.org import KHTC_LEADER

score = st.integers(1, 5)
thresholds = st.lists(st.integers(1, 24), min_size=3, max_size=3, unique=True).map(sorted).map(
    lambda t: tuple(zip([*t, 25], M.LEVELS, strict=True)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.tuples(score, score), later=st.tuples(score, score), bands=thresholds)
def test_a_new_matrix_version_never_changes_a_past_score(org, clock, projector, first, later, bands) -> None:  # type: ignore[no-untyped-def]
    ledger = org.ledger
    original = list(M.MATRICES)
    with clocked(clock):
        case_id = ledger.open_case(KHTC_LEADER, "risk", values={
            "year": ledger.today().year, "department": org.khtc, "kind": "risk", "title": "Giải ngân đề tài chậm",
            "description": "Chứng từ nộp trễ.", "processes": "Quản lý tài chính đề tài"})
        ledger.take_step(KHTC_LEADER, case_id, "assess", values={"likelihood": first[0], "impact": first[1]})
        made = ledger.case(case_id)["data"]["assessments"][0]
        newer = replace(M.matrix_on("risk", ledger.today()), version=f"T{len(original)}",
                        since=ledger.today() + timedelta(days=1), thresholds=bands)
        try:
            M.MATRICES.append(newer)
            clock.advance(days=1)
            ledger.take_step(KHTC_LEADER, case_id, "assess", values={"likelihood": later[0], "impact": later[1]})
            again = ledger.case(case_id)["data"]["assessments"]
            projector.catch_up()
            with projector.db.transaction(write=False) as cur:
                cur.execute("SELECT data FROM cases WHERE id=?", [case_id])
                projected = json.loads(cur.fetchone()[0])["assessments"]
        finally:
            M.MATRICES[:] = original
        clock.advance(days=1)
    assert again[0] == made == projected[0]
    assert made["level"] == M.RISK_MATRIX_V1.cell_level(*first) and made["matrix"] == "R1"
    assert (again[1]["matrix"], again[1]["level"]) == (newer.version, newer.cell_level(*later))
    assert projected[1] == again[1]
    assert M.matrix_on("risk", date(2026, 3, 2)) is M.RISK_MATRIX_V1
