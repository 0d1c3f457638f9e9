"""The year's QMS planning at a glance (the ISO secretary's planning page) and a department's objectives (its page):
where the policy and each objective stand against their deadlines, read from the case views."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.actors import Actor
from ledger.qms.declaration import Process
from ledger.qms.registry import process_at
from usecases.departments import Departments
from usecases.qms import Qms

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def deadlines(process: Process, case: dict[str, Any], year: int, today: date) -> list[dict[str, Any]]:
    """Each deadline of ``process`` for a case of ``year``: its date, whether the case has reached the state (it is in
    that state or one declared after it), when it did (the step's ``<state>_at`` stamp, where the process keeps one),
    and whether it is late (not reached after the date, or reached after it)."""
    order = list(process.states)
    out = []
    for d in process.deadlines:
        due = date(year, d.month, d.day)
        reached = order.index(case["state"]) >= order.index(d.state)
        stamp = case["data"].get(f"{d.state}_at")
        day = datetime.fromisoformat(stamp).astimezone(VN).date() if isinstance(stamp, str) else None
        out.append({"state": d.state, "label": d.label, "due": due.isoformat(), "reached": reached,
                    "late": (not reached and today > due) or bool(reached and day and day > due), "at": stamp})
    return out


class Planning:
    """Reads over the QMS use cases (visibility and agency scope are theirs)."""

    def __init__(self, qms: Qms, departments: Departments) -> None:
        self.qms, self.departments = qms, departments

    def today(self) -> date:
        """Today in Vietnam, the day statuses and deadlines are read on."""
        day: date = self.qms.deps.ledger.today()
        return day

    def year(self, actor: Actor, agency_id: str, year: int) -> dict[str, Any]:
        """The year's policy and objectives, each with its deadlines; the counts per state; the late items."""
        today = self.today()
        policies = self.qms.listed(actor, agency_id, "policies", year=year)
        objectives = self.qms.listed(actor, agency_id, "objectives", year=year)
        names = self.department_names(actor, agency_id)
        for kind, rows in (("policies", policies), ("objectives", objectives)):
            process = process_at(kind)
            for row in rows:
                row["deadlines"] = deadlines(process, row, year, today)
                row["late"] = any(d["late"] and not d["reached"] for d in row["deadlines"])
                row["department_name"] = names.get(row.get("department_id") or "", "")
                row["state_label"] = process.states[row["state"]]
        objectives.sort(key=lambda r: (r["department_name"], str(r["data"].get("code", ""))))
        states = Counter(r["state"] for r in objectives)
        return {"year": year, "today": today.isoformat(), "policy": policies[0] if policies else None,
                "objectives": objectives, "counts": dict(states), "states": process_at("objectives").states,
                "late": [r for r in [*policies, *objectives] if r["late"]],
                "deadlines": [(d.label, date(year, d.month, d.day).isoformat())
                              for d in process_at("objectives").deadlines]}

    def department(self, actor: Actor, department_id: str, year: int,
                   as_of: datetime | None = None) -> dict[str, Any]:
        """A department and its objectives of ``year`` (now, or as they stood at ``as_of``, from the log)."""
        dep = self.qms.department(actor, department_id)
        if as_of is None:
            rows = self.qms.listed(actor, dep["agency_id"], "objectives", year=year, department_id=department_id)
        else:
            rows = [r for r in self.qms.department_as_of(actor, department_id, as_of)
                    if r["data"].get("year") == year]
        states = process_at("objectives").states
        for row in rows:
            row["state_label"] = states[row["state"]]
        rows.sort(key=lambda r: str(r["data"].get("code", "")))
        return {"department": dep, "year": year, "objectives": rows, "as_of": as_of.isoformat() if as_of else None,
                "statuses": Counter(str(r["derived"].get("status")) for r in rows)}

    def department_names(self, actor: Actor, agency_id: str) -> dict[str, str]:
        def read(cur: Any, base: str, params: list[Any]) -> dict[str, str]:
            cur.execute(f"SELECT id, name {base}", params)
            return {str(i): str(n) for i, n in cur.fetchall()}

        names: dict[str, str] = self.departments.page(actor, agency_id, read, closed=True)
        return names
