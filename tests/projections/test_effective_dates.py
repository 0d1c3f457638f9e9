"""Property: for random issues (random effective dates), withdrawals and passing days, the register read on any
later day names the version the domain says is in force that day (and the one issued, not yet in force),
both agree with a plain model of the rules, and a rebuild gives exactly the incrementally kept views."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import Ledger
from ledger.errors import LedgerError
from projections import queries
from projections.db import Database
from projections.runner import Projector
from tests.factories import AGENCY, LEADER, SECRETARY, file_ref

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 3, 2, 9, 0, tzinfo=VN)

# (operation, document, a number the operation reads as it needs); sampled_from weighs by repetition
OPS = ["issue"] * 4 + ["withdraw"] * 3 + ["advance"] * 2 + ["catch_up", "obsolete"]
OFFSETS = [-3, -1, 0, 0, 1, 2, 5, 8]  # effective date = today + days
TARGETS = ["upcoming", "upcoming", "in_force", "first"]  # which version to withdraw
steps = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 1), st.integers(0, 99)), min_size=8, max_size=30)
readings = st.lists(st.integers(0, 12), min_size=1, max_size=4)  # days after the last step to read on


@dataclass
class Model:
    """The rules in the plainest terms: the version in force, and the one issued to replace it later."""

    current: tuple[int, str] | None = None
    upcoming: tuple[int, str] | None = None
    obsolete: bool = False

    def settle(self, today: str) -> None:
        if self.upcoming and self.upcoming[1] <= today:
            self.current, self.upcoming = self.upcoming, None

    def issue(self, n: int, effective: str, today: str) -> bool:
        self.settle(today)
        if self.obsolete or self.upcoming or (self.current and effective < self.current[1]):
            return False
        if effective <= today:
            self.current = (n, effective)
        else:
            self.upcoming = (n, effective)
        return True

    def withdraw(self, n: int, today: str) -> None:
        self.settle(today)
        if self.upcoming and self.upcoming[0] == n:
            self.upcoming = None
        elif self.current and self.current[0] == n:
            self.current = None

    def on(self, day: str) -> tuple[int | None, int | None]:
        cur, up = self.current, self.upcoming
        if up and up[1] <= day:
            return up[0], None
        return (cur[0] if cur else None), (up[0] if up else None)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def today(self) -> date:
        return self.now.astimezone(VN).date()


def _issue(ledger: Ledger, doc: str, effective: date) -> int:
    n: int = ledger.create_draft(SECRETARY, doc, file=file_ref(f"{doc}{effective}"), change_summary="Sửa đổi")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver=LEADER.user_id)
    ledger.approve(LEADER, doc, n)
    ledger.issue(SECRETARY, doc, n, effective_from=effective, distribution=["VP"])
    return n


def _drop_draft(ledger: Ledger, doc: str) -> None:
    """A refused issue leaves an approved draft behind; withdraw it so the next round can draft again."""
    last = ledger.document(doc)["versions"][-1]
    if last["status"] in ("draft", "submitted", "approved", "rejected"):
        ledger.withdraw(SECRETARY, doc, last["n"], reason="Không ban hành")


@settings(max_examples=int(os.environ.get("ISOLEDGER_HYPOTHESIS_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps, readings)
def test_the_register_on_any_day_names_the_version_the_domain_says_is_in_force(request, sequence, days):
    url = _fresh_database(request)
    clock = Clock()
    ledger = Ledger(url, clock=clock)
    db = Database(url)
    try:
        projector = Projector(ledger, db, page_size=5)
        projector.create_tables()
        docs = [ledger.register_document(SECRETARY, code=f"BM-{i}", title=f"Biểu mẫu {i}", kind="form",
                                         department="VP") for i in range(2)]
        models = [Model(), Model()]
        for op, i, k in sequence:
            today = clock.today()
            if op == "advance":
                clock.now += timedelta(days=k % 6, hours=k % 5 * 5)
            elif op == "catch_up":
                projector.catch_up()
            elif op == "obsolete":
                if k > 9:  # rarely
                    continue
                if not models[i].obsolete:
                    ledger.obsolete(LEADER, docs[i], reason="Hết hiệu lực")
                models[i].obsolete, models[i].current, models[i].upcoming = True, None, None
            elif models[i].obsolete:
                continue
            elif op == "issue":
                effective = today + timedelta(days=OFFSETS[k % len(OFFSETS)])
                allowed = models[i].issue(len(ledger.document(docs[i])["versions"]) + 1, effective.isoformat(),
                                          today.isoformat())
                try:
                    _issue(ledger, docs[i], effective)
                    assert allowed, "the domain issued what the rules refuse"
                except LedgerError:
                    assert not allowed, "the domain refused what the rules allow"
                    _drop_draft(ledger, docs[i])
            elif op == "withdraw":
                state = ledger.document(docs[i])
                target = TARGETS[k % len(TARGETS)]
                n = 1 if target == "first" else state[target]
                if n is None or not state["versions"]:
                    continue
                try:
                    ledger.withdraw(SECRETARY, docs[i], n, reason="Thu hồi")
                except LedgerError:
                    continue
                models[i].withdraw(n, today.isoformat())
        projector.catch_up()
        last = clock.now
        for d in days:
            clock.now = last + timedelta(days=d)
            day = clock.today()
            domain = {doc: ledger.document(doc) for doc in docs}
            for doc, model in zip(docs, models, strict=True):
                state = domain[doc]
                assert (state["in_force"], state["upcoming"]) == model.on(day.isoformat())
            rows = {r["id"]: r for r in queries.documents(db, AGENCY, today=day, status="all")}
            for doc in docs:
                state, row = domain[doc], rows[doc]
                assert (row["in_force"], row["upcoming"]) == (state["in_force"], state["upcoming"])
                n = state["in_force"]
                assert row["effective_from"] == (state["versions"][n - 1]["effective_from"] if n else None)
                u = state["upcoming"]
                assert row["upcoming_from"] == (state["versions"][u - 1]["effective_from"] if u else None)
            listed = {r["id"] for r in queries.documents(db, AGENCY, today=day)}
            assert listed == {doc for doc in docs if domain[doc]["in_force"] is not None}
            upcoming = {r["id"] for r in queries.documents(db, AGENCY, today=day, status="upcoming")}
            assert upcoming == {doc for doc in docs if domain[doc]["upcoming"] is not None}
        incremental = projector.dump()
        projector.rebuild()
        assert projector.dump() == incremental
    finally:
        db.close()
        ledger.close()


def _fresh_database(request) -> str:  # type: ignore[no-untyped-def]
    from tests.conftest import BACKEND, _counter

    if BACKEND == "postgres":
        server = request.getfixturevalue("pg_server")
        return server.create_database(f"e{os.getpid()}_{next(_counter)}")
    return f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
