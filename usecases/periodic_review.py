"""Periodic review of documents: the period, the next due date, "no change" (or a new draft), who is overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.actors import Actor
from usecases import roles as R
from usecases.deps import Deps
from usecases.outcome import Done, done
from usecases.visibility import Visibility

READERS = frozenset(R.MEMBERS)
COLS = ("document_id", "agency_id", "months", "since", "due_on", "last_outcome")


class PeriodicReviews:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def set_period(self, actor: Actor, document_id: str, *, months: int, expected_version: int | None = None) -> Done:
        self.visibility.document(actor, document_id, READERS, command=True)
        self.deps.ledger.set_review_period(actor, document_id, months=months, expected_version=expected_version)
        return done(self.deps, document_id)

    def confirm_unchanged(self, actor: Actor, document_id: str, *, comment: str,
                          expected_version: int | None = None) -> Done:
        """The review ends with no change (a recorded event with its comment); the next is due a period later."""
        self.visibility.document(actor, document_id, READERS, command=True)
        self.deps.ledger.confirm_unchanged(actor, document_id, comment=comment, expected_version=expected_version)
        return done(self.deps, document_id)

    def of(self, actor: Actor, document_id: str) -> dict[str, Any] | None:
        """The document's review: months, since, due_on, overdue (None before a version is issued)."""
        self.visibility.document(actor, document_id, READERS)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(COLS)} FROM periodic_reviews WHERE document_id=?", (document_id,))
            row = cur.fetchone()
        if row is None:
            return None
        found = dict(zip(COLS, row, strict=True))
        found["overdue"] = bool(found["due_on"]) and found["due_on"] < self.deps.ledger.today().isoformat()
        return found

    def overdue(self, actor: Actor, agency_id: str, *, today: date | None = None) -> list[dict[str, Any]]:
        """The agency's documents past their review date (in force, not obsolete), oldest due first."""
        self.visibility.check_visible(actor, agency_id, READERS)
        return self.due_by(agency_id, (today or self.deps.ledger.today()).isoformat())

    def due_by(self, agency_id: str, day: str) -> list[dict[str, Any]]:
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT p.document_id, d.code, d.title, d.kind, p.months, p.since, p.due_on FROM "
                        "periodic_reviews p JOIN documents d ON d.id=p.document_id WHERE p.agency_id=? AND "
                        "p.due_on IS NOT NULL AND p.due_on < ? AND d.status='active' ORDER BY p.due_on, d.code",
                        (agency_id, day))
            cols = ("document_id", "code", "title", "kind", "months", "since", "due_on")
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
