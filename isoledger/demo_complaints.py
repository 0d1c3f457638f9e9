"""The demo's complaints and feedback: a 2025 complaint from the public page answered and published, a 2026 one
taken by phone that raised a nonconformity, and one just sent from the web form, waiting on the ISO secretary."""

from __future__ import annotations

import hashlib
from typing import Any

from isoledger.demo import AGENCY_ID, Demo, actor
from ledger.actors import Actor
from ledger.qms.processes.complaints import PUBLIC_PORTAL
from ledger.vocabulary import Role

PORTAL = Actor(PUBLIC_PORTAL, AGENCY_ID, frozenset({Role.SERVICE_ACCOUNT}), request_id="demo-public-page")


def _client(n: int) -> str:
    """A sender's address as the portal keeps it (keyed-hashed; here a demo value, never a real address)."""
    return "h:" + hashlib.sha256(f"demo-address-{n}".encode()).hexdigest()[:32]


def _from_public(d: Demo, key: str, n: int, values: dict[str, Any]) -> None:
    d.cases[key] = d.ledger.open_case(PORTAL, "complaint", values={**values, "channel": "web", "client": _client(n)})


def _open(d: Demo, who: str, key: str, process: str, values: dict[str, Any]) -> None:
    d.cases[key] = d.ledger.open_case(actor(who), process, values=values)


def _take(d: Demo, who: str, key: str, step: str, reason: str = "", **values: Any) -> None:
    d.ledger.take_step(actor(who), d.cases[key], step, values=values, reason=reason)


def story(d: Demo) -> None:
    """Sets the scenes of the complaints (each on its own office-hours moment)."""
    qlkh, qlcn = d.departments.get("QLKH", ""), d.departments.get("QLCN", "")

    # 2025: a complaint from the public page, answered by the department concerned and published.
    d.on("2025-03-11", "09:20", lambda: _from_public(d, "PA-2025-1", 1, {
        "kind": "complaint", "subject": "Hồ sơ đăng ký kết quả nhiệm vụ khoa học và công nghệ trả chậm",
        "content": "Tôi nộp hồ sơ đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ ngày 17/02/2025, phiếu "
                   "hẹn trả ngày 03/03/2025 nhưng đến nay vẫn chưa nhận được giấy chứng nhận. Đề nghị Sở kiểm tra "
                   "và trả lời. Điện thoại liên hệ: 0918 234 567.",
        "sender_name": "Kim Thị Sa Rươne", "sender_contact": "0918 234 567",
        "procedure": "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ"}))
    d.on("2025-03-11", "14:10", lambda: _take(d, "thuky", "PA-2025-1", "assign", department=qlkh, due="2025-03-21",
                                              note="Phòng Quản lý khoa học kiểm tra hồ sơ và trả lời công dân."))
    d.on("2025-03-18", "10:00", lambda: _take(
        d, "phophong", "PA-2025-1", "answer",
        answer="Hồ sơ của bà đã được cấp Giấy chứng nhận đăng ký kết quả ngày 14/03/2025 (chậm 09 ngày làm việc do "
               "hồ sơ phải bổ sung ý kiến của hội đồng). Sở xin lỗi bà vì đã trả kết quả chậm so với phiếu hẹn và "
               "đã nhắc bộ phận tiếp nhận thông báo kịp thời khi hồ sơ phải gia hạn."))
    d.on("2025-03-18", "15:00", lambda: _take(d, "thuky", "PA-2025-1", "publish", published=True))
    d.on("2025-03-19", "09:00", lambda: _take(d, "thuky", "PA-2025-1", "close"))

    # 2026: feedback taken by phone, which raised a nonconformity, then answered and closed.
    d.on("2026-04-07", "08:40", lambda: _open(d, "chuyenvien", "PA-2026-1", "complaint", {
            "kind": "feedback", "channel": "phone",
            "subject": "Thành phần hồ sơ trên trang thông tin điện tử khác với hướng dẫn tại bộ phận một cửa",
            "content": "Ông Tâm gọi điện phản ánh: trang thông tin điện tử của Sở ghi hồ sơ công bố sử dụng dấu định "
                       "lượng gồm 03 thành phần, nhưng bộ phận một cửa yêu cầu thêm bản sao giấy chứng nhận kiểm định.",
            "sender_name": "Trần Minh Tâm", "sender_contact": "0294 3851 234", "department": qlcn,
            "procedure": "Công bố sử dụng dấu định lượng"}))
    d.on("2026-04-07", "13:45", lambda: _take(d, "thuky", "PA-2026-1", "assign", department=qlcn, due="2026-04-17"))
    d.on("2026-04-08", "09:10", lambda: _open(d, "thuky", "NC-PA-2026-1", "nonconformity", {
            "year": 2026, "department": qlcn, "source": "complaint", "ref": d.cases["PA-2026-1"],
            "title": "Hướng dẫn thành phần hồ sơ TTHC không thống nhất giữa các kênh",
            "description": "Theo phản ánh của công dân ngày 07/04/2026: thành phần hồ sơ thủ tục công bố sử dụng dấu "
                           "định lượng công khai trên trang thông tin điện tử khác với hướng dẫn tại bộ phận một cửa.",
            "requirement": "TCVN ISO 9001:2015 điều 8.2.1 a; Nghị định 61/2018/NĐ-CP", "detected_on": "2026-04-07"}))
    d.on("2026-04-14", "10:30", lambda: _take(
        d, "truongqlcn", "PA-2026-1", "answer",
        answer="Thành phần hồ sơ đúng là 03 thành phần như trang thông tin điện tử; bộ phận một cửa đã được hướng dẫn "
               "lại. Sở đã gọi điện trả lời ông Tâm ngày 14/04/2026."))
    d.on("2026-04-15", "09:30", lambda: _take(d, "thuky", "PA-2026-1", "close"))

    # Just now: a suggestion sent from the web form, waiting on the ISO secretary to assign it.
    d.on("2026-11-30", "16:20", lambda: _from_public(d, "PA-2026-2", 2, {
        "kind": "suggestion", "subject": "Đề nghị tiếp nhận hồ sơ vào sáng thứ Bảy",
        "content": "Nhiều doanh nghiệp nhỏ khó sắp xếp nộp hồ sơ trong giờ hành chính. Đề nghị Sở bố trí tiếp nhận "
                   "hồ sơ thủ tục hành chính vào sáng thứ Bảy, ít nhất hai tuần một lần.",
        "sender_name": "Lê Hoàng Phúc", "sender_contact": "phuc.le@example.vn"}))
