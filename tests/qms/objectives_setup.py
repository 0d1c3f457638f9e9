"""The planning year the objectives tests act in: two departments with their leaders, the 2026 policy and the
objectives decision signed for approval by the agency leader (agency "so-khcn-a" of the API tests' world)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ledger.actors import Actor
from ledger.files import FileKind, file_scope
from signing.testing import sample_pdf
from tests.factories import CERT, OWN
from tests.pdfs import padded_pdf

STATISTICS_PDF = padded_pdf(title="thong ke quy I")

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
SECRETARY = Actor("thuky", OWN, frozenset({"iso_secretary", "staff"}))
LEADER = Actor("giamdoc", OWN, frozenset({"agency_leader"}))
PLANNING_LEADER = Actor("truongphong", OWN, frozenset({"department_leader"}))
SCIENCE_LEADER = Actor("truongphong2", OWN, frozenset({"department_leader"}))
OWNER = Actor("chuyenvien", OWN, frozenset({"staff"}))


@dataclass(frozen=True)
class Year:
    planning: str  # Phòng Kế hoạch - Tài chính, led by truongphong
    science: str  # Phòng Quản lý khoa học, led by truongphong2
    policy: str
    decision: str  # the objectives decision, signed for approval by giamdoc


def stored_pdf(ctx: Any, title: str, scope: str) -> dict[str, Any]:
    """A small PDF stored in the archive under ``scope`` (what a version's file is), as its reference."""
    ref = ctx.uc.deps.archive.put(io.BytesIO(sample_pdf(1, title)), f"{title}.pdf", scope)
    return dict(ref.to_dict())


def planning_year(ctx: Any, year: int = 2026) -> Year:
    """Departments, the year's policy and the signed objectives decision, through the ledger and the directory."""
    directory, ledger = ctx.directory, ctx.uc.deps.ledger
    directory.create_account(ADMIN, username="truongphong2", agency_id=OWN, full_name="Kim Thị Sóc Thươl",
                             roles=["department_leader"])
    ctx.store.set_password_hash("truongphong2", ctx.passwords.hash("mat-khau-thu-nghiem-42"))
    planning = directory.create_department(ADMIN, OWN, code="p-khtc", name="Phòng Kế hoạch - Tài chính",
                                           leader="truongphong")["id"]
    science = directory.create_department(ADMIN, OWN, code="p-qlkh", name="Phòng Quản lý khoa học",
                                          leader="truongphong2")["id"]
    policy = ledger.open_case(SECRETARY, "quality_policy", values={
        "year": year, "statement": "Lấy sự hài lòng của người dân và doanh nghiệp làm thước đo chất lượng."})
    decision = ledger.register_document(SECRETARY, code=f"QD-MTCL-{year}", title=f"Mục tiêu chất lượng năm {year}",
                                        kind="quality_objectives", department="Văn phòng Sở")
    scope = file_scope(FileKind.VERSION, decision)
    n = ledger.create_draft(SECRETARY, decision, file=stored_pdf(ctx, f"QD muc tieu {year}", scope),
                            change_summary="Ban hành")
    ledger.submit_for_review(SECRETARY, decision, n, reviewers=["truongphong"], approver="giamdoc")
    ledger.review(PLANNING_LEADER, decision, n, verdict="agree")
    ledger.approve(LEADER, decision, n)
    signed = stored_pdf(ctx, f"QD muc tieu {year} da ky", scope)
    ledger.record_signature(LEADER, decision, n, meaning="approval", signed_file=signed,
                            certificate=CERT, pades_level="B-T", signing_time="2026-01-10T09:00:00+07:00",
                            timestamp_time="2026-01-10T09:00:01+07:00")
    ctx.uc.deps.projections.after_command()
    return Year(planning, science, policy, decision)


def objective(y: Year, code: str = "MT-01", **extra: Any) -> dict[str, Any]:
    """The opening values of an objective of 2026 (the share of procedures settled on time)."""
    return {"year": 2026, "policy": y.policy, "code": code,
            "title": "Giải quyết hồ sơ thủ tục hành chính đúng hạn",
            "indicator": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "unit": "%", "direction": "increase",
            "baseline": 95, "target": 98, "frequency": "quarterly",
            "plan_actions": "Rà soát quy trình nội bộ; nhắc hạn tự động trên hệ thống một cửa.",
            "plan_resources": "Phần mềm một cửa điện tử; 2 công chức bộ phận một cửa.",
            "plan_responsible": "Văn phòng Sở phối hợp các phòng chuyên môn", "plan_due": "2026-12-31",
            "plan_evaluation": "Thống kê hồ sơ đúng hạn trên hệ thống một cửa mỗi quý.", **extra}


def measured_objective(api: Any) -> tuple[str, dict[str, Any]]:
    """Over HTTP in the API tests' world: an objective registered by its department and measured for Q1 with an
    uploaded evidence file; (its id, the evidence's reference)."""
    y = planning_year(api.ctx)
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(y))
    case_id = r.json()["id"]
    for step, user, body in (("submit", "thuky", {"document": y.decision}), ("approve", "giamdoc", {}),
                             ("allocate", "giamdoc", {"department": y.planning, "owner": "chuyenvien"}),
                             ("register", "truongphong", {})):
        assert api.call("POST", f"/api/v1/objectives/{case_id}/{step}", user, json=body).status_code == 200
    up = api.call("POST", f"/api/v1/objectives/{case_id}/files", "chuyenvien",
                  files={"file": ("Thống kê quý I.pdf", io.BytesIO(STATISTICS_PDF),
                                  "application/pdf")})
    assert up.status_code == 201, up.text
    ev = dict(up.json())
    r = api.call("POST", f"/api/v1/objectives/{case_id}/measurements", "chuyenvien",
                 json={"period": "Q1", "value": 96.2, "evidence": ev})
    assert r.status_code == 200, r.text
    return case_id, ev
