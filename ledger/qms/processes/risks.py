"""Risks and opportunities (rủi ro và cơ hội, §6.1): per department, tied to the objectives or processes they
threaten or serve; assessed on a versioned matrix, treated as the department leader approves, acted on,
assessed again for what remains, reassessed by a date, closed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import InvalidInput
from ledger.qms import actions as A
from ledger.qms.declaration import Applied, Effect, Field, Process, Step, Taking, merge
from ledger.qms.matrix import matrix_on, vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, leader_of, not_before_today, own_department
from ledger.vocabulary import Role

KINDS = {"risk": ("Rủi ro", "Risk"), "opportunity": ("Cơ hội", "Opportunity")}
TREATMENTS = {"accept": ("Chấp nhận", "Accept"), "mitigate": ("Giảm thiểu", "Mitigate"),
              "avoid": ("Né tránh", "Avoid"), "transfer": ("Chuyển giao", "Transfer"),
              "pursue": ("Tận dụng, theo đuổi", "Pursue")}
FITTING = {"risk": ("accept", "mitigate", "avoid", "transfer"), "opportunity": ("pursue", "accept")}
SCORES = {"risk": ("likelihood", "impact"), "opportunity": ("benefit", "effort")}

# The roles a step names, the broadest first: the first one the actor holds is the one the event records.
MANAGERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER)
LEADERS = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
MEMBERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR,
           Role.RECORDS_CONTROLLER, Role.STAFF)


def _score(name: str, label: tuple[str, str]) -> Field:
    return Field(name, "integer", label, required=False, minimum=1, maximum=5)


SCORE_FIELDS = (_score("likelihood", ("Khả năng xảy ra (1–5)", "Likelihood (1–5)")),
                _score("impact", ("Mức độ ảnh hưởng (1–5)", "Impact (1–5)")),
                _score("benefit", ("Lợi ích (1–5)", "Benefit (1–5)")),
                _score("effort", ("Công sức cần bỏ ra (1–5)", "Effort (1–5)")),
                Field("basis", "long_text", ("Căn cứ đánh giá", "Basis of the assessment"), required=False))
REASSESS = Field("reassess_on", "date", ("Ngày đánh giá lại", "Reassess on"))


# ---- rules -------------------------------------------------------------------------------
def tied(t: Taking) -> None:
    """A risk or opportunity names what it threatens or serves: linked objectives or cases, or process names."""
    if not t.values.get("refs") and not t.values.get("processes"):
        raise InvalidInput("Hãy nêu mục tiêu hoặc quá trình bị ảnh hưởng (liên kết hoặc tên quá trình).",
                           "Name the objectives or processes it threatens or serves (links or process names).",
                           field="processes")


def scored(t: Taking) -> None:
    """A risk is scored on likelihood and impact, an opportunity on benefit and effort — those two, no others."""
    kind = str(t.data.get("kind"))
    wanted = SCORES[kind]
    for name in wanted:
        if t.values.get(name) is None:
            label = next(f.label for f in SCORE_FIELDS if f.name == name)
            raise InvalidInput(f"«{label[0]}» không được để trống.", f"'{label[1]}' is required.", field=name)
    for other in (n for pair in SCORES.values() for n in pair if n not in wanted):
        if t.values.get(other) is not None:
            raise InvalidInput(f"{KINDS[kind][0]} không chấm điểm theo «{other}».",
                               f"A {KINDS[kind][1].lower()} is not scored on '{other}'.", field=other)


def fitting_treatment(t: Taking) -> None:
    kind = str(t.data.get("kind"))
    treatment = t.values.get("treatment")
    if treatment not in FITTING[kind]:
        names = ", ".join(TREATMENTS[x][0] for x in FITTING[kind])
        names_en = ", ".join(TREATMENTS[x][1] for x in FITTING[kind])
        raise InvalidInput(f"{KINDS[kind][0]} chỉ xử lý theo: {names}.",
                           f"A {KINDS[kind][1].lower()} is treated by: {names_en}.", field="treatment")


# ---- effects -------------------------------------------------------------------------------
def assessed(stage: str) -> Effect:
    """Records one assessment on the matrix in force on the event's day, with that matrix's version, the score
    and the level; the case's current level is the latest assessment's."""
    def effect(data: dict[str, Any], applied: Applied) -> None:
        kind = str(data["kind"])
        m = matrix_on(kind, vn_day(applied.at))
        row, column = (int(applied.values[name]) for name in SCORES[kind])
        score = m.score(row, column)
        entry = {"stage": stage, SCORES[kind][0]: row, SCORES[kind][1]: column, "score": score,
                 "level": m.level(score), "matrix": m.version, "by": applied.user_id, "at": applied.at,
                 "seq": applied.seq}
        if "basis" in applied.values:
            entry["basis"] = applied.values["basis"]
        data.setdefault("assessments", []).append(entry)
        if "reassess_on" in applied.values:
            data["reassess_on"] = applied.values["reassess_on"]
    return effect


def treated(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.setdefault("treatments", []).append({"treatment": applied.values["treatment"], "plan": applied.values["plan"],
                                              "approved_by": applied.user_id, "at": applied.at})


def closed(data: dict[str, Any], applied: Applied) -> None:
    data["closed_on"] = vn_day(applied.at).isoformat()


# ---- derived -------------------------------------------------------------------------------
def latest(data: Mapping[str, Any], stage: str | None = None) -> dict[str, Any] | None:
    found = [a for a in data.get("assessments", []) if stage is None or a.get("stage") == stage]
    return dict(found[-1]) if found else None


def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The current level (the latest assessment's, as recorded), the inherent and residual ones, the overdue
    actions and whether the reassessment date has come."""
    now, inherent, residual = latest(data), latest(data, "inherent"), latest(data, "residual")
    due = data.get("reassess_on")
    return {"level": now["level"] if now else None, "score": now["score"] if now else None,
            "matrix": now["matrix"] if now else None,
            "inherent_level": inherent["level"] if inherent else None,
            "residual_level": residual["level"] if residual else None,
            "open_actions": len(A.open_actions(data)), "overdue_actions": A.overdue_actions(data, today),
            "reassessment_due": bool(due) and "closed_on" not in data and str(due) <= today.isoformat()}


RISKS = register(Process(
    name="risk", collection="risks", clause="6.1",
    label=("Rủi ro và cơ hội", "Risk or opportunity"),
    states={"identified": ("Đã nhận diện", "Identified"), "assessed": ("Đã đánh giá", "Assessed"),
            "treated": ("Đang xử lý", "Being treated"), "monitored": ("Theo dõi", "Monitored"),
            "closed": ("Đã đóng", "Closed")},
    final=("closed",),
    title=lambda d: str(d.get("title", "")),
    derive=derive,
    steps=(
        Step("identify", ("Nhận diện", "Identify"), (), "identified", MANAGERS,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("department", "department", ("Phòng ban", "Department")),
                     Field("kind", "choice", ("Loại", "Kind"), choices=KINDS),
                     Field("title", "text", ("Tên rủi ro / cơ hội", "Name"), max_len=300),
                     Field("description", "long_text", ("Mô tả", "Description")),
                     Field("cause", "long_text", ("Nguyên nhân, nguồn gốc", "Cause or source"), required=False),
                     Field("refs", "refs", ("Mục tiêu, hồ sơ liên quan", "Objectives or items concerned"),
                           required=False),
                     Field("processes", "text", ("Quá trình liên quan", "Processes concerned"), max_len=500,
                           required=False)),
             rules=(in_own_agency_year(), own_department(), tied)),
        Step("assess", ("Đánh giá", "Assess"), ("identified", "assessed"), "assessed", MANAGERS,
             fields=SCORE_FIELDS, rules=(own_department(), scored), effect=assessed("inherent"),
             hint=("Rủi ro: khả năng × ảnh hưởng; cơ hội: lợi ích × công sức (mỗi trục 1–5).",
                   "Risk: likelihood × impact; opportunity: benefit × effort (each 1–5).")),
        Step("treat", ("Quyết định xử lý", "Decide the treatment"), ("assessed", "monitored"), "treated", LEADERS,
             fields=(Field("treatment", "choice", ("Biện pháp xử lý", "Treatment"), choices=TREATMENTS),
                     Field("plan", "long_text", ("Nội dung xử lý / lý do", "What will be done, or why")),
                     REASSESS),
             rules=(leader_of("department"), fitting_treatment, not_before_today("reassess_on")), effect=treated),
        Step("actions", ("Thêm hành động", "Add an action"), ("treated",), None, MANAGERS, fields=A.ADD_FIELDS,
             rules=(own_department(), not_before_today("due")), effect=A.add),
        Step("complete_action", ("Hoàn thành hành động", "Complete an action"), ("treated",), None, MEMBERS,
             fields=A.COMPLETE_FIELDS, rules=(A.action_open, A.owner_or_leader()), effect=A.complete),
        Step("residual", ("Đánh giá rủi ro còn lại", "Assess what remains"), ("treated", "monitored"), "monitored",
             MANAGERS, fields=(*SCORE_FIELDS, REASSESS),
             rules=(own_department(), scored, A.none_open(("đánh giá lại", "assess what remains")),
                    not_before_today("reassess_on")),
             effect=assessed("residual")),
        Step("close", ("Đóng", "Close"), ("identified", "assessed", "treated", "monitored"), "closed", LEADERS,
             reason=True, rules=(leader_of("department"), A.none_open(("đóng", "close"))), effect=closed),
    ),
))
