"""The demo's quality policy as a QMS process: 2025's approved and published, 2026's returned once with a reason,
then revised and submitted with its formal document, waiting on the leader (who must sign it for approval first).

The story (``demo_story.tell``) calls each part at its place in time, since the demo clock only goes forward.
"""

from __future__ import annotations

from datetime import date

from isoledger.demo import AGENCY_ID, Demo, actor
from isoledger.demo_papers import LEADER
from isoledger.demo_pdfs import Paper, Section
from ledger.qms.case import case_uuid
from ledger.qms.registry import process_named

STATEMENT = ("Sở Khoa học và Công nghệ tỉnh Trà Vinh cam kết xây dựng, áp dụng, duy trì và cải tiến thường xuyên "
             "Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 với phương châm: «Khoa học - Minh bạch - Đúng "
             "hẹn - Tận tụy».")
COMMITMENTS_2025 = ("Giải quyết thủ tục hành chính đúng quy định, đúng hẹn; lấy sự hài lòng của tổ chức, cá nhân "
                    "làm thước đo chất lượng phục vụ; lắng nghe ý kiến phản ánh để cải tiến liên tục.")
COMMITMENTS_2026 = (COMMITMENTS_2025 + " Cung cấp toàn bộ thủ tục hành chính đủ điều kiện dưới dạng dịch vụ công "
                    "trực tuyến toàn trình; số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.")
RETURNED = ("Đề nghị bổ sung cam kết về chuyển đổi số và dịch vụ công trực tuyến toàn trình theo Kế hoạch "
            "chuyển đổi số năm 2026 của UBND tỉnh.")


def policy_2025(d: Demo) -> None:
    """January 2025: the 2025 policy, on the CSCL document signed and issued in December 2024, is published."""
    secretary, leader = actor("thuky"), actor("giamdoc")
    d.at("2025-01-20", "08:40")
    case = d.ledger.open_case(secretary, "quality_policy", values={
        "year": 2025, "statement": STATEMENT, "commitments": COMMITMENTS_2025, "document": d.documents["CSCL"]})
    d.at("2025-01-22", "09:10")
    d.ledger.take_step(secretary, case, "submit", values={})
    d.at("2025-01-24", "10:00")
    d.ledger.take_step(leader, case, "approve", values={})
    d.at("2025-01-27", "08:30")
    d.ledger.take_step(secretary, case, "publish", values={})


def policy_2026_drafted(d: Demo) -> None:
    """January 2026: the 2026 policy is drafted and submitted; the leader returns it with a reason."""
    secretary = actor("thuky")
    d.at("2026-01-19", "08:30")
    case = d.ledger.open_case(secretary, "quality_policy", values={
        "year": 2026, "statement": STATEMENT, "commitments": COMMITMENTS_2025})
    d.at("2026-01-21", "09:00")
    d.ledger.take_step(secretary, case, "submit", values={})
    d.at("2026-01-23", "14:00")
    d.ledger.take_step(actor("giamdoc"), case, "return", values={}, reason=RETURNED)


def policy_2026_resubmitted(d: Demo) -> None:
    """November 2026: its formal document is drafted and approved (not signed yet); the secretary revises the
    policy and submits it with that document. It waits on the leader: sign the document, then approve."""
    secretary = actor("thuky")
    d.at("2026-11-23", "08:30")
    doc = d.document("CSCL-2026", "Chính sách chất lượng năm 2026", "quality_policy")
    d.draft(doc, paper_2026(date(2026, 11, 23)), "CSCL-2026 Chính sách chất lượng năm 2026",
            "Chính sách chất lượng năm 2026: bổ sung cam kết chuyển đổi số")
    d.submit(doc, 1)
    d.at("2026-11-24", "09:30")
    d.approve(doc, 1)
    d.at("2026-11-25", "08:45")
    case = policy_of(2026)
    d.ledger.take_step(secretary, case, "revise", values={"statement": STATEMENT, "commitments": COMMITMENTS_2026,
                                                          "document": doc})
    d.ledger.take_step(secretary, case, "submit", values={"document": doc})


def policy_of(year: int) -> str:
    """The id of the demo agency's policy case of ``year`` (a policy's id derives from its agency and year)."""
    return str(case_uuid(AGENCY_ID, process_named("quality_policy"), {"year": year}))


def paper_2026(dated: date) -> Paper:
    return Paper(
        kind="Chính sách chất lượng", title="Chính sách chất lượng năm 2026", number="Mã hiệu: CSCL-2026",
        dated=dated, signer_name=LEADER,
        recipients=("Các phòng thuộc Sở;", "Cổng thông tin điện tử của Sở;", "Lưu: VT, ISO."),
        sections=(Section("", (STATEMENT,)), Section("Chúng tôi cam kết:", (COMMITMENTS_2026,))))
