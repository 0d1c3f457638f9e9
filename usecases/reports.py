"""The QMS-status reports of the province and of one agency (Điều 6.3, 13): the same figures as the dashboard, as an
Excel workbook (real cells, formats, Vietnamese headers) and a PDF (fonts embedded); more figures plug in as
providers (procedure coverage, inspection scores)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from isoledger.demo_pdfs import Paper, Section, printable, render
from ledger.calendar.status import STATUSES
from ledger.numbers import number


@dataclass(frozen=True)
class Figure:
    key: str
    label: tuple[str, str]
    value: float | None  # None: not tracked on this installation yet
    unit: tuple[str, str] = ("cơ quan", "agencies")
    places: int = 0  # the decimals it is written with (a decimal comma in Vietnamese: ledger.numbers)

    def shown(self, lang: str = "vi") -> str:
        """The value as the report writes it: «87,5» in Vietnamese, "87.5" in English."""
        return "chưa theo dõi" if self.value is None else number(self.value, lang, self.places)


FigureProvider = Callable[[dict[str, Any]], list[Figure]]


def applying(board: dict[str, Any]) -> list[Figure]:
    """Agencies in the report, and those applying the QMS this year (at least one step done)."""
    agencies = board["agencies"]
    return [Figure("agencies", ("Số cơ quan", "Agencies"), len(agencies)),
            Figure("applying", ("Cơ quan đang áp dụng HTQLCL (có bước đã hoàn thành)",
                                "Agencies applying the QMS (a step done)"),
                   sum(1 for a in agencies if any(s["status"] == "done" for s in a["steps"])))]


def steps_late(board: dict[str, Any]) -> list[Figure]:
    late = sum(1 for a in board["agencies"] if a["late"])
    return [Figure("agencies_late", ("Cơ quan có bước quá hạn", "Agencies with a late step"), late),
            Figure("steps_late", ("Tổng số bước quá hạn", "Late steps in all"),
                   sum(a["late"] for a in board["agencies"]), ("bước", "steps"))]


def declared(board: dict[str, Any]) -> list[Figure]:
    """Agencies that published their declaration of conformity (when that process is declared here)."""
    step = next((s for s in board["steps"] if s["subject"] == "conformity_declaration"), None)
    value = None if step is None or not step["tracked"] else step["counts"]["done"]
    return [Figure("declared", ("Cơ quan đã công bố HTQLCL phù hợp", "Agencies that declared conformity"), value)]


def procedures_covered(board: dict[str, Any]) -> list[Figure]:
    """Administrative procedures listed (imported from the one-stop system) and those a QMS procedure governs."""
    agencies = board["agencies"]
    return [Figure("procedures", ("Thủ tục hành chính đã liệt kê", "Administrative procedures listed"),
                   sum(a.get("procedures", 0) for a in agencies), ("thủ tục", "procedures")),
            Figure("procedures_governed", ("Thủ tục hành chính có quy trình ISO áp dụng",
                                           "Administrative procedures governed by a QMS procedure"),
                   sum(a.get("procedures_governed", 0) for a in agencies), ("thủ tục", "procedures"))]


def inspection_scores(board: dict[str, Any]) -> list[Figure]:
    """Agencies inspected this year (a concluded inspection), those that meet the requirements, the mean score."""
    done = [a["inspection"] for a in board["agencies"] if a.get("inspection")]
    mean = round(sum(100 * i["total"] / i["maximum"] for i in done) / len(done), 1) if done else None
    return [Figure("inspected", ("Cơ quan đã được kiểm tra trong năm", "Agencies inspected this year"), len(done)),
            Figure("inspection_meets", ("Cơ quan kiểm tra đạt yêu cầu",
                                        "Agencies inspected that meet the requirements"),
                   sum(1 for i in done if i["classification"] == "meets")),
            Figure("inspection_mean", ("Điểm kiểm tra trung bình (thang 100)", "Mean inspection score (out of 100)"),
                   mean, ("điểm", "points"), places=1)]


FIGURE_PROVIDERS: list[FigureProvider] = [applying, steps_late, declared, procedures_covered, inspection_scores]


def figures(board: dict[str, Any]) -> list[Figure]:
    return [f for provider in FIGURE_PROVIDERS for f in provider(board)]


def _vn(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
STATUS_FILL = {"done": "D7F0DD", "due": "FFF4CC", "late": "F8D7D4", "untracked": "EEEEEE"}


def _sheet(ws: Any, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def xlsx(board: dict[str, Any], title: str) -> bytes:
    """The report as a workbook: the figures, the counts per step, and every agency × step."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    shown = figures(board)
    _sheet(ws, ["Chỉ tiêu", "Số lượng", "Đơn vị"],
           [[f.label[0], f.value if f.value is not None else f.shown(), f.unit[0]] for f in shown], [60, 14, 12])
    for f, (cell,) in zip(shown, ws.iter_rows(min_row=2, min_col=2, max_col=2), strict=True):
        cell.number_format = "0" if f.places == 0 else "0." + "0" * f.places  # Excel shows the reader's separator
    ws.insert_rows(1)
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws.freeze_panes = "A3"
    steps = wb.create_sheet("Theo bước")
    _sheet(steps, ["Mã bước", "Bước", "Hạn", *[STATUSES[k][0] for k in STATUSES]],
           [[s["key"], s["label"][0], date.fromisoformat(s["fixed_due"]), *[s["counts"][k] for k in STATUSES]]
            for s in board["steps"]], [20, 50, 12, 16, 16, 12, 20])
    for row in steps.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].number_format = "DD/MM/YYYY"
    for row in steps.iter_rows(min_row=2, min_col=4, max_col=7):
        for cell in row:
            cell.number_format = "0"
    each = wb.create_sheet("Theo cơ quan")
    headers = ["Mã cơ quan", "Tên cơ quan", "Cấp", *[f"{s['label'][0]} — tình trạng" for s in board["steps"]],
               *[f"{s['label'][0]} — ngày hoàn thành" for s in board["steps"]]]
    rows = [[a["agency_id"], a["name"], a["level_label"][0], *[STATUSES[s["status"]][0] for s in a["steps"]],
             *[date.fromisoformat(s["done_on"]) if s["done_on"] else None for s in a["steps"]]]
            for a in board["agencies"]]
    n = len(board["steps"])
    _sheet(each, headers, rows, [24, 40, 18, *[18] * n, *[14] * n])
    for r, a in enumerate(board["agencies"], start=2):
        for i, s in enumerate(a["steps"]):
            each.cell(r, 4 + i).fill = PatternFill("solid", fgColor=STATUS_FILL[s["status"]])
            each.cell(r, 4 + n + i).number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf(board: dict[str, Any], title: str, issuer: str, agency: str) -> bytes:
    """The report as an A4 PDF with embedded fonts: the figures, each step's counts, the agencies late."""
    sections = [Section("I. Số liệu tổng hợp", tuple(
        f"{f.label[0]}: {f.shown()} {f.unit[0]}" if f.value is not None else f"{f.label[0]}: {f.shown()}"
        for f in figures(board))),
        Section("II. Tình hình thực hiện từng bước", tuple(
            f"{i}. {s['label'][0]} (hạn {_vn(s['fixed_due'])}): "
            + ", ".join(f"{STATUSES[k][0].lower()} {s['counts'][k]}" for k in STATUSES if s["counts"][k])
            for i, s in enumerate(board["steps"], start=1)))]
    late = [a for a in board["agencies"] if a["late"]]
    sections.append(Section("III. Cơ quan có bước quá hạn", tuple(
        f"{a['name']} ({a['level_label'][0]}): " + "; ".join(
            f"{s['label'][0]} — hạn {_vn(s['due'])}" for s in a["steps"] if s["status"] == "late")
        for a in late) or ("Không có cơ quan nào quá hạn.",)))
    paper = Paper(kind="BÁO CÁO", title=printable(title), number=f"Năm {board['year']}",
                  dated=date.fromisoformat(board["today"]),
                  sections=tuple(Section(s.heading, tuple(printable(t) for t in s.paragraphs)) for s in sections),
                  signer_title="NGƯỜI LẬP BÁO CÁO", signer_name=printable(issuer), recipients=("Lưu: VT.",),
                  subtitle=f"Số liệu đến ngày {_vn(board['today'])}", agency=printable(agency.upper()))
    return render(paper).content
