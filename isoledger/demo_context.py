"""The demo's context of the organisation (§4.1–4.2) for 2026: the Sở KH&CN Trà Vinh's SWOT issues and interested
parties, drafted by the ISO secretary in January 2026 and submitted complete, waiting on the leader's approval."""

from __future__ import annotations

from isoledger.demo import Demo, actor

SCOPE = ("Toàn bộ hoạt động giải quyết thủ tục hành chính và quản lý nhà nước về khoa học và công nghệ của Sở "
         "Khoa học và Công nghệ tỉnh Trà Vinh, tại trụ sở Sở và Trung tâm Phục vụ hành chính công tỉnh.")
ISSUES = (
    ("strength", "people", "Đội ngũ công chức có trình độ chuyên môn cao: 85% có trình độ đại học trở lên, 20% "
                           "thạc sĩ."),
    ("strength", "service", "100% thủ tục hành chính đủ điều kiện đã cung cấp dịch vụ công trực tuyến."),
    ("weakness", "technology", "Hạ tầng công nghệ thông tin chưa đồng bộ giữa các phòng; phần mềm một cửa chưa liên "
                               "thông với phần mềm quản lý văn bản."),
    ("weakness", "people", "Một số công chức kiêm nhiệm nhiều việc, chưa được đào tạo đánh giá viên nội bộ."),
    ("opportunity", "legal", "Chương trình chuyển đổi số quốc gia và Kế hoạch chuyển đổi số năm 2026 của UBND tỉnh "
                             "tạo điều kiện số hóa hồ sơ, kết quả giải quyết TTHC."),
    ("opportunity", "society", "Doanh nghiệp trên địa bàn quan tâm đổi mới công nghệ, đăng ký nhiệm vụ KH&CN."),
    ("threat", "society", "Yêu cầu của người dân và doanh nghiệp về thời gian, chất lượng giải quyết TTHC ngày càng "
                          "cao."),
    ("threat", "finance", "Kinh phí sự nghiệp khoa học được giao hạn chế, giải ngân phụ thuộc tiến độ nhiệm vụ."),
)
PARTIES = (
    ("Tổ chức, cá nhân có thủ tục hành chính", "Giải quyết đúng hạn, minh bạch, thái độ phục vụ tốt; tra cứu được "
     "tình trạng hồ sơ.", "Khảo sát mức độ hài lòng hằng quý; hộp thư góp ý; phản ánh qua Cổng dịch vụ công."),
    ("UBND tỉnh Trà Vinh", "Hoàn thành nhiệm vụ được giao đúng tiến độ; báo cáo kịp thời, chính xác.",
     "Báo cáo định kỳ tháng, quý, năm; kết quả chấm điểm cải cách hành chính."),
    ("Công chức, người lao động của Sở", "Môi trường làm việc thân thiện; được đào tạo, bồi dưỡng; quy trình rõ ràng.",
     "Hội nghị cán bộ, công chức hằng năm; góp ý khi xây dựng, sửa đổi quy trình."),
)


def context_2026(d: Demo) -> None:
    """15–16/01/2026: the analysis is drafted with eight issues and three interested parties, and submitted."""
    secretary = actor("thuky")
    d.at("2026-01-15", "08:30")
    case = d.ledger.open_case(secretary, "context", values={"year": 2026, "scope": SCOPE})
    for quadrant, category, text in ISSUES:
        d.ledger.take_step(secretary, case, "add_issue",
                           values={"quadrant": quadrant, "category": category, "description": text})
    d.at("2026-01-16", "09:15")
    for name, needs, monitoring in PARTIES:
        d.ledger.take_step(secretary, case, "add_party", values={"name": name, "needs": needs,
                                                                "monitoring": monitoring})
    d.at("2026-01-16", "15:40")
    d.ledger.take_step(secretary, case, "submit", values={})
