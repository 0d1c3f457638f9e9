"""Read and understood: members of the distributed departments acknowledge once each; who has, per department;
the controller reminds the rest; the CSV report keeps Vietnamese."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from ledger.actors import Actor
from ledger.errors import RuleViolation
from tests.api.conftest import Api
from tests.factories import OTHER, OWN

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


def issued(api: Api, world: dict[str, Any]) -> str:
    doc = world[OWN]["document_id"]
    plan = api.ctx.directory.create_department(ADMIN, OWN, code="KH", name="Phòng Kế hoạch")["id"]
    office = api.ctx.directory.create_department(ADMIN, OWN, code="VP", name="Văn phòng Sở")["id"]
    for username in ("chuyenvien", "danhgia"):
        api.ctx.directory.move_to_department(ADMIN, username, plan)
    api.ctx.directory.move_to_department(ADMIN, "truongphong", office)
    api.ctx.directory.move_to_department(ADMIN, "vanthu", office)
    for path, body in (("submit", {"reviewers": [], "approver": "giamdoc"}), ("approve", None),
                       ("issue", {"effective_from": "2026-03-02", "distribution": [plan, office]})):
        r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/{path}", "giamdoc" if path == "approve" else "thuky",
                     json=body)
        assert r.status_code == 200, r.text
    return doc


def acks(api: Api, doc: str, user: str = "thuky") -> dict[str, Any]:
    r = api.call("GET", f"/api/v1/documents/{doc}/versions/1/acknowledgements", user)
    assert r.status_code == 200, r.text
    return r.json()


def test_each_member_acknowledges_once_and_the_count_is_per_department(api: Api, world: dict[str, Any]) -> None:
    doc = issued(api, world)
    got = acks(api, doc)
    assert (got["done"], got["total"]) == (0, 4)
    assert {g["name"]: g["total"] for g in got["departments"]} == {"Phòng Kế hoạch": 2, "Văn phòng Sở": 2}
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "chuyenvien")
    assert r.status_code == 200, r.text
    again = api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "chuyenvien")
    assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"
    outsider = api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "giamdoc")
    assert outsider.status_code == 403 and outsider.json()["code"] == "not_on_distribution"
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "thuky-b").status_code == 404
    assert api.call("GET", f"/api/v1/documents/{doc}/versions/1/acknowledgements", "thuky-b").status_code == 404
    got = acks(api, doc, "chuyenvien")
    plan = next(g for g in got["departments"] if g["name"] == "Phòng Kế hoạch")
    assert (got["done"], plan["done"], got["mine"]) == (1, 1, False)
    assert acks(api, doc, "danhgia")["mine"] is True
    events = api.call("GET", f"/api/v1/documents/{doc}/history", "thuky").json()["events"]
    assert [e["meta"]["user_id"] for e in events if e["type"] == "Acknowledged"] == ["chuyenvien"]


def test_the_secretary_reminds_only_those_who_have_not_acknowledged(api: Api, world: dict[str, Any]) -> None:
    doc = issued(api, world)
    api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "danhgia")
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledgements/remind",
                    "chuyenvien").status_code == 403
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledgements/remind", "thuky")
    assert r.status_code == 200, r.text

    def told(user: str) -> list[str]:
        return sorted(n["kind"] for n in api.call("GET", "/api/v1/notifications", user).json()["items"])
    assert told("chuyenvien") == ["ack_reminder", "distributed"]
    assert told("danhgia") == ["distributed"]
    assert told("truongphong") == ["ack_reminder", "distributed"]


def test_a_version_not_issued_cannot_be_acknowledged(api: Api, world: dict[str, Any]) -> None:
    doc = world[OTHER]["document_id"]
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "thuky-b")
    assert r.status_code == 403 and r.json()["code"] == "not_on_distribution"  # a draft has no distribution
    with pytest.raises(RuleViolation) as refused:
        api.services.ledger.acknowledge(Actor("thuky-b", OTHER, frozenset({"iso_secretary"})), doc, 1)
    assert refused.value.code == "not_issued"
    assert api.services.ledger.document(doc)["versions"][0]["status"] == "draft"


def test_the_report_is_a_csv_with_vietnamese_intact(api: Api, world: dict[str, Any]) -> None:
    doc = issued(api, world)
    api.call("POST", f"/api/v1/documents/{doc}/versions/1/acknowledge", "chuyenvien")
    from usecases.acknowledgements import Acknowledgements

    data = Acknowledgements(api.ctx.uc.deps, api.ctx.uc.visibility).report_csv(
        Actor("thuky", OWN, frozenset({"iso_secretary"})), doc, 1)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][-1] == "Đã đọc và hiểu lúc (giờ Việt Nam)"
    mine = next(r for r in rows if r[4:5] == ["chuyenvien"])
    assert mine[3] == "Phòng Kế hoạch" and mine[5] == "Huỳnh Thị Ngọc Ánh" and mine[6] != "Chưa"
    assert next(r for r in rows if r[4:5] == ["danhgia"])[6] == "Chưa"
    assert rows[-1][5] == "1/4 đã xác nhận"
