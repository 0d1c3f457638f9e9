"""Small checks on command inputs, each raising InvalidInput that names the field."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from ledger.errors import InvalidInput
from ledger.files import FileRef

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,39}$")
# Bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they make a name or a
# title read in another order than it is stored ("Trojan Source"); removed from every text value.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text(value: Any, field: str, *, max_len: int = 500, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"Trường «{field}» phải là chuỗi ký tự.", f"'{field}' must be text.", field=field)
    value = unicodedata.normalize("NFC", _BIDI_CONTROLS.sub("", value).strip())
    if required and not value:
        raise InvalidInput(f"Trường «{field}» không được để trống.", f"'{field}' is required.", field=field)
    if len(value) > max_len:
        raise InvalidInput(f"Trường «{field}» dài quá {max_len} ký tự.",
                           f"'{field}' is longer than {max_len} characters.", field=field)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise InvalidInput(f"Trường «{field}» chứa ký tự điều khiển.",
                           f"'{field}' contains control characters.", field=field)
    return str(value)


def code(value: Any, field: str = "code") -> str:
    cleaned = text(value, field, max_len=40)
    if not _CODE.match(cleaned):
        raise InvalidInput("Mã chỉ gồm chữ, số và các ký tự . _ / - (tối đa 40 ký tự), ví dụ QT-01.",
                           "A code uses letters, digits and . _ / - (at most 40), e.g. QT-01.", field=field)
    return cleaned.upper()


def choice(value: Any, field: str, allowed: dict[str, Any] | tuple[str, ...]) -> str:
    if value not in allowed:
        options = ", ".join(allowed)
        raise InvalidInput(f"Giá trị «{value}» không hợp lệ cho «{field}»; chọn một trong: {options}.",
                           f"'{value}' is not valid for '{field}'; choose one of: {options}.", field=field)
    return str(value)


def iso_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"Ngày «{field}» không hợp lệ (định dạng yyyy-mm-dd).",
                           f"'{field}' is not a valid date (yyyy-mm-dd).", field=field) from None


def user_ids(values: Any, field: str, *, at_least: int = 0) -> list[str]:
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise InvalidInput(f"«{field}» phải là danh sách.", f"'{field}' must be a list.", field=field)
    cleaned = [text(v, field, max_len=100) for v in values]
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput(f"«{field}» có người bị lặp lại.", f"'{field}' names someone twice.", field=field)
    if len(cleaned) < at_least:
        raise InvalidInput(f"«{field}» cần ít nhất {at_least} người.",
                           f"'{field}' needs at least {at_least}.", field=field)
    return cleaned


def file_ref(value: Any, field: str = "file") -> dict[str, Any]:
    try:
        ref = value if isinstance(value, FileRef) else FileRef.from_dict(value)
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidInput("Tệp đính kèm không hợp lệ.", f"The file reference is invalid: {e}",
                           field=field) from None
    data = ref.to_dict()
    data["filename"] = unicodedata.normalize("NFC", data["filename"])
    return data
