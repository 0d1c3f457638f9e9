"""Properties of the quality objectives: the derived status always agrees with an independent reading of the
measurements against the target, and rebuilding the case views from the log gives exactly the incremental state
after any sequence of steps (allowed or refused)."""

from __future__ import annotations

import calendar
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.actors import Actor
from ledger.application import Ledger
from ledger.clock import clocked
from ledger.directory import Directory
from ledger.errors import LedgerError
from ledger.qms.processes.objectives import OBJECTIVES
from projections.db import Database
from projections.runner import Projector
from tests.factories import AGENCY, LEADER, SECRETARY, issued_document

EXAMPLES = int(os.environ.get("ISOLEDGER_HYPOTHESIS_EXAMPLES", "30"))
COUNT = {"monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
PREFIX = {"monthly": "M", "quarterly": "Q", "half_yearly": "H", "yearly": "Y"}


def _codes(frequency: str) -> list[str]:
    n, prefix = COUNT[frequency], PREFIX[frequency]
    if n == 1:
        return ["Y"]
    return [f"{prefix}{i:02d}" if n == 12 else f"{prefix}{i}" for i in range(1, n + 1)]


def oracle(data: dict[str, Any], today: date, closed: bool = False) -> str:
    """The status read independently: periods by index, exact rationals, the expected progress cross-multiplied."""
    frequency, year = data["frequency"], data["year"]
    n = COUNT[frequency]
    months = 12 // n
    index = {code: i for i, code in enumerate(_codes(frequency), 1)}
    values: dict[int, Fraction] = {}
    for m in data.get("measurements", []):
        values[index[m["period"]]] = Fraction(m["value"])
    target, baseline = Fraction(data["target"]), Fraction(data["baseline"])
    decrease = data["direction"] == "decrease"

    def good(v: Fraction) -> bool:
        return v <= target if decrease else v >= target

    def ended(i: int) -> date:
        month = i * months
        return date(year, month, calendar.monthrange(year, month)[1])

    over = closed or (today - date(year, 12, 31)).days > 30
    due = sum(1 for i in range(1, n + 1) if (today - ended(i)).days > 30)
    if not values:
        return "missed" if over else ("at_risk" if due else "not_measured")
    k = max(values)
    v = values[k]
    if over or k == n:
        return "achieved" if good(v) else "missed"
    if due > k:
        return "at_risk"
    if good(v):
        return "on_track"
    if data["direction"] == "maintain":
        return "at_risk"
    ahead = v * n <= baseline * n + (target - baseline) * k if decrease else \
        v * n >= baseline * n + (target - baseline) * k
    return "on_track" if ahead else "at_risk"


numbers = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
                    st.fractions(-100, 100, max_denominator=8).map(float))


@st.composite
def objectives(draw: Any) -> tuple[dict[str, Any], date, bool]:
    direction = draw(st.sampled_from(["increase", "decrease", "maintain"]))
    baseline = draw(numbers)
    step = draw(st.one_of(st.integers(1, 50), st.floats(0.001, 1e5, allow_nan=False)).map(float))
    target = baseline + step if direction == "increase" else baseline - step if direction == "decrease" \
        else draw(st.one_of(st.just(baseline), numbers))
    frequency = draw(st.sampled_from(list(COUNT)))
    codes = _codes(frequency)
    n = len(codes)
    k = draw(st.integers(1, n))  # the expected progress at period k, a boundary a value may sit on
    expected = float(Fraction(baseline) + (Fraction(target) - Fraction(baseline)) * k / n)
    value = st.one_of(numbers, st.sampled_from([target, baseline, expected]))
    measurements = draw(st.lists(st.fixed_dictionaries({"period": st.sampled_from(codes), "value": value}),
                                 max_size=8))
    today = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 500)))
    data = {"direction": direction, "baseline": baseline, "target": target, "frequency": frequency, "year": 2026,
            "measurements": measurements}
    return data, today, draw(st.booleans())


@settings(max_examples=EXAMPLES * 20, deadline=None)
@given(objectives())
def test_the_derived_status_always_matches_the_measurements_and_the_target(case: Any) -> None:
    data, today, closed = case
    if closed:
        data = dict(data, closed_on=today.isoformat())
    got = OBJECTIVES.derive(data, today + timedelta(days=900) if closed else today)
    assert got["status"] == oracle(data, today, closed)


# ---- a rebuild of the views equals the incremental state ---------------------------------------------------
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
PLANNING_LEADER = Actor("truong.phong", AGENCY, frozenset({"department_leader"}))
SCIENCE_LEADER = Actor("pho.phong", AGENCY, frozenset({"department_leader"}))
OWNER = Actor("nhan.vien", AGENCY, frozenset({"staff"}))
EVIDENCE = {"key": "scopes/x/" + "a" * 64, "sha256": "a" * 64, "size": 10, "media_type": "application/pdf",
            "filename": "Minh chứng.pdf"}
OPS = ["next"] * 8 + ["return", "propose", "revise", "wrong_leader", "measure", "measure", "close"]
ops = st.lists(st.one_of(
    st.tuples(st.sampled_from(OPS), st.integers(0, 1), st.integers(0, 3), numbers),
    st.tuples(st.just("catch_up"), st.just(0), st.just(0), st.just(0)),
    st.tuples(st.just("advance"), st.just(0), st.integers(1, 90), st.just(0)),
), min_size=5, max_size=40)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 2, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _world(ledger: Ledger) -> tuple[str, list[str], str]:
    d = Directory(ledger)
    d.create_agency(ADMIN, agency_id=AGENCY, name="Sở Khoa học và Công nghệ Trà Vinh", supervised_by=[])
    for user, roles in (("thu.ky", ["iso_secretary", "staff"]), ("giam.doc", ["agency_leader"]),
                        ("truong.phong", ["department_leader"]), ("pho.phong", ["department_leader"]),
                        ("nhan.vien", ["staff"])):
        d.create_account(ADMIN, username=user, agency_id=AGENCY, full_name=user, roles=roles)
    deps = [d.create_department(ADMIN, AGENCY, code=c, name=n, leader=lead)["id"]
            for c, n, lead in (("p-khtc", "Phòng Kế hoạch - Tài chính", "truong.phong"),
                               ("p-qlkh", "Phòng Quản lý khoa học", "pho.phong"))]
    policy = ledger.open_case(SECRETARY, "quality_policy", values={"year": 2026, "statement": "Phục vụ người dân."})
    return policy, deps, issued_document(ledger, code="QD-MTCL-2026", kind="quality_objectives")


def _values(policy: str, i: int) -> dict[str, Any]:
    return {"year": 2026, "policy": policy, "code": f"MT-0{i + 1}", "title": f"Mục tiêu {i + 1}",
            "indicator": "Tỷ lệ hồ sơ đúng hạn", "unit": "%", "direction": ("increase", "decrease")[i],
            "baseline": 90.0 if i == 0 else 10.0, "target": 98.0 if i == 0 else 2.0,
            "frequency": ("quarterly", "monthly")[i], "plan_actions": "Rà soát", "plan_resources": "Phần mềm",
            "plan_responsible": "Văn phòng", "plan_due": "2026-12-31", "plan_evaluation": "Thống kê"}


def _take(ledger: Ledger, case_id: str, deps: list[str], decision: str, i: int, op: str, j: int,
          number: float) -> None:
    state = ledger.case(case_id)["state"]
    leader = (PLANNING_LEADER, SCIENCE_LEADER)[i]
    if op == "next":
        op = {"draft": "submit", "submitted": "approve", "approved": "allocate", "allocated": "register",
              "change_proposed": "revise", "registered": "measure", "closed": "measure"}[state]
    periods = (["Q1", "Q2", "Q3", "Q4"], [f"M{m:02d}" for m in range(1, 13)])[i]
    {
        "submit": lambda: ledger.take_step(SECRETARY, case_id, "submit", values={"document": decision}),
        "approve": lambda: ledger.take_step(LEADER, case_id, "approve", values={}),
        "return": lambda: ledger.take_step(LEADER, case_id, "return", values={}, reason="Sửa lại"),
        "allocate": lambda: ledger.take_step(LEADER, case_id, "allocate", values={"department": deps[i],
                                                                                  "owner": "nhan.vien"}),
        "register": lambda: ledger.take_step(leader, case_id, "register", values={}),
        "wrong_leader": lambda: ledger.take_step((SCIENCE_LEADER, PLANNING_LEADER)[i], case_id, "register",
                                                 values={}),
        "propose": lambda: ledger.take_step(leader, case_id, "propose_change", values={"target": number},
                                            reason="Chỉ tiêu cao"),
        "revise": lambda: ledger.take_step(SECRETARY, case_id, "revise", values={"title": f"Sửa {number}"},
                                           reason="Theo đề nghị"),
        "measure": lambda: ledger.take_step(OWNER, case_id, "measurements", values={
            "period": periods[j * len(periods) // 4], "value": number, "evidence": EVIDENCE}),
        "close": lambda: ledger.take_step(leader, case_id, "close", values={"result": "Kết quả"}),
    }[op]()


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops)
def test_a_rebuild_of_the_case_views_equals_the_incremental_state(request: Any, sequence: Any) -> None:
    url = _fresh_database(request)
    clock = Clock()
    ledger = Ledger(url, clock=clock)
    db = Database(url)
    try:
        with clocked(clock):
            projector = Projector(ledger, db, page_size=5)
            projector.create_tables()
            policy, deps, decision = _world(ledger)
            cases = [ledger.open_case(SECRETARY, "quality_objective", values=_values(policy, i)) for i in (0, 1)]
            for _ in range(4):  # the first objective starts registered, so measuring and closing are explored
                _take(ledger, cases[0], deps, decision, 0, "next", 0, 0)
            for op, i, j, number in sequence:
                if op == "catch_up":
                    projector.catch_up()
                elif op == "advance":
                    clock.now += timedelta(days=j)
                else:
                    try:
                        _take(ledger, cases[i], deps, decision, i, op, j, number)
                    except LedgerError:
                        pass
            projector.catch_up()
            incremental = projector.dump()
            projector.rebuild()
            assert projector.dump() == incremental
            for case_id in cases:
                case = ledger.case(case_id)
                closed = case["state"] == "closed"
                assert case["derived"]["status"] == oracle(
                    case["data"], date.fromisoformat(case["data"]["closed_on"]) if closed else ledger.today(),
                    closed)
    finally:
        db.close()
        ledger.close()


def _fresh_database(request: Any) -> str:
    from tests.conftest import BACKEND, _counter

    if BACKEND == "postgres":
        server = request.getfixturevalue("pg_server")
        return str(server.create_database(f"o{os.getpid()}_{next(_counter)}"))
    return f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
