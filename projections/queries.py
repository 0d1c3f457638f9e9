"""Reads over the views: the register, inboxes, loans, retention and the audit trail. Plain dicts out."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.db import Database
from projections.text import search_pattern


def _rows(db: Database, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    with db.transaction(write=False) as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
        names = [d[0] for d in cur.description]  # type: ignore[attr-defined]
    return [dict(zip(names, row, strict=True)) for row in rows]


def documents(db: Database, agency_id: str, *, status: str = "in_force", kind: str | None = None,
              q: str | None = None, after: str = "", limit: int = 50) -> list[dict[str, Any]]:
    """The register: ``in_force`` (default), ``draft`` (a version in progress), ``obsolete`` or ``all``;
    ``q`` searches code and title without regard to accents ("quy trinh" finds "quy trình")."""
    sql = "SELECT * FROM documents WHERE agency_id=? AND code>?"
    params: list[Any] = [agency_id, after]
    if status == "in_force":
        sql += " AND in_force IS NOT NULL"
    elif status == "draft":
        sql += " AND EXISTS (SELECT 1 FROM versions v WHERE v.document_id=documents.id AND v.status IN " \
               "('draft','submitted','approved','rejected'))"
    elif status == "obsolete":
        sql += " AND status='obsolete'"
    if kind:
        sql += " AND kind=?"
        params.append(kind)
    if q:
        sql += " AND search LIKE ?"
        params.append(search_pattern(q))
    sql += " ORDER BY code LIMIT ?"
    params.append(limit)
    return _rows(db, sql, tuple(params))


def inbox(db: Database, user_id: str, agency_id: str) -> list[dict[str, Any]]:
    """What waits for a person: drafts to submit or revise, reviews, approvals, signatures, issues."""
    return _rows(db, "SELECT i.task, i.document_id, i.n, i.since, d.code, d.title FROM inbox i "
                     "JOIN documents d ON d.id=i.document_id WHERE i.user_id=? AND i.agency_id=? "
                     "ORDER BY i.since, d.code", (user_id, agency_id))


def loans(db: Database, agency_id: str, *, today: date, overdue_only: bool = False) -> list[dict[str, Any]]:
    """Loans not yet returned, with ``overdue`` computed for ``today``."""
    sql = ("SELECT l.*, r.code, r.title FROM loans l JOIN records r ON r.id=l.record_id "
           "WHERE l.agency_id=? AND l.returned_on IS NULL")
    params: list[Any] = [agency_id]
    if overdue_only:
        sql += " AND l.due_on<?"
        params.append(today.isoformat())
    rows = _rows(db, sql + " ORDER BY l.due_on, r.code", tuple(params))
    for row in rows:
        row["overdue"] = row["due_on"] < today.isoformat()
    return rows


def retention_due(db: Database, agency_id: str, *, today: date) -> list[dict[str, Any]]:
    """Records whose retention has ended and which are not destroyed yet."""
    return _rows(db, "SELECT * FROM records WHERE agency_id=? AND retention_ends_on IS NOT NULL "
                     "AND retention_ends_on<=? AND (destruction IS NULL OR destruction<>'executed') "
                     "ORDER BY retention_ends_on, code", (agency_id, today.isoformat()))


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
