"""The province's view of the year: the plan, each agency's calendar derived from its events, the dashboard of every
agency × every step for the Sở KH&CN's inspectors (the agencies they supervise) and the province administrator."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from ledger.actors import Actor
from ledger.calendar.status import STATUSES, Fact, calendar
from ledger.calendar.year_plan import Plans, check_year
from ledger.directory import LEVELS
from ledger.errors import InvalidInput, NotAllowed
from ledger.qms.registry import processes
from ledger.vocabulary import Role
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import Visibility, not_found

PROVINCE = frozenset({Role.ADMIN, Role.INSPECTOR})  # who sees the dashboard
CALENDAR_READERS = frozenset({*R.MEMBERS, Role.ADMIN})  # an agency's own people read its calendar
FACT_COLS = ("subject_id", "year", "fact", "agency_id", "subject", "at", "event", "position")


class Province:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility
        self.plans = Plans(deps.ledger)

    # ---- the plan ------------------------------------------------------------------------------
    def plan(self, actor: Actor, year: int) -> dict[str, Any]:
        return self.plans.plan(check_year(year))

    def issue_plan(self, actor: Actor, year: int, *, steps: list[dict[str, Any]] | None = None,
                   title: str | None = None) -> dict[str, Any]:
        return self._after(self.plans.issue(actor, year, steps=steps, title=title))

    def revise_plan(self, actor: Actor, year: int, *, steps: list[dict[str, Any]], reason: str,
                    expected_version: int | None = None) -> dict[str, Any]:
        return self._after(self.plans.revise(actor, year, steps=steps, reason=reason,
                                             expected_version=expected_version))

    def record_guidance(self, actor: Actor, year: int, *, day: date, title: str,
                        expected_version: int | None = None) -> dict[str, Any]:
        return self._after(self.plans.record_guidance(actor, year, day=day, title=title,
                                                      expected_version=expected_version))

    # ---- the calendars -------------------------------------------------------------------------
    def calendar(self, actor: Actor, agency_id: str, year: int, *, today: date | None = None) -> dict[str, Any]:
        """One agency's steps of ``year`` (``agency``, the board of that one agency): its own people, the province
        administrator and its supervisors' inspectors read it; anyone else gets 404."""
        if Role.ADMIN not in actor.roles:
            self.visibility.check_visible(actor, agency_id, CALENDAR_READERS)
        agencies = self._agencies([agency_id])
        if not agencies:
            raise not_found(("cơ quan", "agency"))
        board = self._board(agencies, check_year(year), today)
        board["agency"] = board["agencies"][0]
        return board

    def dashboard(self, actor: Actor, year: int, *, level: str | None = None, supervisor: str | None = None,
                  today: date | None = None) -> dict[str, Any]:
        """Every agency the caller oversees × every step of the year's plan, with the counts per step."""
        if not actor.roles & PROVINCE:
            raise NotAllowed("Chỉ quản trị hệ thống hoặc thanh tra, kiểm tra xem được bảng theo dõi của tỉnh.",
                             "Only the administrator or an inspector sees the province dashboard.",
                             code="role_required")
        if level is not None and level not in LEVELS:
            raise InvalidInput(f"Cấp «{level}» không hợp lệ; chọn một trong: {', '.join(LEVELS)}.",
                               f"Level '{level}' is not valid; choose one of: {', '.join(LEVELS)}.", field="level")
        visible = None if Role.ADMIN in actor.roles else self.visibility.supervised_by(actor.agency_id)
        rows = self._agencies(visible)
        rows = [a for a in rows if (level is None or a["level"] == level)
                and (supervisor is None or supervisor in a["supervised_by"])]
        board = self._board(rows, check_year(year), today)
        board["filters"] = {"level": level, "supervisor": supervisor}
        return board

    def supervisors(self, actor: Actor) -> list[dict[str, str]]:
        """The supervising agencies (the filter's choices) among what the caller sees."""
        visible = None if Role.ADMIN in actor.roles else self.visibility.supervised_by(actor.agency_id)
        rows = self._agencies(visible)
        names = {a["agency_id"]: a["name"] for a in self._agencies(None)}
        ids = sorted({s for a in rows for s in a["supervised_by"]})
        return [{"agency_id": s, "name": names.get(s, s)} for s in ids]

    # ---- plumbing ------------------------------------------------------------------------------
    def _after(self, state: dict[str, Any]) -> dict[str, Any]:
        self.deps.projections.after_command()
        return state

    def _agencies(self, only: list[str] | None) -> list[dict[str, Any]]:
        self.deps.projections.fresh()
        sql, params = "SELECT agency_id, name, level, supervised_by FROM agencies", []
        if only is not None:
            if not only:
                return []
            sql += f" WHERE agency_id IN ({','.join('?' * len(only))})"
            params = list(only)
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(sql + " ORDER BY agency_id", params)
            return [{"agency_id": a, "name": n, "level": lv, "supervised_by": json.loads(s)}
                    for a, n, lv, s in cur.fetchall()]

    def facts(self, agency_ids: list[str], year: int) -> dict[str, list[Fact]]:
        """The calendar's facts of ``year`` per agency (a document's of every year up to it), one query."""
        out: dict[str, list[Fact]] = defaultdict(list)
        if not agency_ids:
            return out
        wanted = set(agency_ids)
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(FACT_COLS)} FROM calendar_facts WHERE year=? OR "
                        "(subject='document' AND year<?)", (year, year))
            for sid, y, fact, agency, subject, at, event, position in cur.fetchall():
                if agency in wanted:
                    out[agency].append(Fact(subject, sid, int(y), fact, at, event, int(position)))
        return out

    def _figures_of(self, agencies: list[dict[str, Any]], year: int) -> None:
        """Each agency's administrative procedures (and how many a QMS procedure governs) and its latest concluded
        inspection of the year (total, maximum, classification), for the reports' figures."""
        from ledger.qms.processes.inspections import derive as inspection_status

        ids = [a["agency_id"] for a in agencies]
        procedures: dict[str, tuple[int, int]] = {}
        scores: dict[str, dict[str, Any]] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            with self.deps.db.transaction(write=False) as cur:
                cur.execute(f"SELECT agency_id, COUNT(*), COUNT(document) FROM procedures WHERE agency_id IN ({marks}) "
                            "GROUP BY agency_id", ids)
                procedures = {a: (int(n), int(g)) for a, n, g in cur.fetchall()}
                cur.execute("SELECT data, updated_at FROM cases WHERE process='inspection' AND year=? AND state IN "
                            "('concluded', 'closed') ORDER BY updated_at", (year,))
                for data, _ in cur.fetchall():
                    d = json.loads(data) if isinstance(data, str) else data
                    status = inspection_status(d, self.deps.ledger.today())
                    if d.get("inspected_agency") in ids and status["total"] is not None:
                        scores[d["inspected_agency"]] = {k: status[k] for k in ("total", "maximum", "classification")}
        for a in agencies:
            a["procedures"], a["procedures_governed"] = procedures.get(a["agency_id"], (0, 0))
            a["inspection"] = scores.get(a["agency_id"])

    def _board(self, agencies: list[dict[str, Any]], year: int, today: date | None) -> dict[str, Any]:
        today = today or self.deps.ledger.today()
        steps, guidance = self.plans.steps(year)
        tracked = frozenset(p.name for p in processes())
        facts = self.facts([a["agency_id"] for a in agencies], year)
        counts: dict[str, Counter[str]] = {s.key: Counter() for s in steps}
        for a in agencies:
            a["level_label"] = list(LEVELS.get(a["level"], (a["level"], a["level"])))
            a["steps"] = calendar(steps, year, facts.get(a["agency_id"], []), today, guidance=guidance,
                                  tracked=tracked)
            for s in a["steps"]:
                counts[s["key"]][s["status"]] += 1
            a["late"] = sum(1 for s in a["steps"] if s["status"] == "late")
        self._figures_of(agencies, year)
        plan = self.plans.plan(year)
        return {"year": year, "today": today.isoformat(), "guidance": guidance.isoformat() if guidance else None,
                "plan": {k: plan[k] for k in ("title", "issued", "version", "guidance")},
                "steps": [{"key": s.key, "label": list(s.label), "roles": list(s.roles),
                           "fixed_due": s.fixed_due(year).isoformat(), "after": s.after,
                           "working_days": s.working_days, "subject": s.done.subject,
                           "tracked": s.done.subject.startswith("documents.") or s.done.subject in tracked,
                           "counts": {k: counts[s.key][k] for k in STATUSES}} for s in steps],
                "agencies": agencies, "total": len(agencies)}
