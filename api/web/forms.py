"""Reading form values: text, lists, dates typed as dd/mm/yyyy, and the version the page was showing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile

from ledger.errors import InvalidInput


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def lines(form: FormData, name: str) -> list[str]:
    """A textarea of one item per line (or a multi-select): the non-empty entries."""
    out: list[str] = []
    for value in form.getlist(name):
        if isinstance(value, str):
            out.extend(x.strip() for x in re.split(r"[\r\n]+", value) if x.strip())
    return out


def day(form: FormData, name: str, *, required: bool = True) -> str | None:
    """dd/mm/yyyy (what people type here) or yyyy-mm-dd, as an ISO date."""
    raw = text(form, name)
    if not raw:
        if required:
            raise InvalidInput("Hãy nhập ngày (ngày/tháng/năm).", "Enter a date (dd/mm/yyyy).", field=name)
        return None
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise InvalidInput(f"«{raw}» không phải ngày hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2026.",
                           f"'{raw}' is not a valid date; use dd/mm/yyyy, e.g. 05/01/2026.", field=name) from None


def expected(form: FormData) -> int | None:
    raw = text(form, "expected_version")
    return int(raw) if raw.isdigit() else None


def upload(form: FormData, name: str = "file") -> UploadFile:
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        raise InvalidInput("Hãy chọn hoặc kéo thả một tệp.", "Choose or drop a file.", field=name)
    return value


def values(form: FormData) -> dict[str, Any]:
    """What the user typed, to show it again beside the errors (never files or passwords)."""
    out: dict[str, Any] = {}
    for key in form.keys():
        if key in ("csrf", "passphrase", "password"):
            continue
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        if items:
            out[key] = items if len(items) > 1 or key in ("reviewers",) else items[0]
    return out
