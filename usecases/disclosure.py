"""Public disclosure (công khai, Điều 4.1): what each agency shows without sign-in, and nothing else."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.qms.declaration import Process
from ledger.qms.registry import processes
from projections.text import fold, query_words
from usecases.deps import Deps
from usecases.tthc import Procedures
from usecases.visibility import Visibility

# The order the portal shows the published processes in (the others follow, by name).
ORDER = ("context", "quality_policy", "internal_audit_programme", "internal_audit", "management_review",
         "improvement_programme", "improvement", "complaint", "conformity_declaration")
# Keys never shown from a case's nested data (who entered an item; anyone's contacts).
PRIVATE_KEYS = frozenset({"by", "user_id", "username", "email", "phone", "telephone", "address", "contact"})
PEOPLE_KINDS = ("person", "people")
# Public fields a step's effect sets (no step declares them): their labels, all days.
EFFECT_DAYS = {"approved_on": ("Ngày phê duyệt", "Approved on"), "issued_on": ("Ngày ban hành", "Issued on"),
               "closed_on": ("Ngày kết thúc", "Closed on"), "minuted_on": ("Ngày ký biên bản", "Minutes signed on"),
               "published_on": ("Ngày công bố", "Published on")}


@dataclass(frozen=True)
class Section:
    """A public list that is not a QMS process's cases: ``read(deps, agency_id)`` gives its items, each a dict
    with ``title`` and ``fields`` (label pairs to values), already stripped of anything non-public."""

    name: str
    label: tuple[str, str]
    read: Callable[[Deps, str], list[dict[str, Any]]]


# Further public sections, added by the modules that own them. Two slots are kept for the lead to wire in, here or
# by their processes' ``published``: "complaints" (complaints and answers, anonymised:
# ``SECTIONS.append(Section("complaints", ("Phản ánh, kiến nghị và trả lời", "Complaints and answers"), read))``)
# and "conformity_declaration" (the declaration of conformity). A process that declares ``published`` needs no
# entry here: its cases appear by themselves.
SECTIONS: list[Section] = []


def published_processes() -> list[Process]:
    """Every registered process that declares states in which its cases are public."""
    found = [p for p in processes() if p.published]
    return sorted(found, key=lambda p: (ORDER.index(p.name) if p.name in ORDER else len(ORDER), p.name))


class Disclosure:
    """The public reads: no caller, no role; only what a declaration or a flag makes public."""

    def __init__(self, deps: Deps, visibility: Visibility, tthc: Procedures) -> None:
        self.deps, self.visibility, self.tthc = deps, visibility, tthc

    def tag(self, *parts: str) -> str:
        """A strong validator of a public answer: the read models' position (every change to anything moves it),
        today's date (documents come into force by date), and what was asked (path, query, language)."""
        self.deps.projections.fresh()
        position = self.deps.projections.projector.position()
        digest = hashlib.sha256("\x1f".join((str(position), self.deps.ledger.today().isoformat(), *parts)).encode())
        return f'"{digest.hexdigest()[:32]}"'

    def agencies(self, q: str | None = None, *, hidden: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        """Every agency of the province but ``hidden`` ones (name, id, how many procedures it lists), ``q``
        matched without accents."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT a.agency_id, a.name, (SELECT COUNT(*) FROM procedures p WHERE p.agency_id=a.agency_id) "
                        "FROM agencies a ORDER BY a.name, a.agency_id")
            rows = [{"agency_id": a, "name": n, "procedures": int(c)} for a, n, c in cur.fetchall()]
        wanted = query_words(q or "")
        return [r for r in rows if r["agency_id"] not in hidden
                and all(w in fold(f"{r['name']} {r['agency_id']}") for w in wanted)]

    def agency(self, agency_id: str) -> dict[str, Any]:
        found = self.visibility.agency(agency_id)
        return {"agency_id": agency_id, "name": found["name"]}

    def cases(self, agency_id: str) -> list[dict[str, Any]]:
        """Per published process, its cases in a published state, with only the declared public fields."""
        self.deps.projections.fresh()
        out = []
        with self.deps.db.transaction(write=False) as cur:
            for process in published_processes():
                states = list(process.published)
                cur.execute("SELECT id, title, state, data, updated_at FROM cases WHERE agency_id=? AND process=? AND "
                            f"state IN ({','.join('?' * len(states))}) ORDER BY year DESC, opened_at DESC",
                            (agency_id, process.name, *states))
                rows = cur.fetchall()
                names = self._names(cur, process, [json.loads(r[3]) for r in rows])
                items = [{"id": i, "title": title, "state": state, "state_label": list(process.states[state]),
                          "updated_at": at, "fields": self._public_fields(process, json.loads(data), names)}
                         for i, title, state, data, at in rows]
                out.append({"process": process.name, "collection": process.collection, "label": list(process.label),
                            "clause": process.clause, "items": items})
        return out

    @staticmethod
    def _kinds(process: Process) -> dict[str, Any]:
        """Each field name of the process's steps -> its first declaration (kind, label, choices)."""
        kinds: dict[str, Any] = {}
        for step in process.steps:
            for f in step.fields:
                kinds.setdefault(f.name, f)
        return kinds

    def _names(self, cur: Any, process: Process, datas: list[dict[str, Any]]) -> dict[str, str]:
        """Full names (never contacts) of the accounts that public person fields name."""
        kinds = self._kinds(process)
        wanted: set[str] = set()
        for data in datas:
            for name in process.public_fields:
                if name in kinds and kinds[name].kind in PEOPLE_KINDS:
                    value = data.get(name)
                    wanted |= {v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)}
        if not wanted:
            return {}
        cur.execute(f"SELECT username, full_name FROM users WHERE username IN ({','.join('?' * len(wanted))})",
                    tuple(sorted(wanted)))
        return dict(cur.fetchall())

    def _public_fields(self, process: Process, data: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
        """The declared public fields of one case: label, kind, value; a list of items (a context's issues) with
        ``columns``, the item keys that are fields of the process (their labels), choice codes with their labels."""
        kinds = self._kinds(process)
        out = []
        for name in process.public_fields:
            if name not in data or data[name] in (None, "", []):
                continue
            f = kinds.get(name)
            kind, label = (f.kind, f.label) if f is not None else (
                ("date", EFFECT_DAYS[name]) if name in EFFECT_DAYS else ("items", (name, name)))
            value = data[name]
            entry: dict[str, Any] = {"name": name, "label": list(label), "kind": kind}
            if kind in PEOPLE_KINDS:
                entry["value"] = _person(value, names)
            elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
                keys = [k for k in kinds if k not in PRIVATE_KEYS and any(k in v for v in value)]
                entry["columns"] = [{"key": k, "label": list(kinds[k].label)} for k in keys]
                entry["value"] = [{k: _shown(kinds[k], v.get(k)) for k in keys} for v in value]
            else:
                entry["value"] = _shown(f, _scrub(value)) if f is not None else _scrub(value)
            out.append(entry)
        return out

    def records(self, agency_id: str) -> list[dict[str, Any]]:
        """The records the agency marked public (confidentiality "public"), not destroyed."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, code, title, series, closed_on, files FROM records WHERE agency_id=? AND "
                        "confidentiality='public' AND (destruction IS NULL OR destruction <> 'executed') ORDER BY code",
                        (agency_id,))
            cols = ("id", "code", "title", "series", "closed_on", "files")
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def sections(self, agency_id: str) -> list[dict[str, Any]]:
        return [{"name": s.name, "label": list(s.label), "items": s.read(self.deps, agency_id)} for s in SECTIONS]


def _shown(field: Any, value: Any) -> Any:
    """A choice's code as its label pair [vi, en]; anything else as it is."""
    if getattr(field, "kind", None) == "choice" and isinstance(value, str) and value in field.choices:
        return list(field.choices[value])
    return value


def _scrub(value: Any) -> Any:
    """A public value without the private keys of nested items (who typed an issue in, anyone's contacts)."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in PRIVATE_KEYS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _person(value: Any, names: dict[str, str]) -> Any:
    """A person field as a name: an account's full name, an outsider's name and organisation."""
    if isinstance(value, list):
        return [_person(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, "")
    if isinstance(value, dict) and isinstance(value.get("external"), dict):
        ext = value["external"]
        return ", ".join(str(ext[k]) for k in ("name", "organisation") if ext.get(k))
    return ""
