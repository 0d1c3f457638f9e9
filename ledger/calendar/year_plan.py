"""The plan the province issues for a year (an aggregate): its steps, later revisions, and new guidance recorded."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from ledger import validation as v
from ledger.actors import Actor
from ledger.aggregate import LedgerAggregate
from ledger.calendar.plan import DEFAULT_STEPS, PlanStep, step_dict, steps_from
from ledger.errors import ConcurrentWrite, InvalidInput, RuleViolation, StaleVersion
from ledger.vocabulary import Role

ISSUERS = (Role.ADMIN, Role.INSPECTOR)  # the province administrator, the Sở KH&CN's inspectors


def plan_uuid(year: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"isoledger:year-plan:{year}")


def check_year(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 2000 <= value <= 2100:
        raise InvalidInput("Năm từ 2000 đến 2100.", "The year is 2000 to 2100.", field="year")
    return value


class YearPlan(LedgerAggregate):
    """The province's QMS plan of one year (kế hoạch duy trì HTQLCL): steps as data, revised with a reason."""

    @classmethod
    def issue(cls, actor: Actor, *, year: int, steps: list[dict[str, Any]], title: str) -> YearPlan:
        meta = actor.meta(*ISSUERS)
        plan: YearPlan = cls._create(cast(Any, cls).YearPlanIssued, id=plan_uuid(year), year=year,
                                     title=v.text(title, "title", max_len=300), steps=steps, meta=meta)
        return plan

    def revise(self, actor: Actor, *, steps: list[dict[str, Any]], reason: str) -> None:
        meta = actor.meta(*ISSUERS)
        self._revised(steps=steps, reason=v.text(reason, "reason", max_len=1000), meta=meta)

    def record_guidance(self, actor: Actor, *, day: date, title: str) -> None:
        """New guidance (a ministry's circular, a province decision) that moves deadlines counted from it."""
        meta = actor.meta(*ISSUERS)
        if day.year != self.year:
            raise InvalidInput("Ngày ban hành phải thuộc năm của kế hoạch.", "The day must be in the plan's year.",
                               field="day")
        self._guidance(day=day.isoformat(), title=v.text(title, "title", max_len=500), meta=meta)

    @event("YearPlanIssued")
    def __init__(self, year: int, title: str, steps: list[dict[str, Any]], meta: dict[str, str]) -> None:
        self.year = year
        self.title = title
        self.steps = list(steps)
        self.guidance: list[dict[str, str]] = []

    @event("YearPlanRevised")
    def _revised(self, steps: list[dict[str, Any]], reason: str, meta: dict[str, str]) -> None:
        self.steps = list(steps)

    @event("GuidanceRecorded")
    def _guidance(self, day: str, title: str, meta: dict[str, str]) -> None:
        self.guidance.append({"day": day, "title": title})


def default_plan(year: int) -> dict[str, Any]:
    return {"year": year, "title": f"Kế hoạch duy trì, cải tiến HTQLCL năm {year}", "issued": False,
            "steps": [step_dict(s) for s in DEFAULT_STEPS], "guidance": [], "version": 0}


class Plans:
    """Issuing, revising and reading the year's plan; a year without an issued plan follows the default."""

    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger

    def issue(self, actor: Actor, year: int, *, steps: list[dict[str, Any]] | None = None,
              title: str | None = None) -> dict[str, Any]:
        year = check_year(year)
        checked = [step_dict(s) for s in (DEFAULT_STEPS if steps is None else steps_from(steps))]
        plan = YearPlan.issue(actor, year=year, steps=checked,
                              title=title or f"Kế hoạch duy trì, cải tiến HTQLCL năm {year}")
        self._save(plan, new=True)
        return self.plan(year)

    def revise(self, actor: Actor, year: int, *, steps: list[dict[str, Any]], reason: str,
               expected_version: int | None = None) -> dict[str, Any]:
        plan = self._issued(year)
        self._expect(plan, expected_version)
        plan.revise(actor, steps=[step_dict(s) for s in steps_from(steps)], reason=reason)
        self._save(plan)
        return self.plan(year)

    def record_guidance(self, actor: Actor, year: int, *, day: date, title: str,
                        expected_version: int | None = None) -> dict[str, Any]:
        plan = self._issued(year)
        self._expect(plan, expected_version)
        plan.record_guidance(actor, day=day, title=title)
        self._save(plan)
        return self.plan(year)

    def plan(self, year: int) -> dict[str, Any]:
        found = self._find(check_year(year))
        if found is None:
            return default_plan(year)
        return {"year": found.year, "title": found.title, "issued": True, "steps": list(found.steps),
                "guidance": list(found.guidance), "version": found.version}

    def steps(self, year: int) -> tuple[tuple[PlanStep, ...], date | None]:
        """The year's steps and the day of the latest guidance recorded (None when there is none)."""
        plan = self.plan(year)
        days = [date.fromisoformat(g["day"]) for g in plan["guidance"]]
        return steps_from(plan["steps"]), (max(days) if days else None)

    def _find(self, year: int) -> YearPlan | None:
        try:
            agg = self.ledger.repository.get(plan_uuid(year))
        except AggregateNotFoundError:
            return None
        return agg if isinstance(agg, YearPlan) else None

    def _issued(self, year: int) -> YearPlan:
        found = self._find(check_year(year))
        if found is None:
            raise RuleViolation(f"Chưa ban hành kế hoạch năm {year}.", f"No plan issued for {year} yet.",
                                field="year", code="no_plan")
        return found

    @staticmethod
    def _expect(agg: LedgerAggregate, expected_version: int | None) -> None:
        if expected_version is not None and agg.version != expected_version:
            raise StaleVersion(current=agg.version, expected=expected_version)

    def _save(self, agg: LedgerAggregate, new: bool = False) -> None:
        try:
            with self.ledger.write_lock:
                self.ledger.save(agg)
        except IntegrityError:
            if new:
                raise RuleViolation("Kế hoạch của năm này đã được ban hành; hãy sửa đổi kế hoạch.",
                                    "This year's plan is already issued; revise it instead.", field="year",
                                    code="duplicate_plan") from None
            raise ConcurrentWrite() from None
