"""Whether an agency has declared its QMS conforming (công bố phù hợp) for a year, and the declaration in force as
its public page shows it: derived from the ``conformity_declaration`` cases, public information (no sign-in)."""

from __future__ import annotations

import json
from typing import Any

from ledger.errors import LedgerError
from ledger.qms.processes.conformity import CONFORMITY, scope_lines
from usecases.deps import Deps
from usecases.visibility import Visibility

DECLARED = ("published", "superseded")  # published, or published and later declared again
IN_FORCE, REPLACED = DECLARED


class Conformity:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def _declarations(self, agency_id: str, year: int | None = None) -> list[dict[str, Any]]:
        """The agency's declarations that were published (in force or superseded since), newest first."""
        self.deps.projections.fresh()
        where = "agency_id=? AND process=? AND state IN (?, ?)"
        params: list[Any] = [agency_id, CONFORMITY.name, *DECLARED]
        if year is not None:
            where, params = where + " AND year=?", [*params, year]
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT id, year, title, state, data FROM cases WHERE {where}", params)
            rows = [{"id": i, "year": y, "title": t, "state": s, "data": json.loads(d)}
                    for i, y, t, s, d in cur.fetchall()]
        return sorted(rows, key=lambda r: (str(r["data"].get("published_at")), r["id"]), reverse=True)

    def declared(self, agency_id: str, year: int) -> dict[str, Any]:
        """``{"agency_id", "year", "declared", "case_id", "published_on", "in_force"}``: whether the agency published
        a declaration of conformity for ``year`` (a later re-declaration does not undo it); 404 for no agency."""
        self.visibility.agency(agency_id)
        found = self._declarations(agency_id, year)
        first = found[-1] if found else None
        return {"agency_id": agency_id, "year": year, "declared": first is not None,
                "case_id": first["id"] if first else None,
                "published_on": first["data"].get("published_on") if first else None,
                "in_force": any(r["state"] == IN_FORCE for r in found)}

    def published(self, agency_id: str) -> dict[str, Any] | None:
        """The declaration in force (the latest published), with its scope as lines, the documents it stands on and
        the earlier declarations it replaced; None when the agency has not declared."""
        every = self._declarations(agency_id)
        current = next((r for r in every if r["state"] == IN_FORCE), None)
        if current is None:
            return None
        ledger = self.deps.ledger
        docs = {}
        for field in ("decision", "document"):
            doc_id = current["data"].get(field)
            try:
                doc = ledger.document(str(doc_id)) if doc_id else None
            except LedgerError:  # a document the page cannot name is left out
                doc = None
            if doc is not None:
                docs[field] = {"id": doc["id"], "code": doc["code"], "title": doc["title"],
                               "in_force": doc.get("in_force") is not None}
        earlier = [{"year": r["year"], "published_on": r["data"].get("published_on"),
                    "superseded_on": r["data"].get("superseded_on"), "reason": r["data"].get("change_reason")}
                   for r in every if r["state"] == REPLACED]
        return {"case_id": current["id"], "title": current["title"], "year": current["year"],
                "published_on": current["data"].get("published_on"),
                "scope": scope_lines(current["data"].get("scope")),
                "change_reason": current["data"].get("change_reason"), "documents": docs, "earlier": earlier}
