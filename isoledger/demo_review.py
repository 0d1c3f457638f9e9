"""The demo's management reviews and continual improvement, told as scenes: the Sở KH&CN Trà Vinh's 2025 review
completed (notice in 10/2025, two departments' reports, the input pack frozen, the meeting of 24/10/2025, the
minutes signed by the Giám đốc, two decisions done, closed), the 2026 review waiting on one department's report,
and the 2026 improvement programme approved with three proposals in different states."""

from __future__ import annotations

from datetime import date
from typing import Any

from isoledger.demo import Demo, actor
from isoledger.demo_pdfs import Paper, Section
from usecases.review_pack import freeze_values

R25, R26, PROGRAMME = "XXLD-2025", "XXLD-2026", "CTCT-2026"


def story(d: Demo) -> None:
    """Sets the scenes of the reviews and the improvement programme (each on its own office-hours moment)."""
    _review_2025(d)
    _improvement_2026(d)
    _review_2026(d)


def _open(d: Demo, who: str, process: str, key: str, **values: Any) -> None:
    d.cases[key] = d.ledger.open_case(actor(who), process, values=values)


def _take(d: Demo, who: str, key: str, step: str, reason: str = "", **values: Any) -> None:
    d.ledger.take_step(actor(who), d.cases[key], step, values=values, reason=reason)


def _freeze(d: Demo, key: str) -> None:
    """The ISO secretary freezes the input pack: the hash of the pack as the log stands now is recorded."""
    _take(d, "thuky", key, "freeze", **freeze_values(d.ledger, d.ledger.case(d.cases[key])))


def _minutes(d: Demo, key: str, year: int, held: date) -> None:
    """The minutes drafted as a controlled document, approved and signed for approval by the chair."""
    doc = d.document(f"BB-{key}", f"Biên bản họp xem xét của lãnh đạo năm {year}", "management_review")
    n = d.draft(doc, minutes_paper(year, held), f"BB-{key} Biên bản họp xem xét của lãnh đạo",
                f"Biên bản họp ngày {held:%d/%m/%Y}")
    d.submit(doc, n)
    d.approve(doc, n)
    d.sign(doc, n)


def minutes_paper(year: int, held: date) -> Paper:
    return Paper(
        kind="Biên bản", title=f"Họp xem xét của lãnh đạo năm {year}", number=f"Số: {held.day + 10}/BB-SKHCN",
        dated=held, signer_title="CHỦ TRÌ", signer_name="Nguyễn Văn Ánh", recipients=("Lưu: VT, ISO.",),
        sections=(
            Section("1. HỒ SƠ ĐẦU VÀO", ("Hồ sơ đầu vào do Thư ký ISO chốt trên hệ thống ISO điện tử, gồm báo cáo "
                                       "của Phòng Kế hoạch - Tài chính và Phòng Quản lý Khoa học.",)),
            Section("2. KẾT QUẢ THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG", (
                "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 99,2%; các mục tiêu khác đạt kế hoạch.",)),
            Section("3. KẾT LUẬN CỦA CHỦ TRÌ", (
                "Hệ thống quản lý chất lượng phù hợp, có hiệu lực. Giao Phòng Quản lý Khoa học sửa đổi QT-05 trước "
                "28/11; Văn phòng Sở khảo sát sự hài lòng của tổ chức, cá nhân trước 15/12.",)),
        ))


def _review_2025(d: Demo) -> None:
    def notice() -> None:
        _open(d, "thuky", "management_review", R25, year=2025, meeting_date="2025-10-24", chair="giamdoc",
              agenda="Xem xét Hệ thống quản lý chất lượng năm 2025 theo TCVN ISO 9001:2015 mục 9.3: kết quả mục "
                     "tiêu chất lượng, đánh giá nội bộ, ý kiến của tổ chức, cá nhân, hành động khắc phục, rủi ro, "
                     "cơ hội cải tiến.")
        _take(d, "thuky", R25, "ask", department=d.departments["KHTC"],
              topics="Kết quả thực hiện mục tiêu chất lượng năm 2025; tình hình giải ngân kinh phí đề tài; rủi ro.")
        _take(d, "thuky", R25, "ask", department=d.departments["QLKH"],
              topics="Kết quả quản lý nhiệm vụ khoa học và công nghệ; sự không phù hợp và hành động khắc phục.")

    d.on("2025-10-06", "09:00", notice)
    d.on("2025-10-07", "08:30", lambda: _take(d, "thuky", R25, "notify"))
    d.on("2025-10-14", "14:00", lambda: _take(
        d, "truongphong", R25, "report", department=d.departments["KHTC"],
        report="Đạt 4/4 mục tiêu chất lượng năm 2025 của phòng; giải ngân kinh phí đề tài đạt 92% kế hoạch; rủi ro "
               "chậm nộp chứng từ thanh toán vẫn ở mức trung bình."))
    d.on("2025-10-15", "09:30", lambda: _take(
        d, "phophong", R25, "report", department=d.departments["QLKH"],
        report="Nghiệm thu 15 nhiệm vụ cấp tỉnh; 01 sự không phù hợp về biên bản hội đồng đang khắc phục; đề xuất "
               "số hóa hồ sơ đề tài."))
    d.on("2025-10-21", "10:00", lambda: _freeze(d, R25))
    d.on("2025-10-24", "15:30", lambda: _take(
        d, "thuky", R25, "hold", held_on="2025-10-24",
        attendees=["giamdoc", "truongphong", "phophong", "chanhvanphong", "thuky"],
        discussion="Ban Chỉ đạo ISO xem xét hồ sơ đầu vào đã chốt ngày 21/10/2025; thống nhất hai quyết định cải "
                   "tiến."))
    d.on("2025-10-27", "08:00", lambda: _minutes(d, R25, 2025, date(2025, 10, 24)))

    def minuted() -> None:
        _take(d, "giamdoc", R25, "minute", document=d.documents[f"BB-{R25}"],
              conclusions="Hệ thống quản lý chất lượng phù hợp và có hiệu lực. Quyết định: (1) sửa đổi QT-05 về thời "
                          "hạn hoàn thiện biên bản hội đồng; (2) khảo sát sự hài lòng của tổ chức, cá nhân trước "
                          "15/12/2025.")
        _take(d, "thuky", R25, "actions", action="Sửa đổi QT-05: biên bản hội đồng hoàn thiện trong 05 ngày làm việc",
              owner="phophong", due="2025-11-28")
        _take(d, "thuky", R25, "actions", action="Khảo sát sự hài lòng của tổ chức, cá nhân năm 2025",
              owner="chanhvanphong", due="2025-12-15")

    d.on("2025-10-27", "10:30", minuted)
    d.on("2025-11-20", "14:00", lambda: _take(d, "phophong", R25, "complete_action", action_id="A1",
                                              result="QT-05 lần ban hành 02 có hiệu lực từ 20/11/2025."))
    d.on("2025-12-10", "09:00", lambda: _take(d, "chanhvanphong", R25, "complete_action", action_id="A2",
                                              result="Khảo sát 214 phiếu; mức hài lòng 96,5%."))
    d.on("2025-12-12", "10:00", lambda: _take(d, "thuky", R25, "close"))


def _improvement_2026(d: Demo) -> None:
    def programme() -> None:
        _open(d, "thuky", "improvement_programme", PROGRAMME, year=2026,
              aims="Rút ngắn thời gian giải quyết thủ tục hành chính; số hóa hồ sơ nhiệm vụ khoa học và công nghệ.")
        _take(d, "thuky", PROGRAMME, "plan", round=1, area="Hồ sơ nhiệm vụ khoa học và công nghệ",
              department=d.departments["QLKH"], content="Số hóa sổ theo dõi hồ sơ đề tài", due="2026-06-30")
        _take(d, "thuky", PROGRAMME, "plan", round=2, area="Thủ tục hành chính",
              department=d.departments["KHTC"], content="Giảm 20% thời gian thẩm định hồ sơ thanh toán",
              due="2026-11-30")

    d.on("2026-01-12", "09:00", programme)
    d.on("2026-01-13", "09:00", lambda: _take(d, "thuky", PROGRAMME, "submit"))
    d.on("2026-01-15", "10:00", lambda: _take(d, "giamdoc", PROGRAMME, "approve", note="Đồng ý triển khai."))
    d.on("2026-07-06", "09:00", lambda: _take(d, "thuky", PROGRAMME, "report_round", round=1,
                                              result="Sổ theo dõi hồ sơ đề tài dùng chung từ 20/04/2026."))
    proposal = {"year": 2026, "situation": "", "proposal": "", "benefit": "", "effort": "low"}

    def routine() -> None:
        _open(d, "chuyenvien", "improvement", "CT-1", **proposal | {
            "department": d.departments["QLCN"], "title": "Bảng tính dùng chung theo dõi hồ sơ chuyển giao công nghệ",
            "area": "Hồ sơ chuyển giao công nghệ", "routine": True,
            "situation": "Sổ giấy, tra cứu mất khoảng 15 phút mỗi hồ sơ.",
            "proposal": "Dùng bảng tính dùng chung có cột hạn xử lý và người phụ trách.",
            "benefit": "Tra cứu dưới 1 phút; không còn hồ sơ quá hạn.", "programme": d.cases[PROGRAMME]})

    d.on("2026-02-09", "14:00", routine)
    d.on("2026-02-10", "09:00", lambda: _take(d, "truongqlcn", "CT-1", "screen",
                                              screening="Khả thi, không tốn kinh phí."))
    d.on("2026-02-11", "09:00", lambda: _take(d, "truongqlcn", "CT-1", "accept", owner="chuyenvien",
                                              due="2026-04-30"))
    d.on("2026-04-20", "15:00", lambda: _take(d, "chuyenvien", "CT-1", "implement",
                                              result="Bảng tính dùng từ 20/04/2026 cho 46 hồ sơ."))
    d.on("2026-05-05", "09:30", lambda: _take(d, "truongqlcn", "CT-1", "verify", achieved="achieved",
                                              measured="Tra cứu trung bình 40 giây mỗi hồ sơ; tháng 4 không hồ sơ "
                                                       "quá hạn."))
    d.on("2026-05-06", "10:00", lambda: _take(d, "truongqlcn", "CT-1", "close"))

    def software() -> None:
        _open(d, "truongphong", "improvement", "CT-2", **proposal | {
            "department": d.departments["KHTC"], "title": "Phần mềm thẩm định hồ sơ thanh toán kinh phí đề tài",
            "area": "Thanh toán kinh phí nhiệm vụ khoa học và công nghệ", "effort": "high",
            "situation": "Hồ sơ thanh toán thẩm định thủ công, trung bình 12 ngày làm việc.",
            "proposal": "Phần mềm có danh mục kiểm tra chứng từ và cảnh báo hạn.",
            "benefit": "Giảm thời gian thẩm định còn 8 ngày làm việc.", "programme": d.cases[PROGRAMME]})

    d.on("2026-03-09", "14:00", software)
    d.on("2026-03-10", "09:00", lambda: _take(d, "thuky", "CT-2", "screen",
                                              screening="Cần kinh phí; phù hợp đợt 2 của chương trình cải tiến."))
    d.on("2026-03-16", "10:00", lambda: _take(d, "giamdoc", "CT-2", "accept", owner="truongphong",
                                              due="2026-12-31", plan="Dự toán trong kế hoạch kinh phí năm 2026."))

    def duplicate() -> None:
        _open(d, "danhgia", "improvement", "CT-3", **proposal | {
            "department": d.departments["TTRA"], "title": "Mẫu biên bản thanh tra điện tử",
            "area": "Thanh tra chuyên ngành", "situation": "Biên bản viết tay.",
            "proposal": "Dùng mẫu biên bản điện tử có chữ ký số.", "benefit": "Lập biên bản nhanh hơn."})

    d.on("2026-04-13", "14:00", duplicate)
    d.on("2026-04-14", "09:00", lambda: _take(d, "giamdoc", "CT-3", "reject",
                                              reason="Thanh tra tỉnh đã ban hành mẫu biên bản điện tử dùng chung; "
                                                     "áp dụng mẫu đó."))


def _review_2026(d: Demo) -> None:
    def notice() -> None:
        _open(d, "thuky", "management_review", R26, year=2026, meeting_date="2026-12-04", chair="giamdoc",
              agenda="Xem xét Hệ thống quản lý chất lượng năm 2026 theo TCVN ISO 9001:2015 mục 9.3.")
        _take(d, "thuky", R26, "ask", department=d.departments["KHTC"],
              topics="Kết quả mục tiêu chất lượng năm 2026; kết quả đợt 2 chương trình cải tiến.")
        _take(d, "thuky", R26, "ask", department=d.departments["QLKH"],
              topics="Sự không phù hợp năm 2026 và hành động khắc phục; rủi ro của phòng.")

    d.on("2026-11-09", "09:00", notice)
    d.on("2026-11-10", "08:30", lambda: _take(d, "thuky", R26, "notify"))
    d.on("2026-11-17", "14:00", lambda: _take(
        d, "truongphong", R26, "report", department=d.departments["KHTC"],
        report="Đạt 5/6 mục tiêu chất lượng; mục tiêu giải ngân quý III chưa đạt; phần mềm thẩm định thanh toán "
               "đang triển khai."))
