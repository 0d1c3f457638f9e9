"""Nonconformity and corrective action (sự không phù hợp và hành động khắc phục, §10.2): raised from an audit
finding, a complaint, a management review, a missed objective or directly; contained, analysed, a plan with its
effectiveness criteria approved by the responsible leader, actions done, implementation verified, and
effectiveness checked later by someone who implemented none of it — an ineffective check reopens it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import RuleViolation
from ledger.qms import actions as A
from ledger.qms.declaration import Applied, Field, Process, Rule, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, leader_of, not_before_today, own_department
from ledger.vocabulary import Role

SOURCES = {"audit_finding": ("Phát hiện đánh giá nội bộ", "Audit finding"),
           "complaint": ("Phản ánh, khiếu nại", "Complaint"),
           "management_review": ("Xem xét của lãnh đạo", "Management review"),
           "missed_objective": ("Mục tiêu không đạt", "Missed objective"),
           "direct": ("Phát hiện trực tiếp", "Raised directly"),
           "inspection": ("Phát hiện khi kiểm tra của cơ quan chủ quản", "Inspection by the supervising agency")}
METHODS = {"five_whys": ("5 Tại sao", "Five whys"), "fishbone": ("Biểu đồ xương cá (Ishikawa)", "Fishbone (Ishikawa)"),
           "brainstorming": ("Động não", "Brainstorming"), "process_review": ("Xem xét quá trình", "Process review"),
           "other": ("Phương pháp khác", "Other")}
RESULTS = {"effective": ("Có hiệu lực", "Effective"), "ineffective": ("Không có hiệu lực", "Ineffective")}

# The roles a step names, the broadest first: the first one the actor holds is the one the event records.
MEMBERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR,
           Role.RECORDS_CONTROLLER, Role.STAFF)
MANAGERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER)
CHECKERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.INTERNAL_AUDITOR, Role.DEPARTMENT_LEADER)
LEADERS = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
OPEN_STATES = ("raised", "contained", "analysed", "planned", "verified", "effective", "reopened")


# ---- rules -------------------------------------------------------------------------------
def an_action_done(t: Taking) -> None:
    """Implementation is verified only when an action of the current plan is done (a cancelled one is not)."""
    current = t.data.get("round", 1)
    if not any(a.get("status") == A.DONE and a.get("round") == current for a in A.actions_of(t.data)):
        raise RuleViolation("Chưa có hành động khắc phục nào của kế hoạch được hoàn thành (hành động đã hủy không "
                            "tính).", "No corrective action of the plan is done yet (cancelled ones do not count).",
                            code="no_action_done")


def after_verification(t: Taking) -> None:
    """The effectiveness check is made on a later day than the verification of implementation."""
    verified = t.data.get("verified_on")
    if verified is not None and t.world.today().isoformat() <= str(verified):
        raise RuleViolation(f"Chỉ kiểm tra hiệu lực sau ngày xác nhận thực hiện ({_vn(str(verified))}).",
                            f"Effectiveness is checked on a day after implementation was verified ({verified}).",
                            code="too_early")


def not_in_future(field: str) -> Rule:
    def rule(t: Taking) -> None:
        value = t.values.get(field)
        if value is not None and str(value) > t.world.today().isoformat():
            raise RuleViolation("Ngày này chưa đến.", "That date has not come yet.", field=field, code="date_in_future")
    return rule


def _vn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


# ---- effects -------------------------------------------------------------------------------
def analysed(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.setdefault("analyses", []).append({**applied.values, "by": applied.user_id, "at": applied.at})


def planned(data: dict[str, Any], applied: Applied) -> None:
    """A new plan starts a new round: its criteria are the ones the next effectiveness check is judged by."""
    merge(data, applied)
    data["round"] = len(data.setdefault("plans", [])) + 1
    data["plans"].append({**applied.values, "round": data["round"], "approved_by": applied.user_id,
                          "at": applied.at})


def verified(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(verified_on=vn_day(applied.at).isoformat(), verified_by=applied.user_id, awaiting_check=True)


def checked(data: dict[str, Any], applied: Applied) -> None:
    data.setdefault("checks", []).append({**applied.values, "round": data.get("round", 1),
                                          "criteria": data.get("criteria"), "by": applied.user_id, "at": applied.at})
    data["awaiting_check"] = False


def reopened(data: dict[str, Any], applied: Applied) -> None:
    data["awaiting_check"] = False
    data["reopened"] = int(data.get("reopened", 0)) + 1


def cancelled(data: dict[str, Any], applied: Applied) -> None:
    A.cancel_open(data, applied)
    data.update(awaiting_check=False, cancelled_on=vn_day(applied.at).isoformat())


def closed(data: dict[str, Any], applied: Applied) -> None:
    data["closed_on"] = vn_day(applied.at).isoformat()


def ineffective_reopens(data: dict[str, Any], applied: Applied) -> None:
    checked(data, applied)
    if applied.values.get("result") == "ineffective":
        reopened(data, applied)


# ---- derived -------------------------------------------------------------------------------
def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    every = A.actions_of(data)
    checks = data.get("checks", [])
    due = data.get("check_on")
    return {"open_actions": len(A.open_actions(data)),
            "done_actions": sum(1 for a in every if a.get("status") == A.DONE),
            "cancelled_actions": sum(1 for a in every if a.get("status") == A.CANCELLED),
            "overdue_actions": A.overdue_actions(data, today),
            "last_check": checks[-1]["result"] if checks else None,
            "effectiveness_due": bool(data.get("awaiting_check")) and bool(due) and str(due) <= today.isoformat(),
            "round": data.get("round", 0)}


NONCONFORMITIES = register(Process(
    name="nonconformity", collection="nonconformities", clause="10.2",
    label=("Sự không phù hợp", "Nonconformity"),
    states={"raised": ("Đã ghi nhận", "Raised"), "contained": ("Đã khắc phục tức thời", "Contained"),
            "analysed": ("Đã phân tích nguyên nhân", "Analysed"),
            "planned": ("Đang thực hiện khắc phục", "Corrective action under way"),
            "verified": ("Đã xác nhận thực hiện", "Implementation verified"),
            "effective": ("Đã có hiệu lực", "Effective"),
            "reopened": ("Mở lại, phân tích lại", "Reopened for analysis"),
            "closed": ("Đã đóng", "Closed"), "cancelled": ("Đã hủy", "Cancelled")},
    final=("closed", "cancelled"),
    title=lambda d: str(d.get("title", "")),
    derive=derive,
    steps=(
        Step("raise", ("Ghi nhận", "Raise"), (), "raised", MEMBERS,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("department", "department", ("Phòng ban chịu trách nhiệm", "Responsible department")),
                     Field("source", "choice", ("Nguồn", "Source"), choices=SOURCES),
                     Field("ref", "ref", ("Mục nguồn (phát hiện, phản ánh...)", "Source item"), required=False),
                     Field("title", "text", ("Tên sự không phù hợp", "Name"), max_len=300),
                     Field("description", "long_text", ("Mô tả", "Description")),
                     Field("requirement", "text", ("Yêu cầu không được đáp ứng", "Requirement not met"),
                           required=False),
                     Field("detected_on", "date", ("Ngày phát hiện", "Detected on"), required=False)),
             rules=(in_own_agency_year(), not_in_future("detected_on"))),
        Step("contain", ("Khắc phục tức thời", "Contain"), ("raised",), "contained", MANAGERS,
             fields=(Field("correction", "long_text", ("Việc khắc phục, ngăn chặn", "Correction or containment")),),
             rules=(own_department(),)),
        Step("analyse", ("Phân tích nguyên nhân", "Analyse the cause"), ("raised", "contained", "analysed",
                                                                       "reopened"), "analysed", MANAGERS,
             fields=(Field("method", "choice", ("Phương pháp", "Method"), choices=METHODS),
                     Field("causes", "long_text", ("Nguyên nhân gốc", "Root causes"))),
             rules=(own_department(),), effect=analysed),
        Step("plan", ("Phê duyệt kế hoạch khắc phục", "Approve the corrective-action plan"), ("analysed",), "planned",
             LEADERS,
             fields=(Field("plan", "long_text", ("Kế hoạch hành động khắc phục", "Corrective-action plan")),
                     Field("criteria", "long_text", ("Tiêu chí đánh giá hiệu lực", "Effectiveness criteria")),
                     Field("check_on", "date", ("Ngày kiểm tra hiệu lực dự kiến", "Effectiveness check planned on"))),
             rules=(leader_of("department"), not_before_today("check_on")), effect=planned),
        Step("actions", ("Thêm hành động", "Add an action"), ("planned",), None, MANAGERS, fields=A.ADD_FIELDS,
             rules=(own_department(), not_before_today("due")), effect=A.add),
        Step("complete_action", ("Hoàn thành hành động", "Complete an action"), ("planned",), None, MEMBERS,
             fields=A.COMPLETE_FIELDS, rules=(A.action_open, A.owner_or_leader()), effect=A.complete),
        Step("cancel_action", ("Hủy hành động", "Cancel an action"), ("planned",), None, LEADERS,
             fields=A.CANCEL_FIELDS, reason=True, rules=(leader_of("department"), A.action_open), effect=A.cancel),
        Step("verify", ("Xác nhận thực hiện", "Verify implementation"), ("planned",), "verified", CHECKERS,
             fields=(Field("note", "long_text", ("Kết quả xác nhận", "What was verified")),),
             rules=(own_department(), A.none_open(("xác nhận thực hiện", "verify")), an_action_done),
             effect=verified),
        Step("effectiveness", ("Kiểm tra hiệu lực", "Check effectiveness"), ("verified",), "effective", CHECKERS,
             fields=(Field("result", "choice", ("Kết luận", "Result"), choices=RESULTS),
                     Field("findings", "long_text", ("Đối chiếu với tiêu chí", "Findings against the criteria"))),
             rules=(after_verification, A.not_an_owner), effect=ineffective_reopens,
             branch=("result", {"ineffective": "reopened"}),
             hint=("Không có hiệu lực: mở lại để phân tích nguyên nhân lại.",
                   "Ineffective: the nonconformity reopens for a new analysis.")),
        Step("reopen", ("Mở lại", "Reopen"), ("verified", "effective"), "reopened", MANAGERS, reason=True,
             rules=(own_department(),), effect=reopened),
        Step("cancel", ("Hủy", "Cancel"), OPEN_STATES, "cancelled", LEADERS, reason=True,
             rules=(leader_of("department"),), effect=cancelled),
        Step("close", ("Đóng", "Close"), ("effective",), "closed", MANAGERS,
             rules=(own_department(), A.none_open(("đóng", "close"))), effect=closed),
    ),
))
