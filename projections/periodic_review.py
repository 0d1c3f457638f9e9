"""When each document is next due for its periodic review: the period (months), the day it last started over."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.document import REVIEW_MONTHS
from projections.db import delete_owned, insert_rows, select_owned
from projections.views import Ev

TABLES = ("periodic_reviews",)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
COLS = ("document_id", "agency_id", "months", "since", "due_on", "last_outcome")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS periodic_reviews (
        document_id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, months INTEGER NOT NULL, since TEXT, due_on TEXT,
        last_outcome TEXT)""",
    "CREATE INDEX IF NOT EXISTS periodic_reviews_due ON periodic_reviews (agency_id, due_on)",
]


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the last day of a shorter month (31/01 + 1 month = 28 or 29/02)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _vn_day(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(VN).date().isoformat()


def apply_page(cur: Any, events: list[Ev]) -> None:
    ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Document"))
    if not ids:
        return
    rows = {r[0]: dict(zip(COLS, r, strict=True)) for r in select_owned(cur, "periodic_reviews", COLS, "document_id",
                                                                        ids)}
    gone: set[str] = set()
    for e in events:
        if e.kind != "Document":
            continue
        row = rows.get(e.aggregate_id)
        if e.type == "Registered":
            rows[e.aggregate_id] = {"document_id": e.aggregate_id, "agency_id": e.f["agency_id"],
                                    "months": REVIEW_MONTHS.get(e.f["kind"], 12), "since": None, "due_on": None,
                                    "last_outcome": None}
        elif row is None:
            continue
        elif e.type == "ReviewPeriodSet":
            row["months"] = e.f["months"]
        elif e.type == "Issued":
            row.update(since=e.f["effective_from"], last_outcome="issued")
        elif e.type == "ReviewedNoChange":
            row.update(since=_vn_day(e.at), last_outcome="no_change")
        elif e.type == "Obsoleted":
            gone.add(e.aggregate_id)
        row = rows.get(e.aggregate_id)
        if row is not None and row["since"]:
            row["due_on"] = add_months(date.fromisoformat(row["since"]), row["months"]).isoformat()
    delete_owned(cur, "periodic_reviews", "document_id", ids)
    insert_rows(cur, "periodic_reviews", COLS, [tuple(r[c] for c in COLS) for d, r in rows.items() if d not in gone])
