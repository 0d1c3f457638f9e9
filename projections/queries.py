"""Reads over the views: the register, inboxes, loans, retention and the audit trail. Plain dicts out."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.people import from_key
from ledger.vocabulary import RecordState
from projections import search
from projections.db import Database


def _rows(db: Database, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    with db.transaction(write=False) as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
        names = [d[0] for d in cur.description]  # type: ignore[attr-defined]
    return [dict(zip(names, row, strict=True)) for row in rows]


REGISTER_COLUMNS = ("id", "agency_id", "code", "title", "kind", "department", "requires_signature", "status",
                    "latest", "search", "version", "updated_at")


def register(today: date, q: str | None = None, *, agency_id: str | None = None,
             postgres: bool = False) -> tuple[str, list[Any]]:
    """The documents as they stand on ``today`` (Vietnam date), as a derived table to select FROM, named
    ``documents``, with its params: ``in_force``/``effective_from`` are the version in force that day and
    its date, ``upcoming``/``upcoming_from`` the version issued but not yet in force and its date; with words
    ``q``, only the documents they find (``projections.search``; ``agency_id`` narrows that search, the caller
    still selects the agency). ``sort_key`` is what a page is ordered by: the
    code, or the rank of the match then the code."""
    day = today.isoformat()
    cols = ", ".join(f"documents.{c}" for c in REGISTER_COLUMNS)
    key, params = search.sort_key("documents", q)
    source, found = search.source("documents", q, agency_id, postgres=postgres)
    sql = (f"(SELECT {cols}, "
           "CASE WHEN issued_from<=? THEN issued WHEN replaces_from<=? THEN replaces END AS in_force, "
           "CASE WHEN issued_from<=? THEN issued_from WHEN replaces_from<=? THEN replaces_from END "
           "AS effective_from, "
           "CASE WHEN issued_from>? THEN issued END AS upcoming, "
           f"CASE WHEN issued_from>? THEN issued_from END AS upcoming_from, {key} AS sort_key {source}) "
           "AS documents")
    return sql, [day] * 6 + params + found


IN_PROGRESS = ("EXISTS (SELECT 1 FROM versions v WHERE v.document_id=documents.id AND v.status IN "
               "('draft','submitted','approved','rejected'))")
# register filter -> condition over register() (None: every document)
FILTERS = {
    "in_force": "in_force IS NOT NULL",
    "upcoming": "upcoming IS NOT NULL",
    "pending": IN_PROGRESS,
    "draft": IN_PROGRESS,
    "superseded": "EXISTS (SELECT 1 FROM versions v WHERE v.document_id=documents.id AND v.status='superseded')",
    "obsolete": "status='obsolete'",
    "all": None,
}


def register_where(agency_id: str, today: date, *, status: str = "in_force", kind: str | None = None,
                   q: str | None = None, postgres: bool = False) -> tuple[str, list[Any]]:
    """``FROM <register on today> WHERE ...`` for one agency and filter, with its params (to page on by
    ``sort_key``); ``q`` searches code and title without regard to accents ("quy trinh" finds "quy trình")."""
    table, params = register(today, q, agency_id=agency_id, postgres=postgres)
    sql = f"FROM {table} WHERE agency_id=?"
    params.append(agency_id)
    condition = FILTERS[status]
    if condition:
        sql += f" AND {condition}"
    if kind:
        sql += " AND kind=?"
        params.append(kind)
    return sql, params


NOT_DESTROYED = "(destruction IS NULL OR destruction <> 'executed')"
# record register filter -> condition over the records view (None: every record); "due" compares with today
RECORD_FILTERS = {
    "open": f"closed_on IS NULL AND {NOT_DESTROYED}",
    "closed": f"closed_on IS NOT NULL AND {NOT_DESTROYED}",
    "on_loan": "on_loan=1",
    "held": "on_hold=1",
    "destroyed": "destruction = 'executed'",
    "due": f"retention_ends_on IS NOT NULL AND retention_ends_on <= ? AND {NOT_DESTROYED}",
    "all": None,
}


def records_where(agency_id: str, today: date, *, status: str = "all", series: str | None = None,
                  q: str | None = None, postgres: bool = False) -> tuple[str, list[Any]]:
    """``FROM records WHERE ...`` for one agency and filter (``due``: retention ended by ``today``, not destroyed
    yet), with its params (to page on by ``sort_key``, as the register); ``q`` searches code, title and series."""
    key, params = search.sort_key("records", q)
    source, found = search.source("records", q, agency_id, postgres=postgres)
    sql = f"FROM (SELECT records.*, {key} AS sort_key {source}) AS records WHERE agency_id=?"
    params += [*found, agency_id]
    condition = RECORD_FILTERS[status]
    if condition:
        sql += f" AND {condition}"
        if "?" in condition:
            params.append(today.isoformat())
    if series:
        sql += " AND series=?"
        params.append(series)
    return sql, params


def loans_where(agency_id: str, today: date, *, current: bool = True, overdue: bool = False
                ) -> tuple[str, list[Any]]:
    """``FROM loans l JOIN records r ... WHERE ...``: one agency's loans, those not returned (``current``), or
    only those past their due date on ``today`` (``overdue``), with its params."""
    sql, params = "FROM loans l JOIN records r ON r.id=l.record_id WHERE l.agency_id=?", [agency_id]
    if current or overdue:
        sql += " AND l.returned_on IS NULL"
    if overdue:
        sql += " AND l.due_on < ?"
        params.append(today.isoformat())
    return sql, params


def documents(db: Database, agency_id: str, *, today: date, status: str = "in_force", kind: str | None = None,
              q: str | None = None, after: str = "", limit: int = 50) -> list[dict[str, Any]]:
    """The register on ``today``: ``in_force`` (default), ``upcoming`` (issued, not yet in force), ``draft``
    (a version in progress), ``superseded``, ``obsolete`` or ``all``; ``q`` searches code and title without
    regard to accents ("quy trinh" finds "quy trình")."""
    base, params = register_where(agency_id, today, status=status, kind=kind, q=q, postgres=db.postgres)
    return _rows(db, f"SELECT * {base} AND sort_key>? ORDER BY sort_key LIMIT ?", (*params, after, limit))


def inbox(db: Database, user_id: str, agency_id: str) -> list[dict[str, Any]]:
    """What waits for a person: drafts to submit or revise, reviews, approvals, signatures, issues."""
    return _rows(db, "SELECT i.task, i.document_id, i.n, i.since, d.code, d.title FROM inbox i "
                     "JOIN documents d ON d.id=i.document_id WHERE i.user_id=? AND i.agency_id=? "
                     "ORDER BY i.since, d.code", (user_id, agency_id))


def loans(db: Database, agency_id: str, *, today: date, overdue_only: bool = False) -> list[dict[str, Any]]:
    """Loans not yet returned, with ``overdue`` computed for ``today``."""
    base, params = loans_where(agency_id, today, overdue=overdue_only)
    rows = _rows(db, f"SELECT l.*, r.code, r.title {base} ORDER BY l.due_on, r.code", tuple(params))
    for row in rows:
        row["overdue"] = row["due_on"] < today.isoformat()
        row["borrower"] = from_key(row["borrower"])
    return rows


def retention_due(db: Database, agency_id: str, *, today: date) -> list[dict[str, Any]]:
    """Records whose retention has ended and which are not destroyed yet."""
    base, params = records_where(agency_id, today, status=RecordState.DUE, postgres=db.postgres)
    return _rows(db, f"SELECT * {base} ORDER BY retention_ends_on, code", tuple(params))


def audit_trail(db: Database, *, aggregate_id: str | None = None, agency_ids: list[str] | None = None,
                after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    sql, params = "SELECT * FROM audit WHERE position>?", [after]
    if aggregate_id:
        sql += " AND aggregate_id=?"
        params.append(aggregate_id)
    if agency_ids is not None:
        if not agency_ids:
            return []
        sql += f" AND agency_id IN ({','.join('?' * len(agency_ids))})"
        params.extend(agency_ids)
    sql += " ORDER BY position LIMIT ?"
    params.append(limit)
    return _rows(db, sql, tuple(params))
