"""The service layer's rules, read from the source: entry points call use cases, never each other or the ledger's
private parts; the use cases import no entry point."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_LEDGER = ("api", "usecases", "projections", "isoledger", "signing", "archive", "evidence", "bench")
ENTRY_POINTS = ("api/routers", "api/web")
# what only a use case does: the ledger and its directory, the views' database, the archive, their wiring
DOMAIN_ATTRIBUTES = {"ledger", "db", "archive", "directory", "deps", "services", "projector"}
USE_CASE_PARTS = {"projections.db", "projections.queries", "projections.runner", "projections.worker",
                  "ledger.application", "ledger.verification", "ledger.integrity", "ledger.references",
                  "evidence.bundle", "signing.version", "signing.service"}


def modules(*folders: str) -> Iterator[tuple[Path, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported(tree: ast.Module) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import, at any depth (imports inside functions count too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, []


def ledger_private_names() -> set[str]:
    """Every private name the ledger package defines: its modules' and its classes' ``_members``."""
    names = set()
    for _, tree in modules("ledger"):
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def test_no_web_page_or_cli_command_imports_from_the_api_routers() -> None:
    found = [f"{path.relative_to(ROOT)}:{line} imports {module}"
             for path, tree in modules("api/web", "isoledger")
             for line, module, names in imported(tree)
             if module.startswith("api.routers") or (module == "api" and "routers" in names)]
    assert found == []


def test_no_route_imports_another_router() -> None:
    found = [f"{path.relative_to(ROOT)}:{line} imports {module}"
             for path, tree in modules("api/routers")
             for line, module, names in imported(tree)
             if module.startswith("api.routers") or (module == "api.routers" and names)]
    assert found == []


def test_nothing_outside_the_ledger_touches_a_private_member_of_the_ledger() -> None:
    private = ledger_private_names()
    assert {"_get", "_change", "_unique_id"} <= private  # the members the API and the demo used to reach into
    found = []
    for path, tree in modules(*OUTSIDE_LEDGER):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private and not (
                    isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
        for line, module, names in imported(tree):
            if module.startswith("ledger") and any(n.startswith("_") for n in names):
                found.append(f"{path.relative_to(ROOT)}:{line} from {module} import {names}")
    assert found == []


def test_routes_and_pages_leave_the_ledger_the_views_and_the_archive_to_the_use_cases() -> None:
    found = []
    for path, tree in modules(*ENTRY_POINTS):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and (node.attr in DOMAIN_ATTRIBUTES or node.attr == "transaction"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
        for line, module, _ in imported(tree):
            if module in USE_CASE_PARTS or (module == "archive" or module.startswith("archive.")) and \
                    module != "archive.errors":
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert found == []


def test_the_use_cases_import_no_entry_point_and_no_web_framework() -> None:
    found = [f"{path.relative_to(ROOT)}:{line} imports {module}"
             for path, tree in modules("usecases")
             for line, module, _ in imported(tree)
             if module.split(".")[0] in ("api", "fastapi", "starlette", "typer", "jinja2")]
    assert found == []
