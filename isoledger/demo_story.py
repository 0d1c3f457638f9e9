"""Two years of the Sở KH&CN Trà Vinh's quality system, December 2024 to November 2026, on the yearly cycle.

The cycle of a provincial agency's ISO plan: context and quality objectives by 28/02, procedure reviews by
31/08 (amendments issued by 15/09), internal audit by 20/10, management review by 25/10.
"""

from __future__ import annotations

from datetime import date

from isoledger import (
    demo_audits,
    demo_complaints,
    demo_context,
    demo_inspections,
    demo_province,
    demo_qms,
    demo_review,
    demo_risks,
    demo_tthc,
)
from isoledger import demo_papers as papers
from isoledger.demo import Demo, actor
from isoledger.demo_pdfs import render
from ledger.files import evidence_scope

BASIS = "Thông tư 10/2022/TT-BNV quy định thời hạn bảo quản tài liệu"
D = date.fromisoformat


def tell(d: Demo) -> None:
    d.at("2024-12-05", "08:30")
    d.directory()
    demo_audits.story(d)
    demo_province.story(d)
    demo_review.story(d)
    demo_inspections.story(d)
    demo_tthc.story(d)
    demo_complaints.story(d)
    _first_issue(d)
    _paper_records(d)
    _destroy_expired(d)
    demo_qms.policy_2025(d)
    _cycle_2025(d)
    demo_context.context_2026(d)
    demo_qms.policy_2026_drafted(d)
    _cycle_2026(d)
    demo_qms.policy_2026_resubmitted(d)
    d.finish()


def _first_issue(d: Demo) -> None:
    """December 2024: the four founding documents, in force from 02/01/2025."""
    d.at("2024-12-09", "08:05")
    qt01 = d.document("QT-01", "Quy trình kiểm soát tài liệu", "procedure")
    d.draft(qt01, papers.document_control(1, D("2024-12-20"), D("2025-01-02")), "QT-01 Quy trình kiểm soát tài liệu",
            "Ban hành lần đầu theo TCVN ISO 9001:2015")
    qt02 = d.document("QT-02", "Quy trình kiểm soát hồ sơ", "procedure")
    d.draft(qt02, papers.records_control(D("2024-12-20"), D("2025-01-02")), "QT-02 Quy trình kiểm soát hồ sơ",
            "Ban hành lần đầu")
    d.at("2024-12-09", "14:10")
    cs = d.document("CSCL", "Chính sách chất lượng", "quality_policy")
    d.draft(cs, papers.quality_policy(D("2024-12-20"), D("2025-01-02")), "Chính sách chất lượng 2025-2030",
            "Chính sách chất lượng giai đoạn 2025-2030")
    bm = d.document("BM-01", "Phiếu đề nghị sửa đổi tài liệu", "form")
    d.draft(bm, papers.change_request_form(D("2024-12-20"), D("2025-01-02")), "BM-01 Phiếu đề nghị sửa đổi tài liệu",
            "Biểu mẫu kèm QT-01")
    d.at("2024-12-11", "09:10")
    for doc in (qt01, qt02):
        d.submit(doc, 1, "truongphong")
    d.submit(cs, 1)
    d.submit(bm, 1)
    d.at("2024-12-13", "14:00")
    d.review(qt01, 1, "truongphong")
    d.review(qt02, 1, "truongphong", "Thống nhất; đề nghị ghi rõ căn cứ Thông tư 10/2022/TT-BNV.",
             "agree_with_comments")
    d.at("2024-12-17", "09:30")
    for doc in (qt01, qt02, cs, bm):
        d.approve(doc, 1)
    d.at("2024-12-19", "15:00")
    for doc in (qt01, qt02, cs):
        d.sign(doc, 1)
    d.at("2024-12-20", "08:30")
    for doc in (qt01, qt02, cs, bm):
        d.issue(doc, 1, "2025-01-02")
    d.at("2024-12-20", "10:00")
    policy = d.record("HS-CSCL", "Hồ sơ ban hành chính sách chất lượng", "Hệ thống quản lý chất lượng", None,
                      "Luật Lưu trữ 2024: bảo quản vĩnh viễn")
    d.file(policy, papers.record_paper("Quyết định về việc ban hành Chính sách chất lượng", D("2024-12-20")),
           "Quyết định về việc ban hành Chính sách chất lượng")


def _paper_records(d: Demo) -> None:
    """December 2024: the records office enters paper records of earlier years."""
    ledger, vt = d.ledger, actor("vanthu")
    d.at("2024-12-23", "08:30")
    for code, title, series, closed, files in (
        ("HS-DGNB-2019", "Hồ sơ đánh giá nội bộ năm 2019", "Đánh giá nội bộ", "2019-12-31",
         [("Chương trình đánh giá nội bộ năm 2019", "2019-10-01"), ("Báo cáo đánh giá nội bộ năm 2019", "2019-10-18")]),
        ("HS-TTHC-2019", "Hồ sơ giải quyết thủ tục hành chính năm 2019", "Thủ tục hành chính", "2019-12-31",
         [("Sổ theo dõi hồ sơ giải quyết thủ tục hành chính năm 2019", "2019-12-31")]),
        ("HS-KN-2021", "Hồ sơ giải quyết khiếu nại năm 2021", "Khiếu nại, tố cáo", "2021-06-30",
         [("Đơn khiếu nại", "2021-05-05"), ("Quyết định về việc giải quyết khiếu nại", "2021-06-28")]),
    ):
        rec = d.record(code, title, series, 5, BASIS)
        for name, dated in files:
            d.file(rec, papers.record_paper(name, D(dated)), name)
        ledger.close_record(vt, rec, closed_on=closed)
    d.at("2025-01-02", "14:00")
    ledger.close_record(vt, d.records["HS-CSCL"], closed_on="2025-01-02")


def _destroy_expired(d: Demo) -> None:
    """January 2025: HS-DGNB-2019's five years ended on 31/12/2024; it is destroyed with a decision."""
    ledger, vt, old = d.ledger, actor("vanthu"), d.records["HS-DGNB-2019"]
    d.at("2025-01-06", "08:30")
    ledger.propose_destruction(vt, old, reason="Hết thời hạn bảo quản 5 năm (đến 31/12/2024)")
    d.at("2025-01-14", "09:00")
    decision = "12/QĐ-SKHCN"
    ledger.approve_destruction(actor("giamdoc"), old, decision_no=decision, decided_by="giamdoc",
                               council=["giamdoc", "chanhvanphong", "vanthu",
                                        {"external": {"name": "Lê Văn Tâm",
                                                      "organisation": "Chi cục Văn thư - Lưu trữ tỉnh Trà Vinh"}}])
    d.at("2025-01-15", "09:00")
    paper = papers.destruction_minutes("HS-DGNB-2019", D("2025-01-15"), decision)
    minutes = d.put(evidence_scope(old), render(paper).content, "Biên bản hủy hồ sơ HS-DGNB-2019.pdf")
    erased = d.s.archive.destroy_scope(old)
    ledger.record_destruction(vt, old, executed_by="vanthu", witnesses=["thuky", "danhgia"],
                              method="crypto_shredding", minutes_file=minutes, erased_hashes=erased)


def _objectives(d: Demo, year: int, days: tuple[str, str, str, str, str, str], effective: str) -> None:
    """Context analysis and quality objectives of ``year``: drafted, reviewed, approved, signed, issued."""
    drafted, submitted, reviewed, approved, signed, issued = days
    d.at(drafted, "08:15")
    ptbc = d.documents.get("PTBC") or d.document("PTBC", "Phân tích bối cảnh", "context_analysis")
    n_ptbc = len(d.ledger.document(ptbc)["versions"]) + 1
    d.draft(ptbc, papers.context_analysis(n_ptbc, year, D(issued), D(effective)),
            f"PTBC Phân tích bối cảnh năm {year}", f"Phân tích bối cảnh năm {year}")
    mt = d.document(f"MTCL-{year}", f"Mục tiêu chất lượng năm {year}", "quality_objectives")
    d.draft(mt, papers.quality_objectives(year, D(issued), D(effective)), f"MTCL-{year} Mục tiêu chất lượng",
            "Mục tiêu đo lường được, có thời hạn, ban hành trước 28/02")
    d.at(submitted, "09:00")
    for doc, n in ((ptbc, n_ptbc), (mt, 1)):
        d.submit(doc, n, "truongphong", "phophong")
    d.at(reviewed, "14:30")
    for doc, n in ((ptbc, n_ptbc), (mt, 1)):
        d.review(doc, n, "truongphong")
        d.review(doc, n, "phophong")
    for when, step in ((approved, d.approve), (signed, d.sign)):
        d.at(when, "09:20")
        for doc, n in ((ptbc, n_ptbc), (mt, 1)):
            step(doc, n)
    d.at(issued, "08:30")
    for doc, n in ((ptbc, n_ptbc), (mt, 1)):
        d.issue(doc, n, effective)


def _audit_plan(d: Demo, year: int, days: tuple[str, str, str, str], effective: str) -> None:
    drafted, submitted, approved, issued = days
    d.at(drafted, "08:40")
    kh = d.document(f"KH-DGNB-{year}", f"Kế hoạch đánh giá nội bộ năm {year}", "audit_plan")
    d.draft(kh, papers.audit_plan(year, D(issued), D(effective)), f"KH-DGNB-{year} Kế hoạch đánh giá nội bộ",
            f"Đánh giá nội bộ trước 20/10/{year}")
    d.at(submitted, "09:00")
    d.submit(kh, 1)
    d.at(approved, "10:15")
    d.approve(kh, 1)
    d.sign(kh, 1)
    d.at(issued, "08:30")
    d.issue(kh, 1, effective)


def _audit_and_review(d: Demo, year: int, days: tuple[str, str, str, str]) -> None:
    """The internal audit's record (programme, report) and the management review's (notice, minutes)."""
    vt = actor("vanthu")
    audit_opened, audit_reported, review_opened, review_held = days
    d.at(audit_opened, "08:00")
    audit = d.record(f"HS-DGNB-{year}", f"Hồ sơ đánh giá nội bộ năm {year}", "Đánh giá nội bộ", 10, BASIS)
    name = f"Chương trình đánh giá nội bộ năm {year}"
    d.file(audit, papers.record_paper(name, D(audit_opened)), name)
    d.at(audit_reported, "15:00")
    name = f"Báo cáo đánh giá nội bộ năm {year}"
    d.file(audit, papers.record_paper(name, D(audit_reported)), name)
    d.ledger.close_record(vt, audit, closed_on=audit_reported)
    d.at(review_opened, "08:00")
    review = d.record(f"HS-XXLD-{year}", f"Hồ sơ xem xét của lãnh đạo năm {year}", "Xem xét của lãnh đạo", 10, BASIS)
    name = f"Thông báo họp xem xét của lãnh đạo năm {year}"
    d.file(review, papers.record_paper(name, D(review_opened)), name)
    d.at(review_held, "16:00")
    name = f"Biên bản họp xem xét của lãnh đạo năm {year}"
    d.file(review, papers.record_paper(name, D(review_held)), name)
    d.ledger.close_record(vt, review, closed_on=review_held)


def _cycle_2025(d: Demo) -> None:
    _objectives(d, 2025, ("2025-02-10", "2025-02-12", "2025-02-14", "2025-02-18", "2025-02-19", "2025-02-20"),
                "2025-02-24")
    # Procedure review by 31/08: QT-01 gains electronic distribution; amended by 15/09.
    qt01 = d.documents["QT-01"]
    d.at("2025-08-18", "08:30")
    d.draft(qt01, papers.document_control(2, D("2025-09-11"), D("2025-09-15")),
            "QT-01 Quy trình kiểm soát tài liệu - sửa đổi 1", "Rà soát định kỳ: bổ sung phân phối tài liệu điện tử")
    d.at("2025-08-20", "09:00")
    d.submit(qt01, 2, "truongphong", "phophong")
    d.at("2025-08-25", "14:00")
    d.review(qt01, 2, "truongphong")
    d.review(qt01, 2, "phophong", "Đề nghị quy định thời hạn xác nhận đã nhận tài liệu (03 ngày làm việc).",
             "agree_with_comments")
    d.at("2025-08-28", "10:00")
    d.approve(qt01, 2)
    d.at("2025-09-10", "15:30")
    d.sign(qt01, 2)
    d.at("2025-09-11", "08:30")
    d.issue(qt01, 2, "2025-09-15")
    _audit_plan(d, 2025, ("2025-09-15", "2025-09-16", "2025-09-18", "2025-09-19"), "2025-09-22")
    _audit_and_review(d, 2025, ("2025-10-06", "2025-10-16", "2025-10-20", "2025-10-24"))
    demo_risks.cycle_2025(d)


def _cycle_2026(d: Demo) -> None:
    ledger, vt = d.ledger, actor("vanthu")
    _objectives(d, 2026, ("2026-02-02", "2026-02-04", "2026-02-06", "2026-02-10", "2026-02-11", "2026-02-12"),
                "2026-02-23")
    demo_risks.follow_up_2026(d)
    d.at("2026-05-18", "09:45")
    ledger.place_hold(vt, d.records["HS-KN-2021"], reason="Thanh tra tỉnh yêu cầu giữ nguyên hồ sơ phục vụ thanh tra")
    # A digitisation instruction sent back: it does not say the file format nor the scanning resolution.
    d.at("2026-07-06", "08:20")
    hd = d.document("HD-05", "Hướng dẫn số hóa hồ sơ lưu trữ", "instruction", "Phòng Quản lý Khoa học")
    d.draft(hd, papers.digitisation_instruction(D("2026-07-06")), "HD-05 Hướng dẫn số hóa hồ sơ lưu trữ",
            "Dự thảo lần 1")
    d.at("2026-07-08", "09:00")
    d.submit(hd, 1)
    d.at("2026-07-13", "10:30")
    ledger.reject(actor("giamdoc"), hd, 1, reason="Chưa nêu định dạng tệp và độ phân giải khi quét.")
    _audit_plan(d, 2026, ("2026-09-14", "2026-09-15", "2026-09-17", "2026-09-18"), "2026-09-21")
    # The 2025 management review is lent to the auditor for the 2026 audit, and returned in time.
    d.at("2026-09-21", "08:15")
    ledger.lend(vt, d.records["HS-XXLD-2025"], borrower="danhgia",
                purpose="Chuẩn bị đánh giá nội bộ năm 2026", due_on="2026-10-02", approved_by="giamdoc")
    d.at("2026-10-01", "16:00")
    ledger.take_back(vt, d.records["HS-XXLD-2025"], received_by="vanthu", note="Đủ thành phần hồ sơ.")
    _audit_and_review(d, 2026, ("2026-10-05", "2026-10-15", "2026-10-19", "2026-10-23"))
    demo_risks.audit_2026(d)
    # The 2026 audit record is lent for the follow-up of corrective actions: due 20/11/2026, not back yet.
    d.at("2026-11-02", "08:30")
    ledger.lend(vt, d.records["HS-DGNB-2026"], borrower="truongphong",
                purpose="Đối chiếu kết quả khắc phục sau đánh giá nội bộ", due_on="2026-11-20", approved_by="giamdoc")
    # The 2027 objectives are in review: one reviewer has answered, with a comment.
    d.at("2026-11-16", "08:15")
    mt = d.document("MTCL-2027", "Mục tiêu chất lượng năm 2027", "quality_objectives")
    d.draft(mt, papers.quality_objectives(2027, D("2026-11-16"), None), "MTCL-2027 Mục tiêu chất lượng (dự thảo)",
            "Dự thảo mục tiêu năm 2027, ban hành trước 28/02/2027")
    d.at("2026-11-18", "09:00")
    d.submit(mt, 1, "truongphong", "phophong")
    d.at("2026-11-20", "14:30")
    d.review(mt, 1, "truongphong", "Đề nghị bổ sung chỉ tiêu tỷ lệ hồ sơ giải quyết đúng hạn ≥ 98%.",
             "agree_with_comments")
