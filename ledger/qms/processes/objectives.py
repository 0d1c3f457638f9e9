"""Quality objectives (mục tiêu chất lượng, §6.2): drafted by the ISO secretary for a year under its policy,
approved (the objectives decision signed for approval) and allocated to a department by the agency leader,
registered or sent back by that department's leader, measured per period, revised and closed at year end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.qms.declaration import Applied, Deadline, Field, Process, Step, Taking, merge
from ledger.qms.measures import DIRECTIONS, FREQUENCIES, periods, span, status
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, leader_of
from ledger.vocabulary import Role

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)
DEPARTMENT_LEADER = (Role.DEPARTMENT_LEADER,)
MEASURERS = (Role.DEPARTMENT_LEADER, Role.STAFF, Role.ISO_SECRETARY, Role.RECORDS_CONTROLLER, Role.INTERNAL_AUDITOR)
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# What defines an objective: a revision keeps these as they were before it.
DEFINITION = ("title", "indicator", "unit", "direction", "baseline", "target", "frequency", "owner", "department",
              "plan_actions", "plan_resources", "plan_responsible", "plan_due", "plan_evaluation", "document")


def _definition(required: bool) -> tuple[Field, ...]:
    return (
        Field("title", "text", ("Mục tiêu", "Objective"), required=required, max_len=300),
        Field("indicator", "text", ("Chỉ số đo", "Indicator"), required=required, max_len=300),
        Field("unit", "text", ("Đơn vị tính", "Unit"), required=required, max_len=50),
        Field("direction", "choice", ("Chiều hướng", "Direction"), required=required, choices=DIRECTIONS),
        Field("baseline", "number", ("Giá trị hiện tại (cơ sở)", "Baseline"), required=required),
        Field("target", "number", ("Chỉ tiêu", "Target"), required=required),
        Field("frequency", "choice", ("Tần suất đo", "Measurement frequency"), required=required,
              choices=FREQUENCIES),
        Field("owner", "person", ("Người chịu trách nhiệm", "Owner"), required=False),
        Field("department", "department", ("Phòng ban thực hiện", "Department"), required=False),
        Field("plan_actions", "long_text", ("Công việc sẽ thực hiện", "What will be done"), required=required),
        Field("plan_resources", "long_text", ("Nguồn lực cần thiết", "Resources"), required=required),
        Field("plan_responsible", "text", ("Người/đơn vị thực hiện", "Who is responsible"), required=required),
        Field("plan_due", "date", ("Thời hạn hoàn thành", "When it will be completed"), required=required),
        Field("plan_evaluation", "long_text", ("Cách đánh giá kết quả", "How results are evaluated"),
              required=required),
        Field("document", "document", ("Quyết định ban hành mục tiêu", "Objectives decision"), required=False),
    )


def _local_day(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(VN).date().isoformat()


# ---- rules -------------------------------------------------------------------------------------
def _under_the_years_policy(t: Taking) -> None:
    """The linked case is the agency's quality policy of the objective's year."""
    policy = t.world.case(str(t.values["policy"]))
    if policy is None or policy["data"].get("year") != t.values["year"]:
        raise RuleViolation(f"Mục tiêu phải gắn với chính sách chất lượng năm {t.values['year']}.",
                            f"An objective must link to the quality policy of {t.values['year']}.",
                            field="policy", code="wrong_policy")


def _coherent_target(t: Taking) -> None:
    """An increase aims above its baseline, a decrease below it (with the step's values over the case's)."""
    merged = {**t.data, **t.values}
    direction, baseline, target = merged.get("direction"), merged.get("baseline"), merged.get("target")
    if baseline is None or target is None:
        return
    if (direction == "increase" and target <= baseline) or (direction == "decrease" and target >= baseline):
        above = direction == "increase"
        raise RuleViolation(f"Chỉ tiêu của mục tiêu «{DIRECTIONS[str(direction)][0].lower()}» phải "
                            f"{'cao' if above else 'thấp'} hơn giá trị cơ sở {baseline:g}.",
                            f"An '{direction}' target must be {'above' if above else 'below'} its baseline "
                            f"{baseline:g}.", field="target", code="incoherent_target")


def _changes_something(t: Taking) -> None:
    if not any(t.data.get(k) != v for k, v in t.values.items()):
        raise RuleViolation("Phiên bản sửa đổi không thay đổi nội dung nào.", "The revision changes nothing.",
                            field="title", code="unchanged")


def _department_has_a_leader(t: Taking) -> None:
    dep = t.world.department(str(t.values["department"]))
    if dep is not None and not dep.get("leader"):
        raise RuleViolation(f"Phòng ban «{dep.get('name')}» chưa có lãnh đạo để đăng ký mục tiêu.",
                            f"The department '{dep.get('name')}' has no leader to register the objective.",
                            field="department", code="no_department_leader")


def _has_an_owner(t: Taking) -> None:
    if not (t.values.get("owner") or t.data.get("owner")):
        raise InvalidInput("Cần chọn người chịu trách nhiệm của mục tiêu trước khi đăng ký.",
                           "Name the objective's owner before registering it.", field="owner")


def _owner_or_department_leader(t: Taking) -> None:
    """Measurements are entered by the objective's owner or the leader of its department."""
    if t.actor.user_id == t.data.get("owner"):
        return
    dep_id = t.data.get("department")
    dep = t.world.department(str(dep_id)) if dep_id else None
    if t.role == Role.DEPARTMENT_LEADER and dep is not None and dep.get("leader") == t.actor.user_id:
        return
    raise NotAllowed("Chỉ người chịu trách nhiệm hoặc lãnh đạo phòng ban của mục tiêu được nhập số liệu.",
                     "Only the objective's owner or its department's leader may enter measurements.",
                     code="not_owner")


def _a_started_period(t: Taking) -> None:
    """The period is one of the objective's frequency and has begun."""
    year, frequency, period = int(t.data["year"]), str(t.data["frequency"]), str(t.values["period"])
    if period not in periods(frequency):
        choices = ", ".join(periods(frequency))
        raise RuleViolation(f"Kỳ đo «{period}» không thuộc tần suất của mục tiêu (chọn: {choices}).",
                            f"'{period}' is not a period of this objective (one of: {choices}).",
                            field="period", code="wrong_period")
    if span(year, period)[0] > t.world.today():
        raise RuleViolation(f"Kỳ «{period}» năm {year} chưa bắt đầu.", f"Period {period} of {year} has not begun.",
                            field="period", code="future_period")


def _leader_or_secretary(t: Taking) -> None:
    if t.role != Role.ISO_SECRETARY:
        leader_of("department")(t)


def _at_year_end(t: Taking) -> None:
    year = int(t.data["year"])
    if t.world.today() < date(year, 12, 1):
        raise RuleViolation(f"Mục tiêu năm {year} chỉ được kết thúc từ ngày 01/12/{year}.",
                            f"An objective of {year} may be closed from 01/12/{year} on.", field="result",
                            code="too_early")


# ---- effects (pure over the event: replayed identically by the aggregate and the projection) -------------
def _stamped(name: str) -> Any:
    def effect(data: dict[str, Any], applied: Applied) -> None:
        merge(data, applied)
        data[f"{name}_at"] = applied.at
    return effect


def _revised(data: dict[str, Any], applied: Applied) -> None:
    """A new revision: the definition as it stood is kept in ``revisions``, then the new values apply."""
    before = {k: data[k] for k in DEFINITION if k in data}
    data.setdefault("revisions", []).append({"revision": data.get("revision", 1), "values": before,
                                             "replaced_by": applied.user_id, "replaced_at": applied.at})
    data["revision"] = data.get("revision", 1) + 1
    data.pop("proposal", None)
    merge(data, applied)


def _proposed(data: dict[str, Any], applied: Applied) -> None:
    data["proposal"] = {**applied.values, "by": applied.user_id, "at": applied.at}


def _measured(data: dict[str, Any], applied: Applied) -> None:
    data.setdefault("measurements", []).append({**applied.values, "by": applied.user_id, "role": applied.role,
                                                "at": applied.at, "seq": applied.seq})


def _closed(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data["closed_on"] = _local_day(applied.at)


def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The objective's status from its measurements (frozen on the day it was closed)."""
    if not {"direction", "baseline", "target", "frequency", "year"} <= set(data):
        return {}
    closed_on = data.get("closed_on")
    day = date.fromisoformat(closed_on) if closed_on else today
    return status(direction=data["direction"], baseline=data["baseline"], target=data["target"],
                  frequency=data["frequency"], year=int(data["year"]), measurements=data.get("measurements", []),
                  today=day, closed=bool(closed_on))


OBJECTIVES = register(Process(
    name="quality_objective", collection="objectives", clause="6.2",
    label=("Mục tiêu chất lượng", "Quality objective"),
    states={"draft": ("Dự thảo", "Draft"), "submitted": ("Trình phê duyệt", "Submitted"),
            "approved": ("Đã phê duyệt", "Approved"), "allocated": ("Đã giao phòng ban", "Allocated"),
            "change_proposed": ("Phòng ban đề nghị điều chỉnh", "Change proposed"),
            "registered": ("Phòng ban đã đăng ký", "Registered"), "closed": ("Đã kết thúc năm", "Closed")},
    final=("closed",),
    key=("year", "code"),
    title=lambda d: f"{d.get('code')} — {d.get('title')}",
    derive=derive,
    deadlines=(Deadline("approved", 2, 28, ("Phê duyệt mục tiêu chất lượng", "Quality objectives approved")),
               Deadline("registered", 2, 28, ("Phòng ban đăng ký mục tiêu", "Objectives registered"))),
    steps=(
        Step("draft", ("Soạn dự thảo", "Draft"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("policy", "ref", ("Chính sách chất lượng của năm", "The year's quality policy"),
                           process="quality_policy"),
                     Field("code", "text", ("Mã mục tiêu", "Code"), max_len=30), *_definition(True)),
             rules=(in_own_agency_year(), _under_the_years_policy, _coherent_target)),
        Step("submit", ("Trình phê duyệt", "Submit"), ("draft",), "submitted", SECRETARY,
             fields=(Field("document", "document", ("Quyết định ban hành mục tiêu", "Objectives decision"),
                           required=False),)),
        Step("return", ("Trả lại để sửa", "Return for changes"), ("submitted",), "draft", LEADER, reason=True),
        Step("approve", ("Phê duyệt", "Approve"), ("submitted",), "approved", LEADER, signature="approval",
             effect=_stamped("approved"),
             hint=("Ký phê duyệt quyết định ban hành mục tiêu trước (trang tài liệu → Ký số).",
                   "Sign the objectives decision for approval first (document page → Sign).")),
        Step("allocate", ("Giao cho phòng ban", "Allocate to a department"), ("approved",), "allocated", LEADER,
             fields=(Field("department", "department", ("Phòng ban thực hiện", "Department")),
                     Field("owner", "person", ("Người chịu trách nhiệm", "Owner"), required=False)),
             rules=(_department_has_a_leader,), effect=_stamped("allocated")),
        Step("register", ("Đăng ký thực hiện", "Register"), ("allocated",), "registered", DEPARTMENT_LEADER,
             fields=(Field("owner", "person", ("Người chịu trách nhiệm", "Owner"), required=False),
                     Field("note", "long_text", ("Ghi chú", "Note"), required=False)),
             rules=(leader_of("department"), _has_an_owner), effect=_stamped("registered")),
        Step("propose_change", ("Đề nghị điều chỉnh", "Propose a change"), ("allocated",), "change_proposed",
             DEPARTMENT_LEADER, reason=True,
             fields=(Field("target", "number", ("Chỉ tiêu đề nghị", "Proposed target"), required=False),
                     Field("plan_actions", "long_text", ("Công việc đề nghị", "Proposed actions"),
                           required=False)),
             rules=(leader_of("department"),), effect=_proposed),
        Step("revise", ("Sửa đổi (phiên bản mới)", "Revise (new revision)"),
             ("draft", "change_proposed", "registered"), "draft", SECRETARY, reason=True,
             fields=_definition(False), rules=(_changes_something, _coherent_target), effect=_revised,
             hint=("Nội dung trước khi sửa được giữ lại; mục tiêu sửa đổi phải được phê duyệt lại.",
                   "The previous content is kept; a revised objective is approved again.")),
        Step("measurements", ("Nhập số liệu đo", "Enter a measurement"), ("registered",), None, MEASURERS,
             fields=(Field("period", "text", ("Kỳ đo", "Period"), max_len=10),
                     Field("value", "number", ("Giá trị đo được", "Measured value")),
                     Field("evidence", "file", ("Tệp minh chứng", "Evidence file")),
                     Field("note", "long_text", ("Ghi chú", "Note"), required=False)),
             rules=(_owner_or_department_leader, _a_started_period), effect=_measured),
        Step("close", ("Kết thúc năm", "Close the year"), ("registered",), "closed",
             (Role.DEPARTMENT_LEADER, Role.ISO_SECRETARY),
             fields=(Field("result", "long_text", ("Kết quả thực hiện", "Result")),),
             rules=(_leader_or_secretary, _at_year_end), effect=_closed),
    ),
))
