"""The registers people read: documents, records, loans, retention, the public list; one query each.

Each takes ``read(cursor, base, params)``: the entry point's own paging over ``SELECT ... <base>``, where
``base`` is ``FROM ... WHERE ...`` (the API pages by an opaque cursor, the pages by ``?after=``/``?before=``);
the document and record registers are paged by their ``sort_key`` column (the code, or with a search the rank
of the match then the code). The use case checks who may read the agency, brings the read models up to date
and runs it in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from ledger.actors import Actor
from ledger.vocabulary import RecordState
from projections import queries
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import Visibility

T = TypeVar("T")
FEED_COLUMNS = ["position", "aggregate_id", "version", "kind", "event_type", "actor", "role", "agency_id",
                "occurred_at", "summary", "hash"]
Read = Callable[[Any, str, list[Any]], T]


class Registers:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def today(self) -> date:
        """The ledger's today (Vietnam date): what "overdue" and "due" are measured against."""
        return self.deps.ledger.today()

    def _run(self, base: str, params: list[Any], read: Read[T]) -> T:
        with self.deps.db.transaction(write=False) as cur:
            return read(cur, base, params)

    def documents(self, actor: Actor, agency_id: str, read: Read[T], *, status: str = "in_force",
                  kind: str | None = None, q: str | None = None) -> T:
        """The document register of ``agency_id`` on today (``projections.queries.FILTERS`` names ``status``)."""
        self.visibility.check_visible(actor, agency_id, frozenset(R.MEMBERS))
        self.deps.projections.fresh()
        base, params = queries.register_where(agency_id, self.deps.ledger.today(), status=status, kind=kind, q=q,
                                              postgres=self.deps.db.postgres)
        return self._run(base, params, read)

    def working_versions(self, agency_id: str, document_ids: list[str]) -> dict[str, tuple[int, str]]:
        """The version in progress (number, status) of each of these documents that has one."""
        if not document_ids:
            return {}
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT document_id, n, status FROM versions WHERE agency_id=? AND status IN "
                        f"('draft','submitted','approved','rejected') AND document_id IN "
                        f"({','.join('?' * len(document_ids))})", (agency_id, *document_ids))
            return {d: (n, st) for d, n, st in cur.fetchall()}

    def public(self, agency_id: str, read: Read[T], *, q: str | None = None) -> tuple[dict[str, Any], T]:
        """The agency and its documents in force (công khai: no sign-in), 404 for no such agency."""
        agency = self.visibility.agency(agency_id)
        self.deps.projections.fresh()
        base, params = queries.register_where(agency_id, self.deps.ledger.today(), q=q,
                                              postgres=self.deps.db.postgres)
        return agency, self._run(base, params, read)

    def records(self, actor: Actor, agency_id: str, read: Read[T], *, status: str = "all",
                series: str | None = None, q: str | None = None) -> T:
        """The record register of ``agency_id`` (``projections.queries.RECORD_FILTERS`` names ``status``)."""
        self.visibility.check_visible(actor, agency_id, frozenset(R.RECORD_READERS))
        self.deps.projections.fresh()
        base, params = queries.records_where(agency_id, self.deps.ledger.today(), status=status, series=series, q=q,
                                             postgres=self.deps.db.postgres)
        return self._run(base, params, read)

    def retention_due(self, actor: Actor, agency_id: str, read: Read[T]) -> T:
        """Records whose retention has ended and that are not destroyed yet."""
        self.visibility.check_visible(actor, agency_id, frozenset(R.RECORD_OVERSIGHT))
        self.deps.projections.fresh()
        base, params = queries.records_where(agency_id, self.deps.ledger.today(), status=RecordState.DUE)
        return self._run(base, params, read)

    def loans(self, actor: Actor, agency_id: str, read: Read[T] | None = None, *, current: bool = True,
              overdue: bool = False) -> Any:
        """Loans (not returned: ``current``; past due: ``overdue``), each with ``overdue`` for today; without
        ``read``, every loan not returned, soonest due first, with its record's code and title."""
        self.visibility.check_visible(actor, agency_id, frozenset(R.RECORD_OVERSIGHT))
        self.deps.projections.fresh()
        today = self.deps.ledger.today()
        if read is None:
            return queries.loans(self.deps.db, agency_id, today=today, overdue_only=overdue)
        base, params = queries.loans_where(agency_id, today, current=current, overdue=overdue)
        return self._run(base, params, read)

    def feed(self, actor: Actor, *, after: int = 0, limit: int = 100) -> tuple[list[dict[str, Any]], bool]:
        """The events after notification ``after`` that ``actor`` may see, in order; and whether more follow."""
        agencies = self.visibility.visible_agencies(actor, frozenset(R.FEED)) or [""]
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(FEED_COLUMNS)} FROM audit WHERE position > ? AND agency_id IN "
                        f"({','.join('?' * len(agencies))}) ORDER BY position LIMIT ?", (after, *agencies, limit + 1))
            rows = [dict(zip(FEED_COLUMNS, r, strict=True)) for r in cur.fetchall()]
        return rows[:limit], len(rows) > limit

    def everything(self, agency_id: str) -> tuple[list[Any], list[Any]]:
        """Every document (id, code, title, version in force, version) and record (id, code, title, destruction,
        version) of an agency the caller may audit, by code: the auditor's index."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            table, params = queries.register(self.deps.ledger.today())
            cur.execute(f"SELECT id, code, title, in_force, version FROM {table} WHERE agency_id=? ORDER BY code",
                        (*params, agency_id))
            docs = cur.fetchall()
            cur.execute("SELECT id, code, title, destruction, version FROM records WHERE agency_id=? ORDER BY code",
                        (agency_id,))
            return docs, cur.fetchall()

    # ---- what waits (the home page) --------------------------------------------------------
    def inbox(self, actor: Actor) -> list[dict[str, Any]]:
        """What waits for ``actor``: drafts to submit or revise, reviews, approvals, signatures, issues."""
        self.deps.projections.fresh()
        return queries.inbox(self.deps.db, actor.user_id, actor.agency_id)

    def due(self, agency_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The agency's loans not returned (``overdue`` for today) and its records due for destruction."""
        self.deps.projections.fresh()
        today = self.deps.ledger.today()
        return (queries.loans(self.deps.db, agency_id, today=today),
                queries.retention_due(self.deps.db, agency_id, today=today))

    def proposals(self, agency_id: str) -> list[Any]:
        """Records of the agency whose destruction is proposed: (id, code, title), by code."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, code, title FROM records WHERE agency_id=? AND destruction='proposed' "
                        "ORDER BY code", (agency_id,))
            return list(cur.fetchall())

    def counts(self, agency_id: str) -> dict[str, int]:
        """An agency at a glance: documents (in force, with a version in progress), records (on legal hold)."""
        self.deps.projections.fresh()
        table, params = queries.register(self.deps.ledger.today())  # in force today, by effective date
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT COUNT(*), SUM(CASE WHEN in_force IS NOT NULL THEN 1 ELSE 0 END) "
                        f"FROM {table} WHERE agency_id=?", (*params, agency_id))
            docs, in_force = cur.fetchone()
            cur.execute("SELECT COUNT(DISTINCT document_id) FROM versions WHERE agency_id=? "
                        "AND status IN ('draft','submitted','approved','rejected')", (agency_id,))
            pending = cur.fetchone()[0]
            cur.execute("SELECT COUNT(*), SUM(CASE WHEN on_hold=1 THEN 1 ELSE 0 END) FROM records WHERE agency_id=? "
                        "AND (destruction IS NULL OR destruction<>'executed')", (agency_id,))
            recs, held = cur.fetchone()
        return {"docs": docs or 0, "in_force": in_force or 0, "pending": pending or 0, "records": recs or 0,
                "held": held or 0}
