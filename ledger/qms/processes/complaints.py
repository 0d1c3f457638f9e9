"""Complaints and feedback (phản ánh, khiếu nại, góp ý; §8.2.1, §9.1.2): received from the public page or recorded
by staff, assigned to a department, answered, closed or rejected with a reason, and published anonymised."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import InvalidInput, NotAllowed
from ledger.qms.declaration import Applied, Field, Process, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import not_before_today, own_department
from ledger.vocabulary import Role

# The system actor that opens a case on behalf of the public (the public page or its API): never an account.
PUBLIC_PORTAL = "cong-khai"
KINDS = {"feedback": ("Phản ánh", "Feedback"), "complaint": ("Khiếu nại", "Complaint"),
         "suggestion": ("Góp ý", "Suggestion")}
CHANNELS = {"web": ("Trang công khai (trực tuyến)", "Public page (online)"), "phone": ("Điện thoại", "Phone"),
            "letter": ("Thư, văn bản", "Letter"), "in_person": ("Trực tiếp", "In person"),
            "one_stop": ("Bộ phận một cửa", "One-stop desk")}
GROUNDS = {"out_of_scope": ("Không thuộc thẩm quyền", "Out of scope"), "duplicate": ("Trùng lặp", "Duplicate")}
# The fields that name the sender: shown to the agency's own people only, never on a public page or answer.
PERSONAL = ("sender_name", "sender_contact", "client", "attachment", "attachments")

RECEIVERS = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.RECORDS_CONTROLLER, Role.STAFF,
             Role.SERVICE_ACCOUNT)
STAFF_SIDE = RECEIVERS[:-1]  # the agency's own people (the portal attaches only when it receives)
DISPATCHERS = (Role.ISO_SECRETARY, Role.AGENCY_LEADER)
ANSWERERS = (Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<!\w)\+?\d(?:[\s.\-()]*\d){7,13}(?!\w)")


def scrub(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by «…» (what a public page may show)."""
    return _PHONE.sub("[…]", _EMAIL.sub("[…]", text))


# ---- rules -------------------------------------------------------------------------------
def public_channel(t: Taking) -> None:
    """Only the public portal (a system actor, not an account) opens a case from the web, and only from the web:
    staff record the other channels; an integration's service account may not pose as the portal."""
    portal = t.actor.user_id == PUBLIC_PORTAL and t.world.account(PUBLIC_PORTAL) is None
    if t.role == Role.SERVICE_ACCOUNT and not portal:
        raise NotAllowed("Chỉ cổng công khai được tiếp nhận phản ánh thay người dân.",
                         "Only the public portal receives feedback on the public's behalf.", code="not_public_portal")
    if portal != (t.values.get("channel") == "web"):
        raise InvalidInput("Kênh «trang công khai» chỉ dành cho phản ánh gửi từ trang công khai; hãy chọn kênh "
                           "đã tiếp nhận.", "The 'public page' channel is only for feedback sent from the public "
                           "page; choose the channel it came by.", field="channel")
    if t.values.get("client") and not portal:
        raise InvalidInput("Chỉ cổng công khai ghi địa chỉ người gửi (đã băm).",
                           "Only the public portal records the sender's (hashed) address.", field="client")


def duplicate_named(t: Taking) -> None:
    """A complaint rejected as a duplicate names the earlier one, which is another complaint."""
    if t.values.get("grounds") != "duplicate":
        return
    earlier = t.values.get("duplicate_of")
    if not earlier:
        raise InvalidInput("Hãy chọn phản ánh đã có mà phản ánh này trùng lặp.",
                           "Name the earlier complaint this one duplicates.", field="duplicate_of")


# ---- effects -------------------------------------------------------------------------------
def attached(data: dict[str, Any], applied: Applied) -> None:
    data.setdefault("attachments", []).append({**applied.values, "by": applied.user_id, "at": applied.at})


def assigned(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.setdefault("assignments", []).append({**applied.values, "by": applied.user_id, "at": applied.at})


def answered(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(answered_by=applied.user_id, answered_on=vn_day(applied.at).isoformat())


def published(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data["published_on"] = vn_day(applied.at).isoformat() if applied.values.get("published") else None


def closed(data: dict[str, Any], applied: Applied) -> None:
    data["closed_on"] = vn_day(applied.at).isoformat()


# ---- derived -------------------------------------------------------------------------------
def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    due = data.get("due")
    return {"published": bool(data.get("published")) and bool(data.get("answer")),
            "overdue": bool(due) and not data.get("answer") and str(due) < today.isoformat(),
            "from_public": data.get("channel") == "web"}


def public_view(case: Mapping[str, Any]) -> dict[str, Any]:
    """What the public may see of a complaint: its kind, date, subject, content and answer, with the sender's name
    and contact left out and e-mail addresses and phone numbers removed from the text (the secretary's
    ``public_text`` replaces the content when given, e.g. to remove a name the citizen wrote into it)."""
    data = case.get("data", {})
    shown = data.get("public_text") or data.get("content", "")
    return {"kind": data.get("kind"), "kind_label": KINDS.get(str(data.get("kind")), ("", ""))[0],
            "received_on": vn_day(str(case["opened_at"])).isoformat() if case.get("opened_at") else None,
             "subject": scrub(str(data.get("subject", ""))),
            "content": scrub(str(shown)), "answer": scrub(str(data.get("answer", ""))),
            "answered_on": data.get("answered_on"), "published_on": data.get("published_on")}


COMPLAINTS = register(Process(
    name="complaint", collection="complaints", clause="8.2.1",
    label=("Phản ánh, khiếu nại, góp ý", "Complaint or feedback"),
    states={"received": ("Đã tiếp nhận", "Received"), "assigned": ("Đã giao xử lý", "Assigned"),
            "answered": ("Đã trả lời", "Answered"), "closed": ("Đã đóng", "Closed"),
            "rejected": ("Không thụ lý", "Rejected")},
    final=("closed", "rejected"),
    title=lambda d: str(d.get("subject", "")),
    derive=derive,
    steps=(
        Step("receive", ("Tiếp nhận", "Receive"), (), "received", RECEIVERS,
             fields=(Field("kind", "choice", ("Loại", "Kind"), choices=KINDS),
                     Field("channel", "choice", ("Kênh tiếp nhận", "Received by"), choices=CHANNELS),
                     Field("subject", "text", ("Tiêu đề", "Subject"), max_len=200),
                     Field("content", "long_text", ("Nội dung", "Content"), max_len=5000),
                     Field("sender_name", "text", ("Họ tên người gửi", "Sender's name"), max_len=200),
                     Field("sender_contact", "text", ("Địa chỉ liên hệ (điện thoại, thư điện tử)",
                                                      "Contact (phone, e-mail)"), required=False, max_len=200),
                     Field("procedure", "text", ("Thủ tục hành chính liên quan", "Administrative procedure concerned"),
                           required=False, max_len=300),
                     Field("department", "department", ("Phòng ban liên quan", "Department concerned"),
                           required=False),
                     Field("attachment", "file", ("Tệp đính kèm", "Attachment"), required=False),
                     Field("client", "text", ("Địa chỉ người gửi (đã băm)", "Sender's address (hashed)"),
                           required=False, max_len=100)),
             rules=(public_channel,)),
        Step("attach", ("Đính kèm tệp", "Attach a file"), ("received", "assigned"), None, STAFF_SIDE,
             fields=(Field("file", "file", ("Tệp (thư, đơn đã quét, ảnh)", "File (a letter, a scan, a photo)")),
                     Field("note", "text", ("Ghi chú", "Note"), required=False)),
             effect=attached),
        Step("assign", ("Giao xử lý", "Assign"), ("received", "assigned"), "assigned", DISPATCHERS,
             fields=(Field("department", "department", ("Phòng ban xử lý", "Department handling it")),
                     Field("assignee", "person", ("Người xử lý", "Handled by"), required=False),
                     Field("due", "date", ("Hạn trả lời", "Answer due by"), required=False),
                     Field("note", "long_text", ("Chỉ đạo xử lý", "Instructions"), required=False)),
             rules=(not_before_today("due"),), effect=assigned),
        Step("answer", ("Trả lời", "Answer"), ("assigned",), "answered", ANSWERERS,
             fields=(Field("answer", "long_text", ("Nội dung trả lời", "Answer"), max_len=5000),),
             rules=(own_department(),), effect=answered,
             hint=("Lãnh đạo phòng được giao, hoặc thư ký ISO, trả lời.",
                   "The assigned department's leader, or the ISO secretary, answers.")),
        Step("publish", ("Công khai", "Publish"), ("answered",), None, (Role.ISO_SECRETARY,),
             fields=(Field("published", "flag", ("Công khai trên trang của cơ quan", "Shown on the public page")),
                     Field("public_text", "long_text", ("Nội dung công khai (đã lược bỏ thông tin cá nhân)",
                                                        "Content as published (personal data removed)"),
                           required=False, max_len=5000)),
             effect=published,
             hint=("Không công khai họ tên, liên hệ; thư điện tử và số điện thoại trong nội dung được tự động lược bỏ.",
                   "The name and contact are never published; e-mail addresses and phone numbers in the text are "
                   "removed automatically.")),
        Step("close", ("Đóng", "Close"), ("answered",), "closed", DISPATCHERS, effect=closed),
        Step("reject", ("Không thụ lý", "Reject"), ("received", "assigned"), "rejected", DISPATCHERS, reason=True,
             fields=(Field("grounds", "choice", ("Căn cứ", "Grounds"), choices=GROUNDS),
                     Field("duplicate_of", "ref", ("Trùng với phản ánh", "Duplicate of"), required=False,
                           process="complaint")),
             rules=(duplicate_named,), effect=closed),
    ),
))
