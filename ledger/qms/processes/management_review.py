"""Management review (xem xét của lãnh đạo, §9.3): a notice asking each department what to report, the departments'
reports, the input pack frozen from the log, the meeting, the minutes signed by the chair, and the decisions as
actions with owner and due date, tracked to closure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.qms import actions as A
from ledger.qms.declaration import Applied, Deadline, Field, Process, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, leader_of, not_after_today, not_before_today
from ledger.vocabulary import Role

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)
MANAGERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY)
MEMBERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR,
           Role.RECORDS_CONTROLLER, Role.STAFF)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
PACK_FIELDS = (Field("pack_sha256", "text", ("SHA-256 của hồ sơ đầu vào", "SHA-256 of the input pack"), required=False,
                     max_len=64),
               Field("pack_position", "integer", ("Vị trí trong sổ cái", "Position in the log"), required=False,
                     minimum=0),
               Field("pack_day", "date", ("Ngày chốt", "Day frozen"), required=False))
NOTICE_FIELDS = (Field("meeting_date", "date", ("Ngày họp dự kiến", "Meeting date")),
                 Field("chair", "person", ("Chủ trì (lãnh đạo cơ quan)", "Chair (the agency leader)")),
                 Field("agenda", "long_text", ("Nội dung cuộc họp", "Agenda")))


# ---- rules -------------------------------------------------------------------------------
def someone_asked(t: Taking) -> None:
    """The notice names at least one department and what it must report."""
    if not t.data.get("asks"):
        raise RuleViolation("Thông báo chưa nêu phòng ban nào phải báo cáo.",
                            "The notice asks no department for a report yet.", field="asks", code="no_department_asked")


def asked_once(t: Taking) -> None:
    """A department reports once, and only a department the notice asked."""
    dep = t.values.get("department")
    if not any(a.get("department") == dep for a in t.data.get("asks", [])):
        raise InvalidInput("Thông báo không yêu cầu phòng ban này báo cáo.",
                           "The notice does not ask this department for a report.", field="department")
    if any(r.get("department") == dep for r in t.data.get("reports", [])):
        raise RuleViolation("Phòng ban này đã gửi báo cáo.", "This department has already reported.",
                            field="department", code="already_reported")


def pack_recorded(t: Taking) -> None:
    """The freeze records the input pack's SHA-256, the log position and the day it was taken at (the server
    computes them: usecases/review_pack.py)."""
    for f in PACK_FIELDS:
        if t.values.get(f.name) is None:
            raise InvalidInput(f"Trường «{f.label[0]}» không được để trống.", f"'{f.label[1]}' is required.",
                               field=f.name)
    if not SHA256.match(str(t.values["pack_sha256"])):
        raise InvalidInput("SHA-256 phải gồm 64 chữ số hexa.", "The SHA-256 must be 64 hex digits.",
                           field="pack_sha256")


def chair_leads(t: Taking) -> None:
    """The chair the notice names is a leader of the agency (the one who will sign the minutes)."""
    chair = t.values.get("chair")
    if chair is None:
        return
    account = t.world.account(str(chair)) or {}
    if account.get("roles") and Role.AGENCY_LEADER not in account["roles"]:
        raise InvalidInput("Người chủ trì phải là lãnh đạo cơ quan.", "The chair must be a leader of the agency.",
                           field="chair")


def chair_only(t: Taking) -> None:
    """The minutes are signed by the chair the notice named."""
    if t.data.get("chair") != t.actor.user_id:
        raise NotAllowed("Chỉ người chủ trì cuộc họp được ký biên bản.",
                         "Only the meeting's chair may sign the minutes.", code="not_the_chair")


# ---- effects -----------------------------------------------------------------------------
def ask(data: dict[str, Any], applied: Applied) -> None:
    """Names a department and what it must report; asking the same department again replaces its topics."""
    asks = [a for a in data.get("asks", []) if a["department"] != applied.values["department"]]
    asks.append({"department": applied.values["department"], "topics": applied.values["topics"]})
    data["asks"] = asks


def notified(data: dict[str, Any], applied: Applied) -> None:
    data.update(notified_at=applied.at, notified_by=applied.user_id)


def reported(data: dict[str, Any], applied: Applied) -> None:
    data.setdefault("reports", []).append({**applied.values, "by": applied.user_id, "at": applied.at})


def frozen(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(frozen_at=applied.at, frozen_by=applied.user_id, frozen_seq=applied.seq)


def minuted(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(minuted_on=vn_day(applied.at).isoformat(), signed_by=applied.user_id)


def closed(data: dict[str, Any], applied: Applied) -> None:
    data["closed_on"] = vn_day(applied.at).isoformat()


def cancelled(data: dict[str, Any], applied: Applied) -> None:
    A.cancel_open(data, applied)
    data["cancelled_on"] = vn_day(applied.at).isoformat()


# ---- derived -------------------------------------------------------------------------------
def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    asked = [a["department"] for a in data.get("asks", [])]
    reported_by = {r["department"] for r in data.get("reports", [])}
    every = A.actions_of(data)
    return {"asked": len(asked), "reported": len(reported_by & set(asked)),
            "missing_reports": [d for d in asked if d not in reported_by],
            "pack_frozen": bool(data.get("pack_sha256")),
            "open_actions": len(A.open_actions(data)),
            "done_actions": sum(1 for a in every if a.get("status") == A.DONE),
            "overdue_actions": A.overdue_actions(data, today)}


MANAGEMENT_REVIEW = register(Process(
    name="management_review", collection="management-reviews", clause="9.3",
    published=("minuted", "closed"),
    public_fields=("year", "session", "held_on", "chair", "conclusions", "minuted_on", "closed_on"),
    label=("Xem xét của lãnh đạo", "Management review"),
    states={"draft": ("Dự thảo thông báo", "Notice drafted"),
            "notified": ("Đã thông báo, chờ báo cáo", "Notified, reports awaited"),
            "frozen": ("Đã chốt hồ sơ đầu vào", "Input pack frozen"),
            "held": ("Đã họp", "Meeting held"),
            "minuted": ("Biên bản đã ký, theo dõi quyết định", "Minutes signed, decisions tracked"),
            "closed": ("Đã đóng", "Closed"), "cancelled": ("Đã hủy", "Cancelled")},
    final=("closed", "cancelled"),
    title=lambda d: f"Xem xét của lãnh đạo năm {d.get('year')}" + (f" — {d['session']}" if d.get("session") else ""),
    department_field=None,
    derive=derive,
    deadlines=(Deadline("minuted", 10, 25, ("Họp xem xét của lãnh đạo, ký biên bản",
                                            "Management review held, minutes signed")),),
    steps=(
        Step("draft", ("Soạn thông báo", "Draft the notice"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("session", "text", ("Kỳ họp (khi họp nhiều lần trong năm)", "Session (when held more than "
                                               "once a year)"), required=False, max_len=100),
                     *NOTICE_FIELDS),
             rules=(in_own_agency_year(), not_before_today("meeting_date"), chair_leads)),
        Step("ask", ("Yêu cầu phòng ban báo cáo", "Ask a department to report"), ("draft",), None, SECRETARY,
             fields=(Field("department", "department", ("Phòng ban", "Department")),
                     Field("topics", "long_text", ("Nội dung phải báo cáo", "What it must report"))),
             effect=ask),
        Step("revise", ("Sửa thông báo", "Revise the notice"), ("draft",), None, SECRETARY,
             fields=tuple(Field(f.name, f.kind, f.label, required=False) for f in NOTICE_FIELDS),
             rules=(not_before_today("meeting_date"), chair_leads)),
        Step("notify", ("Gửi thông báo", "Send the notice"), ("draft",), "notified", SECRETARY,
             rules=(someone_asked,), effect=notified,
             hint=("Lãnh đạo các phòng ban được yêu cầu sẽ nhận thông báo.",
                   "The leaders of the departments asked are told.")),
        Step("report", ("Gửi báo cáo của phòng", "Send the department's report"), ("notified",), None,
             (Role.DEPARTMENT_LEADER,),
             fields=(Field("department", "department", ("Phòng ban", "Department")),
                     Field("report", "long_text", ("Nội dung báo cáo", "Report")),
                     Field("attachment", "file", ("Tệp báo cáo", "Report file"), required=False)),
             rules=(leader_of("department"), asked_once), effect=reported),
        Step("freeze", ("Chốt hồ sơ đầu vào", "Freeze the input pack"), ("notified",), "frozen", SECRETARY,
             fields=PACK_FIELDS, rules=(pack_recorded,), effect=frozen,
             hint=("Hệ thống lập hồ sơ đầu vào từ sổ cái tại thời điểm này và ghi mã SHA-256 của nó.",
                   "The system assembles the input pack from the log as of now and records its SHA-256.")),
        Step("hold", ("Ghi nhận cuộc họp", "Record the meeting"), ("frozen",), "held", SECRETARY,
             fields=(Field("held_on", "date", ("Ngày họp", "Held on")),
                     Field("attendees", "people", ("Thành phần tham dự", "Attendees")),
                     Field("discussion", "long_text", ("Nội dung thảo luận", "Discussion"))),
             rules=(not_after_today("held_on"),)),
        Step("minute", ("Ký biên bản", "Sign the minutes"), ("held",), "minuted", LEADER, signature="approval",
             fields=(Field("document", "document", ("Biên bản cuộc họp", "The minutes")),
                     Field("conclusions", "long_text", ("Kết luận, quyết định", "Conclusions and decisions"))),
             rules=(chair_only,), effect=minuted,
             hint=("Người chủ trì ký phê duyệt biên bản trước (trang tài liệu → Ký số).",
                   "The chair signs the minutes for approval first (document page → Sign).")),
        Step("actions", ("Giao hành động", "Assign an action"), ("minuted",), None, MANAGERS, fields=A.ADD_FIELDS,
             rules=(not_before_today("due"),), effect=A.add),
        Step("complete_action", ("Hoàn thành hành động", "Complete an action"), ("minuted",), None, MEMBERS,
             fields=A.COMPLETE_FIELDS, rules=(A.action_open, A.owner_or_leader()), effect=A.complete),
        Step("cancel_action", ("Hủy hành động", "Cancel an action"), ("minuted",), None, LEADER,
             fields=A.CANCEL_FIELDS, reason=True, rules=(A.action_open,), effect=A.cancel),
        Step("close", ("Đóng", "Close"), ("minuted",), "closed", MANAGERS,
             rules=(A.none_open(("đóng", "close")),), effect=closed),
        Step("cancel", ("Hủy", "Cancel"), ("draft", "notified", "frozen", "held"), "cancelled", LEADER, reason=True,
             effect=cancelled),
    ),
))
