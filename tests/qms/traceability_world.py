"""The cases the traceability tests trace (agency "so-khcn-a" of the API tests' world): a policy, two objectives
under it, a risk to the first, a nonconformity raised from the risk; and a checklist process declared here, whose
``lines`` carry a ``clause``, with a nonconformity raised from its finding and a review that looked at it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ledger.qms.declaration import Applied, Field, Process, Step
from ledger.vocabulary import Role
from tests.factories import OWN
from tests.qms.api_world import RISK
from tests.qms.objectives_setup import LEADER, SECRETARY, objective, planning_year

AUDITORS = (Role.INTERNAL_AUDITOR, Role.ISO_SECRETARY)
RESULTS = {"conforming": ("Phù hợp", "Conforming"), "major_nc": ("Không phù hợp nặng", "Major NC"),
           "minor_nc": ("Không phù hợp nhẹ", "Minor NC")}


def add_line(data: dict[str, Any], applied: Applied) -> None:
    lines = data.setdefault("lines", [])
    lines.append({"id": f"L{len(lines) + 1}", **applied.values})


CHECKLIST = Process(
    name="trace_checklist", collection="trace-checklists", clause="9.2",
    label=("Phiếu kiểm tra (thử)", "Checklist (test)"),
    states={"open": ("Đang kiểm tra", "Open")},
    steps=(Step("start", ("Lập phiếu", "Start"), (), "open", AUDITORS,
                fields=(Field("year", "year", ("Năm", "Year")), Field("title", "text", ("Tên", "Title")))),
           Step("add_line", ("Thêm dòng", "Add a line"), ("open",), None, AUDITORS, effect=add_line,
                fields=(Field("clause", "text", ("Điều khoản", "Clause"), max_len=20),
                        Field("question", "text", ("Câu hỏi", "Question")),
                        Field("result", "choice", ("Kết quả", "Result"), choices=RESULTS)))),
    department_field=None)
REVIEW = Process(
    name="trace_review", collection="trace-reviews", clause="9.3",
    label=("Xem xét (thử)", "Review (test)"), states={"held": ("Đã họp", "Held")},
    steps=(Step("hold", ("Họp", "Hold"), (), "held", (Role.AGENCY_LEADER,),
                fields=(Field("year", "year", ("Năm", "Year")), Field("title", "text", ("Tên", "Title")),
                        Field("looked_at", "refs", ("Các mục đã xem", "Items looked at")))),),
    department_field=None)


@dataclass(frozen=True)
class Traced:
    policy: str
    objective: str
    sibling: str  # another objective under the same policy
    risk: str
    risk_nc: str
    checklist: str
    finding_nc: str
    review: str


def post(api: Any, path: str, user: str, body: dict[str, Any]) -> dict[str, Any]:
    r = api.call("POST", path, user, json=body)
    assert r.status_code in (200, 201), (path, r.text)
    return dict(r.json())


def build(api: Any, clock: Any) -> Traced:
    """Through the routes where the processes have them; the declared-here processes through the ledger."""
    y = planning_year(api.ctx)
    first = post(api, f"/api/v1/agencies/{OWN}/objectives", "thuky", objective(y))["id"]
    sibling = post(api, f"/api/v1/agencies/{OWN}/objectives", "thuky", objective(y, "MT-02"))["id"]
    risk = post(api, f"/api/v1/agencies/{OWN}/risks", "truongphong",
                RISK | {"department": y.planning, "refs": [first]})["id"]
    risk_nc = post(api, f"/api/v1/agencies/{OWN}/nonconformities", "danhgia", {
        "year": 2026, "department": y.planning, "source": "direct", "ref": risk,
        "title": "Giải ngân chậm quý I", "description": "Hai đề tài giải ngân trễ."})["id"]
    ledger = api.ctx.uc.deps.ledger
    checklist = ledger.open_case(SECRETARY, "trace_checklist", values={"year": 2026, "title": "Đánh giá KHTC"})
    for clause, question, result in (("8.5.1", "Hồ sơ TTHC có được kiểm soát?", "major_nc"),
                                     ("7.5.3", "Tài liệu có được kiểm soát?", "conforming")):
        ledger.take_step(SECRETARY, checklist, "add_line",
                         values={"clause": clause, "question": question, "result": result})
    api.ctx.uc.deps.projections.after_command()
    finding_nc = post(api, f"/api/v1/agencies/{OWN}/nonconformities", "danhgia", {
        "year": 2026, "department": y.planning, "source": "audit_finding", "ref": checklist,
        "title": "3/20 hồ sơ TTHC quá hạn", "description": "Phát hiện tại dòng L1 của phiếu kiểm tra."})["id"]
    for name, user, body in (
            ("analyse", "truongphong", {"method": "five_whys", "causes": "Không có người theo dõi hạn"}),
            ("plan", "truongphong", {"plan": "Phân công người nhắc hạn.", "criteria": "Ba tháng không quá hạn.",
                                     "check_on": "2099-01-01"}),
            ("actions", "truongphong", {"action": "Lập sổ theo dõi hạn", "owner": "chuyenvien",
                                        "due": "2099-01-01"}),
            ("complete_action", "chuyenvien", {"action_id": "A1"}),
            ("verify", "thuky", {"note": "Đã lập sổ."})):
        post(api, f"/api/v1/nonconformities/{finding_nc}/{name}", user, body)
    clock.now = datetime.now(UTC) + timedelta(days=1)  # the check is made on a later day than the verification
    post(api, f"/api/v1/nonconformities/{finding_nc}/effectiveness", "danhgia",
         {"result": "effective", "findings": "Ba tháng không có hồ sơ quá hạn."})
    review = ledger.open_case(LEADER, "trace_review", values={"year": 2026, "title": "Xem xét của lãnh đạo 2026",
                                                             "looked_at": [finding_nc]})
    api.ctx.uc.deps.projections.after_command()
    return Traced(y.policy, first, sibling, risk, risk_nc, checklist, finding_nc, review)
