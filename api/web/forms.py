"""Reading form values: every field's label and rule, all problems at once, dates dd/mm/yyyy and times hh:mm.

A form is checked against its fields (``FORMS``) before any command runs, so the page lists every empty or
malformed field beside it, named by its label ("Mã tài liệu không được để trống."), never by its internal name.
Dates are typed dd/mm/yyyy and times hh:mm (24 hours, Vietnam time) in plain text inputs: the browser's own
pickers would show mm/dd/yyyy and AM/PM in an English browser.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from starlette.datastructures import FormData, UploadFile

from ledger.errors import InvalidInput

DATE_HINT = ("Ngày/tháng/năm, ví dụ 05/01/2026", "Day/month/year, e.g. 05/01/2026")
TIME_HINT = ("Giờ:phút theo 24 giờ, giờ Việt Nam, ví dụ 14:30", "Hours:minutes, 24-hour, Vietnam time, e.g. 14:30")
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"
TIME_PATTERN = r"\d{1,2}:\d{2}(:\d{2})?"
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


@dataclass(frozen=True)
class Field:
    """One input: its label (Vietnamese, English), whether it must be filled, and what it holds."""

    vi: str
    en: str
    required: bool = False
    kind: str = "text"  # text, day, time, years, file

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def _f(vi: str, en: str, required: bool = False, kind: str = "text") -> Field:
    return Field(vi, en, required, kind)


REASON = _f("Lý do", "Reason")  # each reason's own handler asks for it in words of its purpose
FORMS: dict[str, dict[str, Field]] = {
    "register": {"code": _f("Mã tài liệu", "Document code", True), "title": _f("Tên tài liệu", "Title", True),
                 "kind": _f("Loại tài liệu", "Kind", True),
                 "department": _f("Phòng ban chủ trì", "Owning department", True)},
    "draft": {"file": _f("Tệp dự thảo", "Draft file", True, "file"),
              "change_summary": _f("Tóm tắt nội dung thay đổi", "Change summary", True)},
    "revise": {"file": _f("Tệp dự thảo đã sửa", "Revised file", True, "file"),
               "change_summary": _f("Tóm tắt nội dung sửa đổi", "What changed", True)},
    "submit": {"approver": _f("Người phê duyệt", "Approver", True)},
    "reject": {"reason": _f("Lý do từ chối", "Reason for rejecting")},
    "issue": {"effective_from": _f("Hiệu lực từ ngày", "Effective from", True, "day"),
              "distribution": _f("Nơi nhận", "Distribution")},
    "withdraw": {"reason": REASON}, "obsolete": {"reason": REASON},
    "open": {"code": _f("Mã hồ sơ", "Record code", True), "title": _f("Tên hồ sơ", "Title", True),
             "series": _f("Nhóm hồ sơ", "Series", True),
             "retention_years": _f("Thời hạn bảo quản", "Retention", False, "years"),
             "legal_basis": _f("Căn cứ thời hạn bảo quản", "Legal basis of the retention", True),
             "confidentiality": _f("Mức độ mật", "Confidentiality")},
    "file": {"file": _f("Tệp", "File", True, "file"), "description": _f("Mô tả", "Description")},
    "close": {"closed_on": _f("Ngày kết thúc", "Closed on", False, "day")},
    "lend": {"borrower": _f("Người mượn", "Borrower", True), "purpose": _f("Mục đích", "Purpose", True),
             "due_on": _f("Hạn trả", "Due on", True, "day"),
             "approved_by": _f("Người duyệt cho mượn", "Approved by", True)},
    "extend": {"due_on": _f("Hạn trả mới", "New due date", True, "day")},
    "return": {"received_by": _f("Người nhận lại", "Received by", True),
               "note": _f("Ghi chú (tình trạng hồ sơ)", "Note (condition)")},
    "hold": {"reason": REASON}, "propose": {"reason": REASON},
    "approve_destruction": {"decision_no": _f("Số quyết định hủy", "Decision number", True),
                            "decided_by": _f("Người ký quyết định", "Decided by", True),
                            "council": _f("Hội đồng xác định giá trị tài liệu", "Appraisal council")},
    "execute": {"minutes_file": _f("Biên bản hủy (PDF)", "Minutes (PDF)", True, "file"),
                "executed_by": _f("Người thực hiện", "Executed by", True),
                "witnesses": _f("Người chứng kiến", "Witnesses")},
}


class FormProblems(InvalidInput):
    """Every problem of one submitted form: ``problems[field] = (Vietnamese, English)``, in the form's order."""

    def __init__(self, problems: dict[str, tuple[str, str]]) -> None:
        first = next(iter(problems))
        super().__init__(*problems[first], field=first)
        self.problems = problems

    def messages(self, lang: str) -> dict[str, str]:
        return {k: (en if lang == "en" else vi) for k, (vi, en) in self.problems.items()}


def label(action: str, name: str, lang: str) -> str:
    """The label of ``name`` on the form of ``action`` (the templates show the same words the errors use)."""
    spec = FORMS.get(action, {}).get(name)
    return spec.label(lang) if spec else name


# ---- dates and times --------------------------------------------------------------------------
def parse_day(raw: str, what: tuple[str, str] = ("Ngày", "Date"), field: str | None = None) -> date:
    """dd/mm/yyyy (also d/m/yyyy, with . or -), or yyyy-mm-dd, as a calendar date; a clear error otherwise."""
    text = raw.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m and not iso:
        raise InvalidInput(f"{what[0]}: «{raw}» không đúng dạng ngày/tháng/năm; hãy nhập ví dụ 05/01/2026.",
                           f"{what[1]}: '{raw}' is not day/month/year; type e.g. 05/01/2026.", field=field)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        y, mo, d = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))  # type: ignore[union-attr]
    if not 1 <= mo <= 12:
        raise InvalidInput(f"{what[0]}: không có tháng {mo}; tháng từ 1 đến 12 (ngày/tháng/năm).",
                           f"{what[1]}: there is no month {mo}; months go from 1 to 12 (day/month/year).",
                           field=field)
    if y < 1000:
        raise InvalidInput(f"{what[0]}: năm {y} không hợp lệ.", f"{what[1]}: the year {y} is not valid.", field=field)
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        raise InvalidInput(f"{what[0]}: không có ngày {d:02d}/{mo:02d}/{y}; tháng {mo}/{y} chỉ có {last} ngày.",
                           f"{what[1]}: {d:02d}/{mo:02d}/{y} does not exist; {MONTHS_EN[mo - 1]} {y} has {last} "
                           "days.", field=field)
    return date(y, mo, d)


def parse_time(raw: str, what: tuple[str, str] = ("Giờ", "Time"), field: str | None = None) -> time:
    """hh:mm or hh:mm:ss on the 24-hour clock (the page reads it in Vietnam time); a clear error otherwise."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", raw.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        raise InvalidInput(f"{what[0]}: «{raw}» không phải giờ hợp lệ; hãy nhập giờ:phút theo 24 giờ, ví dụ 14:30.",
                           f"{what[1]}: '{raw}' is not a valid time; type hours:minutes on the 24-hour clock, "
                           "e.g. 14:30.", field=field)
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


# ---- checking a whole form ----------------------------------------------------------------------
def problems_of(form: FormData, action: str) -> dict[str, tuple[str, str]]:
    """Every empty required field and every malformed value of the form of ``action``, named by its label."""
    out: dict[str, tuple[str, str]] = {}
    for name, spec in FORMS.get(action, {}).items():
        if spec.kind == "file":
            value = form.get(name)
            if spec.required and not (isinstance(value, UploadFile) and value.filename):
                out[name] = (f"Hãy chọn hoặc kéo thả {spec.vi[0].lower()}{spec.vi[1:]}.",
                             f"Choose or drop the {spec.en[0].lower()}{spec.en[1:]}.")
            continue
        raw = " ".join(v.strip() for v in form.getlist(name) if isinstance(v, str)).strip()
        if not raw:
            if spec.required:
                out[name] = (f"{spec.vi} không được để trống.", f"{spec.en} is required.")
            continue
        try:
            if spec.kind == "day":
                parse_day(raw, (spec.vi, spec.en), name)
            elif spec.kind == "time":
                parse_time(raw, (spec.vi, spec.en), name)
            elif spec.kind == "years" and whole(raw) is None:
                raise InvalidInput(f"{spec.vi} là số năm, ví dụ 10, hoặc để trống nếu vĩnh viễn.",
                                   f"{spec.en} is a number of years, e.g. 10, or empty for permanent.", field=name)
        except InvalidInput as e:
            out[name] = (e.message_vi, e.message_en)
    return out


def check(form: FormData, action: str) -> None:
    """Raises FormProblems listing every problem of the form at once; returns when there is none."""
    problems = problems_of(form, action)
    if problems:
        raise FormProblems(problems)


# ---- reading values -----------------------------------------------------------------------------
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
    """The date typed as dd/mm/yyyy (or yyyy-mm-dd) in field ``name``, as an ISO date."""
    raw = text(form, name)
    if not raw:
        if required:
            raise InvalidInput("Hãy nhập ngày (ngày/tháng/năm).", "Enter a date (dd/mm/yyyy).", field=name)
        return None
    spec = next((f[name] for f in FORMS.values() if name in f), None)
    what = (spec.vi, spec.en) if spec else ("Ngày", "Date")
    return parse_day(raw, what, name).isoformat()


def whole(raw: str) -> int | None:
    """``raw`` as a whole number written in ASCII digits (``²`` or ``٣`` are digits to str.isdigit, not here)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def expected(form: FormData) -> int | None:
    return whole(text(form, "expected_version"))


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
