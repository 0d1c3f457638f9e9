"""Read models of the QMS cases of every declared process: one row per case, and the steps waiting on each role."""

from __future__ import annotations

import copy
import json
from typing import Any

from ledger.qms.declaration import Applied
from ledger.qms.registry import process_named
from projections.db import delete_owned, insert_rows, select_owned
from projections.text import fold
from projections.views import Ev

TABLES = ("cases", "case_waiting")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS cases (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, process TEXT NOT NULL, department_id TEXT, year INTEGER,
        title TEXT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL, search TEXT NOT NULL,
        opened_by TEXT NOT NULL, opened_at TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS cases_agency ON cases (agency_id, process, year, id)",
    "CREATE INDEX IF NOT EXISTS cases_department ON cases (department_id, process)",
    """CREATE TABLE IF NOT EXISTS case_waiting (
        case_id TEXT NOT NULL, agency_id TEXT NOT NULL, role TEXT NOT NULL, step TEXT NOT NULL,
        since TEXT NOT NULL, PRIMARY KEY (case_id, role, step))""",
    "CREATE INDEX IF NOT EXISTS case_waiting_role ON case_waiting (agency_id, role)",
]

CASE_COLS = ("id", "agency_id", "process", "department_id", "year", "title", "state", "data", "search", "opened_by",
             "opened_at", "version", "updated_at")
WAIT_COLS = ("case_id", "agency_id", "role", "step", "since")


def apply_page(cur: Any, events: list[Ev]) -> None:
    """Replays the page's case events through each step's declared effect, as the aggregate does."""
    ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Case"))
    if not ids:
        return
    rows = {r[0]: dict(zip(CASE_COLS, r, strict=True)) for r in select_owned(cur, "cases", CASE_COLS, "id", ids)}
    data = {i: json.loads(row["data"]) for i, row in rows.items()}
    for e in events:
        if e.kind != "Case":
            continue
        f = e.f
        process = process_named(f["process"])
        if e.type == "CaseOpened":
            data[e.aggregate_id] = {}
            rows[e.aggregate_id] = {"id": e.aggregate_id, "agency_id": f["agency_id"], "process": f["process"],
                                    "opened_by": f["meta"]["user_id"], "opened_at": e.at}
        row, values = rows[e.aggregate_id], data[e.aggregate_id]
        step = process.step(f["step"])
        if step is not None:
            meta = f["meta"]
            step.effect(values, Applied(values=copy.deepcopy(f["values"]), user_id=meta["user_id"], role=meta["role"],
                                        at=e.at, seq=e.version))
        row["state"] = f["state"] if e.type == "CaseOpened" else f["to_state"]
        title = process.title(values)
        dep = values.get(process.department_field) if process.department_field else None
        year = values.get("year")
        row.update(title=title, department_id=dep, year=int(year) if isinstance(year, int) else None,
                   search=fold(f"{values.get('code', '')} {title}"), version=e.version, updated_at=e.at,
                   waiting_since=e.at)
    waits = [(i, rows[i]["agency_id"], role, s.name, rows[i]["waiting_since"])
             for i in ids for s in process_named(rows[i]["process"]).available(rows[i]["state"]) for role in s.roles]
    delete_owned(cur, "cases", "id", ids)
    delete_owned(cur, "case_waiting", "case_id", ids)
    insert_rows(cur, "cases", CASE_COLS,
                [tuple(json.dumps(data[i], ensure_ascii=False, sort_keys=True) if c == "data" else rows[i][c]
                       for c in CASE_COLS) for i in ids])
    insert_rows(cur, "case_waiting", WAIT_COLS, list(dict.fromkeys(waits)))
