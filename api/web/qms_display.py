"""How a QMS case's recorded data reads on a page: each value by its field's kind, people by full name and
department, departments by name, documents and linked cases as links, dates dd/mm/yyyy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from api.web import i18n
from api.web.core import vndate, vntime
from api.web.qms_forms import person_text, process_fields
from ledger.numbers import number
from ledger.qms.declaration import Field, Process
from ledger.qms.measures import STATUSES, period_label

PERIOD = re.compile(r"^(Q[1-4]|H[12]|M(0[1-9]|1[0-2])|Y)$")  # a measurement period's code


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
        return [Shown(number(value, lang))]
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


# What a step's effect records beside the declared fields (lists of items, stamps), as a reader names it.
RECORDED = {"issues": ("Các vấn đề", "Issues"), "parties": ("Các bên quan tâm", "Interested parties"),
            "measurements": ("Số liệu đo", "Measurements"), "assessments": ("Các lần đánh giá", "Assessments"),
            "actions": ("Hành động", "Actions"), "treatments": ("Các quyết định xử lý", "Treatments"),
            "revisions": ("Các phiên bản trước", "Earlier revisions"), "revision": ("Phiên bản", "Revision"),
            "proposal": ("Đề nghị điều chỉnh", "Proposed change"),
            "approved_snapshot": ("Bản đã được phê duyệt", "As approved"), "origin": ("Nguồn", "Origin"),
            "by": ("Người ghi", "Recorded by"), "at": ("Lúc", "At"), "approved_at": ("Phê duyệt lúc", "Approved at"),
            "allocated_at": ("Giao lúc", "Allocated at"), "registered_at": ("Đăng ký lúc", "Registered at"),
            "closed_on": ("Ngày kết thúc", "Closed on"), "score": ("Điểm", "Score"), "level": ("Mức", "Level"),
            "matrix": ("Ma trận", "Matrix"), "stage": ("Giai đoạn", "Stage"), "status": ("Tình trạng", "Status"),
            "approved_by": ("Người phê duyệt", "Approved by"), "replaced_by": ("Người sửa", "Revised by"),
            "replaced_at": ("Sửa lúc", "Revised at"), "reassess_on": ("Ngày đánh giá lại", "Reassess on")}
WORDS = {"internal": ("bên trong", "internal"), "external": ("bên ngoài", "external"),
         "inherent": ("ban đầu", "inherent"), "residual": ("còn lại", "residual"), "open": ("đang mở", "open"),
         "done": ("đã xong", "done"), "cancelled": ("đã huỷ", "cancelled")}
HIDDEN = ("seq", "role")  # bookkeeping of the effects, not for the reader


def item_text(declared: dict[str, Field], item: dict[str, Any], names: Names, lang: str) -> str:
    """One recorded item (an issue, a measurement...) as a sentence: its number, each part by its label, who."""
    parts = []
    for key, value in item.items():
        if key in HIDDEN or key.endswith("_seq") or key == "id" or value in (None, "", []):
            continue
        f = declared.get(key)
        if key in ("by", "approved_by", "replaced_by"):
            text = names.person(value, lang).text
        elif f is not None:
            text = ", ".join(x.text for x in shown(f, value, names, lang))
        elif isinstance(value, str) and value in WORDS:
            text = i18n.pick(WORDS[value], lang)
        else:
            text = plain(value, lang)
        label = i18n.pick(f.label, lang) if f is not None else i18n.pick(RECORDED.get(key, (key, key)), lang)
        parts.append(f"{label}: {text}")
    head = f"{item['id']} — " if item.get("id") else ""
    return head + "; ".join(parts)


def recorded(declared: dict[str, Field], value: Any, names: Names, lang: str) -> list[Shown]:
    """A value an effect recorded: a list of items one line each, an item as a sentence, else as text."""
    if isinstance(value, list) and all(isinstance(x, dict) for x in value):
        return [Shown(item_text(declared, x, names, lang)) for x in value]
    if isinstance(value, dict) and not any(isinstance(v, list) for v in value.values()):
        return [Shown(item_text(declared, value, names, lang))]
    if isinstance(value, dict):  # a snapshot of lists: each list under its name, then who took it and when
        scalars = {k: v for k, v in value.items() if not isinstance(v, list | dict)}
        return [Shown(f"{i18n.pick(RECORDED.get(k, (k, k)), lang)}: {item_text(declared, x, names, lang)}")
                for k, v in value.items() if isinstance(v, list) for x in v if isinstance(x, dict)] + \
            ([Shown(item_text(declared, scalars, names, lang))] if scalars else [])
    return shown(None, value, names, lang)


def data_rows(process: Process, data: dict[str, Any], names: Names, lang: str) -> list[tuple[str, list[Shown]]]:
    """The case's data as (label, values) rows: the declared fields in step order, then what the steps' effects
    recorded (named for a reader; their counters left out)."""
    declared = process_fields(process)
    rows = [(i18n.pick(f.label, lang), shown(f, data[name], names, lang))
            for name, f in declared.items() if name in data and data[name] not in (None, "", [])]
    rows += [(i18n.pick(RECORDED.get(name, (name, name)), lang), recorded(declared, value, names, lang))
             for name, value in data.items()
             if name not in declared and not name.endswith("_seq") and value not in (None, "", [])]
    return rows


# The derived status's names and words, as a reader says them (a name not listed here is shown as it is).
DERIVED = {"status": ("Tình trạng", "Status"), "series": ("Số liệu theo kỳ", "Measured per period"),
           "latest": ("Số liệu mới nhất", "Latest measurement"),
           "expected": ("Mức cần đạt đến kỳ này", "Expected by now"),
           "late": ("Kỳ chưa có số liệu", "Periods not measured"), "level": ("Mức rủi ro", "Level"),
           "score": ("Điểm", "Score"), "matrix": ("Ma trận", "Matrix"),
           "inherent_level": ("Mức ban đầu", "Inherent level"),
           "residual_level": ("Mức còn lại", "Residual level"), "open_actions": ("Hành động đang mở", "Open actions"),
           "done_actions": ("Hành động đã xong", "Actions done"),
           "cancelled_actions": ("Hành động đã huỷ", "Actions cancelled"),
           "overdue_actions": ("Hành động quá hạn", "Overdue actions"),
           "reassessment_due": ("Đến hạn đánh giá lại", "Reassessment due"),
           "last_check": ("Kết quả kiểm tra hiệu lực gần nhất", "Latest effectiveness check"),
           "effectiveness_due": ("Đến hạn kiểm tra hiệu lực", "Effectiveness check due"),
           "round": ("Vòng khắc phục", "Round"), "issues": ("Số vấn đề", "Issues"),
           "parties": ("Số bên quan tâm", "Interested parties"), "by_quadrant": ("Theo nhóm SWOT", "By SWOT quadrant"),
           "internal": ("Vấn đề bên trong", "Internal issues"), "external": ("Vấn đề bên ngoài", "External issues")}
DERIVED_WORDS = {**STATUSES, "low": ("Thấp", "Low"), "medium": ("Trung bình", "Medium"), "high": ("Cao", "High"),
                 "critical": ("Nghiêm trọng", "Critical"), "effective": ("Có hiệu lực", "Effective"),
                 "ineffective": ("Không có hiệu lực", "Ineffective"), "strength": ("Điểm mạnh", "Strengths"),
                 "weakness": ("Điểm yếu", "Weaknesses"), "opportunity": ("Cơ hội", "Opportunities"),
                 "threat": ("Thách thức", "Threats")}


def derived_text(value: Any, lang: str) -> str:
    """A derived value in words: codes by their label, yes/no, a period by its name, nothing as a dash."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return i18n.pick(("Có", "Yes") if value else ("Không", "No"), lang)
    if isinstance(value, str):
        if value in DERIVED_WORDS:
            return i18n.pick(DERIVED_WORDS[value], lang)
        return i18n.pick(period_label(value), lang) if PERIOD.match(value) else value
    if isinstance(value, int | float):
        return number(value, lang, 4)
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str) and PERIOD.match(value[0]):
        return f"{derived_text(value[0], lang)}: {derived_text(value[1], lang)}"
    if isinstance(value, list | tuple):
        return "; ".join(derived_text(v, lang) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{derived_text(k, lang)}: {derived_text(v, lang)}" for k, v in value.items())
    return plain(value, lang)


def derived_rows(derived: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """The derived status (computed from the data, never typed in): each (name, label, value in words)."""
    return [(str(k), i18n.pick(DERIVED.get(str(k), (str(k), str(k))), lang), derived_text(v, lang))
            for k, v in derived.items()]
