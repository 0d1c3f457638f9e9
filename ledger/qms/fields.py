"""Checks a step's values against its declared fields: each refusal is a 422 naming the field, in both languages."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any

from ledger import validation as v
from ledger.errors import InvalidInput
from ledger.qms.declaration import Field, World
from ledger.qms.registry import process_named
from ledger.vocabulary import AccountStatus


def check_values(fields: tuple[Field, ...], raw: Mapping[str, Any], *, agency_id: str,
                 world: World) -> dict[str, Any]:
    """The values of ``raw`` that ``fields`` declare, checked and normalised (JSON-ready); unknown names refused."""
    declared = {f.name for f in fields}
    unknown = sorted(set(raw) - declared)
    if unknown:
        raise InvalidInput(f"Trường «{unknown[0]}» không thuộc bước này.",
                           f"'{unknown[0]}' is not a field of this step.", field=unknown[0])
    out: dict[str, Any] = {}
    for f in fields:
        value = raw.get(f.name)
        if _empty(value):
            if f.required:
                raise InvalidInput(f"Trường «{f.label[0]}» không được để trống.", f"'{f.label[1]}' is required.",
                                   field=f.name)
            continue
        out[f.name] = _check(f, value, agency_id, world)
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple) and not value)


def _check(f: Field, value: Any, agency_id: str, world: World) -> Any:
    kind = f.kind
    if kind == "text":
        return v.text(value, f.name, max_len=min(f.max_len, 500))
    if kind == "long_text":
        return v.text(value, f.name, max_len=max(f.max_len, 5000))
    if kind in ("integer", "year", "number"):
        return _number(f, value)
    if kind == "date":
        return v.iso_date(value, f.name).isoformat()
    if kind == "flag":
        if not isinstance(value, bool):
            raise InvalidInput(f"«{f.label[0]}» phải là đúng hoặc sai.", f"'{f.label[1]}' must be true or false.",
                               field=f.name)
        return value
    if kind == "choice":
        return v.choice(value, f.name, tuple(f.choices))
    if kind == "person":
        return _person(f, value, agency_id, world)
    if kind == "people":
        return _unique(f, [_person(f, p, agency_id, world) for p in _list(f, value)])
    if kind == "department":
        return _department(f, value, agency_id, world)
    if kind == "departments":
        return _unique(f, [_department(f, d, agency_id, world) for d in _list(f, value)])
    if kind == "file":
        return v.file_ref(value, f.name)
    if kind == "document":
        doc = world.document(v.text(value, f.name, max_len=100))
        if doc is None or doc.get("agency_id") != agency_id:
            raise InvalidInput("Không có tài liệu này trong cơ quan.", "No such document in this agency.",
                               field=f.name)
        return str(doc["id"])
    if kind == "ref":
        return _ref(f, value, agency_id, world)
    return _unique(f, [_ref(f, r, agency_id, world) for r in _list(f, value)])  # refs


def _number(f: Field, value: Any) -> int | float:
    integral = f.kind in ("integer", "year")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"«{f.label[0]}» phải là một số.", f"'{f.label[1]}' must be a number.", field=f.name)
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not text.isascii():  # "²" or Arabic-Indic digits are not numbers a civil servant typed
            raise InvalidInput(f"«{f.label[0]}» phải là một số.", f"'{f.label[1]}' must be a number.",
                               field=f.name)
        try:
            value = int(text) if integral else float(text)
        except ValueError:
            raise InvalidInput(f"«{f.label[0]}» phải là một số.", f"'{f.label[1]}' must be a number.",
                               field=f.name) from None
    if integral and (isinstance(value, float) and not value.is_integer()):
        raise InvalidInput(f"«{f.label[0]}» phải là số nguyên.", f"'{f.label[1]}' must be a whole number.",
                           field=f.name)
    number: int | float = int(value) if integral else float(value)
    if isinstance(number, float) and not math.isfinite(number):
        raise InvalidInput(f"«{f.label[0]}» phải là một số hữu hạn.", f"'{f.label[1]}' must be finite.",
                           field=f.name)
    low, high = (1900, 2200) if f.kind == "year" else (f.minimum, f.maximum)
    if (low is not None and number < low) or (high is not None and number > high) or abs(number) > 1e15:
        raise InvalidInput(f"«{f.label[0]}» nằm ngoài khoảng cho phép.", f"'{f.label[1]}' is out of range.",
                           field=f.name)
    return number


def _list(f: Field, value: Any) -> list[Any]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidInput(f"«{f.label[0]}» phải là danh sách.", f"'{f.label[1]}' must be a list.", field=f.name)
    if len(value) > 200:
        raise InvalidInput(f"«{f.label[0]}» quá dài.", f"'{f.label[1]}' is too long.", field=f.name)
    return list(value)


def _unique(f: Field, values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in values:
        if item in seen:
            raise InvalidInput(f"«{f.label[0]}» có mục bị lặp lại.", f"'{f.label[1]}' names an item twice.",
                               field=f.name)
        seen.append(item)
    return seen


def _person(f: Field, value: Any, agency_id: str, world: World) -> Any:
    """An active account of the agency (its username), or, where the field allows, an external person."""
    if isinstance(value, Mapping) and "external" in value:
        ext = value["external"]
        if not f.external:
            raise InvalidInput(f"«{f.label[0]}» phải là người của cơ quan.",
                               f"'{f.label[1]}' must be someone of the agency.", field=f.name)
        if not isinstance(ext, Mapping):
            raise InvalidInput("Người ngoài cơ quan cần họ tên và đơn vị.",
                               "An external person needs a name and an organisation.", field=f.name)
        return {"external": {"name": v.text(ext.get("name"), f.name, max_len=200),
                             "organisation": v.text(ext.get("organisation"), f.name, max_len=300)}}
    username = v.text(value, f.name, max_len=100)
    acc = world.account(username)
    if acc is None or acc.get("agency_id") != agency_id:
        raise InvalidInput(f"«{username}» không phải tài khoản của cơ quan.",
                           f"'{username}' is not an account of this agency.", field=f.name)
    if acc.get("status") != AccountStatus.ACTIVE:
        raise InvalidInput(f"Tài khoản «{username}» không còn hoạt động.",
                           f"The account '{username}' is no longer active.", field=f.name)
    return username


def _department(f: Field, value: Any, agency_id: str, world: World) -> str:
    dep_id = v.text(value, f.name, max_len=100)
    dep = world.department(dep_id)
    if dep is None or dep.get("agency_id") != agency_id:
        raise InvalidInput("Không có phòng ban này trong cơ quan.", "No such department in this agency.",
                           field=f.name)
    if dep.get("closed"):
        raise InvalidInput(f"Phòng ban «{dep.get('name')}» đã giải thể.",
                           f"The department '{dep.get('name')}' is closed.", field=f.name)
    return str(dep["id"])


def _ref(f: Field, value: Any, agency_id: str, world: World) -> str:
    case_id = v.text(value, f.name, max_len=100)
    case = world.case(case_id)
    if case is None or not _linkable(case, agency_id) or (f.process and case.get("process") != f.process):
        raise InvalidInput(f"Không tìm thấy «{f.label[0]}» được liên kết trong cơ quan.",
                           f"No such linked '{f.label[1]}' in this agency.", field=f.name)
    return str(case["id"])


def _linkable(case: Mapping[str, Any], agency_id: str) -> bool:
    """A case of the agency, or one its process shares with the agency (an inspection of it)."""
    if case.get("agency_id") == agency_id:
        return True
    return process_named(str(case.get("process"))).shared_agency(case.get("data") or {}) == agency_id


def normalise_reason(value: Any, required: bool) -> str:
    reason = v.text(value, "reason", max_len=2000, required=required)
    return unicodedata.normalize("NFC", reason)
