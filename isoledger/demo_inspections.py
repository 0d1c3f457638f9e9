"""The demo's inspections and declarations of conformity, told as scenes: the Chi cục TĐC inspected the Sở KH&CN in
10/2025 (scored 85/100, meets the requirements; one finding raised as a nonconformity by the Sở) and has the next
inspection scheduled for 12/2026; the Sở declared its QMS conforming in 12/2025 and declared it again in 06/2026
when three procedures joined its scope."""

from __future__ import annotations

from datetime import date

from isoledger.demo import Demo, actor
from isoledger.demo_papers import INTERNAL, LEADER
from isoledger.demo_pdfs import Paper, Section

INSPECTED = "so-khcn-tra-vinh"
SUPERVISOR = "chi-cuc-tdc-tra-vinh"
TEAM = [{"external": {"name": "Trần Văn Tâm", "organisation": "Sở Nội vụ tỉnh Trà Vinh"}}]
SCORES_2025 = {"tc1": 18, "tc2": 10, "tc3": 13, "tc4": 16, "tc5": 16, "tc6": 12}  # 85/100
FINDING = ("Mục tiêu chất lượng quý III/2025 của Phòng Quản lý khoa học chưa được đo lường và báo cáo đúng hạn "
           "(hạn 15/10/2025).")
SCOPE_2025 = ("Quy trình kiểm soát tài liệu (QT-01)\nQuy trình kiểm soát hồ sơ (QT-02)\n"
              "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ\n"
              "Thẩm định hồ sơ đề nghị giao trực tiếp nhiệm vụ khoa học và công nghệ cấp tỉnh\n"
              "Cấp Giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán trong y tế)")
ADDED_2026 = ("Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách nhà nước\n"
              "Thẩm định công nghệ dự án đầu tư\n"
              "Công bố sử dụng dấu định lượng trên nhãn hàng đóng gói sẵn")
REASON_2026 = ("Phạm vi thay đổi: bổ sung 3 thủ tục hành chính theo Quyết định công bố danh mục TTHC mới của UBND "
               "tỉnh (05/2026).")


def story(d: Demo) -> None:
    """The scenes, in the order they happen (each at its own office-hours moment)."""
    cases: dict[str, str] = {}
    inspector, secretary = actor("kiemtra"), actor("thuky")

    def take(key: str, who_: str, step: str, values: dict[str, object] | None = None, reason: str = "") -> None:
        d.ledger.take_step(actor(who_), cases[key], step, values=values or {}, reason=reason)

    # ---- the 2025 periodic inspection --------------------------------------------------------------
    d.on("2025-09-15", "09:10", lambda: cases.update(i2025=d.ledger.open_case(inspector, "inspection", values={
        "inspected_agency": INSPECTED, "kind": "periodic", "year": 2025, "planned_on": "2025-10-28",
        "team_lead": "kiemtra", "team": TEAM, "scope": "Việc xây dựng, áp dụng, duy trì và cải tiến HTQLCL theo "
        "TCVN ISO 9001:2015 năm 2025", "criteria": "TC1"})))
    d.on("2025-10-28", "08:30", lambda: take("i2025", "kiemtra", "start"))
    d.on("2025-10-28", "10:15", lambda: take("i2025", "kiemtra", "finding", {
        "description": FINDING, "clause": "9.1.1", "severity": "minor"}))
    d.on("2025-10-28", "14:00", lambda: take("i2025", "kiemtra", "score", SCORES_2025))
    d.on("2025-10-28", "15:30", lambda: take("i2025", "kiemtra", "record", {
        "summary": "HTQLCL được duy trì; tài liệu, hồ sơ kiểm soát tốt trên phần mềm; một phát hiện nhẹ về đo "
                   "lường mục tiêu chất lượng."}))
    d.on("2025-10-30", "09:00", lambda: take("i2025", "kiemtra", "conclude", {
        "conclusion": "Sở Khoa học và Công nghệ đáp ứng yêu cầu TCVN ISO 9001:2015; khắc phục phát hiện PH1 "
                      "trước 31/12/2025."}))
    d.on("2025-10-31", "09:30", lambda: cases.update(nc=d.ledger.open_case(secretary, "nonconformity", values={
        "year": 2025, "department": d.departments["QLKH"], "source": "inspection", "ref": cases["i2025"],
        "title": "PH1 kiểm tra 2025: mục tiêu quý III chưa đo lường đúng hạn", "description": FINDING,
        "requirement": "TCVN ISO 9001:2015 §9.1.1", "detected_on": "2025-10-28"})))
    d.on("2025-11-03", "10:00", lambda: take("i2025", "kiemtra", "close"))

    # ---- the declaration of conformity, 2025 ----------------------------------------------------------
    d.on("2025-12-15", "08:30", lambda: _documents(d, 2025, date(2025, 12, 15), SCOPE_2025))
    d.on("2025-12-15", "13:45", lambda: cases.update(c2025=_declaration(d, 2025, SCOPE_2025)))
    d.on("2025-12-16", "09:00", lambda: take("c2025", "giamdoc", "publish"))

    # ---- the re-declaration of 2026, after the scope changed ------------------------------------------
    scope_2026 = f"{SCOPE_2025}\n{ADDED_2026}"
    d.on("2026-06-15", "08:30", lambda: _documents(d, 2026, date(2026, 6, 15), scope_2026))
    d.on("2026-06-16", "09:00", lambda: cases.update(c2026=_declaration(
        d, 2026, scope_2026, supersedes=cases["c2025"], change_reason=REASON_2026)))
    d.on("2026-06-17", "09:30", lambda: take("c2026", "giamdoc", "publish"))
    d.on("2026-06-17", "10:30", lambda: take("c2025", "giamdoc", "supersede", {"superseded_by": cases["c2026"]},
                                               reason="Công bố lại ngày 17/06/2026 do phạm vi thay đổi."))

    # ---- the next periodic inspection, scheduled for 12/2026 -------------------------------------------
    d.on("2026-11-16", "09:00", lambda: cases.update(i2026=d.ledger.open_case(inspector, "inspection", values={
        "inspected_agency": INSPECTED, "kind": "periodic", "year": 2026, "planned_on": "2026-12-15",
        "team_lead": "kiemtra", "team": TEAM, "scope": "Việc duy trì HTQLCL năm 2026; khắc phục phát hiện PH1 "
        "năm 2025; phạm vi công bố lại 06/2026", "criteria": "TC1"})))


def _documents(d: Demo, year: int, dated: date, scope: str) -> None:
    """The decision and the declaration of ``year``: drafted, approved and signed by the leader, issued."""
    for code, paper in ((f"QD-CBPH-{year}", _decision(year, dated)), (f"BCB-{year}", _declaration_paper(
            year, dated, scope))):
        doc = d.document(code, paper.title, "regulation")
        n = d.draft(doc, paper, f"{code} {paper.title}", f"{paper.title}: ban hành")
        d.submit(doc, n)
        d.approve(doc, n)
        d.sign(doc, n)
        d.issue(doc, n, dated.isoformat())


def _declaration(d: Demo, year: int, scope: str, **extra: str) -> str:
    secretary = actor("thuky")
    case = d.ledger.open_case(secretary, "conformity_declaration", values={"year": year, "scope": scope, **extra})
    d.ledger.take_step(secretary, case, "submit", values={"decision": d.documents[f"QD-CBPH-{year}"],
                                                          "document": d.documents[f"BCB-{year}"]})
    return case


def _decision(year: int, dated: date) -> Paper:
    again = " (công bố lại)" if year > 2025 else ""
    return Paper(
        kind="Quyết định", title=f"Về việc công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015{again}",
        number=f"Số: {312 if year == 2025 else 148}/QĐ-SKHCN", dated=dated, signer_name=LEADER, recipients=INTERNAL,
        sections=(Section("", ("Căn cứ Quyết định số 101/2018/QĐ-TTg ngày 21/12/2018 của Thủ tướng Chính phủ; xét "
                               "đề nghị của Chánh Văn phòng Sở,",)),
                  Section("QUYẾT ĐỊNH:", (
                      "Điều 1. Công bố Hệ thống quản lý chất lượng của Sở Khoa học và Công nghệ phù hợp Tiêu chuẩn "
                      "quốc gia TCVN ISO 9001:2015, theo phạm vi tại Bản công bố kèm theo.",
                      "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
                      "Điều 3. Chánh Văn phòng Sở, Trưởng các phòng chịu trách nhiệm thi hành Quyết định này."))))


def _declaration_paper(year: int, dated: date, scope: str) -> Paper:
    return Paper(
        kind="Bản công bố", title=f"Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015 năm {year}",
        number=f"Mã hiệu: BCB-{year}", dated=dated, signer_name=LEADER,
        recipients=("Sở Khoa học và Công nghệ (Chi cục TĐC);", "Cổng thông tin điện tử của Sở;", "Lưu: VT, ISO."),
        sections=(Section("Phạm vi áp dụng:", tuple(f"- {line}" for line in scope.splitlines())),))
