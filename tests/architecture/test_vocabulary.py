"""States and roles are named through ledger.vocabulary, never as bare strings: a role's word anywhere in the code,
or a state's word where a state is compared, set or listed, fails here until it is the vocabulary's member."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from ledger.vocabulary import STATES, Role

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("ledger", "projections", "usecases", "api", "isoledger", "evidence")
ROLE_WORDS = {r.value for r in Role}
STATE_WORDS = {s.value for enum in STATES for s in enum}
STATE_KEYS = {"status", "state", "destruction"}  # the fields that hold a state
STATE_CALLS = {"meta", "allow", "need", "_set_status", "_record", "_check_status"}


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.relative_to(ROOT).as_posix() != "ledger/vocabulary.py":
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            out.add(id(first.value))
    return out


def _words(node: ast.AST | None) -> Iterator[ast.Constant]:
    """The string constants ``node`` is, or lists (a tuple, list or set of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _words(element)
    elif isinstance(node, ast.IfExp):
        yield from _words(node.body)
        yield from _words(node.orelse)


def _names_state(node: ast.AST | None) -> bool:
    """Whether ``node`` reads a state: ``x["status"]``, ``x.status``, ``x.get("status")``, ``status``."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in STATE_KEYS
    if isinstance(node, ast.Attribute):
        return node.attr in STATE_KEYS
    if isinstance(node, ast.Name):
        return node.id in STATE_KEYS
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        return isinstance(node.args[0], ast.Constant) and node.args[0].value in STATE_KEYS
    return False


def state_uses(tree: ast.Module) -> Iterator[ast.Constant]:
    """The string constants used as a state or a role: compared with one, set as one, or passed as one."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.Eq | ast.NotEq | ast.In | ast.NotIn):
            sides = [node.left, *node.comparators]
            if any(_names_state(s) for s in sides):
                for side in sides:
                    yield from _words(side)
        elif isinstance(node, ast.Assign) and any(_names_state(t) for t in node.targets):
            yield from _words(node.value)
        elif isinstance(node, ast.keyword) and node.arg in STATE_KEYS:
            yield from _words(node.value)
        elif isinstance(node, ast.Dict):
            for k, value in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and k.value in STATE_KEYS:
                    yield from _words(value)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in STATE_CALLS:
                for arg in node.args:
                    yield from _words(arg)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and node.value.elts:
            listed = list(_words(node.value))
            if len(listed) == len(node.value.elts) and all(w.value in STATE_WORDS for w in listed):
                yield from listed  # a list of states (PENDING = ("draft", ...))


def test_no_role_is_written_as_a_bare_string() -> None:
    found = []
    for path, tree in sources():
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ROLE_WORDS - {"admin"} and id(node) not in skip:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
        for node in state_uses(tree):  # "admin" is also the administrator's username: only where a role is meant
            if node.value == "admin":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} 'admin'")
    assert found == [], "use ledger.vocabulary.Role"


def test_no_state_is_written_as_a_bare_string() -> None:
    found = [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
             for path, tree in sources() for node in state_uses(tree) if node.value in STATE_WORDS]
    assert found == [], "use the states of ledger.vocabulary"


def test_the_vocabulary_is_the_words_the_events_and_the_api_always_used() -> None:
    from ledger.vocabulary import AccountStatus, DestructionStatus, VersionStatus

    assert [s.value for s in VersionStatus] == ["draft", "submitted", "approved", "rejected", "issued", "superseded",
                                                "withdrawn"]
    assert [s.value for s in DestructionStatus] == ["proposed", "approved", "executed"]
    assert [s.value for s in AccountStatus] == ["active", "locked", "deactivated"]
    assert Role.RECORDS_CONTROLLER == "records_controller" and f"{Role.RECORDS_CONTROLLER}" == "records_controller"
