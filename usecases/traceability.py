"""Traceability across the QMS: from a clause or a case, every case linked to it by ``ref`` fields, both ways and
transitively (checklist line → finding → nonconformity → actions and effectiveness → the review that looked at it).

The links are the read model ``projections.case_links``. From the start — the cases of the processes that declare
the clause and the cases holding an item (a checklist line...) that names it, or the one case asked for — the
walk goes **up** what each case refers to (the objective a risk threatens, the policy above it) and **down** what
refers to it (the nonconformity raised from a finding, the review that looked at it), each way on its own: it
never turns back down from something reached going up, so a policy does not bring in every objective under it.
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any

from ledger.actors import Actor
from ledger.errors import InvalidInput, NotFound
from ledger.qms.registry import processes
from projections.case_links import clause_items
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import Visibility

READERS = frozenset(R.MEMBERS)
CLAUSE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,4}$")  # 9, 9.2, 8.5.1...
LIMIT = 500  # cases in one answer; more is said (``truncated``), not silently dropped


def clause_matches(clause: str, asked: str) -> bool:
    """``8.5.1`` is under ``8.5`` and ``8``; ``8.50`` is not under ``8.5``."""
    return clause == asked or clause.startswith(asked + ".")


class Traceability:
    """What is linked to a clause or a case of an agency, read by the agency's people and its inspectors."""

    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def trace(self, actor: Actor, agency_id: str, *, clause: str | None = None,
              case_id: str | None = None) -> dict[str, Any]:
        """``{"agency_id", "clause", "case", "items": [...], "links": [...], "truncated"}``: each item a case with
        how it was reached (``direction`` start/up/down, ``depth``, ``via``), its state, derived status, actions and
        the items naming the clause; each link ``{"from", "to", "field"}`` between two of them."""
        self.visibility.agency(agency_id)
        self.visibility.check_visible(actor, agency_id, READERS)
        if (clause is None) == (case_id is None):
            raise InvalidInput("Hãy chọn một điều khoản hoặc một mục (chỉ một).",
                               "Give a clause or a case (one of them).", field="clause")
        if clause is not None and not CLAUSE.match(clause.strip()):
            raise InvalidInput(f"«{clause}» không phải điều khoản của TCVN ISO 9001:2015 (ví dụ 9.2 hoặc 8.5.1).",
                               f"'{clause}' is not a clause of ISO 9001:2015 (e.g. 9.2 or 8.5.1).", field="clause")
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            if clause is not None:
                clause = clause.strip()
                starts = self._by_clause(cur, agency_id, clause)
            else:
                cur.execute("SELECT id FROM cases WHERE id=? AND agency_id=?", (case_id, agency_id))
                if cur.fetchone() is None:
                    raise NotFound("Không tìm thấy mục.", "No such item.", field="case")
                starts = [str(case_id)]
            reached, links, truncated = self._walk(cur, agency_id, starts)
            rows = self._cases(cur, list(reached))
        by_name = {p.name: p for p in processes()}
        today = self.deps.ledger.today()
        items = []
        for cid, (direction, depth, via) in reached.items():
            row = rows.get(cid)
            if row is None:
                continue
            process = by_name.get(row["process"])
            data = json.loads(row["data"])
            matching = [dict(item, clause=c, key=k) for c, k, item in clause_items(data)
                        if clause is not None and clause_matches(c, clause)]
            items.append({"id": cid, "process": row["process"], "collection": process.collection if process else None,
                          "process_label": process.label if process else (row["process"], row["process"]),
                          "process_clause": process.clause if process else None, "title": row["title"],
                          "state": row["state"], "state_label": process.states.get(row["state"]) if process else None,
                          "year": row["year"], "department_id": row["department_id"],
                          "direction": direction, "depth": depth, "via": via,
                          "derived": process.derive(data, today) if process else {},
                          "actions": [a for a in data.get("actions", []) if isinstance(a, dict)],
                          "clause_items": matching})
        items.sort(key=lambda i: ({"start": 0, "up": 1, "down": 2}[i["direction"]], i["depth"],
                                  i["process_clause"] or "", i["title"], i["id"]))
        return {"agency_id": agency_id, "clause": clause, "case": case_id, "items": items,
                "links": [{"from": s, "to": t, "field": f} for s, t, f in sorted(links)], "truncated": truncated}

    @staticmethod
    def _by_clause(cur: Any, agency_id: str, clause: str) -> list[str]:
        """The cases of the processes declaring the clause (or one under it) and those with an item naming it."""
        names = [p.name for p in processes() if clause_matches(p.clause, clause)]
        found: list[str] = []
        if names:
            cur.execute(f"SELECT id FROM cases WHERE agency_id=? AND process IN ({','.join('?' * len(names))}) "
                        "ORDER BY id", [agency_id, *names])
            found += [str(r[0]) for r in cur.fetchall()]
        cur.execute("SELECT DISTINCT case_id FROM case_clauses WHERE agency_id=? AND (clause=? OR clause LIKE ?) "
                    "ORDER BY case_id", [agency_id, clause, clause + ".%"])
        found += [str(r[0]) for r in cur.fetchall()]
        return list(dict.fromkeys(found))

    @staticmethod
    def _walk(cur: Any, agency_id: str, starts: list[str]
              ) -> tuple[dict[str, tuple[str, int, list[str]]], set[tuple[str, str, str]], bool]:
        """Breadth first, up the links a case holds and down the links to it, each way on its own."""
        reached: dict[str, tuple[str, int, list[str]]] = {s: ("start", 0, []) for s in starts[:LIMIT]}
        truncated = len(starts) > LIMIT
        links: set[tuple[str, str, str]] = set()
        queue = deque((s, way, 0) for s in list(reached) for way in ("up", "down"))
        while queue:
            cid, way, depth = queue.popleft()
            if way == "up":
                cur.execute("SELECT source_id, target_id, field FROM case_links WHERE source_id=? AND agency_id=?",
                            (cid, agency_id))
            else:
                cur.execute("SELECT source_id, target_id, field FROM case_links WHERE target_id=? AND agency_id=?",
                            (cid, agency_id))
            for source, target, field in cur.fetchall():
                other = str(target if way == "up" else source)
                links.add((str(source), str(target), str(field)))
                if other in reached:
                    if cid not in reached[other][2] and reached[other][0] == way:
                        reached[other][2].append(cid)
                    continue
                if len(reached) >= LIMIT:
                    truncated = True
                    continue
                reached[other] = (way, depth + 1, [cid])
                queue.append((other, way, depth + 1))
        links = {x for x in links if x[0] in reached and x[1] in reached}
        return reached, links, truncated

    @staticmethod
    def _cases(cur: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        from projections.db import select_owned

        cols = ("id", "process", "title", "state", "year", "department_id", "data")
        return {str(r[0]): dict(zip(cols, r, strict=True)) for r in select_owned(cur, "cases", cols, "id", ids)}
