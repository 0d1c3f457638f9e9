"""The demo's quality planning as QMS cases: the 2025 and 2026 quality policies, and the 2026 quality objectives of
the Sở KH&CN Trà Vinh per department — approved on the signed decision MTCL-2026, allocated, registered (one sent
back and revised, one registered late), and measured for Q1–Q3 with an evidence report each.

Runs once the demo's accounts exist (``api.server.load_demo_hook``), with a demo clock of its own walking January
2025 to October 2026 in office hours; case and department ids derive from their keys, so it is deterministic and a
second run changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from isoledger.demo import AGENCY_ID, actor
from isoledger.demo_clock import DemoClock
from isoledger.demo_pdfs import Paper, Section, render
from ledger.actors import Actor
from ledger.clock import clocked
from ledger.department import department_uuid
from ledger.errors import NotFound
from ledger.files import FileKind, file_scope
from ledger.numbers import percent
from ledger.qms.case import case_uuid
from ledger.qms.registry import process_named

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}), request_id="demo")
DEPARTMENTS = {"KHTC": ("Phòng Kế hoạch - Tài chính", "truongphong"),
               "QLKH": ("Phòng Quản lý Khoa học", "phophong")}
PLAN_EVALUATION = "Thư ký ISO tổng hợp số liệu hằng kỳ, báo cáo Giám đốc; đánh giá tại cuộc họp xem xét của lãnh đạo."


@dataclass(frozen=True)
class Objective:
    code: str
    department: str
    owner: str
    title: str
    indicator: str
    direction: str
    baseline: float
    target: float
    frequency: str
    actions: str
    resources: str
    measured: tuple[tuple[str, float, str], ...]  # (period, value, day entered)


OBJECTIVES = (
    Objective("MT-01", "KHTC", "chuyenvien", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn ≥ 98%",
              "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng và trước hạn", "increase", 95.4, 98, "quarterly",
              "Rà soát thời hạn từng bước trên hệ thống một cửa điện tử; nhắc hạn tự động; họp giao ban hằng tháng.",
              "Hệ thống thông tin giải quyết TTHC tỉnh; 02 công chức bộ phận một cửa.",
              (("Q1", 96.2, "2026-04-08"), ("Q2", 97.1, "2026-07-08"), ("Q3", 98.3, "2026-10-07"))),
    Objective("MT-02", "KHTC", "chuyenvien", "Thanh toán kinh phí nhiệm vụ KH&CN đúng hạn ≥ 95%",
              "Tỷ lệ hồ sơ thanh toán, tạm ứng kinh phí nhiệm vụ KH&CN được giải quyết đúng hạn", "increase",
              88, 95, "quarterly",
              "Công khai danh mục hồ sơ thanh toán; hướng dẫn chủ nhiệm nhiệm vụ lập hồ sơ ngay từ đầu.",
              "Kế toán Sở; phần mềm kế toán hành chính sự nghiệp.",
              (("Q1", 89.0, "2026-04-09"), ("Q2", 90.0, "2026-07-09"), ("Q3", 90.5, "2026-10-08"))),
    Objective("MT-03", "KHTC", "chuyenvien", "Giảm hồ sơ phải bổ sung do hướng dẫn chưa rõ xuống ≤ 5%",
              "Tỷ lệ hồ sơ phải bổ sung, hoàn thiện do hướng dẫn chưa rõ", "decrease", 12, 3, "quarterly",
              "Chuẩn hóa bộ hướng dẫn hồ sơ và mẫu điền sẵn cho 15 thủ tục có nhiều hồ sơ bổ sung nhất.",
              "Phòng Kế hoạch - Tài chính phối hợp Văn phòng Sở.",
              (("Q1", 10.5, "2026-04-09"), ("Q2", 8.2, "2026-07-09"), ("Q3", 6.4, "2026-10-08"))),
    Objective("MT-04", "QLKH", "phophong", "100% nhiệm vụ KH&CN được nghiệm thu đúng hạn",
              "Tỷ lệ nhiệm vụ KH&CN cấp tỉnh đến hạn được nghiệm thu đúng hạn", "increase", 85, 100, "quarterly",
              "Lập lịch nghiệm thu từ đầu năm; đôn đốc chủ nhiệm nhiệm vụ 60 ngày trước hạn.",
              "Hội đồng tư vấn KH&CN; kinh phí sự nghiệp KH&CN.",
              (("Q1", 90.0, "2026-04-10"), ("Q2", 94.0, "2026-07-10"), ("Q3", 100.0, "2026-10-09"))),
    Objective("MT-05", "QLKH", "phophong", "Kết quả nhiệm vụ KH&CN được ứng dụng ≥ 70%",
              "Tỷ lệ nhiệm vụ KH&CN đã nghiệm thu có kết quả được chuyển giao, ứng dụng", "increase", 55, 70,
              "half_yearly",
              "Tổ chức 02 hội nghị kết nối cung - cầu công nghệ; hỗ trợ chuyển giao cho hợp tác xã.",
              "Trung tâm Ứng dụng tiến bộ KH&CN; kinh phí chuyển giao.",
              (("H1", 63.0, "2026-07-13"),)),
    Objective("MT-06", "QLKH", "chuyenvien", "Duy trì mức hài lòng của tổ chức, cá nhân ≥ 90%",
              "Tỷ lệ tổ chức, cá nhân hài lòng khi giải quyết thủ tục KH&CN", "maintain", 90, 90, "quarterly",
              "Khảo sát qua phiếu điện tử sau mỗi hồ sơ; xử lý phản ánh trong 05 ngày làm việc.",
              "Phiếu khảo sát trên Cổng dịch vụ công; công chức tiếp nhận.",
              (("Q1", 91.5, "2026-04-10"), ("Q2", 92.0, "2026-07-10"), ("Q3", 89.4, "2026-10-09"))),
)


def load_objectives(services: Any, directory: Any) -> dict[str, Any]:
    """Loads the planning cases once (their departments first); a second call finds them and changes nothing."""
    ledger = services.ledger
    first = case_uuid(AGENCY_ID, process_named("quality_objective"), {"year": 2026, "code": "MT-01"})
    if _exists(ledger, str(first)):
        return {"loaded": False}
    clock = DemoClock("2025-01-06", "08:00")
    with clocked(clock):
        _policy(ledger, clock, 2025, ("2025-01-06", "2025-01-08"))
        clock.at("2026-01-05", "08:00")
        deps = _departments(directory)
        _policy(ledger, clock, 2026, ("2026-01-06", "2026-01-08"))
        cases = _objectives(services, ledger, clock, deps)
    services.projector.catch_up()
    return {"loaded": True, "objectives": cases, "departments": deps}


def _exists(ledger: Any, case_id: str) -> bool:
    try:
        ledger.case(case_id)
    except NotFound:
        return False
    return True


def _departments(directory: Any) -> dict[str, str]:
    out = {}
    for code, (name, leader) in DEPARTMENTS.items():
        dep_id = str(department_uuid(AGENCY_ID, code))
        if directory.find_department(dep_id) is None:
            dep_id = directory.create_department(ADMIN, AGENCY_ID, code=code, name=name, leader=leader)["id"]
        out[code] = dep_id
    return out


def _policy(ledger: Any, clock: DemoClock, year: int, days: tuple[str, str]) -> str:
    """The year's policy, under the signed «Chính sách chất lượng 2025-2030» (document CSCL): drafted, approved,
    published."""
    policy = process_named("quality_policy")
    case_id = str(case_uuid(AGENCY_ID, policy, {"year": year}))
    if _exists(ledger, case_id):
        return case_id
    secretary, leader = actor("thuky"), actor("giamdoc")
    document = ledger.document_id(AGENCY_ID, "CSCL")
    drafted, approved = days
    clock.at(drafted, "08:30")
    ledger.open_case(secretary, "quality_policy", values={
        "year": year, "document": document,
        "statement": "Sở Khoa học và Công nghệ tỉnh Trà Vinh cam kết: minh bạch - chuyên nghiệp - hiệu quả; lấy sự "
                     "hài lòng của người dân, doanh nghiệp làm thước đo chất lượng phục vụ.",
        "commitments": "Đáp ứng yêu cầu của pháp luật và của khách hàng; cải tiến liên tục hệ thống quản lý chất "
                       "lượng theo TCVN ISO 9001:2015."})
    ledger.take_step(secretary, case_id, "submit", values={})
    clock.at(approved, "09:30")
    ledger.take_step(leader, case_id, "approve", values={})
    ledger.take_step(secretary, case_id, "publish", values={})
    return case_id


def _objectives(services: Any, ledger: Any, clock: DemoClock, deps: dict[str, str]) -> dict[str, str]:
    secretary, leader = actor("thuky"), actor("giamdoc")
    policy = str(case_uuid(AGENCY_ID, process_named("quality_policy"), {"year": 2026}))
    decision = ledger.document_id(AGENCY_ID, "MTCL-2026")
    clock.at("2026-01-19", "08:30")
    cases = {o.code: ledger.open_case(secretary, "quality_objective", values=_values(o, policy)) for o in OBJECTIVES}
    clock.at("2026-02-12", "14:00")  # the decision MTCL-2026 was signed on 11/02
    for case_id in cases.values():
        ledger.take_step(secretary, case_id, "submit", values={"document": decision})
    clock.at("2026-02-13", "09:00")
    for o in OBJECTIVES:
        ledger.take_step(leader, cases[o.code], "approve", values={})
        ledger.take_step(leader, cases[o.code], "allocate", values={"department": deps[o.department],
                                                                     "owner": o.owner})
    clock.at("2026-02-24", "08:30")  # after the Tết holiday (14-22/02/2026)
    head = {"KHTC": actor("truongphong"), "QLKH": actor("phophong")}
    for code in ("MT-01", "MT-02"):
        ledger.take_step(head["KHTC"], cases[code], "register", values={"note": "Phòng cam kết thực hiện."})
    ledger.take_step(head["KHTC"], cases["MT-03"], "propose_change", values={"target": 5},
                     reason="Chỉ tiêu 3% chưa khả thi khi 15 bộ hướng dẫn mới hoàn thành trong quý II; "
                            "đề nghị điều chỉnh còn 5%.")
    clock.at("2026-02-24", "14:00")
    for code in ("MT-04", "MT-05"):
        ledger.take_step(head["QLKH"], cases[code], "register", values={})
    clock.at("2026-02-25", "08:30")
    ledger.take_step(secretary, cases["MT-03"], "revise", values={"target": 5},
                     reason="Điều chỉnh chỉ tiêu theo đề nghị của Phòng Kế hoạch - Tài chính.")
    ledger.take_step(secretary, cases["MT-03"], "submit", values={})
    clock.at("2026-02-26", "09:30")
    ledger.take_step(leader, cases["MT-03"], "approve", values={})
    ledger.take_step(leader, cases["MT-03"], "allocate", values={"department": deps["KHTC"], "owner": "chuyenvien"})
    clock.at("2026-02-27", "14:30")
    ledger.take_step(head["KHTC"], cases["MT-03"], "register", values={})
    clock.at("2026-03-03", "15:00")  # after the 28/02 deadline: the planning page shows it late
    ledger.take_step(head["QLKH"], cases["MT-06"], "register", values={"note": "Đăng ký muộn do chờ số liệu "
                                                                                  "khảo sát năm 2025."})
    entries = sorted(((day, o, period, value) for o in OBJECTIVES for period, value, day in o.measured),
                     key=lambda e: (e[0], e[1].code))
    hours = ("08:00", "09:30", "14:00", "15:30")
    for i, (day, o, period, value) in enumerate(entries):
        clock.at(day, hours[sum(1 for e in entries[:i] if e[0] == day)])
        evidence = _evidence(services, cases[o.code], o, period, date.fromisoformat(day))
        who = actor(o.owner) if o.owner != "chuyenvien" or i % 3 else head[o.department]
        ledger.take_step(who, cases[o.code], "measurements", values={
            "period": period, "value": value, "evidence": evidence,
            "note": f"Số liệu {period} trích từ báo cáo của {DEPARTMENTS[o.department][0]}."})
    return cases


def _values(o: Objective, policy: str) -> dict[str, Any]:
    return {"year": 2026, "policy": policy, "code": o.code, "title": o.title, "indicator": o.indicator, "unit": "%",
            "direction": o.direction, "baseline": o.baseline, "target": o.target, "frequency": o.frequency,
            "plan_actions": o.actions, "plan_resources": o.resources,
            "plan_responsible": DEPARTMENTS[o.department][0], "plan_due": "2026-12-31",
            "plan_evaluation": PLAN_EVALUATION}


def _evidence(services: Any, case_id: str, o: Objective, period: str, day: date) -> dict[str, Any]:
    """The department's report of the period, stored in the case's scope as the measurement's evidence."""
    paper = Paper(kind="Báo cáo", title=f"Kết quả thực hiện mục tiêu {o.code} kỳ {period} năm 2026",
                  number=f"Số: {int(o.code[3:]):02d}/BC-{o.department.upper()}", dated=day,
                  signer_title="TRƯỞNG PHÒNG", signer_name="",
                  sections=(Section("1. CHỈ SỐ", (o.indicator,)),
                            Section("2. KẾT QUẢ", (f"Kỳ {period}: đạt "
                                                   f"{percent(dict((p, v) for p, v, _ in o.measured)[period])}, "
                                                   f"chỉ tiêu năm {percent(o.target)}.",))))
    ref = services.archive.put(io.BytesIO(render(paper).content), f"Báo cáo {o.code} {period}-2026.pdf",
                               file_scope(FileKind.CASE, case_id))
    return dict(ref.to_dict())
