"""Internal audit (đánh giá nội bộ, §9.2, ISO 19011): the year's risk-based audit programme approved by the agency
leader, and each department's audit under it — plan and team, checklist, findings, the report signed by the lead
auditor and acknowledged by the audited department's leader, closed once every nonconformity found has its NC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.qms.declaration import Applied, Deadline, Field, Process, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year, leader_of, not_before_today, own_department
from ledger.vocabulary import Role

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)
# The leader's representative plans the audits: a deputy director (agency leader) or the ISO secretary for them.
PLANNERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY)
# The audit team's steps: the team may name anyone of the agency; the rules keep them to its members.
TEAM = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR,
        Role.RECORDS_CONTROLLER, Role.STAFF)
# Only leaders sign documents on the signing path, so the lead auditor who signs the report is one.
SIGNERS = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
LINKERS = (Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR)

RISKS = {"high": ("Cao — ưu tiên", "High — priority"), "medium": ("Trung bình", "Medium"),
         "low": ("Thấp", "Low")}
RESULTS = {"conforming": ("Phù hợp", "Conforming"), "major_nc": ("Không phù hợp nặng", "Major nonconformity"),
           "minor_nc": ("Không phù hợp nhẹ", "Minor nonconformity"), "observation": ("Điểm lưu ý", "Observation"),
           "ofi": ("Cơ hội cải tiến", "Opportunity for improvement")}
NC_KINDS = ("major_nc", "minor_nc")  # a finding of these kinds needs its nonconformity before the audit closes

PROGRAMME_DOCUMENT = Field("document", "document", ("Văn bản chương trình đánh giá", "Programme document"),
                           required=False)
POOL = Field("auditors", "people", ("Đánh giá viên nội bộ được chỉ định", "Auditors named for the year"),
             required=False)
PROGRAMME_LINE = (Field("department", "department", ("Phòng ban được đánh giá", "Department audited")),
                  Field("processes", "text", ("Quá trình được đánh giá", "Processes audited"), max_len=500),
                  Field("clauses", "text", ("Điều khoản TCVN ISO 9001:2015", "Clauses"), max_len=300),
                  Field("risk", "choice", ("Mức rủi ro, ưu tiên", "Risk level, priority"), choices=RISKS),
                  Field("month", "integer", ("Tháng dự kiến", "Planned month"), minimum=1, maximum=12),
                  Field("basis", "long_text", ("Căn cứ mức rủi ro", "Basis of the risk level"), required=False))
LINE_ID = Field("line_id", "text", ("Mã dòng", "Line id"), max_len=20)
FINDING_ID = Field("finding_id", "text", ("Mã phát hiện", "Finding id"), max_len=20)


def _plan_fields(required: bool) -> tuple[Field, ...]:
    return (Field("objectives", "long_text", ("Mục tiêu đánh giá", "Audit objectives"), required=required),
            Field("scope", "long_text", ("Phạm vi đánh giá", "Audit scope"), required=required),
            Field("criteria", "long_text", ("Chuẩn mực đánh giá", "Audit criteria"), required=required),
            Field("starts_on", "date", ("Ngày bắt đầu", "Starts on"), required=required),
            Field("ends_on", "date", ("Ngày kết thúc", "Ends on"), required=required),
            Field("lead_auditor", "person", ("Trưởng đoàn đánh giá", "Lead auditor"), required=required),
            Field("auditors", "people", ("Thành viên đoàn đánh giá", "Auditors"), required=False, external=True))


def _vn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


# ---- programme: effects and rules -------------------------------------------------------------
def add_programme_line(data: dict[str, Any], applied: Applied) -> None:
    """Appends a line of coverage, numbered P1, P2... in the order added (a removed number is never reused)."""
    data["line_seq"] = int(data.get("line_seq", 0)) + 1
    data.setdefault("lines", []).append({"id": f"P{data['line_seq']}", **applied.values, "by": applied.user_id,
                                         "at": applied.at})


def remove_programme_line(data: dict[str, Any], applied: Applied) -> None:
    data["lines"] = [x for x in data.get("lines", []) if x["id"] != applied.values["line_id"]]


def programme_approved(data: dict[str, Any], applied: Applied) -> None:
    """Keeps the lines as the leader approved them beside the live list."""
    data["approved_lines"] = [dict(x) for x in data.get("lines", [])]
    data.update(approved_by=applied.user_id, approved_on=vn_day(applied.at).isoformat())


def programme_line_exists(t: Taking) -> None:
    line = t.values.get("line_id")
    if not any(x["id"] == line for x in t.data.get("lines", [])):
        raise InvalidInput(f"Chương trình không có dòng «{line}».", f"The programme has no line '{line}'.",
                           field="line_id")


def programme_not_empty(t: Taking) -> None:
    if not t.data.get("lines"):
        raise RuleViolation("Chương trình chưa có phòng ban nào được đánh giá.",
                            "The programme covers no department yet.", field="lines", code="programme_empty")


def programme_derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    lines = list(data.get("lines", []))
    return {"lines": len(lines), "departments": len({x["department"] for x in lines}),
            "by_risk": {r: sum(1 for x in lines if x.get("risk") == r) for r in RISKS},
            "months": sorted({int(x["month"]) for x in lines})}


PROGRAMME = register(Process(
    name="internal_audit_programme", collection="audit-programmes", clause="9.2",
    published=("approved", "in_force", "superseded"), public_fields=("year", "objectives", "criteria", "approved_on"),
    label=("Chương trình đánh giá nội bộ", "Internal audit programme"),
    states={"draft": ("Dự thảo", "Draft"), "submitted": ("Trình phê duyệt", "Submitted"),
            "approved": ("Đã phê duyệt", "Approved"), "in_force": ("Đang thực hiện", "In force"),
            "superseded": ("Đã thay thế", "Superseded"), "cancelled": ("Đã hủy", "Cancelled")},
    final=("superseded", "cancelled"),
    key=("year",),
    title=lambda d: f"Chương trình đánh giá nội bộ năm {d.get('year')}",
    department_field=None,
    derive=programme_derive,
    deadlines=(Deadline("approved", 3, 31, ("Chương trình đánh giá nội bộ được phê duyệt",
                                            "Internal audit programme approved")),),
    steps=(
        Step("draft", ("Lập chương trình", "Draft the programme"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("objectives", "long_text", ("Mục tiêu của chương trình", "Objectives of the programme")),
                     Field("criteria", "long_text", ("Chuẩn mực đánh giá", "Audit criteria"), required=False),
                     POOL, PROGRAMME_DOCUMENT),
             rules=(in_own_agency_year(),)),
        Step("add_line", ("Thêm phòng ban được đánh giá", "Add a department to audit"), ("draft",), None, SECRETARY,
             fields=PROGRAMME_LINE, effect=add_programme_line,
             hint=("Phòng ban rủi ro cao được đánh giá sớm và kỹ hơn.",
                   "High-risk departments are audited earlier and more deeply.")),
        Step("remove_line", ("Bỏ một dòng", "Remove a line"), ("draft",), None, SECRETARY, fields=(LINE_ID,),
             reason=True, rules=(programme_line_exists,), effect=remove_programme_line),
        Step("revise", ("Sửa chương trình", "Revise"), ("draft",), None, SECRETARY,
             fields=(Field("objectives", "long_text", ("Mục tiêu của chương trình", "Objectives of the programme"),
                           required=False),
                     Field("criteria", "long_text", ("Chuẩn mực đánh giá", "Audit criteria"), required=False),
                     POOL, PROGRAMME_DOCUMENT)),
        Step("submit", ("Trình phê duyệt", "Submit"), ("draft",), "submitted", SECRETARY, fields=(PROGRAMME_DOCUMENT,),
             rules=(programme_not_empty,)),
        Step("return", ("Trả lại để sửa", "Return for changes"), ("submitted",), "draft", LEADER, reason=True),
        Step("approve", ("Phê duyệt", "Approve"), ("submitted",), "approved", LEADER, signature="approval",
             effect=programme_approved,
             hint=("Ký phê duyệt văn bản chương trình trước (trang tài liệu → Ký số).",
                   "Sign the programme's formal document for approval first (document page → Sign).")),
        Step("enforce", ("Ban hành, triển khai", "Put in force"), ("approved",), "in_force", SECRETARY + LEADER),
        Step("supersede", ("Thay thế bằng chương trình mới", "Superseded by a new programme"),
             ("approved", "in_force"), "superseded", LEADER, reason=True),
        Step("cancel", ("Hủy", "Cancel"), ("draft", "submitted", "approved", "in_force"), "cancelled", LEADER,
             reason=True),
    ),
))


# ---- audit: rules -----------------------------------------------------------------------------------
def under_approved_programme(t: Taking) -> None:
    """The programme is approved (or in force) and of the audit's year."""
    programme = t.world.case(str(t.values["programme"]))
    standing = PROGRAMME.step("supersede").sources  # type: ignore[union-attr]  # approved, or in force
    if programme is None or programme.get("state") not in standing:
        raise RuleViolation("Chương trình đánh giá nội bộ chưa được phê duyệt.",
                            "The internal audit programme is not approved.", field="programme",
                            code="programme_not_approved")
    if programme["data"].get("year") != t.values.get("year"):
        raise RuleViolation(f"Cuộc đánh giá phải thuộc chương trình năm {t.values.get('year')}.",
                            f"The audit must belong to the programme of {t.values.get('year')}.",
                            field="programme", code="wrong_programme")


def _members(merged: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, username) of every team member who is an account of the agency (external auditors are not)."""
    out = [("lead_auditor", str(merged["lead_auditor"]))] if merged.get("lead_auditor") else []
    out += [("auditors", str(p)) for p in merged.get("auditors", []) if isinstance(p, str)]
    return out


def sound_team(t: Taking) -> None:
    """An auditor does not audit their own department; each member of the agency holds the internal auditor's
    role or is named by the programme; the lead auditor signs the report, so is a leader; dates in order."""
    merged = {**t.data, **t.values}
    dep_id = str(merged.get("department"))
    dep = t.world.department(dep_id) or {}
    programme = t.world.case(str(merged.get("programme"))) or {}
    pool = programme.get("data", {}).get("auditors", [])
    for field, user in _members(merged):
        acc = t.world.account(user) or {}
        if acc.get("department") == dep_id or dep.get("leader") == user:
            raise RuleViolation(f"Đánh giá viên «{user}» không được đánh giá chính phòng ban của mình "
                                f"({dep.get('name')}).",
                                f"The auditor '{user}' may not audit their own department ({dep.get('name')}).",
                                field=field, code="own_department_auditor")
        if Role.INTERNAL_AUDITOR not in acc.get("roles", []) and user not in pool:
            raise RuleViolation(f"«{user}» không phải đánh giá viên nội bộ (vai trò hoặc có tên trong chương trình).",
                                f"'{user}' is not an internal auditor (by role or named in the programme).",
                                field=field, code="not_an_auditor")
    lead = t.world.account(str(merged.get("lead_auditor"))) or {}
    if not set(lead.get("roles", [])) & set(SIGNERS):
        raise RuleViolation("Trưởng đoàn ký số báo cáo đánh giá nên phải là lãnh đạo cơ quan hoặc lãnh đạo phòng ban.",
                            "The lead auditor signs the report, so must be an agency or department leader.",
                            field="lead_auditor", code="lead_cannot_sign")
    if str(merged.get("ends_on")) < str(merged.get("starts_on")):
        raise RuleViolation("Ngày kết thúc không được trước ngày bắt đầu.", "The audit cannot end before it starts.",
                            field="ends_on", code="dates_out_of_order")


def in_team(t: Taking) -> None:
    """Only a member of the audit team (the lead auditor or an auditor of the agency) takes the step."""
    if t.actor.user_id not in {user for _, user in _members(t.data)}:
        raise NotAllowed("Chỉ thành viên đoàn đánh giá được thực hiện bước này.",
                         "Only a member of the audit team may take this step.", code="not_in_team")


def the_lead_auditor(t: Taking) -> None:
    if t.actor.user_id != t.data.get("lead_auditor"):
        raise NotAllowed(f"Chỉ trưởng đoàn đánh giá ({t.data.get('lead_auditor')}) được ký và phát hành báo cáo.",
                         f"Only the lead auditor ({t.data.get('lead_auditor')}) signs and issues the report.",
                         code="not_lead_auditor")


def started_on_its_date(t: Taking) -> None:
    starts = str(t.data.get("starts_on"))
    if t.world.today().isoformat() < starts:
        raise RuleViolation(f"Cuộc đánh giá bắt đầu từ ngày {_vn(starts)}.", f"The audit starts on {starts}.",
                            code="too_early")


def _line(t: Taking) -> dict[str, Any]:
    line_id = t.values.get("line_id")
    line = next((x for x in t.data.get("lines", []) if x["id"] == line_id), None)
    if line is None:
        raise InvalidInput(f"Danh mục kiểm tra không có dòng «{line_id}».", f"The checklist has no line '{line_id}'.",
                           field="line_id")
    return dict(line)


def line_open(t: Taking) -> None:
    """The line exists and no finding was raised from it (its result is then settled)."""
    line = _line(t)
    if line.get("finding"):
        raise RuleViolation(f"Dòng {line['id']} đã có phát hiện {line['finding']}.",
                            f"Line {line['id']} already has finding {line['finding']}.", field="line_id",
                            code="line_has_finding")


def line_not_conforming(t: Taking) -> None:
    """A finding comes from a line with a result that is not conforming."""
    line = _line(t)
    if not line.get("result"):
        raise RuleViolation(f"Dòng {line['id']} chưa có kết quả đánh giá.", f"Line {line['id']} has no result yet.",
                            field="line_id", code="line_not_done")
    if line["result"] == "conforming":
        raise RuleViolation(f"Dòng {line['id']} phù hợp, không thể thành phát hiện.",
                            f"Line {line['id']} is conforming; it cannot become a finding.", field="line_id",
                            code="line_conforming")


def checklist_done(t: Taking) -> None:
    lines = t.data.get("lines", [])
    if not lines:
        raise RuleViolation("Danh mục kiểm tra chưa có dòng nào.", "The checklist has no line.", field="lines",
                            code="checklist_empty")
    pending = [x["id"] for x in lines if not x.get("result")]
    if pending:
        raise RuleViolation("Còn dòng chưa có kết quả: " + ", ".join(pending) + ".",
                            "Lines without a result: " + ", ".join(pending) + ".", field="lines",
                            code="checklist_incomplete")


def report_written(t: Taking) -> None:
    if not t.data.get("summary"):
        raise RuleViolation("Chưa viết báo cáo đánh giá.", "The audit report is not written yet.", field="summary",
                            code="report_missing")


def nc_of_this_finding(t: Taking) -> None:
    """The finding is a nonconformity without its NC yet; the NC was raised from an audit finding and links
    back to this audit (its ``ref``), and is not already the NC of another finding."""
    finding_id = t.values.get("finding_id")
    finding = next((f for f in t.data.get("findings", []) if f["id"] == finding_id), None)
    if finding is None:
        raise InvalidInput(f"Cuộc đánh giá không có phát hiện «{finding_id}».",
                           f"The audit has no finding '{finding_id}'.", field="finding_id")
    if finding["kind"] not in NC_KINDS:
        raise RuleViolation(f"Phát hiện {finding_id} không phải sự không phù hợp.",
                            f"Finding {finding_id} is not a nonconformity.", field="finding_id",
                            code="finding_not_nc")
    if finding.get("nonconformity"):
        raise RuleViolation(f"Phát hiện {finding_id} đã có sự không phù hợp được ghi nhận.",
                            f"Finding {finding_id} already has its nonconformity.", field="finding_id",
                            code="finding_has_nc")
    nc = t.world.case(str(t.values["nonconformity"])) or {}
    data = nc.get("data", {})
    if data.get("source") != "audit_finding" or data.get("ref") != t.case_id:
        raise RuleViolation("Sự không phù hợp phải ghi nguồn «Phát hiện đánh giá nội bộ» và liên kết tới cuộc "
                            "đánh giá này.", "The nonconformity must come from an audit finding and link to this "
                            "audit.", field="nonconformity", code="nc_not_from_this_audit")
    if any(f.get("nonconformity") == nc.get("id") for f in t.data.get("findings", [])):
        raise RuleViolation("Sự không phù hợp này đã gắn với một phát hiện khác.",
                            "This nonconformity is already linked to another finding.", field="nonconformity",
                            code="nc_already_linked")


def not_yet_acknowledged(t: Taking) -> None:
    if t.data.get("acknowledged_by"):
        raise RuleViolation("Báo cáo đã được phòng ban xác nhận.", "The report is already acknowledged.",
                            code="already_acknowledged")


def closable(t: Taking) -> None:
    """Closed only once the audited department acknowledged the report and every NC finding has its NC."""
    if not t.data.get("acknowledged_by"):
        raise RuleViolation("Lãnh đạo phòng ban được đánh giá chưa xác nhận báo cáo.",
                            "The audited department's leader has not acknowledged the report.",
                            code="not_acknowledged")
    missing = missing_ncs(t.data)
    if missing:
        raise RuleViolation("Còn phát hiện không phù hợp chưa ghi nhận sự không phù hợp: " + ", ".join(missing) + ".",
                            "Nonconformity findings without their NC: " + ", ".join(missing) + ".",
                            code="findings_without_nc", findings=missing)


# ---- audit: effects ---------------------------------------------------------------------------------
def add_line(data: dict[str, Any], applied: Applied) -> None:
    """Appends a checklist line, numbered L1, L2... in the order added."""
    lines = data.setdefault("lines", [])
    lines.append({"id": f"L{len(lines) + 1}", "clause": applied.values["clause"],
                  "question": applied.values["question"], "evidence": applied.values.get("evidence", ""),
                  "result": None, "by": applied.user_id, "at": applied.at})


def record_line(data: dict[str, Any], applied: Applied) -> None:
    for line in data.get("lines", []):
        if line["id"] == applied.values["line_id"]:
            line.update(evidence=applied.values["evidence"], result=applied.values["result"],
                        recorded_by=applied.user_id, recorded_at=applied.at)


def raise_finding(data: dict[str, Any], applied: Applied) -> None:
    """A finding F1, F2... from one line, of the line's result, with the line's clause."""
    findings = data.setdefault("findings", [])
    line = next(x for x in data.get("lines", []) if x["id"] == applied.values["line_id"])
    finding = {"id": f"F{len(findings) + 1}", "line": line["id"], "kind": line["result"], "clause": line["clause"],
               "description": applied.values["description"], "nonconformity": None, "by": applied.user_id,
               "at": applied.at}
    if "requirement" in applied.values:
        finding["requirement"] = applied.values["requirement"]
    findings.append(finding)
    line["finding"] = finding["id"]


def link_nc(data: dict[str, Any], applied: Applied) -> None:
    for finding in data.get("findings", []):
        if finding["id"] == applied.values["finding_id"]:
            finding.update(nonconformity=applied.values["nonconformity"], linked_by=applied.user_id,
                           linked_at=applied.at)


def write_report(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(reported_by=applied.user_id, reported_at=applied.at)


def issued(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(issued_by=applied.user_id, issued_on=vn_day(applied.at).isoformat())


def acknowledged(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(acknowledged_by=applied.user_id, acknowledged_on=vn_day(applied.at).isoformat())


def started(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data["started_on"] = vn_day(applied.at).isoformat()


def closed(data: dict[str, Any], applied: Applied) -> None:
    data["closed_on"] = vn_day(applied.at).isoformat()


def cancelled(data: dict[str, Any], applied: Applied) -> None:
    data["cancelled_on"] = vn_day(applied.at).isoformat()


# ---- audit: derived -----------------------------------------------------------------------------------
def missing_ncs(data: Mapping[str, Any]) -> list[str]:
    """The ids of the nonconformity findings that have no NC raised yet."""
    return [str(f["id"]) for f in data.get("findings", []) if f["kind"] in NC_KINDS and not f.get("nonconformity")]


def audit_derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    lines = list(data.get("lines", []))
    findings = list(data.get("findings", []))
    starts = data.get("starts_on")
    return {"lines": len(lines), "lines_done": sum(1 for x in lines if x.get("result")),
            "findings": {k: sum(1 for f in findings if f["kind"] == k) for k in RESULTS if k != "conforming"},
            "ncs_raised": sum(1 for f in findings if f.get("nonconformity")),
            "ncs_missing": missing_ncs(data),
            "days_to_start": (date.fromisoformat(str(starts)) - today).days
            if starts and not data.get("started_on") and not data.get("cancelled_on") else None,
            "acknowledged": bool(data.get("acknowledged_by"))}


AUDIT = register(Process(
    name="internal_audit", collection="audits", clause="9.2",
    published=("issued", "closed"),
    public_fields=("year", "title", "scope", "criteria", "starts_on", "ends_on", "summary", "conclusion", "issued_on",
                   "closed_on"),
    label=("Cuộc đánh giá nội bộ", "Internal audit"),
    states={"planned": ("Đã lập kế hoạch", "Planned"), "scheduled": ("Đã thông báo lịch", "Scheduled"),
            "in_progress": ("Đang đánh giá", "In progress"), "reporting": ("Đang lập báo cáo", "Reporting"),
            "issued": ("Đã phát hành báo cáo", "Report issued"), "closed": ("Đã kết thúc", "Closed"),
            "cancelled": ("Đã hủy", "Cancelled")},
    final=("closed", "cancelled"),
    title=lambda d: str(d.get("title", "")),
    derive=audit_derive,
    deadlines=(Deadline("issued", 10, 20, ("Báo cáo đánh giá nội bộ phát hành", "Internal audit report issued")),),
    steps=(
        Step("plan", ("Lập kế hoạch đánh giá", "Plan the audit"), (), "planned", PLANNERS,
             fields=(Field("programme", "ref", ("Chương trình đánh giá", "Audit programme"),
                           process="internal_audit_programme"),
                     Field("year", "year", ("Năm", "Year")),
                     Field("department", "department", ("Phòng ban được đánh giá", "Department audited")),
                     Field("title", "text", ("Tên cuộc đánh giá", "Name of the audit"), max_len=300),
                     *_plan_fields(True)),
             rules=(in_own_agency_year(), under_approved_programme, sound_team, not_before_today("starts_on"))),
        Step("revise_plan", ("Sửa kế hoạch", "Revise the plan"), ("planned", "scheduled"), None, PLANNERS,
             fields=_plan_fields(False), rules=(sound_team, not_before_today("starts_on"))),
        Step("schedule", ("Thông báo lịch đánh giá", "Notify the schedule"), ("planned",), "scheduled", PLANNERS,
             fields=(Field("notice", "long_text", ("Nội dung thông báo cho phòng ban", "Notice to the department")),)),
        Step("add_line", ("Thêm câu hỏi kiểm tra", "Add a checklist line"), ("planned", "scheduled", "in_progress"),
             None, TEAM,
             fields=(Field("clause", "text", ("Điều khoản", "Clause"), max_len=50),
                     Field("question", "long_text", ("Nội dung kiểm tra", "Question")),
                     Field("evidence", "long_text", ("Bằng chứng cần xem", "Evidence to look at"), required=False)),
             rules=(in_team,), effect=add_line),
        Step("start", ("Bắt đầu đánh giá", "Start the audit"), ("scheduled",), "in_progress", TEAM,
             fields=(Field("opening_meeting", "long_text", ("Họp khai mạc", "Opening meeting"), required=False),),
             rules=(in_team, started_on_its_date), effect=started),
        Step("record_line", ("Ghi kết quả kiểm tra", "Record a line's result"), ("in_progress",), None, TEAM,
             fields=(LINE_ID, Field("evidence", "long_text", ("Bằng chứng ghi nhận", "Evidence seen")),
                     Field("result", "choice", ("Kết quả", "Result"), choices=RESULTS)),
             rules=(in_team, line_open), effect=record_line),
        Step("raise_finding", ("Ghi nhận phát hiện", "Raise a finding"), ("in_progress", "reporting"), None, TEAM,
             fields=(LINE_ID, Field("description", "long_text", ("Mô tả phát hiện", "The finding")),
                     Field("requirement", "text", ("Yêu cầu liên quan", "Requirement"), required=False)),
             rules=(in_team, line_open, line_not_conforming), effect=raise_finding,
             hint=("Phát hiện mang kết quả của dòng kiểm tra (không phù hợp nặng/nhẹ, lưu ý, cơ hội cải tiến).",
                   "A finding takes its line's result (major/minor NC, observation, opportunity).")),
        Step("finish", ("Kết thúc đánh giá tại hiện trường", "Finish the fieldwork"), ("in_progress",), "reporting",
             TEAM, fields=(Field("closing_meeting", "long_text", ("Họp kết thúc", "Closing meeting"),
                                 required=False),),
             rules=(in_team, checklist_done)),
        Step("write_report", ("Viết báo cáo", "Write the report"), ("reporting",), None, TEAM,
             fields=(Field("summary", "long_text", ("Tóm tắt kết quả đánh giá", "Summary of the results")),
                     Field("conclusion", "long_text", ("Kết luận", "Conclusion")),
                     Field("document", "document", ("Văn bản báo cáo đánh giá", "Report document"), required=False)),
             rules=(in_team,), effect=write_report),
        Step("issue", ("Ký và phát hành báo cáo", "Sign and issue the report"), ("reporting",), "issued", SIGNERS,
             fields=(Field("document", "document", ("Văn bản báo cáo đánh giá", "Report document")),),
             signature="approval", rules=(the_lead_auditor, report_written), effect=issued,
             hint=("Trưởng đoàn ký phê duyệt văn bản báo cáo trước (trang tài liệu → Ký số).",
                   "The lead auditor signs the report's document for approval first (document page → Sign).")),
        Step("acknowledge", ("Xác nhận báo cáo", "Acknowledge the report"), ("issued",), None,
             (Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER),
             fields=(Field("comment", "long_text", ("Ý kiến của phòng ban", "The department's comment"),
                           required=False),),
             rules=(leader_of("department"), not_yet_acknowledged), effect=acknowledged),
        Step("link_nc", ("Gắn sự không phù hợp", "Link the nonconformity"), ("in_progress", "reporting", "issued"),
             None, LINKERS,
             fields=(FINDING_ID, Field("nonconformity", "ref", ("Sự không phù hợp đã ghi nhận", "Nonconformity raised"),
                                       process="nonconformity")),
             rules=(own_department(), nc_of_this_finding), effect=link_nc,
             hint=("Ghi nhận sự không phù hợp (nguồn: phát hiện đánh giá nội bộ, mục nguồn: cuộc đánh giá này) "
                   "rồi gắn vào phát hiện.", "Raise the nonconformity (source: audit finding, source item: this "
                   "audit), then link it to the finding.")),
        Step("close", ("Kết thúc cuộc đánh giá", "Close the audit"), ("issued",), "closed", PLANNERS,
             rules=(closable,), effect=closed),
        Step("cancel", ("Hủy", "Cancel"), ("planned", "scheduled", "in_progress", "reporting"), "cancelled", PLANNERS,
             reason=True, effect=cancelled),
    ),
))
