"""The demo's departments, risk register and nonconformities: the Sở KH&CN Trà Vinh's 2026 risks and opportunities
per department (assessed, treated, acted on, reassessed), the 2025 audit's nonconformity closed after an effective
check, and the 2026 audit's still open. Each function runs at its place in the story (demo_story)."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from isoledger.demo import AGENCY_ID, Demo, actor
from ledger.actors import Actor
from ledger.department import Department, department_uuid

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}), request_id="demo")
# code -> (name, leader); the Văn phòng and the technology department have no leader of their own in the demo:
# the agency leader (giamdoc) approves for them.
DEPARTMENTS = {"VP": ("Văn phòng Sở", None), "KHTC": ("Phòng Kế hoạch - Tài chính", "truongphong"),
               "QLKH": ("Phòng Quản lý Khoa học", "phophong"),
               "QLCN": ("Phòng Quản lý Công nghệ và Thị trường công nghệ", None)}


def _dep(code: str) -> str:
    return str(department_uuid(AGENCY_ID, code))


def _open(d: Demo, who: str, process: str, key: str, values: dict[str, Any]) -> str:
    case_id = d.ledger.open_case(actor(who), process, values=values)
    d.cases[key] = case_id
    return case_id


def _take(d: Demo, who: str, key: str, step: str, reason: str = "", **values: Any) -> None:
    d.ledger.take_step(actor(who), d.cases[key], step, values=values, reason=reason)


def _departments(d: Demo) -> None:
    """The four departments, as the province administrator sets them up (once)."""
    for code, (name, leader) in DEPARTMENTS.items():
        try:
            d.ledger.repository.get(department_uuid(AGENCY_ID, code))
            continue
        except AggregateNotFoundError:
            pass
        dep = Department.create(ADMIN, agency_id=AGENCY_ID, code=code, name=name, parent_id=None, leader=leader)
        with d.ledger.write_lock:
            d.ledger.save(dep)


def _risk(d: Demo, who: str, key: str, code: str, kind: str, title: str, description: str, cause: str,
          processes: list[str]) -> None:
    _open(d, who, "risk", key, {"year": 2026, "department": _dep(code), "kind": kind, "title": title,
                                "description": description, "cause": cause, "processes": "; ".join(processes)})


def cycle_2025(d: Demo) -> None:
    """After the 2025 audit and review (from 27/10/2025): the audit's nonconformity, corrected and found effective
    in January 2026; the 2026 risk register drawn up in December 2025 and treated by the department leaders."""
    d.at("2025-10-27", "08:10")
    _departments(d)
    d.at("2025-10-27", "09:30")
    _open(d, "danhgia", "nonconformity", "NC-2025", {
        "year": 2025, "department": _dep("QLKH"), "source": "audit_finding", "ref": d.cases["AUDIT-2025-QLKH"],
        "title": "Hồ sơ nghiệm thu đề tài thiếu biên bản họp hội đồng có đủ chữ ký",
        "description": "Đánh giá nội bộ ngày 14/10/2025: 2/15 hồ sơ nghiệm thu nhiệm vụ khoa học và công nghệ cấp "
                       "tỉnh năm 2025 không có biên bản họp hội đồng nghiệm thu có đủ chữ ký thành viên.",
        "requirement": "TCVN ISO 9001:2015 điều 7.5.3; QT-05 mục 5.6", "detected_on": "2025-10-14"})
    d.at("2025-10-28", "14:00")
    _take(d, "phophong", "NC-2025", "contain",
          correction="Mời thành viên hội đồng ký bổ sung 2 biên bản; lưu bản gốc vào hồ sơ đề tài.")
    d.at("2025-10-29", "09:15")
    _take(d, "phophong", "NC-2025", "analyse", method="five_whys",
          causes="1. QT-05 không quy định thời hạn hoàn thiện biên bản sau cuộc họp hội đồng. 2. Thư ký hội đồng "
                 "thay đổi theo từng đề tài, không có phiếu kiểm tra thành phần hồ sơ.")
    d.at("2025-10-30", "10:00")
    _take(d, "phophong", "NC-2025", "plan",
          plan="Ban hành phiếu kiểm tra thành phần hồ sơ nghiệm thu; sửa đổi QT-05: biên bản hoàn thiện trong "
               "05 ngày làm việc sau cuộc họp.",
          criteria="Kiểm tra 100% hồ sơ nghiệm thu từ 01/11/2025 đến 31/12/2025: không hồ sơ nào thiếu biên bản "
                   "có đủ chữ ký.", check_on="2026-01-12")
    _take(d, "phophong", "NC-2025", "actions", action="Ban hành phiếu kiểm tra thành phần hồ sơ nghiệm thu đề tài",
          owner="chuyenvien", due="2025-11-14")
    _take(d, "phophong", "NC-2025", "actions", action="Trình sửa đổi QT-05: thời hạn hoàn thiện biên bản hội đồng",
          owner="thuky", due="2025-11-28")
    d.at("2025-11-12", "15:00")
    _take(d, "chuyenvien", "NC-2025", "complete_action", action_id="A1",
          result="Phiếu kiểm tra ban hành kèm Thông báo số 112/TB-SKHCN ngày 12/11/2025.")
    d.at("2025-11-26", "09:40")
    _take(d, "thuky", "NC-2025", "complete_action", action_id="A2",
          result="Dự thảo QT-05 sửa đổi lần 2 đã trình Giám đốc Sở.")
    d.at("2025-12-01", "14:20")
    _take(d, "danhgia", "NC-2025", "verify",
          note="Phiếu kiểm tra đã dùng cho 6 hồ sơ nghiệm thu tháng 11/2025; dự thảo sửa đổi QT-05 đã trình.")
    _register_2026(d)
    d.at("2026-01-13", "09:00")
    _take(d, "danhgia", "NC-2025", "effectiveness", result="effective",
          findings="Kiểm tra 9/9 hồ sơ nghiệm thu từ 01/11/2025 đến 31/12/2025: đủ biên bản có chữ ký thành viên.")
    d.at("2026-01-14", "08:30")
    _take(d, "thuky", "NC-2025", "close")


def _register_2026(d: Demo) -> None:
    """December 2025: each department's risks and opportunities for 2026, assessed on the matrix in force."""
    d.at("2025-12-15", "08:30")
    _risk(d, "truongphong", "R-KHTC-1", "KHTC", "risk", "Giải ngân kinh phí đề tài khoa học chậm so với kế hoạch",
          "Tỷ lệ giải ngân kinh phí sự nghiệp khoa học quý I–III/2025 chỉ đạt 58% kế hoạch.",
          "Chủ nhiệm đề tài nộp hồ sơ thanh toán trễ, thiếu chứng từ hợp lệ.",
          ["Quản lý tài chính, kế toán", "Quản lý nhiệm vụ khoa học và công nghệ"])
    _take(d, "truongphong", "R-KHTC-1", "assess", likelihood=4, impact=4,
          basis="Ba quý liền giải ngân dưới 60%; ảnh hưởng mục tiêu giải ngân ≥ 95% năm 2026.")
    _risk(d, "truongphong", "R-KHTC-2", "KHTC", "risk", "Dự toán ngân sách năm 2027 trình Sở Tài chính trễ hạn",
          "Dự toán phải trình trước 20/7 hằng năm theo hướng dẫn của Sở Tài chính.",
          "Các phòng gửi số liệu đề xuất chậm.", ["Lập và giao dự toán ngân sách"])
    _take(d, "truongphong", "R-KHTC-2", "assess", likelihood=2, impact=4, basis="Năm 2025 trình đúng hạn.")
    _risk(d, "phophong", "R-QLKH-1", "QLKH", "risk",
          "Hội đồng tư vấn xét duyệt đề tài thiếu chuyên gia phản biện đúng chuyên ngành",
          "Lĩnh vực nông nghiệp công nghệ cao và thủy sản có ít chuyên gia trong tỉnh.",
          "Danh sách chuyên gia chưa cập nhật từ năm 2022.", ["Tuyển chọn, xét duyệt nhiệm vụ khoa học"])
    _take(d, "phophong", "R-QLKH-1", "assess", likelihood=3, impact=3)
    _risk(d, "phophong", "O-QLKH-1", "QLKH", "opportunity",
          "Kết nối cơ sở dữ liệu đề tài với Hệ thống thông tin khoa học và công nghệ quốc gia",
          "Công bố kết quả nghiên cứu rộng rãi, giảm trùng lặp đề tài.", "Cục Thông tin KH&CN quốc gia hỗ trợ kết nối.",
          ["Quản lý nhiệm vụ khoa học và công nghệ"])
    _take(d, "phophong", "O-QLKH-1", "assess", benefit=4, effort=2)
    d.at("2025-12-17", "10:00")
    _risk(d, "thuky", "R-VP-1", "VP", "risk", "Mất dữ liệu hồ sơ điện tử do sự cố máy chủ",
          "Máy chủ đặt tại Văn phòng Sở, chưa có bản sao lưu ngoài trụ sở.",
          "Thiết bị đã dùng 7 năm; mất điện kéo dài.",
          ["Kiểm soát hồ sơ", "Kiểm soát tài liệu"])
    _take(d, "thuky", "R-VP-1", "assess", likelihood=2, impact=5)
    _risk(d, "thuky", "R-QLCN-1", "QLCN", "risk",
          "Doanh nghiệp ít tham gia chương trình hỗ trợ đổi mới công nghệ do thiếu thông tin",
          "Năm 2025 chỉ 4 doanh nghiệp đăng ký, chỉ tiêu 10.", "Thông tin chương trình chỉ đăng trên cổng của Sở.",
          ["Hỗ trợ doanh nghiệp đổi mới công nghệ"])
    _take(d, "thuky", "R-QLCN-1", "assess", likelihood=3, impact=2)
    _risk(d, "thuky", "O-QLCN-1", "QLCN", "opportunity",
          "Phối hợp Trung tâm Xúc tiến thương mại tổ chức chợ công nghệ và thiết bị (Techmart)",
          "Giới thiệu công nghệ của đề tài đã nghiệm thu tới doanh nghiệp.", "Kế hoạch xúc tiến thương mại năm 2026.",
          ["Phát triển thị trường khoa học và công nghệ"])
    d.at("2025-12-19", "14:00")
    _take(d, "truongphong", "R-KHTC-1", "treat", treatment="mitigate",
          plan="Nhắc hạn thanh toán hằng tháng; ban hành danh mục chứng từ mẫu; giao ban quý với chủ nhiệm đề tài.",
          reassess_on="2026-06-30")
    _take(d, "truongphong", "R-KHTC-1", "actions", action="Ban hành danh mục hồ sơ, chứng từ thanh toán mẫu",
          owner="chuyenvien", due="2026-02-27")
    _take(d, "truongphong", "R-KHTC-1", "actions",
          action="Gửi thông báo nhắc hạn thanh toán hằng tháng tới chủ nhiệm đề tài", owner="chuyenvien",
          due="2026-03-31")
    _take(d, "truongphong", "R-KHTC-2", "treat", treatment="accept",
          plan="Mức trung bình: theo dõi lịch lập dự toán đã ban hành, không cần biện pháp thêm.",
          reassess_on="2026-07-31")
    d.at("2026-01-05", "09:00")
    _take(d, "phophong", "R-QLKH-1", "treat", treatment="mitigate",
          plan="Cập nhật danh sách chuyên gia theo lĩnh vực; mời chuyên gia trường Đại học Trà Vinh.",
          reassess_on="2026-06-30")
    _take(d, "phophong", "R-QLKH-1", "actions", action="Cập nhật danh sách chuyên gia tư vấn theo 8 lĩnh vực",
          owner="danhgia", due="2026-04-30")
    _take(d, "phophong", "O-QLKH-1", "treat", treatment="pursue",
          plan="Đăng ký kết nối; chuẩn hóa dữ liệu các đề tài đã nghiệm thu giai đoạn 2021–2025.",
          reassess_on="2026-09-30")
    _take(d, "phophong", "O-QLKH-1", "actions",
          action="Chuẩn hóa và cập nhật dữ liệu 30 đề tài đã nghiệm thu lên hệ thống quốc gia", owner="danhgia",
          due="2026-06-30")
    d.at("2026-01-07", "15:00")
    _take(d, "giamdoc", "R-VP-1", "treat", treatment="mitigate",
          plan="Sao lưu hằng tuần ra thiết bị ngoài trụ sở; thử phục hồi hằng quý.", reassess_on="2026-04-30")
    _take(d, "thuky", "R-VP-1", "actions", action="Sao lưu hằng tuần ra ổ đĩa đặt tại kho lưu trữ; thử phục hồi",
          owner="vanthu", due="2026-03-31")


def follow_up_2026(d: Demo) -> None:
    """Spring 2026: actions done, what remains of two risks assessed again (a third is still being treated)."""
    d.at("2026-02-25", "10:30")
    _take(d, "chuyenvien", "R-KHTC-1", "complete_action", action_id="A1",
          result="Danh mục chứng từ mẫu ban hành kèm Công văn số 205/SKHCN-KHTC.")
    d.at("2026-03-27", "14:30")
    _take(d, "vanthu", "R-VP-1", "complete_action", action_id="A1",
          result="Sao lưu tự động mỗi thứ Sáu; thử phục hồi thành công ngày 27/3/2026.")
    d.at("2026-03-30", "09:00")
    _take(d, "chuyenvien", "R-KHTC-1", "complete_action", action_id="A2", result="Đã gửi nhắc hạn tháng 1–3/2026.")
    d.at("2026-04-24", "15:10")
    _take(d, "danhgia", "R-QLKH-1", "complete_action", action_id="A1",
          result="Danh sách 64 chuyên gia, 8 lĩnh vực, trình Giám đốc phê duyệt.")
    d.at("2026-05-11", "08:45")
    _take(d, "truongphong", "R-KHTC-1", "residual", likelihood=2, impact=3, reassess_on="2026-11-30",
          basis="Giải ngân quý I/2026 đạt 27% kế hoạch năm, cao hơn cùng kỳ.")
    d.at("2026-05-13", "10:20")
    _take(d, "giamdoc", "R-VP-1", "residual", likelihood=1, impact=5, reassess_on="2027-01-15",
          basis="Đã có bản sao lưu ngoài trụ sở và thử phục hồi thành công.")


def audit_2026(d: Demo) -> None:
    """After the 2026 audit (from 26/10/2026): its nonconformity, planned, one action done, one still open."""
    d.at("2026-10-26", "09:00")
    _open(d, "danhgia", "nonconformity", "NC-2026", {
        "year": 2026, "department": _dep("KHTC"), "source": "audit_finding", "ref": d.cases["AUDIT-2026-KHTC"],
        "title": "Sổ theo dõi tài sản cố định chưa cập nhật tài sản mua sắm năm 2026",
        "description": "Đánh giá nội bộ ngày 13/10/2026: 14 tài sản mua sắm từ tháng 3/2026 chưa được ghi vào sổ "
                       "theo dõi tài sản cố định.", "requirement": "QT-09 mục 5.2", "detected_on": "2026-10-13"})
    d.at("2026-10-27", "14:00")
    _take(d, "truongphong", "NC-2026", "contain", correction="Kiểm kê ngay 14 tài sản, lập danh sách tạm.")
    d.at("2026-10-28", "09:30")
    _take(d, "truongphong", "NC-2026", "analyse", method="fishbone",
          causes="1. Không quy định thời hạn ghi sổ sau khi nghiệm thu mua sắm. 2. Kế toán tài sản kiêm nhiệm, "
                 "không có người thay khi nghỉ phép.")
    d.at("2026-10-29", "10:15")
    _take(d, "truongphong", "NC-2026", "plan",
          plan="Cập nhật sổ; quy định ghi sổ trong 05 ngày làm việc sau nghiệm thu; phân công người thay thế.",
          criteria="Kiểm tra tháng 12/2026 và tháng 01/2027: mọi tài sản nghiệm thu đều được ghi sổ đúng hạn.",
          check_on="2027-01-29")
    _take(d, "truongphong", "NC-2026", "actions", action="Cập nhật 14 tài sản mua sắm năm 2026 vào sổ theo dõi",
          owner="chuyenvien", due="2026-11-06")
    _take(d, "truongphong", "NC-2026", "actions",
          action="Ban hành quy định ghi sổ tài sản trong 05 ngày làm việc sau nghiệm thu", owner="truongphong",
          due="2026-11-20")
    d.at("2026-10-30", "15:00")
    _take(d, "chuyenvien", "NC-2026", "complete_action", action_id="A1", result="Đã ghi sổ đủ 14 tài sản.")
