"""Continual improvement (cải tiến liên tục, §10.3): the yearly improvement programme with its plans per round,
approved by the agency leader, and the proposal forms (phiếu đề xuất cải tiến) any staff member may file —
screened, accepted or rejected with a reason, implemented, its benefit verified, closed.

Who handles a proposal: a routine one (*cải tiến thường xuyên*) is screened, decided, verified and closed by the
leader of its own department; any other by the ISO secretary (screening, verifying, closing) and the agency leader
(deciding). The ISO secretary and the agency leader may also act on a routine one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import NotAllowed, RuleViolation
from ledger.qms.declaration import Applied, Field, Process, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, leader_of, not_before_today, not_by
from ledger.vocabulary import Role

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)
HANDLERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER)
DECIDERS = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
MEMBERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR,
           Role.RECORDS_CONTROLLER, Role.STAFF)
EFFORTS = {"low": ("Thấp", "Low"), "medium": ("Trung bình", "Medium"), "high": ("Cao", "High")}
ACHIEVED = {"achieved": ("Đạt lợi ích dự kiến", "Benefit achieved"),
            "partly": ("Đạt một phần", "Partly achieved"), "not_achieved": ("Không đạt", "Not achieved")}


# ---- the programme -------------------------------------------------------------------------
def add_plan(data: dict[str, Any], applied: Applied) -> None:
    """A line of the plan of one round (K1, K2... in the order added)."""
    plans = data.setdefault("plans", [])
    plans.append({"id": f"K{len(plans) + 1}", **applied.values, "by": applied.user_id, "at": applied.at})


def round_reported(data: dict[str, Any], applied: Applied) -> None:
    data.setdefault("round_results", []).append({**applied.values, "by": applied.user_id, "at": applied.at})


def has_plans(t: Taking) -> None:
    if not t.data.get("plans"):
        raise RuleViolation("Chương trình chưa có kế hoạch cải tiến nào.", "The programme has no plan line yet.",
                            field="plans", code="no_plans")


def approved(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(approved_on=vn_day(applied.at).isoformat(), approved_by=applied.user_id)


def programme_derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    plans = list(data.get("plans", []))
    return {"plans": len(plans), "rounds": sorted({int(p["round"]) for p in plans}),
            "rounds_reported": sorted({int(r["round"]) for r in data.get("round_results", [])})}


PROGRAMME = register(Process(
    name="improvement_programme", collection="improvement-programmes", clause="10.3",
    published=("approved", "closed"), public_fields=("year", "aims", "approved_on"),
    label=("Chương trình cải tiến", "Improvement programme"),
    states={"draft": ("Dự thảo", "Draft"), "submitted": ("Trình phê duyệt", "Submitted"),
            "approved": ("Đã phê duyệt, đang thực hiện", "Approved, under way"), "closed": ("Đã kết thúc", "Closed")},
    final=("closed",),
    key=("year",),
    title=lambda d: f"Chương trình cải tiến năm {d.get('year')}",
    department_field=None,
    derive=programme_derive,
    steps=(
        Step("draft", ("Lập chương trình", "Draft the programme"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("aims", "long_text", ("Mục đích, định hướng cải tiến", "Aims of the programme")),
                     Field("document", "document", ("Văn bản chương trình", "Formal document"), required=False)),
             rules=(in_own_agency_year(),)),
        Step("plan", ("Thêm kế hoạch theo đợt", "Add a plan line for a round"), ("draft", "approved"), None,
             SECRETARY,
             fields=(Field("round", "integer", ("Đợt", "Round"), minimum=1, maximum=12),
                     Field("area", "text", ("Lĩnh vực, quá trình", "Area or process"), max_len=300),
                     Field("department", "department", ("Phòng ban chủ trì", "Department in charge"),
                           required=False),
                     Field("content", "long_text", ("Nội dung cải tiến", "What will be improved")),
                     Field("due", "date", ("Thời hạn", "Due"))),
             effect=add_plan),
        Step("submit", ("Trình phê duyệt", "Submit"), ("draft",), "submitted", SECRETARY, rules=(has_plans,)),
        Step("return", ("Trả lại để sửa", "Return for changes"), ("submitted",), "draft", LEADER, reason=True),
        Step("approve", ("Phê duyệt", "Approve"), ("submitted",), "approved", LEADER,
             fields=(Field("note", "long_text", ("Ý kiến phê duyệt", "Approval note"), required=False),),
             effect=approved),
        Step("report_round", ("Báo cáo kết quả đợt", "Report a round's results"), ("approved",), None, SECRETARY,
             fields=(Field("round", "integer", ("Đợt", "Round"), minimum=1, maximum=12),
                     Field("result", "long_text", ("Kết quả đạt được", "Results"))),
             effect=round_reported),
        Step("close", ("Kết thúc chương trình", "Close the programme"), ("approved",), "closed", LEADER + SECRETARY,
             fields=(Field("summary", "long_text", ("Tổng kết", "Summary")),)),
    ),
))


# ---- the proposals ---------------------------------------------------------------------------
def handler(t: Taking) -> None:
    """A department leader handles only routine proposals of their own department; the ISO secretary and the
    agency leader handle any."""
    if t.role != Role.DEPARTMENT_LEADER:
        return
    if not t.data.get("routine"):
        raise NotAllowed("Đề xuất không phải cải tiến thường xuyên: do thư ký ISO và lãnh đạo cơ quan xử lý.",
                         "Not a routine proposal: the ISO secretary and the agency leader handle it.",
                         code="not_routine")
    leader_of("department")(t)


def owner_or_handler(t: Taking) -> None:
    """The implementation is reported by the person in charge of it, or by whoever handles the proposal."""
    if t.data.get("owner") == t.actor.user_id:
        return
    if t.role not in HANDLERS:
        raise NotAllowed("Chỉ người được giao thực hiện hoặc người xử lý đề xuất được báo cáo kết quả.",
                         "Only the person in charge or a handler of the proposal may report it implemented.",
                         code="not_in_charge")
    handler(t)


def proposed(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(proposer=applied.user_id, proposed_on=vn_day(applied.at).isoformat())


def decided(outcome: str) -> Any:
    def effect(data: dict[str, Any], applied: Applied) -> None:
        merge(data, applied)
        data.update(decision=outcome, decided_by=applied.user_id, decided_on=vn_day(applied.at).isoformat())
    return effect


def verified(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(verified_by=applied.user_id, verified_on=vn_day(applied.at).isoformat())


def closed(data: dict[str, Any], applied: Applied) -> None:
    data["closed_on"] = vn_day(applied.at).isoformat()


def proposal_derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    due = data.get("due")
    return {"handled_by": "department" if data.get("routine") else "iso",
            "overdue": data.get("decision") == "accepted" and "implemented_on" not in data and bool(due)
            and str(due) < today.isoformat(),
            "benefit": data.get("achieved")}


def implemented(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(implemented_on=vn_day(applied.at).isoformat(), implemented_by=applied.user_id)


IMPROVEMENT = register(Process(
    name="improvement", collection="improvements", clause="10.3",
    published=("closed",), public_fields=("year", "title", "area", "benefit", "closed_on"),
    label=("Đề xuất cải tiến", "Improvement proposal"),
    states={"proposed": ("Đã đề xuất", "Proposed"), "screened": ("Đã sàng lọc", "Screened"),
            "accepted": ("Được chấp nhận, đang thực hiện", "Accepted, being implemented"),
            "rejected": ("Không chấp nhận", "Rejected"), "implemented": ("Đã thực hiện", "Implemented"),
            "verified": ("Đã xác nhận lợi ích", "Benefit verified"), "closed": ("Đã đóng", "Closed")},
    final=("rejected", "closed"),
    title=lambda d: str(d.get("title", "")),
    derive=proposal_derive,
    steps=(
        Step("propose", ("Gửi phiếu đề xuất cải tiến", "File an improvement proposal"), (), "proposed", MEMBERS,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("department", "department", ("Phòng ban, lĩnh vực áp dụng", "Department concerned")),
                     Field("title", "text", ("Tên đề xuất", "Title"), max_len=300),
                     Field("area", "text", ("Quá trình, công việc", "Area or process"), max_len=300),
                     Field("routine", "flag", ("Cải tiến thường xuyên (trong phòng)",
                                               "Routine (within the department)"), required=False),
                     Field("situation", "long_text", ("Hiện trạng", "Current situation")),
                     Field("proposal", "long_text", ("Nội dung đề xuất", "Proposal")),
                     Field("benefit", "long_text", ("Lợi ích dự kiến", "Expected benefit")),
                     Field("effort", "choice", ("Công sức, chi phí", "Effort"), choices=EFFORTS),
                     Field("programme", "ref", ("Thuộc chương trình cải tiến", "Improvement programme"),
                           required=False, process="improvement_programme")),
             rules=(in_own_agency_year(),), effect=proposed),
        Step("screen", ("Sàng lọc", "Screen"), ("proposed",), "screened", HANDLERS,
             fields=(Field("screening", "long_text", ("Nhận xét sàng lọc", "Screening notes")),),
             rules=(handler,)),
        Step("accept", ("Chấp nhận", "Accept"), ("screened",), "accepted", DECIDERS,
             fields=(Field("owner", "person", ("Người thực hiện", "Person in charge")),
                     Field("due", "date", ("Hạn thực hiện", "Due")),
                     Field("plan", "long_text", ("Cách thực hiện", "How it will be done"), required=False)),
             rules=(handler, not_before_today("due")), effect=decided("accepted")),
        Step("reject", ("Không chấp nhận", "Reject"), ("proposed", "screened"), "rejected", DECIDERS, reason=True,
             rules=(handler,), effect=decided("rejected"),
             hint=("Nêu lý do để người đề xuất biết.", "Give the reason, so the proposer knows.")),
        Step("implement", ("Báo cáo đã thực hiện", "Report it implemented"), ("accepted",), "implemented", MEMBERS,
             fields=(Field("result", "long_text", ("Kết quả thực hiện", "What was done")),
                     Field("evidence", "file", ("Bằng chứng", "Evidence"), required=False)),
             rules=(owner_or_handler,), effect=implemented),
        Step("verify", ("Xác nhận lợi ích", "Verify the benefit"), ("implemented",), "verified", HANDLERS,
             fields=(Field("achieved", "choice", ("Kết luận", "Result"), choices=ACHIEVED),
                     Field("measured", "long_text", ("Lợi ích đo được", "Benefit measured"))),
             rules=(handler, not_by("owner", ("thực hiện cải tiến", "implemented it"))), effect=verified),
        Step("close", ("Đóng", "Close"), ("verified",), "closed", HANDLERS, rules=(handler,), effect=closed),
    ),
))
