"""How a QMS case's recorded data reads on a page: each value by its field's kind, people by full name and
department, departments by name, documents and linked cases as links, dates dd/mm/yyyy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.web import i18n
from api.web.core import vndate, vntime
from api.web.qms_forms import person_text, process_fields
from ledger.qms.declaration import Field, Process


@dataclass(frozen=True)
class Shown:
    """One value on the page: its text and, where it names something with a page, the link to it."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Names:
    """The agency's people, departments, documents and cases by id (``uc.qms.choices``)."""

    people: dict[str, dict[str, Any]]
    departments: dict[str, str]
    documents: dict[str, dict[str, Any]]
    cases: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, choices: dict[str, Any]) -> Names:
        return cls({p["username"]: p for p in choices["people"]}, {d["id"]: d["name"] for d in choices["departments"]},
                   {d["id"]: d for d in choices["documents"]}, {c["id"]: c for c in choices["cases"]})

    def person(self, value: Any, lang: str) -> Shown:
        if isinstance(value, dict) and isinstance(value.get("external"), dict):
            ext = value["external"]
            outside = i18n.pick(("ngoài cơ quan", "outside the agency"), lang)
            return Shown(f"{ext.get('name')} — {ext.get('organisation')} ({outside})")
        p = self.people.get(str(value))
        return Shown(person_text(p, lang) if p else str(value))

    def department(self, value: Any) -> Shown:
        return Shown(self.departments.get(str(value), str(value)))

    def document(self, value: Any) -> Shown:
        d = self.documents.get(str(value))
        return Shown(f"{d['code']} — {d['title']}" if d else str(value), f"/documents/{value}")

    def case(self, value: Any) -> Shown:
        c = self.cases.get(str(value))
        if c is None or not c.get("collection"):
            return Shown(str(value))
        return Shown(c["title"], f"/qms/{c['collection']}/{value}")


def shown(f: Field | None, value: Any, names: Names, lang: str) -> list[Shown]:
    """``value`` of field ``f`` as the page shows it (a field no step declares: as plain text)."""
    kind = f.kind if f else None
    if kind in ("people", "departments", "refs") and isinstance(value, list):
        single = {"people": "person", "departments": "department", "refs": "ref"}[kind]
        return [x for item in value for x in shown(Field(f.name, single, f.label), item, names, lang)]  # type: ignore[union-attr]
    if kind == "person":
        return [names.person(value, lang)]
    if kind == "department":
        return [names.department(value)]
    if kind == "document":
        return [names.document(value)]
    if kind == "ref":
        return [names.case(value)]
    if kind == "date":
        return [Shown(vndate(value))]
    if kind == "choice" and f is not None:
        return [Shown(i18n.pick(f.choices.get(str(value), (str(value), str(value))), lang))]
    if kind == "flag" or isinstance(value, bool):
        return [Shown(i18n.pick(("Có", "Yes") if value else ("Không", "No"), lang))]
    if kind == "file" and isinstance(value, dict):
        return [Shown(str(value.get("filename", "")))]
    if isinstance(value, float):
        return [Shown(f"{value:g}".replace(".", ",") if lang == "vi" else f"{value:g}")]
    if isinstance(value, list):
        return [Shown(plain(v, lang)) for v in value]
    return [Shown(plain(value, lang))]


def plain(value: Any, lang: str) -> str:
    """A value no field declares (an effect's own record): its parts as text."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v, lang)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(plain(v, lang) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        return vntime(value)
    return "" if value is None else str(value)


def data_rows(process: Process, data: dict[str, Any], names: Names, lang: str) -> list[tuple[str, list[Shown]]]:
    """The case's data as (label, values) rows: the declared fields in step order, then anything else."""
    declared = process_fields(process)
    rows = [(i18n.pick(f.label, lang), shown(f, data[name], names, lang))
            for name, f in declared.items() if name in data and data[name] not in (None, "", [])]
    rows += [(name, entries(declared, value, names, lang) if _records(value) else shown(None, value, names, lang))
             for name, value in data.items() if name not in declared]
    return rows


def _records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def entries(declared: dict[str, Field], value: list[dict[str, Any]], names: Names, lang: str) -> list[Shown]:
    """A list an effect keeps (actions, reports, plan lines): each entry on its line, its parts named by the
    process's declared fields of the same name where there is one (a department by its name, a person by theirs)."""
    out = []
    for entry in value:
        parts = []
        for k, v in entry.items():
            f = declared.get(k)
            text = ", ".join(x.text for x in shown(f, v, names, lang)) if f else plain(v, lang)
            parts.append(f"{i18n.pick(f.label, lang) if f else k}: {text}")
        out.append(Shown("; ".join(parts)))
    return out


def derived_rows(derived: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The derived status (computed from the data, never typed in): each (name, value) as text."""
    return [(str(k), plain(v, lang)) for k, v in derived.items()]
