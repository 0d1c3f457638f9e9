"""A QMS step's form, generated from its declared fields: which input each field kind gets, and reading it back.

Every field kind of ``ledger.qms.declaration.FIELD_KINDS`` has an input here (a kind without one fails loudly):
text and numbers in text inputs, dates typed dd/mm/yyyy, choices, departments, documents and linked cases in
selects, people in a select of the agency's active accounts by full name and department (with a name and
organisation pair for someone outside the agency where the field allows it), lists as checkboxes, files as
uploads. The values read are what the API would receive; the declaration's own checks then run in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData, UploadFile

from api.web import forms, i18n
from ledger.errors import InvalidInput
from ledger.qms.declaration import FIELD_KINDS, Field, Process, Step
from ledger.qms.measures import period_label, periods

EXTERNAL = "__external__"  # the person select's option for someone outside the agency
WIDGETS = {"text": "text", "long_text": "textarea", "integer": "number", "number": "number", "year": "number",
           "date": "date", "choice": "select", "person": "person", "people": "checks", "department": "select",
           "departments": "checks", "file": "file", "document": "select", "flag": "flag", "ref": "select",
           "refs": "checks"}
missing = set(FIELD_KINDS) - set(WIDGETS)
if missing:  # a new field kind needs its input here before any page can offer it
    raise RuntimeError(f"api/web/qms_forms.py has no input for the field kinds {sorted(missing)}")


@dataclass(frozen=True)
class Input:
    """One field as the template draws it: ``widget`` (text, textarea, number, date, select, person, checks, file,
    flag), its label, whether it is required, its options ``[(value, text)]`` and the value shown now."""

    name: str
    widget: str
    label: str
    required: bool
    options: list[tuple[str, str]]
    value: Any
    external: bool = False
    hint: str | None = None


def person_text(p: dict[str, Any], lang: str) -> str:
    """"Full Name — Department" (or the username alone for an account the agency no longer lists)."""
    dep = p.get("department")
    return f"{p['full_name']} — {dep}" if dep else p["full_name"]


def options(f: Field, choices: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """What a select or a list of checkboxes offers for ``f`` in the agency (``uc.qms.choices``)."""
    kind = f.kind
    if kind == "choice":
        return [(k, i18n.pick(v, lang)) for k, v in f.choices.items()]
    if kind in ("person", "people"):
        return [(p["username"], person_text(p, lang)) for p in choices["people"] if p["active"]]
    if kind in ("department", "departments"):
        return [(d["id"], d["name"]) for d in choices["departments"] if not d["closed"]]
    if kind == "document":
        return [(d["id"], f"{d['code']} — {d['title']}") for d in choices["documents"]]
    if kind in ("ref", "refs"):
        return [(c["id"], c["title"]) for c in choices["cases"]]
    return []


def inputs(step: Step, choices: dict[str, Any], data: dict[str, Any], lang: str) -> list[Input]:
    """The inputs of ``step``'s form, each showing the case's current value of the same name (to revise it)."""
    out = []
    for f in step.fields:
        widget = WIDGETS[f.kind]
        value = data.get(f.name)
        hint = None
        if f.kind == "date":
            value = _vn_day(value)
            hint = i18n.pick(forms.DATE_HINT, lang)
        elif f.kind == "person" and isinstance(value, dict):
            value = EXTERNAL
        offered = options(f, choices, lang)
        if f.name == "period" and periods(str(data.get("frequency", ""))):  # the periods of the case's frequency
            widget, value = "select", None
            offered = [(p, i18n.pick(period_label(p), lang)) for p in periods(str(data["frequency"]))]
        out.append(Input(f.name, widget, i18n.pick(f.label, lang), f.required, offered, value,
                         external=f.external, hint=hint))
    return out


def _vn_day(value: Any) -> str | None:
    if not value:
        return None
    y, m, d = str(value)[:10].split("-")
    return f"{d}/{m}/{y}"


def read(step: Step, form: FormData) -> tuple[dict[str, Any], dict[str, UploadFile], str]:
    """(values, uploads, reason) of a sent form; every empty required field and malformed date at once
    (``forms.FormProblems``), the declaration's own checks run afterwards in the ledger."""
    values: dict[str, Any] = {}
    uploads: dict[str, UploadFile] = {}
    problems: dict[str, tuple[str, str]] = {}
    for f in step.fields:
        try:
            value = _value(f, form)
        except InvalidInput as e:
            problems[f.name] = (e.message_vi, e.message_en)
            continue
        if isinstance(value, UploadFile):
            uploads[f.name] = value
        elif value is not None:
            values[f.name] = value
        elif f.required:
            problems[f.name] = (f"«{f.label[0]}» không được để trống.", f"'{f.label[1]}' is required.")
    reason = forms.text(form, "reason")
    if step.reason and not reason:
        problems["reason"] = ("Hãy ghi lý do; lý do được lưu trong lịch sử.",
                              "Give the reason; it is kept in the history.")
    if problems:
        raise forms.FormProblems(problems)
    return values, uploads, reason


def _value(f: Field, form: FormData) -> Any:
    """The value of one field as sent (None when left empty)."""
    kind = f.kind
    if kind == "file":
        upload = form.get(f.name)
        return upload if isinstance(upload, UploadFile) and upload.filename else None
    if kind == "flag":
        return forms.text(form, f.name) in ("1", "on", "true")
    if kind in ("people", "departments", "refs"):
        chosen = [v.strip() for v in form.getlist(f.name) if isinstance(v, str) and v.strip()]
        return chosen or None
    raw = forms.text(form, f.name)
    if kind == "person":
        name, org = forms.text(form, f"{f.name}__name"), forms.text(form, f"{f.name}__organisation")
        if f.external and (raw == EXTERNAL or (not raw and (name or org))):
            if not name or not org:
                raise InvalidInput("Người ngoài cơ quan cần họ tên và đơn vị.",
                                   "An external person needs a name and an organisation.", field=f.name)
            return {"external": {"name": name, "organisation": org}}
        return raw or None
    if not raw:
        return None
    if kind == "date":
        return forms.parse_day(raw, f.label, f.name).isoformat()
    return raw


def process_fields(process: Process) -> dict[str, Field]:
    """Every field any step of ``process`` records, by name (the first declaration names it), in step order."""
    out: dict[str, Field] = {}
    for s in process.steps:
        for f in s.fields:
            out.setdefault(f.name, f)
    return out
