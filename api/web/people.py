"""People on the pages: pickers of the agency's accounts (full name and department), outsiders, and full names shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from api.web import forms, i18n
from api.web.core import ctx_of, lang_of
from ledger.errors import InvalidInput
from ledger.people import is_external, label

EXTERNAL = "_external"  # the picker's choice of an outsider (never a username: those start with a letter or digit)
_OUTSIDER = re.compile(r"^(?P<name>.+?)\s*\((?P<organisation>[^()]*)\)\s*$")


def choices(request: Request, agency_id: str, roles: Iterable[str] | None = None, *,
            external: bool = False) -> list[tuple[str, str]]:
    """The options of a person picker: "Full name — Department" of each active account (holding one of ``roles``
    when given), by name; with ``external`` last, the choice of someone from outside the agency."""
    wanted = set(roles) if roles is not None else None
    lang = lang_of(request)
    out = [(p["username"], p["full_name"] if p["department"] == "—" else f"{p['full_name']} — {p['department']}")
           for p in ctx_of(request).uc.accounts.picker(agency_id, lang) if wanted is None or p["roles"] & wanted]
    if external:
        out.append((EXTERNAL, i18n.pick(("Người ngoài cơ quan (ghi họ tên, đơn vị bên dưới)",
                                         "Someone from outside the agency (name and organisation below)"), lang)))
    return out


def recipients(request: Request, agency_id: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """A document's possible distribution, in groups: the departments (and the leadership), then people."""
    lang = lang_of(request)
    units = ctx_of(request).uc.accounts.units(agency_id, lang)
    return [(i18n.pick(("Phòng ban", "Departments"), lang), units),
            (i18n.pick(("Cá nhân", "People"), lang), choices(request, agency_id))]


def outsider(text: str) -> dict[str, Any]:
    """"Họ tên (Đơn vị)" typed on a line as an outsider; without parentheses, the whole line is the name."""
    m = _OUTSIDER.match(text.strip())
    name, organisation = (m.group("name"), m.group("organisation")) if m else (text.strip(), "")
    return {"external": {"name": name.strip(), "organisation": organisation.strip()}}


def one(form: FormData, name: str) -> Any:
    """The person picked in ``name``: a username, or the outsider typed in ``name_name`` and
    ``name_organisation`` when the picker says so."""
    value = forms.text(form, name)
    if value != EXTERNAL:
        return value
    if not forms.text(form, f"{name}_name"):
        raise InvalidInput("Hãy ghi họ tên người ngoài cơ quan.", "Type the outsider's full name.", field=name)
    return {"external": {"name": forms.text(form, f"{name}_name"),
                         "organisation": forms.text(form, f"{name}_organisation")}}


def many(form: FormData, name: str) -> list[Any]:
    """The people picked in the multiple picker ``name``, then the outsiders typed one a line in
    ``name_external`` ("Họ tên (Đơn vị)")."""
    picked = [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]
    return [*picked, *(outsider(line) for line in forms.lines(form, f"{name}_external"))]


def namer(request: Request, agency_id: str) -> Callable[[Any], str]:
    """``who(value)``: what a page shows for a person or recipient a fact holds: an account's full name, a
    department's name, an outsider's name and organisation (marked as such), old free text as it was written."""
    lang = lang_of(request)
    names = ctx_of(request).uc.accounts.names(agency_id, lang)
    outside = i18n.pick(("ngoài cơ quan", "outside the agency"), lang)

    def who(value: Any) -> str:
        if value is None or value == "":
            return ""
        if is_external(value):
            return f"{label(value)} — {outside}"
        return names.get(str(value), str(value))

    return who
