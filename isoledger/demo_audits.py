"""The demo's internal audits: the Sở KH&CN Trà Vinh's 2025 cycle completed (programme, two departments audited,
a major nonconformity raised, reports signed and issued, closed) and its 2026 cycle under way, told as scenes."""

from __future__ import annotations

from datetime import date
from typing import Any

from isoledger.demo import AGENCY_NAME, DEMO_PEOPLE, Demo, actor
from isoledger.demo_pdfs import Paper, Section

ISO = "TCVN ISO 9001:2015"
RISK_WORDS = {"high": "cao", "medium": "trung bình", "low": "thấp"}
TEAM = {"chanhthanhtra", "truongqlcn"}  # the leaders the programmes name as auditors (they sign as lead auditors)


def _case(d: Demo, key: str) -> str:
    return d.cases[key]


def _open(d: Demo, who: str, process: str, key: str, **values: Any) -> None:
    d.cases[key] = d.ledger.open_case(actor(who), process, values=values)


def _take(d: Demo, who: str, key: str, step: str, reason: str = "", **values: Any) -> None:
    d.ledger.take_step(actor(who), _case(d, key), step, values=values, reason=reason)


def _paper(kind: str, title: str, number: str, dated: str, signer: tuple[str, str], *sections: tuple[str, ...],
           recipients: tuple[str, ...] = ("Giám đốc Sở;", "Các phòng thuộc Sở;", "Lưu: VT, ISO.")) -> Paper:
    return Paper(kind=kind, title=title, number=number, dated=date.fromisoformat(dated),
                 sections=tuple(Section(s[0], tuple(s[1:])) for s in sections), signer_title=signer[0],
                 signer_name=signer[1], recipients=recipients)


def _sign_as(d: Demo, doc: str, user: str) -> None:
    """``user`` signs version 1 for approval with a certificate of the demo's own root (as Demo.sign does for the
    agency leader)."""
    from isoledger.demo_pki import PASSPHRASE
    from signing import open_pkcs12_signer

    if d._pki is None:  # the demo's signing set-up, made by its first signature
        d.sign(doc, 1)
        return
    signer = open_pkcs12_signer(d._pki.pkcs12(DEMO_PEOPLE[user][0], AGENCY_NAME), PASSPHRASE)
    d._sign_as(doc, 1, user, "approval", signer)


# ---- the programme ------------------------------------------------------------------------------------------
def _programme(d: Demo, year: int, lines: list[dict[str, Any]], days: dict[str, str],
               returned: tuple[str, str, dict[str, Any]] | None = None) -> None:
    key, code = f"CT-DGNB-{year}", f"CT-DGNB-{year}"

    def drafted() -> None:
        doc = d.document(code, f"Chương trình đánh giá nội bộ năm {year}", "audit_programme")
        paper = _paper("Chương trình", f"Đánh giá nội bộ năm {year}", f"Số: 02/CT-SKHCN-{year}", days["draft"],
                       ("GIÁM ĐỐC", DEMO_PEOPLE["giamdoc"][0]),
                       ("1. MỤC TIÊU", f"Đánh giá sự phù hợp và hiệu lực của Hệ thống quản lý chất lượng theo {ISO} "
                                       "tại các phòng, ưu tiên các quá trình có rủi ro cao."),
                       ("2. PHẠM VI VÀ LỊCH ĐÁNH GIÁ",
                        *(f"{line['month']}/{year}: {line['processes']} (điều {line['clauses']}; rủi ro "
                          f"{RISK_WORDS[line['risk']]})." for line in lines)),
                       ("3. ĐÁNH GIÁ VIÊN", "Ông Lâm Văn Phước (Chánh Thanh tra Sở), ông Thạch Văn Sơn (Trưởng phòng "
                                            "Quản lý công nghệ và chuyên ngành), ông Võ Thành Đạt (đánh giá viên "
                                            "nội bộ)."))
        d.draft(doc, paper, f"{code} Chương trình đánh giá nội bộ năm {year}", f"Chương trình năm {year}")
        _open(d, "thuky", "internal_audit_programme", key, year=year,
              objectives="Đánh giá sự phù hợp và hiệu lực của HTQLCL tại các phòng; ưu tiên quá trình rủi ro cao.",
              criteria=f"{ISO}; các quy trình nội bộ của Sở; quy định pháp luật liên quan.",
              auditors=sorted(TEAM), document=doc)
        for line in lines:
            _take(d, "thuky", key, "add_line", **line)

    def submitted() -> None:
        d.submit(d.documents[code], 1)
        _take(d, "thuky", key, "submit")

    def approved() -> None:
        d.approve(d.documents[code], 1)
        d.sign(d.documents[code], 1)
        _take(d, "giamdoc", key, "approve")

    def in_force() -> None:  # its document stays approved and signed; the case is what the departments follow
        _take(d, "thuky", key, "enforce")

    d.on(days["draft"], "08:30", drafted)
    d.on(days["submit"], "09:00", submitted)
    if returned is not None:
        back_on, again_on, extra = returned

        def resubmitted() -> None:
            _take(d, "thuky", key, "add_line", **extra)
            _take(d, "thuky", key, "submit")

        d.on(back_on, "10:00", lambda: _take(d, "giamdoc", key, "return",
                                             reason="Bổ sung Văn phòng Sở: bộ phận một cửa có nhiều TTHC, rủi ro cao."))
        d.on(again_on, "08:30", resubmitted)
    d.on(days["approve"], "10:15", approved)
    d.on(days["enforce"], "08:45", in_force)


# ---- one audit --------------------------------------------------------------------------------------------
def _report_document(d: Demo, key: str, lead: str, dated: str, summary: str, findings: list[str]) -> str:
    """The report's formal document, drafted by the ISO secretary and approved by the lead auditor."""
    data = d.ledger.case(_case(d, key))["data"]
    code = f"BC-{key}"
    result = f"Kết quả {data['title'][0].lower()}{data['title'][1:]}"
    doc = d.document(code, f"Báo cáo {result[0].lower()}{result[1:]}", "other", "Thanh tra Sở")
    paper = _paper("Báo cáo", result,
                   f"Số: {dated[8:]}/BC-ĐGNB", dated, ("TRƯỞNG ĐOÀN ĐÁNH GIÁ", DEMO_PEOPLE[lead][0]),
                   ("1. KẾT QUẢ CHUNG", summary), ("2. PHÁT HIỆN", *findings),
                   recipients=("Giám đốc Sở;", "Phòng được đánh giá;", "Lưu: ISO."))
    d.draft(doc, paper, f"{code} Báo cáo đánh giá nội bộ", "Báo cáo kết quả đánh giá")
    d.ledger.submit_for_review(actor("thuky"), doc, 1, reviewers=[], approver=lead)
    return doc


def _audit(d: Demo, key: str, plan: dict[str, Any], days: dict[str, str], lines: list[tuple[str, str]],
           results: list[tuple[str, str, str]], findings: list[tuple[str, str, str]], report: tuple[str, str],
           stop: str | None = None) -> None:
    """An audit's scenes, from its plan up to the step ``stop`` (None: all of them, to ``issue`` and after)."""
    lead, code = str(plan["lead_auditor"]), str(plan.pop("code"))
    leader = {"KHTC": "truongphong", "QLKH": "phophong", "VP": "chanhvanphong"}[code]

    def planned() -> None:
        _open(d, "thuky", "internal_audit", key, programme=_case(d, f"CT-DGNB-{plan['year']}"),
              department=d.departments[code], **plan)

    def checklist() -> None:
        for clause, question in lines:
            _take(d, "danhgia", key, "add_line", clause=clause, question=question)

    def recorded() -> None:
        for line_id, evidence, result in results:
            _take(d, "danhgia", key, "record_line", line_id=line_id, evidence=evidence, result=result)
        for line_id, description, requirement in findings:
            _take(d, "danhgia", key, "raise_finding", line_id=line_id, description=description,
                  requirement=requirement)

    def reported() -> None:
        _take(d, "danhgia", key, "write_report", summary=report[0], conclusion=report[1])
        _report_document(d, key, lead, days["report"], report[0], [f"{f[0]}: {f[1]}" for f in findings])

    def signed() -> None:
        doc = d.documents[f"BC-{key}"]
        d.ledger.approve(actor(lead), doc, 1)
        _sign_as(d, doc, lead)
        _take(d, lead, key, "issue", document=doc)

    scenes = [
        ("plan", "09:00", planned),
        ("schedule", "14:00", lambda: _take(d, "thuky", key, "schedule", notice=(
            f"Thông báo phòng bố trí người làm việc với đoàn từ {plan['starts_on'][8:]}/{plan['starts_on'][5:7]}; "
            "chuẩn bị hồ sơ theo danh mục kiểm tra."))),
        ("checklist", "14:30", checklist),
        ("start", "08:00", lambda: _take(d, lead, key, "start", opening_meeting="Họp khai mạc với lãnh đạo phòng.")),
        ("record", "10:00", recorded),
        ("finish", "16:00", lambda: _take(d, lead, key, "finish",
                                          closing_meeting="Họp kết thúc: phòng thống nhất các phát hiện.")),
        ("report", "09:00", reported),
        ("issue", "14:30", signed),
        ("acknowledge", "09:15", lambda: _take(d, leader, key, "acknowledge",
                                               comment="Phòng thống nhất kết quả; sẽ khắc phục đúng hạn.")),
    ]
    for name, at, scene in scenes:
        if name == stop:
            return
        if name in days:
            d.on(days[name], at, scene)


def _link(d: Demo, key: str, nc_key: str, who: str) -> None:
    """The finding F1's nonconformity, raised by the auditor from this audit (isoledger.demo_risks), linked to it."""
    _take(d, who, key, "link_nc", finding_id="F1", nonconformity=d.cases[nc_key])


def story(d: Demo) -> None:
    # 2025: the programme approved in January; KHTC audited 30/09–01/10, QLKH 13–14/10 (a major NC), both closed
    _programme(d, 2025, [
        {"department": d.departments["KHTC"], "processes": "Quản lý tài chính, tạm ứng và thanh toán đề tài",
         "clauses": "7.5, 8.5, 9.1", "risk": "high", "month": 9, "basis": "Nhiều hồ sơ thanh toán, hạn chặt."},
        {"department": d.departments["QLKH"], "processes": "Tuyển chọn, nghiệm thu nhiệm vụ KH&CN",
         "clauses": "7.5, 8.3, 8.6", "risk": "high", "month": 10,
         "basis": "Hồ sơ nghiệm thu có nhiều thành phần, nhiều người ký."}],
        {"draft": "2025-01-13", "submit": "2025-01-15", "approve": "2025-01-17", "enforce": "2025-01-20"})
    _audit(d, "AUDIT-2025-KHTC", {
        "code": "KHTC", "year": 2025, "title": "Đánh giá nội bộ Phòng Kế hoạch - Tài chính "
        "năm 2025", "objectives": "Xác định sự phù hợp của quá trình quản lý tài chính đề tài với QT-07.",
        "scope": "Hồ sơ tạm ứng, thanh toán đề tài từ 01/2025.", "criteria": f"{ISO}; QT-07; Thông tư 02/2023.",
        "starts_on": "2025-09-30", "ends_on": "2025-10-01", "lead_auditor": "chanhthanhtra",
        "auditors": ["danhgia"]},
        {"plan": "2025-09-03", "schedule": "2025-09-05", "checklist": "2025-09-24", "start": "2025-09-30",
         "record": "2025-10-01", "finish": "2025-10-01", "report": "2025-10-03", "issue": "2025-10-03",
         "acknowledge": "2025-10-06"},
        [("7.5.3", "Hồ sơ thanh toán đề tài có được lưu đủ thành phần theo QT-07?"),
         ("8.5.1", "Tạm ứng đề tài có được theo dõi và nhắc hạn hoàn ứng?"),
         ("9.1.3", "Kết quả giải ngân có được tổng hợp, báo cáo hằng quý?")],
        [("L1", "Kiểm tra 20 hồ sơ thanh toán năm 2025: đủ thành phần.", "conforming"),
         ("L2", "Sổ theo dõi tạm ứng cập nhật đến 30/9/2025.", "conforming"),
         ("L3", "Báo cáo quý I, II/2025 có; chưa phân tích nguyên nhân chậm giải ngân.", "ofi")],
        [("L3", "Báo cáo giải ngân nên phân tích nguyên nhân chậm để đề xuất giải pháp.", "TCVN ISO 9001:2015 9.1.3")],
        ("3 nội dung kiểm tra: 2 phù hợp, 1 cơ hội cải tiến.", "Quá trình quản lý tài chính đề tài được duy trì "
         "phù hợp; khuyến nghị phân tích nguyên nhân chậm giải ngân trong báo cáo quý."))
    d.on("2025-10-07", "10:00", lambda: _take(d, "thuky", "AUDIT-2025-KHTC", "close"))
    _audit(d, "AUDIT-2025-QLKH", {
        "code": "QLKH", "year": 2025,
        "title": "Đánh giá nội bộ Phòng Quản lý khoa học năm 2025",
        "objectives": "Xác định sự phù hợp của quá trình nghiệm thu nhiệm vụ KH&CN với QT-05.",
        "scope": "Hồ sơ nghiệm thu nhiệm vụ cấp tỉnh năm 2025.", "criteria": f"{ISO}; QT-05.",
        "starts_on": "2025-10-13", "ends_on": "2025-10-14", "lead_auditor": "truongqlcn", "auditors": ["danhgia"]},
        {"plan": "2025-09-08", "schedule": "2025-09-10", "checklist": "2025-10-08", "start": "2025-10-13",
         "record": "2025-10-14", "finish": "2025-10-14", "report": "2025-10-16", "issue": "2025-10-16",
         "acknowledge": "2025-10-20"},
        [("7.5.3", "Hồ sơ nghiệm thu có biên bản họp hội đồng đủ chữ ký thành viên?"),
         ("8.3", "Thuyết minh nhiệm vụ có được thẩm định trước khi phê duyệt?"),
         ("8.6", "Kết quả nghiệm thu có được công bố đúng hạn?")],
        [("L1", "2/15 hồ sơ nghiệm thu năm 2025 không có biên bản họp hội đồng đủ chữ ký.", "major_nc"),
         ("L2", "15/15 thuyết minh có biên bản thẩm định.", "conforming"),
         ("L3", "Kết quả công bố trên cổng thông tin; chưa có mục tra cứu theo lĩnh vực.", "ofi")],
        [("L1", "2/15 hồ sơ nghiệm thu nhiệm vụ KH&CN cấp tỉnh năm 2025 thiếu biên bản họp hội đồng có đủ chữ ký "
                "thành viên.", "TCVN ISO 9001:2015 7.5.3; QT-05 mục 5.6"),
         ("L3", "Nên bổ sung mục tra cứu kết quả nghiệm thu theo lĩnh vực trên cổng thông tin.", "8.6")],
        ("3 nội dung kiểm tra: 1 không phù hợp nặng, 1 phù hợp, 1 cơ hội cải tiến.",
         "Phòng cần khắc phục ngay việc hoàn thiện biên bản nghiệm thu; sửa đổi QT-05."))
    d.on("2025-10-27", "10:30", lambda: _link(d, "AUDIT-2025-QLKH", "NC-2025", "phophong"))
    d.on("2025-10-28", "10:30", lambda: _take(d, "thuky", "AUDIT-2025-QLKH", "close"))

    # 2026: the programme returned once, then approved; KHTC's audit issued (its minor NC still open), VP's under way
    _programme(d, 2026, [
        {"department": d.departments["KHTC"], "processes": "Quản lý tài sản, mua sắm", "clauses": "7.1.3, 7.5, 8.4",
         "risk": "high", "month": 10, "basis": "Mua sắm tài sản năm 2026 tăng gấp đôi."},
        {"department": d.departments["QLKH"], "processes": "Quản lý nhiệm vụ KH&CN", "clauses": "8.5, 10.2",
         "risk": "medium", "month": 11, "basis": "Theo dõi hiệu lực khắc phục NC năm 2025."}],
        {"draft": "2026-01-12", "submit": "2026-01-14", "approve": "2026-01-21", "enforce": "2026-01-23"},
        returned=("2026-01-16", "2026-01-19", {
            "department": d.departments["VP"], "processes": "Tiếp nhận và trả kết quả TTHC (một cửa)",
            "clauses": "8.2, 8.5, 9.1.2", "risk": "high", "month": 11, "basis": "Nhiều TTHC, phản ánh của người dân."}))
    _audit(d, "AUDIT-2026-KHTC", {
        "code": "KHTC", "year": 2026,
        "title": "Đánh giá nội bộ Phòng Kế hoạch - Tài chính năm 2026",
        "objectives": "Xác định sự phù hợp của việc quản lý tài sản, mua sắm với QT-09.",
        "scope": "Tài sản mua sắm và sổ theo dõi tài sản năm 2026.", "criteria": f"{ISO}; QT-09.",
        "starts_on": "2026-10-12", "ends_on": "2026-10-13", "lead_auditor": "chanhthanhtra",
        "auditors": ["danhgia", {"external": {"name": "Nguyễn Minh Tâm",
                                              "organisation": "Chi cục Tiêu chuẩn Đo lường Chất lượng Trà Vinh"}}]},
        {"plan": "2026-09-07", "schedule": "2026-09-09", "checklist": "2026-10-07", "start": "2026-10-12",
         "record": "2026-10-13", "finish": "2026-10-13", "report": "2026-10-15", "issue": "2026-10-16",
         "acknowledge": "2026-10-19"},
        [("7.1.3", "Tài sản mua sắm có được ghi sổ theo dõi tài sản cố định?"),
         ("8.4", "Hồ sơ mua sắm có đủ báo giá, biên bản nghiệm thu?"),
         ("7.5.3", "Sổ theo dõi tài sản có được kiểm kê, đối chiếu cuối năm?")],
        [("L1", "14 tài sản mua sắm từ tháng 3/2026 chưa được ghi vào sổ theo dõi.", "minor_nc"),
         ("L2", "6/6 hồ sơ mua sắm đủ thành phần.", "conforming"),
         ("L3", "Kiểm kê năm 2025 có biên bản; chưa có chữ ký kế toán trưởng trên 1 trang.", "observation")],
        [("L1", "Sổ theo dõi tài sản cố định chưa cập nhật 14 tài sản mua sắm năm 2026.", "QT-09 mục 5.2"),
         ("L3", "Biên bản kiểm kê năm 2025 thiếu chữ ký kế toán trưởng trên trang 3.", "QT-09 mục 5.4")],
        ("3 nội dung kiểm tra: 1 không phù hợp nhẹ, 1 phù hợp, 1 điểm lưu ý.",
         "Phòng cần cập nhật sổ theo dõi tài sản và quy định thời hạn ghi sổ."))
    d.on("2026-10-26", "10:30", lambda: _link(d, "AUDIT-2026-KHTC", "NC-2026", "truongphong"))
    _audit(d, "AUDIT-2026-VP", {
        "code": "VP", "year": 2026, "title": "Đánh giá nội bộ Văn phòng Sở năm 2026",
        "objectives": "Xác định sự phù hợp của việc tiếp nhận, trả kết quả TTHC với quy trình một cửa.",
        "scope": "Hồ sơ TTHC tiếp nhận từ 01/2026 tại bộ phận một cửa.", "criteria": f"{ISO}; QT-01; QT-02.",
        "starts_on": "2026-11-23", "ends_on": "2026-11-25", "lead_auditor": "truongqlcn", "auditors": ["danhgia"]},
        {"plan": "2026-11-02", "schedule": "2026-11-04", "checklist": "2026-11-18", "start": "2026-11-23",
         "record": "2026-11-24"},
        [("8.2", "Yêu cầu của người nộp hồ sơ có được xác định, ghi phiếu tiếp nhận?"),
         ("8.5", "Hồ sơ TTHC có được giải quyết đúng hạn?"),
         ("9.1.2", "Sự hài lòng của người dân có được khảo sát?"),
         ("7.5.3", "Hồ sơ TTHC có được lưu theo QT-02?")],
        [("L1", "30 phiếu tiếp nhận kiểm tra: ghi đủ yêu cầu.", "conforming"),
         ("L2", "Phần mềm một cửa: 98% hồ sơ đúng hạn năm 2026.", "conforming")],
        [], ("", ""), stop="finish")
