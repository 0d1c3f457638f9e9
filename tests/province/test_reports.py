"""The QMS-status reports: the Excel workbook holds, in real cells, the same numbers as the dashboard API, with bold
Vietnamese headers, a frozen header row and dates as dates; the PDF embeds its fonts and its text keeps every
Vietnamese letter; an agency's own report is its own, another agency's is not found."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from ledger.clock import clocked
from tests.factories import AGENCY, OTHER_AGENCY, SECRETARY
from tests.province.helpers import approved_context, nonconformity


def _world(province, clock) -> None:  # type: ignore[no-untyped-def]
    with clocked(clock):
        approved_context(province.api.ctx.ledger)
        nonconformity(province.api.ctx.ledger, province.org.khtc)
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_the_excel_report_holds_the_dashboards_numbers(province, clock) -> None:
    _world(province, clock)
    board = province.get("/api/v1/province/dashboard", "kiemtra", year=2026)
    r = province.api.call("GET", "/api/v1/province/reports/qms-status.xlsx", "kiemtra", params={"year": 2026})
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(r.content))
    steps = wb["Theo bước"]
    header = [c.value for c in steps[1]]
    assert header[:3] == ["Mã bước", "Bước", "Hạn"] and "Đã hoàn thành" in header and "Quá hạn" in header
    assert all(c.font.bold for c in steps[1]) and steps.freeze_panes == "A2"
    rows = {row[0]: row for row in steps.iter_rows(min_row=2, values_only=True)}
    for s in board["steps"]:
        row = rows[s["key"]]
        assert row[1] == s["label"][0]
        assert list(row[3:7]) == [s["counts"][k] for k in ("done", "due", "late", "untracked")]
        assert row[2].date().isoformat() == s["fixed_due"]
    assert steps["C2"].number_format == "DD/MM/YYYY"
    each = wb["Theo cơ quan"]
    names = {row[0]: row[1] for row in each.iter_rows(min_row=2, values_only=True)}
    assert names == {a["agency_id"]: a["name"] for a in board["agencies"]}
    assert names[AGENCY] == "Sở Khoa học và Công nghệ tỉnh Trà Vinh"
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    assert summary["Số cơ quan"] == len(board["agencies"]) == 3
    assert summary["Cơ quan có bước quá hạn"] == sum(1 for a in board["agencies"] if a["late"])


def test_the_pdf_report_embeds_its_fonts_and_keeps_the_diacritics(province, clock, tmp_path: Path) -> None:
    _world(province, clock)
    r = province.api.call("GET", "/api/v1/province/reports/qms-status.pdf", "admin", params={"year": 2026})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(r.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSerif" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Phân tích bối cảnh, rủi ro và cơ hội" in " ".join(text.split())
    assert "Sở Khoa học và Công nghệ tỉnh Trà Vinh" in " ".join(text.split())


def test_an_agency_reads_its_own_report_and_not_anothers(province, clock) -> None:
    _world(province, clock)
    api = province.api
    r = api.call("GET", f"/api/v1/agencies/{AGENCY}/reports/qms-status.xlsx", "giam.doc", params={"year": 2026})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = {row[0]: row for row in wb["Theo bước"].iter_rows(min_row=2, values_only=True)}
    assert rows["context"][3] == 1 and rows["corrective_action"][5] == 1
    assert api.call("GET", f"/api/v1/agencies/{OTHER_AGENCY}/reports/qms-status.pdf", "giam.doc",
                    params={"year": 2026}).status_code == 404


def test_the_reports_count_the_procedures_imported_and_those_a_qms_procedure_governs(province, clock) -> None:
    from tests.factories import issued_document
    from usecases.tthc_import import read_feed

    _world(province, clock)
    ledger = province.api.ctx.ledger
    with clocked(clock):
        issued_document(ledger, code="QT-05", kind="procedure")
    rows = "\n".join(["agency_id,code,name,field,level,document,period,received,on_time,late,pending",
                      f"{AGENCY},1.000001,Cấp giấy chứng nhận đăng ký hoạt động khoa học,KH&CN,toan_trinh,QT-05,2026-09,"
                      "10,9,1,0",
                      f"{AGENCY},1.000002,Thẩm định hồ sơ đề tài,KH&CN,mot_phan,,2026-09,4,4,0,0",
                      f"{AGENCY},1.000003,Xác nhận hợp đồng chuyển giao công nghệ,KH&CN,mot_phan,,2026-09,2,1,1,0"])
    feed = read_feed(rows.encode(), "mot-cua.csv", agency_id=AGENCY)
    with clocked(clock):
        province.api.ctx.uc.tthc.import_feed(SECRETARY, feed)
    r = province.api.call("GET", "/api/v1/province/reports/qms-status.xlsx", "kiemtra", params={"year": 2026})
    summary = {row[0]: row[1] for row in load_workbook(io.BytesIO(r.content))["Tổng hợp"].iter_rows(
        min_row=3, values_only=True)}
    assert summary["Thủ tục hành chính đã liệt kê"] == 3
    assert summary["Thủ tục hành chính có quy trình ISO áp dụng"] == 1
    assert summary["Cơ quan đã được kiểm tra trong năm"] == 0 and summary["Điểm kiểm tra trung bình (thang 100)"] == \
        "chưa theo dõi"


def test_the_mean_score_keeps_its_decimal_written_with_a_comma_in_the_pdf(province, clock, tmp_path: Path) -> None:
    from tests.province.conftest import DISTRICT
    from tests.province.helpers import concluded_inspection

    _world(province, clock)
    concluded_inspection(province.api, AGENCY, {"tc1": 18, "tc2": 10, "tc3": 12, "tc4": 15, "tc5": 15, "tc6": 10})
    concluded_inspection(province.api, DISTRICT, {"tc1": 15, "tc2": 10, "tc3": 12, "tc4": 15, "tc5": 13, "tc6": 10})
    r = province.api.call("GET", "/api/v1/province/reports/qms-status.xlsx", "kiemtra", params={"year": 2026})
    sheet = load_workbook(io.BytesIO(r.content))["Tổng hợp"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=3)}
    mean = cells["Điểm kiểm tra trung bình (thang 100)"]
    assert mean.value == 77.5 and mean.number_format == "0.0"  # (80 + 75) / 2, a number cell with one decimal
    assert cells["Cơ quan đã được kiểm tra trong năm"].value == 2
    r = province.api.call("GET", "/api/v1/province/reports/qms-status.pdf", "kiemtra", params={"year": 2026})
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(r.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Điểm kiểm tra trung bình (thang 100): 77,5 điểm" in text
    assert "77.5" not in text
