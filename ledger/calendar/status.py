"""Where each step of the year's plan stands for one agency — done (when, by which event), due or late — derived
from the facts of its cases and documents, never ticked by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.calendar.plan import DOCUMENTS_AMENDED, DOCUMENTS_REVIEWED, GUIDANCE, PlanStep
from ledger.calendar.workdays import working_days_between

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DONE, DUE, LATE, UNTRACKED = "done", "due", "late", "untracked"
STATUSES = {DONE: ("Đã hoàn thành", "Done"), DUE: ("Chưa đến hạn", "Due"), LATE: ("Quá hạn", "Late"),
            UNTRACKED: ("Chưa theo dõi được", "Not tracked yet")}
DOCUMENT_SUBJECTS = (DOCUMENTS_REVIEWED, DOCUMENTS_AMENDED)


@dataclass(frozen=True)
class Fact:
    """A case (or document) of the agency reached ``fact`` (a state, or a document's fact) at ``at``."""

    subject: str  # the process name, or "document"
    subject_id: str
    year: int
    fact: str
    at: str
    event: str
    position: int

    def day(self) -> date:
        return datetime.fromisoformat(self.at).astimezone(VN).date()


def calendar(steps: Iterable[PlanStep], year: int, facts: Iterable[Fact], today: date, *, guidance: date | None,
             tracked: frozenset[str]) -> list[dict[str, Any]]:
    """Each step's status for one agency: ``facts`` are its facts (documents': of every year up to ``year``),
    ``tracked`` the process names declared on this installation (a step on another is "not tracked yet")."""
    by_subject: dict[str, dict[str, dict[str, Fact]]] = defaultdict(lambda: defaultdict(dict))
    for f in facts:
        if f.subject == "document" or f.year == year:
            kept = by_subject[f.subject][f.subject_id]
            key = f.fact if f.year == year else f"{f.fact}@{f.year}"
            kept[key] = f
    done_on: dict[str, date] = {}
    out = []
    for step in steps:
        trigger = guidance if step.after == GUIDANCE else done_on.get(step.after or "")
        due = step.due(year, trigger)
        subject = step.done.subject
        if subject not in DOCUMENT_SUBJECTS and subject not in tracked:
            out.append(_row(step, UNTRACKED, due, today))
            continue
        if subject == DOCUMENTS_REVIEWED:
            made = _reviewed(by_subject["document"], year)
        elif subject == DOCUMENTS_AMENDED:
            made = _amended(by_subject["document"], done_on.get(step.after or ""),
                            step.after not in (None, GUIDANCE))
        else:
            made = _cases(step, by_subject[subject], due, today)
        if made is None:
            out.append(_row(step, LATE if today > due else DUE, due, today))
            continue
        day, fact = made
        done_on[step.key] = day
        out.append(_row(step, DONE, due, today, day=day, fact=fact))
    return out


Made = tuple[date, Fact | None] | None


def _cases(step: PlanStep, cases: dict[str, dict[str, Fact]], due: date, today: date) -> Made:
    want = step.done
    counted = {cid: f for cid, f in cases.items() if not any(s in f for s in want.skip)}
    reached = {cid: min((f[s] for s in want.states if s in f), key=lambda x: x.position)
               for cid, f in counted.items() if any(s in f for s in want.states)}
    if not counted:
        return (due, None) if want.none_is_done and today > due else None
    if want.every:
        if len(reached) < len(counted):
            return None
        last = max(reached.values(), key=lambda x: x.position)
        return last.day(), last
    if not reached:
        return None
    first = min(reached.values(), key=lambda x: x.position)
    return first.day(), first


def _in_force(facts: dict[str, Fact], year: int) -> bool:
    """A document issued by the end of ``year`` and not made obsolete by then."""
    years = {(k.split("@")[0], f.year) for k, f in facts.items()}
    return any(k == "issued" and y <= year for k, y in years) and not any(k == "obsoleted" and y <= year
                                                                          for k, y in years)


def _reviewed(documents: dict[str, dict[str, Fact]], year: int) -> Made:
    """Every document in force had its periodic review in the year (confirmed unchanged or a version issued)."""
    population = [f for f in documents.values() if _in_force(f, year) or "reviewed" in f]
    if not population or any("reviewed" not in f for f in population):
        return None
    last = max((f["reviewed"] for f in population), key=lambda x: x.position)
    return last.day(), last


def _amended(documents: dict[str, dict[str, Fact]], after: date | None, needs_after: bool) -> Made:
    """Every document redrafted in the year was issued again after its last redraft (once the review is done)."""
    if needs_after and after is None:
        return None
    redrafted = [f for f in documents.values() if "drafted" in f]
    if any("issued" not in f or f["issued"].position < f["drafted"].position for f in redrafted):
        return None
    if not redrafted:
        return (after, None) if after is not None else None
    last = max((f["issued"] for f in redrafted), key=lambda x: x.position)
    return max(last.day(), after or last.day()), last


def _row(step: PlanStep, status: str, due: date, today: date, *, day: date | None = None,
         fact: Fact | None = None) -> dict[str, Any]:
    return {"key": step.key, "label": list(step.label), "roles": list(step.roles), "status": status,
            "due": due.isoformat(), "fixed_due": None if step.after is None else step.fixed_due(due.year).isoformat(),
            "days_left": (due - today).days if status in (DUE, LATE) else None,
            "working_days_left": working_days_between(today, due) if status == DUE else None,
            "done_on": day.isoformat() if day else None, "on_time": None if day is None else day <= due,
            "event": None if fact is None else {"subject": fact.subject, "id": fact.subject_id, "fact": fact.fact,
                                                "event": fact.event, "at": fact.at, "position": fact.position}}
