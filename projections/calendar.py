"""The yearly calendar's facts: when each QMS case of a year first reached each state, and each document's review,
redraft and issue in a year — what the plan's steps are judged by, keyed by (year, agency)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from projections.views import Ev, Exec

TABLES = ("calendar_facts",)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DOCUMENT = "document"
OPENED = "opened"

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS calendar_facts (
        subject_id TEXT NOT NULL, year INTEGER NOT NULL, fact TEXT NOT NULL, agency_id TEXT NOT NULL,
        subject TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL, position BIGINT NOT NULL,
        PRIMARY KEY (subject_id, year, fact))""",
    "CREATE INDEX IF NOT EXISTS calendar_facts_year ON calendar_facts (year, agency_id)",
]
COLS = ("subject_id", "year", "fact", "agency_id", "subject", "at", "event", "position")

_FIRST = "ON CONFLICT (subject_id, year, fact) DO NOTHING"
_LAST = ("ON CONFLICT (subject_id, year, fact) DO UPDATE SET at=excluded.at, event=excluded.event, "
         "position=excluded.position")
# A document's facts of a year: reviewed (no change, or a version issued) and registered kept at their first
# time; redrafted and issued at their last (an amendment is done when the last redraft was issued after it).
_DOCUMENT_FACTS = {"ReviewedNoChange": (("reviewed", _FIRST),), "Issued": (("reviewed", _FIRST), ("issued", _LAST)),
                   "DraftCreated": (("drafted", _LAST),), "Obsoleted": (("obsoleted", _FIRST),)}


def _year(at: str) -> int:
    return datetime.fromisoformat(at).astimezone(VN).year


def apply(x: Exec, e: Ev) -> None:
    f = e.f
    if e.kind == "Case":
        if e.type == "CaseOpened":
            year = f["values"].get("year")
            year = year if isinstance(year, int) and not isinstance(year, bool) else _year(e.at)
            for fact in (OPENED, f["state"]):
                x(f"INSERT INTO calendar_facts ({', '.join(COLS)}) VALUES (?,?,?,?,?,?,?,?) {_FIRST}",
                  (e.aggregate_id, year, fact, f["agency_id"], f["process"], e.at, "CaseOpened", e.position))
        elif f.get("to_state") and f["to_state"] != f.get("from_state"):
            x(f"INSERT INTO calendar_facts ({', '.join(COLS)}) SELECT subject_id, year, ?, agency_id, subject, ?, ?, ? "
              f"FROM calendar_facts WHERE subject_id=? AND fact=? {_FIRST}",
              (f["to_state"], e.at, f"StepTaken:{f['step']}", e.position, e.aggregate_id, OPENED))
    elif e.kind == "Document":
        if e.type == "Registered":
            x(f"INSERT INTO calendar_facts ({', '.join(COLS)}) VALUES (?,?,?,?,?,?,?,?) {_FIRST}",
              (e.aggregate_id, _year(e.at), "registered", f["agency_id"], DOCUMENT, e.at, e.type, e.position))
            return
        for fact, conflict in _DOCUMENT_FACTS.get(e.type, ()):
            x(f"INSERT INTO calendar_facts ({', '.join(COLS)}) SELECT subject_id, ?, ?, agency_id, subject, ?, ?, ? "
              f"FROM calendar_facts WHERE subject_id=? AND fact='registered' {conflict}",
              (_year(e.at), fact, e.at, e.type, e.position, e.aggregate_id))
