"""Inspections by the supervising agency (kiểm tra, Điều 4.6 of the regulation on ISO điện tử): scheduled, carried
out, findings and a score per criterion recorded, concluded by the team lead, closed — read by the inspected agency.

An inspection is a case of the supervising agency (its inspectors take every step); the inspected agency, named by
``inspected_agency``, must be one that agency supervises, and its leader and ISO secretary read the case
(``Process.shared_with``). A finding may be raised as a nonconformity by the inspected agency (source
``inspection``, linked to this case). The score is entered per criterion of a versioned scale (``SCALES``); the
total and the classification are derived, never typed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.errors import NotAllowed, RuleViolation
from ledger.qms.declaration import Applied, Field, Label, Process, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, not_before_today
from ledger.vocabulary import Role

INSPECTORS = (Role.INSPECTOR,)
KINDS = {"periodic": ("Định kỳ", "Periodic"), "ad_hoc": ("Đột xuất", "Ad hoc")}
SEVERITIES = {"major": ("Không phù hợp nặng", "Major nonconformity"),
              "minor": ("Không phù hợp nhẹ", "Minor nonconformity"),
              "observation": ("Khuyến nghị, lưu ý", "Observation")}


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Label
    maximum: int


@dataclass(frozen=True)
class Scale:
    """One version of the scoring scale: its criteria (each scored 0..maximum) and the total from which an agency
    meets the requirements. The classification is the regulation's two outcomes (Phụ lục 01 of Quyết định
    512/QĐ-UBND, column «Kết quả kiểm tra»): meets the requirements, or does not yet. A version, once declared,
    never changes; a new one is a new entry of ``SCALES``."""

    version: str
    label: Label
    criteria: tuple[Criterion, ...]
    pass_mark: int

    @property
    def maximum(self) -> int:
        return sum(c.maximum for c in self.criteria)

    def classify(self, total: int) -> str:
        return "meets" if total >= self.pass_mark else "not_yet"


CLASSES = {"meets": ("Đáp ứng yêu cầu", "Meets the requirements"),
           "not_yet": ("Chưa đáp ứng yêu cầu", "Does not yet meet the requirements")}
SCALE_V1 = Scale(
    version="TC1", label=("Tiêu chí kiểm tra HTQLCL (100 điểm)", "QMS inspection criteria (100 points)"),
    criteria=(
        Criterion("tc1", ("Xây dựng HTQLCL: tài liệu, quy trình bao quát các TTHC",
                          "QMS built: documents and procedures covering the administrative procedures"), 20),
        Criterion("tc2", ("Công bố HTQLCL phù hợp TCVN ISO 9001", "QMS declared conforming to TCVN ISO 9001"), 10),
        Criterion("tc3", ("Bối cảnh, chính sách và mục tiêu chất lượng", "Context, quality policy and objectives"),
                  15),
        Criterion("tc4", ("Áp dụng: kiểm soát tài liệu và hồ sơ", "Applied: documents and records controlled"), 20),
        Criterion("tc5", ("Duy trì: đánh giá nội bộ, xem xét của lãnh đạo",
                          "Maintained: internal audit, management review"), 20),
        Criterion("tc6", ("Cải tiến: khắc phục sự không phù hợp", "Improved: nonconformities corrected"), 15)),
    pass_mark=70)
SCALES = {SCALE_V1.version: SCALE_V1}
SCORE_FIELDS = tuple(Field(c.code, "integer", c.label, minimum=0, maximum=c.maximum) for c in SCALE_V1.criteria)


# ---- rules -------------------------------------------------------------------------------------
def supervised(t: Taking) -> None:
    """Only an agency the actor's agency supervises may be inspected by it."""
    inspected = str(t.values.get("inspected_agency", ""))
    found = t.world.agency(inspected)
    if found is None or t.actor.agency_id not in found.get("supervised_by", []):
        raise NotAllowed(f"Cơ quan của bạn không giám sát «{inspected}»: chỉ lập lịch kiểm tra cơ quan mình giám sát.",
                         f"Your agency does not supervise '{inspected}': you may only schedule inspections of "
                         "agencies it supervises.", code="not_supervised", field="inspected_agency")


def by_team_lead(t: Taking) -> None:
    if t.data.get("team_lead") != t.actor.user_id:
        raise NotAllowed("Chỉ trưởng đoàn kiểm tra được ký kết luận.",
                         "Only the inspection team's lead may sign the conclusion.", code="not_team_lead")


def scored(t: Taking) -> None:
    if not t.data.get("scores"):
        raise RuleViolation("Chưa chấm điểm theo các tiêu chí.", "No score has been recorded against the criteria.",
                            field="scores", code="not_scored")


# ---- effects ------------------------------------------------------------------------------------
def add_finding(data: dict[str, Any], applied: Applied) -> None:
    n = int(data.get("finding_seq", 0)) + 1
    data.setdefault("findings", []).append({"id": f"PH{n}", **applied.values, "by": applied.user_id,
                                            "at": applied.at})
    data["finding_seq"] = n


def score(data: dict[str, Any], applied: Applied) -> None:
    """The points per criterion, on the scale the inspection was scheduled with; a second entry corrects the
    first (the events keep both)."""
    data["scores"] = {c.code: applied.values[c.code] for c in SCALE_V1.criteria if c.code in applied.values}
    data.update(scored_by=applied.user_id, scored_at=applied.at)


def concluded(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(concluded_by=applied.user_id, concluded_on=vn_day(applied.at).isoformat())


# ---- derived ------------------------------------------------------------------------------------
def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    scale = SCALES.get(str(data.get("criteria")), SCALE_V1)
    scores = data.get("scores") or {}
    total = sum(int(v) for v in scores.values()) if scores else None
    findings = list(data.get("findings", []))
    return {"total": total, "maximum": scale.maximum,
            "classification": scale.classify(total) if total is not None else None,
            "findings": len(findings),
            "by_severity": {s: sum(1 for f in findings if f.get("severity") == s) for s in SEVERITIES}}


def _title(d: Mapping[str, Any]) -> str:
    kind = KINDS.get(str(d.get("kind")), ("", ""))[0].lower()
    on = str(d.get("planned_on", ""))
    shown = f"{on[8:10]}/{on[5:7]}/{on[:4]}" if len(on) == 10 else on
    return f"Kiểm tra {kind} HTQLCL — {d.get('inspected_agency')} — {shown}"


INSPECTION = register(Process(
    name="inspection", collection="inspections", clause="9.1",
    label=("Kiểm tra của cơ quan chủ quản", "Inspection by the supervising agency"),
    states={"scheduled": ("Đã lập lịch", "Scheduled"), "in_progress": ("Đang kiểm tra", "In progress"),
            "recorded": ("Đã ghi kết quả", "Results recorded"), "concluded": ("Đã kết luận", "Concluded"),
            "closed": ("Đã đóng", "Closed"), "cancelled": ("Đã hủy", "Cancelled")},
    final=("closed", "cancelled"),
    title=_title,
    derive=derive,
    department_field=None,
    shared_with="inspected_agency",
    shared_roles=(Role.AGENCY_LEADER, Role.ISO_SECRETARY),
    steps=(
        Step("schedule", ("Lập lịch kiểm tra", "Schedule"), (), "scheduled", INSPECTORS,
             fields=(Field("inspected_agency", "text", ("Cơ quan được kiểm tra", "Inspected agency"), max_len=100),
                     Field("kind", "choice", ("Hình thức", "Kind"), choices=KINDS),
                     Field("year", "year", ("Năm", "Year")),
                     Field("planned_on", "date", ("Ngày kiểm tra", "Inspection date")),
                     Field("team_lead", "person", ("Trưởng đoàn", "Team lead")),
                     Field("team", "people", ("Thành viên đoàn", "Team members"), external=True, required=False),
                     Field("scope", "long_text", ("Phạm vi, nội dung kiểm tra", "Scope")),
                     Field("criteria", "choice", ("Bộ tiêu chí chấm điểm", "Scoring criteria"),
                           choices={k: s.label for k, s in SCALES.items()})),
             rules=(supervised, in_own_agency_year(), not_before_today("planned_on")),
             hint=("Cơ quan được kiểm tra nhận thông báo (lãnh đạo và thư ký ISO).",
                   "The inspected agency's leader and ISO secretary are notified.")),
        Step("reschedule", ("Đổi ngày kiểm tra", "Reschedule"), ("scheduled",), None, INSPECTORS,
             fields=(Field("planned_on", "date", ("Ngày kiểm tra", "Inspection date")),), reason=True,
             rules=(not_before_today("planned_on"),)),
        Step("start", ("Bắt đầu kiểm tra", "Start"), ("scheduled",), "in_progress", INSPECTORS),
        Step("finding", ("Ghi phát hiện", "Record a finding"), ("in_progress",), None, INSPECTORS,
             fields=(Field("description", "long_text", ("Nội dung phát hiện", "Finding")),
                     Field("clause", "text", ("Điều khoản TCVN ISO 9001:2015", "Clause"), max_len=20),
                     Field("severity", "choice", ("Mức độ", "Severity"), choices=SEVERITIES)),
             effect=add_finding),
        Step("score", ("Chấm điểm", "Score"), ("in_progress",), None, INSPECTORS, fields=SCORE_FIELDS,
             effect=score, hint=("Điểm tối đa mỗi tiêu chí ghi bên cạnh; tổng điểm và xếp loại được tính tự động.",
                                 "Each criterion's maximum is shown; the total and classification are computed.")),
        Step("record", ("Ghi nhận kết quả", "Record the results"), ("in_progress",), "recorded", INSPECTORS,
             fields=(Field("summary", "long_text", ("Tóm tắt kết quả", "Summary of the results")),),
             rules=(scored,)),
        Step("conclude", ("Ký kết luận", "Sign the conclusion"), ("recorded",), "concluded", INSPECTORS,
             fields=(Field("conclusion", "long_text", ("Kết luận kiểm tra", "Conclusion")),),
             rules=(by_team_lead,), effect=concluded),
        Step("close", ("Đóng", "Close"), ("concluded",), "closed", INSPECTORS),
        Step("cancel", ("Hủy", "Cancel"), ("scheduled", "in_progress"), "cancelled", INSPECTORS, reason=True),
    ),
))
