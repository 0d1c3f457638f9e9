"""Departments, a risk and a nonconformity of the API tests' own agency, made through the routes where they have one."""

from __future__ import annotations

from ledger.actors import Actor
from tests.factories import OWN

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
RISK = {"year": 2026, "kind": "risk", "title": "Giải ngân vốn đề tài chậm",
        "description": "Hồ sơ thanh toán nộp trễ so với kế hoạch quý.", "processes": "Quản lý tài chính đề tài"}


def department(api, code: str = "KHTC", leader: str | None = "truongphong") -> str:  # type: ignore[no-untyped-def]
    dep = api.ctx.directory.create_department(ADMIN, OWN, code=code, name=f"Phòng {code}", leader=leader)
    return str(dep["id"])


def risk(api, dep: str) -> str:  # type: ignore[no-untyped-def]
    r = api.call("POST", f"/api/v1/agencies/{OWN}/risks", "truongphong", json=RISK | {"department": dep})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def nonconformity(api, dep: str) -> str:  # type: ignore[no-untyped-def]
    r = api.call("POST", f"/api/v1/agencies/{OWN}/nonconformities", "danhgia", json={
        "year": 2026, "department": dep, "source": "audit_finding", "title": "Hồ sơ đề tài xử lý quá hạn",
        "description": "3/20 hồ sơ nghiệm thu xử lý quá hạn."})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])
