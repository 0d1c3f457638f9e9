"""Inspections by the supervising agency, as each side reads them: the inspectors who run them, the inspected
agency's leader and ISO secretary; and an agency's inspection scores over the years (``ledger.qms.processes``)."""

from __future__ import annotations

import json
from typing import Any

from ledger.actors import Actor
from ledger.qms.processes.inspections import CLASSES, INSPECTION, KINDS
from ledger.vocabulary import Role
from usecases.deps import Deps
from usecases.qms import COLUMNS, READERS, row_out
from usecases.visibility import Visibility

SCORE_READERS = frozenset({Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.INSPECTOR})  # the agency's, its supervisors'
PROVINCE_WIDE = frozenset({Role.ADMIN})  # the province administrator reads every agency's results, as its dashboard
RESULT_STATES = ("concluded", "closed")  # an inspection's score counts once its conclusion is signed


class Inspections:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def _rows(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        today = self.deps.ledger.today()
        self.deps.projections.fresh()
        cur: Any
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {COLUMNS} FROM cases WHERE process=? AND ({where}) ORDER BY updated_at DESC, id",
                        [INSPECTION.name, *params])
            names = [d[0] for d in cur.description]
            return [row_out(INSPECTION, dict(zip(names, r, strict=True)), today) for r in cur.fetchall()]

    @staticmethod
    def _of(agency_id: str) -> tuple[str, str]:
        """A prefilter on the projected data for the inspections of ``agency_id`` (checked exactly afterwards)."""
        return "data LIKE ?", f'%"inspected_agency": {json.dumps(agency_id, ensure_ascii=False)}%'

    def listed(self, actor: Actor) -> list[dict[str, Any]]:
        """The inspections ``actor`` reads, newest first: those their agency runs (an inspector) and those of their
        own agency (its leader and ISO secretary), each with the inspected agency's name."""
        where, like = self._of(actor.agency_id)
        rows = self._rows(f"agency_id=? OR {where}", [actor.agency_id, like])
        seen = [r for r in rows if self.visibility.reads_case(actor, r, READERS)]
        return [self._named(r) for r in seen]

    def _named(self, row: dict[str, Any]) -> dict[str, Any]:
        directory = self.deps.directory
        inspected = (directory.find_agency(str(row["data"].get("inspected_agency"))) or {}).get("name")
        supervisor = (directory.find_agency(str(row["agency_id"])) or {}).get("name")
        return dict(row, inspected_name=inspected or row["data"].get("inspected_agency"),
                    supervisor_name=supervisor or row["agency_id"],
                    kind_label=KINDS.get(str(row["data"].get("kind")), ("", "")))

    def supervised(self, actor: Actor) -> list[tuple[str, str]]:
        """(id, name) of the agencies ``actor``'s agency supervises: those its inspectors may inspect."""
        if Role.INSPECTOR not in actor.roles:
            return []
        found = (self.deps.directory.find_agency(a) for a in self.visibility.supervised_by(actor.agency_id))
        return [(str(a["agency_id"]), str(a["name"])) for a in found if a is not None]

    def choices(self, actor: Actor, case: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the inspection pages offer and how they name people, in the shape of ``uc.qms.choices``: the
        accounts of the agency running the inspection; to a reader of the inspected agency only those the case
        names (its team and who took its steps), never the supervising agency's documents or other cases."""
        agency = str(case["agency_id"]) if case is not None else actor.agency_id
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT username, full_name, status FROM users WHERE agency_id=? ORDER BY full_name, username",
                        [agency])
            people = [{"username": u, "full_name": n, "department": None, "active": st == "active"}
                      for u, n, st in cur.fetchall()]
        if case is not None and agency != actor.agency_id:
            data = case["data"]
            named = {t["by"] for t in case["trail"]} | {data.get("team_lead")} | {
                m for m in data.get("team", []) if isinstance(m, str)}
            people = [p for p in people if p["username"] in named]
        return {"people": people, "departments": [], "documents": [], "cases": []}

    def scores(self, actor: Actor, agency_id: str) -> list[dict[str, Any]]:
        """The concluded inspections of ``agency_id`` by any supervising agency, oldest first: date, kind, total,
        maximum and classification (derived). Read by the agency's leader and ISO secretary, by the inspectors of
        the agencies that supervise it and by the province administrator (every agency); anyone else: 404."""
        self.visibility.agency(agency_id)
        if not actor.roles & PROVINCE_WIDE:
            self.visibility.check_visible(actor, agency_id, SCORE_READERS)
        where, like = self._of(agency_id)
        rows = [r for r in self._rows(where, [like]) if r["data"].get("inspected_agency") == agency_id
                and r["state"] in RESULT_STATES and r["derived"]["total"] is not None]
        out = [{"case_id": r["id"], "year": r["data"]["year"], "planned_on": r["data"]["planned_on"],
                "kind": r["data"]["kind"], "supervisor": r["agency_id"], "state": r["state"],
                "total": r["derived"]["total"], "maximum": r["derived"]["maximum"],
                "classification": r["derived"]["classification"], "scores": r["data"].get("scores", {}),
                "findings": r["derived"]["findings"], "concluded_on": r["data"].get("concluded_on")}
               for r in rows]
        return sorted(out, key=lambda s: (s["planned_on"], s["case_id"]))

    def latest_score(self, actor: Actor, agency_id: str) -> dict[str, Any] | None:
        """The agency's most recent concluded inspection score (as ``scores`` gives it), or None."""
        found = self.scores(actor, agency_id)
        return found[-1] if found else None


__all__ = ["CLASSES", "Inspections"]
