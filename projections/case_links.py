"""Read model of the links between QMS cases (their ``ref``/``refs`` fields) and of the clauses their items name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ledger.errors import NotFound
from ledger.qms.registry import process_named
from projections.db import delete_owned, insert_rows, select_owned
from projections.views import Ev

TABLES = ("case_links", "case_clauses")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS case_links (
        source_id TEXT NOT NULL, target_id TEXT NOT NULL, agency_id TEXT NOT NULL, field TEXT NOT NULL,
        PRIMARY KEY (source_id, target_id, field))""",
    "CREATE INDEX IF NOT EXISTS case_links_target ON case_links (target_id)",
    """CREATE TABLE IF NOT EXISTS case_clauses (
        case_id TEXT NOT NULL, agency_id TEXT NOT NULL, clause TEXT NOT NULL, item TEXT NOT NULL,
        PRIMARY KEY (case_id, clause, item))""",
    "CREATE INDEX IF NOT EXISTS case_clauses_clause ON case_clauses (agency_id, clause)",
]
LINK_COLS = ("source_id", "target_id", "agency_id", "field")
CLAUSE_COLS = ("case_id", "agency_id", "clause", "item")


def ref_names(process_name: str) -> frozenset[str]:
    """The names of the fields of kind ref/refs any step of the process declares (none for an unknown one)."""
    try:
        process = process_named(process_name)
    except NotFound:
        return frozenset()
    return frozenset(f.name for s in process.steps for f in s.fields if f.kind in ("ref", "refs"))


def links_in(data: Any, names: frozenset[str]) -> list[tuple[str, str]]:
    """``(target case id, field)`` for every value of a declared link field anywhere in the case's data (at the top
    or inside the items its steps recorded), each once, in the order met."""
    found: dict[tuple[str, str], None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in names:
                    for target in inner if isinstance(inner, list) else [inner]:
                        if isinstance(target, str) and target:
                            found[(target, key)] = None
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return list(found)


def clause_items(data: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(clause, item key, item)`` for every item of a list in the case's data that carries a ``clause`` (an audit
    checklist's lines...); the key is the item's ``id`` or ``<list>[<index>]``. A frozen copy (a snapshot) of an item
    already met is not met again."""
    seen: set[str] = set()

    def walk(value: Any, path: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict) and isinstance(item.get("clause"), str) and item["clause"].strip():
                    key = str(item.get("id") or f"{path}[{i}]")
                    if key not in seen:
                        seen.add(key)
                        yield item["clause"].strip(), key, item
                yield from walk(item, f"{path}[{i}]")

    yield from walk(data, "")


def _rows(case_id: str, agency_id: str, process: str, data: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    links = [(case_id, target, agency_id, field) for target, field in links_in(data, ref_names(process))
             if target != case_id]
    clauses = list(dict.fromkeys((case_id, agency_id, clause, key) for clause, key, _ in clause_items(data)))
    return links, clauses


def _write(cur: Any, cases: list[tuple[str, str, str, str]]) -> None:
    """Replaces the links and clauses of ``cases`` ``(id, agency_id, process, data JSON)``."""
    ids = [c[0] for c in cases]
    links: list[Any] = []
    clauses: list[Any] = []
    for case_id, agency_id, process, data in cases:
        more_links, more_clauses = _rows(case_id, agency_id, process, json.loads(data))
        links += more_links
        clauses += more_clauses
    delete_owned(cur, "case_links", "source_id", ids)
    delete_owned(cur, "case_clauses", "case_id", ids)
    insert_rows(cur, "case_links", LINK_COLS, links)
    insert_rows(cur, "case_clauses", CLAUSE_COLS, clauses)


def apply_page(cur: Any, events: list[Ev]) -> None:
    """After ``projections.cases`` has replayed the page: the links of each case it touched, from its data now."""
    ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Case"))
    if ids:
        _write(cur, [tuple(r) for r in select_owned(cur, "cases", ("id", "agency_id", "process", "data"), "id", ids)])


def prepare(cur: Any, ledger: Any) -> None:
    """Fills the links of the cases already projected when these tables are new (their rows follow the cases')."""
    cur.execute("SELECT 1 FROM case_links LIMIT 1")
    if cur.fetchone() is not None:
        return
    cur.execute("SELECT 1 FROM case_clauses LIMIT 1")
    if cur.fetchone() is not None:
        return
    cur.execute("SELECT id, agency_id, process, data FROM cases")
    cases = [tuple(r) for r in cur.fetchall()]
    for i in range(0, len(cases), 500):
        _write(cur, cases[i:i + 500])
