"""Read models of the administrative procedures (TTHC): one row per procedure, its figures per month, the imports."""

from __future__ import annotations

import json
from typing import Any

from projections.db import delete_owned, insert_rows, select_owned
from projections.text import words
from projections.views import Ev

TABLES = ("procedures", "procedure_figures", "tthc_imports")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS procedures (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, field TEXT NOT NULL,
        level TEXT NOT NULL, document TEXT, search TEXT NOT NULL, version INTEGER NOT NULL,
        updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS procedures_agency ON procedures (agency_id, code)",
    """CREATE TABLE IF NOT EXISTS procedure_figures (
        procedure_id TEXT NOT NULL, period TEXT NOT NULL, agency_id TEXT NOT NULL, received INTEGER NOT NULL,
        on_time INTEGER NOT NULL, late INTEGER NOT NULL, pending INTEGER NOT NULL, corrections INTEGER NOT NULL,
        updated_at TEXT NOT NULL, PRIMARY KEY (procedure_id, period))""",
    "CREATE INDEX IF NOT EXISTS procedure_figures_agency ON procedure_figures (agency_id, period)",
    """CREATE TABLE IF NOT EXISTS tthc_imports (
        position BIGINT PRIMARY KEY, id TEXT NOT NULL, agency_id TEXT NOT NULL, sha256 TEXT NOT NULL,
        filename TEXT NOT NULL, format TEXT NOT NULL, rows INTEGER NOT NULL, changes TEXT NOT NULL,
        imported_by TEXT NOT NULL, imported_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tthc_imports_agency ON tthc_imports (agency_id, sha256)",
]
PROC_COLS = ("id", "agency_id", "code", "name", "field", "level", "document", "search", "version", "updated_at")
FIG_COLS = ("procedure_id", "period", "agency_id", "received", "on_time", "late", "pending", "corrections",
            "updated_at")
IMPORT_COLS = ("position", "id", "agency_id", "sha256", "filename", "format", "rows", "changes", "imported_by",
               "imported_at")


def apply_page(cur: Any, events: list[Ev]) -> None:
    mine = [e for e in events if e.kind in ("Procedure", "TthcImport")]
    if not mine:
        return
    ids = list(dict.fromkeys(e.aggregate_id for e in mine if e.kind == "Procedure"))
    rows = {r[0]: dict(zip(PROC_COLS, r, strict=True)) for r in select_owned(cur, "procedures", PROC_COLS, "id", ids)}
    figures: dict[tuple[str, str], dict[str, Any]] = {}
    imports = []
    for e in mine:
        f = e.f
        if e.kind == "TthcImport":
            imports.append((e.position, e.aggregate_id, f["meta"]["agency_id"], f["sha256"], f["filename"],
                            f["format"], f["rows"], json.dumps(f["changes"], sort_keys=True), f["meta"]["user_id"],
                            e.at))
            continue
        if e.type == "ProcedureListed":
            rows[e.aggregate_id] = {"id": e.aggregate_id, "agency_id": f["agency_id"], "code": f["code"]}
        row = rows[e.aggregate_id]
        if e.type in ("ProcedureListed", "ProcedureAmended"):
            row.update(name=f["name"], field=f["field"], level=f["level"], document=f["document"],
                       search=words(f"{row['code']} {f['name']} {f['field']}"))
        elif e.type == "ProcedureStatusReported":
            key = (e.aggregate_id, f["period"])
            before = figures.get(key)
            figures[key] = {"procedure_id": e.aggregate_id, "period": f["period"], "agency_id": row["agency_id"],
                            **{k: f[k] for k in ("received", "on_time", "late", "pending")},
                            "corrects": f["corrects"], "earlier": before, "updated_at": e.at}
        row.update(version=e.version, updated_at=e.at)
    delete_owned(cur, "procedures", "id", ids)
    insert_rows(cur, "procedures", PROC_COLS, [tuple(rows[i][c] for c in PROC_COLS) for i in ids])
    _upsert_figures(cur, figures)
    insert_rows(cur, "tthc_imports", IMPORT_COLS, imports)


def _upsert_figures(cur: Any, figures: dict[tuple[str, str], dict[str, Any]]) -> None:
    """A month's figures replace the ones before; ``corrections`` counts how often they were corrected."""
    def corrections(fig: dict[str, Any]) -> int:
        n = 0
        while fig is not None:
            n += int(bool(fig["corrects"]))
            fig = fig["earlier"]
        return n

    values = [(*(fig[c] for c in FIG_COLS[:7]), corrections(fig), fig["updated_at"]) for fig in figures.values()]
    if not values:
        return
    cur.executemany(f"INSERT INTO procedure_figures ({', '.join(FIG_COLS)}) VALUES ({','.join('?' * len(FIG_COLS))}) "
                    "ON CONFLICT (procedure_id, period) DO UPDATE SET received=excluded.received, "
                    "on_time=excluded.on_time, late=excluded.late, pending=excluded.pending, "
                    "corrections=procedure_figures.corrections+excluded.corrections, updated_at=excluded.updated_at",
                    values)
