"""The pages' words: Vietnamese first, English beside it; labels for roles, statuses, tasks and events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.actors import ROLES
from ledger.document import KINDS
from ledger.record import CONFIDENTIALITY
from ledger.vocabulary import DestructionStatus, VersionStatus

LANGS = ("vi", "en")


def chooser(lang: str) -> Callable[[str, str], str]:
    """``_(vi, en)`` in the templates: both texts sit side by side, so neither can go missing."""
    if lang == "en":
        return lambda vi, en: en
    return lambda vi, en: vi


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def role(code: str, lang: str) -> str:
    return pick(ROLES.get(code, (code, code)), lang)


def standing(doc: dict[str, Any], ver: dict[str, Any]) -> str:
    """A version's status as people read it on the day the document state is for: ``in_force``, ``upcoming``
    (issued, not yet in force), or its recorded status (a superseded version stays in force until its
    successor's effective date)."""
    if ver["n"] == doc.get("in_force"):
        return "in_force"
    if ver["n"] == doc.get("upcoming"):
        return "upcoming"
    return str(ver["status"])


def kind(code: str, lang: str) -> str:
    label = KINDS.get(code)
    return pick((label[0], label[1]), lang) if label else code


VERSION_STATUS = {
    VersionStatus.DRAFT: ("Dự thảo", "Draft"), VersionStatus.SUBMITTED: ("Đang xem xét", "Under review"),
    VersionStatus.APPROVED: ("Đã phê duyệt", "Approved"), VersionStatus.REJECTED: ("Bị từ chối", "Rejected"),
    VersionStatus.ISSUED: ("Đã ban hành", "Issued"), VersionStatus.SUPERSEDED: ("Đã bị thay thế", "Superseded"),
    VersionStatus.WITHDRAWN: ("Đã thu hồi", "Withdrawn"),
    # what standing() adds on the document's day
    "in_force": ("Đang hiệu lực", "In force"),
    "upcoming": ("Đã ban hành, chưa có hiệu lực", "Issued, not yet in force"),
}
REGISTER_STATUS = {
    "in_force": ("Đang hiệu lực", "In force"),
    "upcoming": ("Đã ban hành, chưa có hiệu lực", "Issued, not yet in force"),
    "pending": ("Dự thảo, đang xử lý", "Drafts in progress"),
    "superseded": ("Có phiên bản bị thay thế", "With superseded versions"),
    "obsolete": ("Đã hủy bỏ", "Obsolete"), "all": ("Tất cả", "All"),
}
TASKS = {
    "submit": ("Hoàn thiện và trình dự thảo", "Finish and submit the draft"),
    "revise": ("Sửa dự thảo bị từ chối", "Revise the rejected draft"),
    "review": ("Cho ý kiến xem xét", "Review"), "approve": ("Phê duyệt", "Approve"),
    "sign": ("Ký số phê duyệt", "Sign for approval"), "issue": ("Ban hành", "Issue"),
}
VERDICTS = {"agree": ("Đồng ý", "Agree"), "agree_with_comments": ("Đồng ý, có góp ý", "Agree with comments"),
            "disagree": ("Không đồng ý", "Disagree")}
METHODS = {"crypto_shredding": ("Xóa khóa mã hóa (hủy số)", "Crypto-shredding"),
           "shredding": ("Cắt hủy", "Shredding"), "burning": ("Đốt", "Burning"), "pulping": ("Nghiền bột", "Pulping")}
EVENTS = {
    "Registered": ("Đăng ký", "Registered"), "DraftCreated": ("Tạo dự thảo", "Draft created"),
    "DraftRevised": ("Sửa dự thảo", "Draft revised"), "SubmittedForReview": ("Trình xem xét", "Submitted"),
    "Reviewed": ("Xem xét", "Reviewed"), "Approved": ("Phê duyệt", "Approved"), "Rejected": ("Từ chối", "Rejected"),
    "Signed": ("Ký số", "Signed"), "Issued": ("Ban hành", "Issued"), "Superseded": ("Bị thay thế", "Superseded"),
    "Withdrawn": ("Thu hồi", "Withdrawn"), "Reinstated": ("Tiếp tục hiệu lực", "Reinstated"),
    "Obsoleted": ("Hủy bỏ", "Obsoleted"),
    "Opened": ("Lập hồ sơ", "Opened"), "FileAdded": ("Thêm tệp", "File added"), "Closed": ("Kết thúc", "Closed"),
    "LegalHoldPlaced": ("Phong tỏa", "Legal hold placed"), "LegalHoldReleased": ("Gỡ phong tỏa", "Hold released"),
    "Borrowed": ("Cho mượn", "Borrowed"), "LoanExtended": ("Gia hạn mượn", "Loan extended"),
    "Returned": ("Trả hồ sơ", "Returned"), "DestructionProposed": ("Đề nghị hủy", "Destruction proposed"),
    "DestructionApproved": ("Phê duyệt hủy", "Destruction approved"), "Destroyed": ("Đã hủy", "Destroyed"),
}
DESTRUCTION = {DestructionStatus.PROPOSED: ("Đã đề nghị hủy, chờ phê duyệt", "Proposed, awaiting approval"),
               DestructionStatus.APPROVED: ("Đã phê duyệt hủy, chờ thực hiện", "Approved, awaiting execution"),
               DestructionStatus.EXECUTED: ("Đã hủy", "Destroyed")}
CONFIDENTIALITY_EN = {"public": "Public", "internal": "Internal", "confidential": "Confidential"}


def label(table: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    if code is None:
        return ""
    return pick(table.get(code, (code, code)), lang)


def confidentiality(code: str, lang: str) -> str:
    return CONFIDENTIALITY_EN.get(code, code) if lang == "en" else CONFIDENTIALITY.get(code, code)


# Messages shown after a command succeeded (?ok=...), so a reload does not repeat the command.
DONE = {
    "acknowledged": ("Đã ghi nhận: bạn đã đọc và hiểu.", "Recorded: you have read and understood it."),
    "periodic_review": ("Đã ghi nhận việc xem xét định kỳ.", "The periodic review is recorded."),
    "ack_reminded": ("Đã nhắc những người chưa đọc và hiểu.", "Those who have not acknowledged it were reminded."),
    "registered": ("Đã đăng ký tài liệu.", "The document is registered."),
    "drafted": ("Đã tải lên dự thảo.", "The draft is uploaded."),
    "revised": ("Đã sửa dự thảo.", "The draft is revised."),
    "submitted": ("Đã trình xem xét và phê duyệt.", "Submitted for review and approval."),
    "reviewed": ("Đã ghi ý kiến xem xét.", "Your review is recorded."),
    "approved": ("Đã phê duyệt.", "Approved."), "rejected": ("Đã từ chối, kèm lý do.", "Rejected, with the reason."),
    "signed": ("Đã ký số. Kết quả kiểm tra chữ ký ở dưới.", "Signed. The signature's validation result is below."),
    "issued": ("Đã ban hành.", "Issued."),
    "withdrawn": ("Đã thu hồi phiên bản; lý do được lưu trong lịch sử.",
                  "The version is withdrawn; the reason is kept in the history."),
    "obsoleted": ("Đã hủy bỏ tài liệu; lý do được lưu trong lịch sử.",
                  "The document is obsolete; the reason is kept in the history."),
    "opened": ("Đã lập hồ sơ.", "The record is opened."),
    "file_added": ("Đã thêm tệp vào hồ sơ.", "The file is added."), "closed": ("Đã kết thúc hồ sơ.", "Closed."),
    "held": ("Đã phong tỏa hồ sơ.", "Legal hold placed."), "released": ("Đã gỡ phong tỏa.", "Hold released."),
    "lent": ("Đã ghi nhận cho mượn.", "The loan is recorded."), "extended": ("Đã gia hạn.", "Loan extended."),
    "returned": ("Đã nhận lại hồ sơ.", "The record is back."),
    "proposed": ("Đã đề nghị hủy.", "Destruction proposed."),
    "destruction_approved": ("Đã phê duyệt hủy.", "Destruction approved."),
    "destroyed": ("Đã hủy hồ sơ; biên bản được lưu.", "The record is destroyed; the minutes are kept."),
    "granted": ("Đã cấp quyền xem tệp hồ sơ mật.", "Access to the confidential files is granted."),
    "revoked": ("Đã thu hồi quyền xem tệp hồ sơ mật.", "Access to the confidential files is revoked."),
    "signed_out": ("Bạn đã đăng xuất.", "You are signed out."),
}
