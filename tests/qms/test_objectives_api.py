"""Quality objectives (§6.2) through their generated routes: drafted under the year's policy, approved on the
signed objectives decision, allocated, registered or sent back by the right department leader, measured with
evidence stored in the archive, revised with the old revision kept, closed at year end; every step refused
where it must be (role, state, the wrong department's leader, a missing field)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest

from ledger.actors import Actor
from ledger.clock import clocked
from ledger.errors import NotFound
from tests.pdfs import padded_pdf
from tests.qms.objectives_setup import LEADER, OWNER, SECRETARY, Year, objective, planning_year

REPORT_PDF = padded_pdf(title="bao cao quy I")

BASE = "/api/v1/objectives"


@pytest.fixture
def year(api, world) -> Year:  # type: ignore[no-untyped-def]
    return planning_year(api.ctx)


def _open(api, y: Year, **extra: Any) -> str:  # type: ignore[no-untyped-def]
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(y, **extra))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _step(api, case_id: str, step: str, user: str, **body: Any):  # type: ignore[no-untyped-def]
    return api.call("POST", f"{BASE}/{case_id}/{step}", user, json=body)


def _ok(r) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text


def _allocated(api, y: Year, department: str | None = None, **extra: Any) -> str:  # type: ignore[no-untyped-def]
    case_id = _open(api, y, **extra)
    _ok(_step(api, case_id, "submit", "thuky", document=y.decision))
    _ok(_step(api, case_id, "approve", "giamdoc"))
    _ok(_step(api, case_id, "allocate", "giamdoc", department=department or y.planning, owner="chuyenvien"))
    return case_id


def _registered(api, y: Year, **extra: Any) -> str:  # type: ignore[no-untyped-def]
    case_id = _allocated(api, y, **extra)
    _ok(_step(api, case_id, "register", "truongphong", note="Phòng cam kết thực hiện"))
    return case_id


def _evidence(api, case_id: str, user: str = "chuyenvien", content: bytes = REPORT_PDF,
              name: str = "Báo cáo quý I.pdf") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = api.call("POST", f"{BASE}/{case_id}/files", user,
                 files={"file": (name, io.BytesIO(content), "application/pdf")})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _get(api, case_id: str, user: str = "thuky") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = api.call("GET", f"{BASE}/{case_id}", user)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_an_objective_goes_from_draft_to_registered_with_the_decision_signed(api, year) -> None:
    case_id = _open(api, year)
    got = _get(api, case_id)
    assert got["state"] == "draft" and got["title"] == "MT-01 — Giải quyết hồ sơ thủ tục hành chính đúng hạn"
    assert got["data"]["policy"] == year.policy and got["data"]["year"] == 2026
    _ok(_step(api, case_id, "submit", "thuky", document=year.decision))
    _ok(_step(api, case_id, "approve", "giamdoc"))
    _ok(_step(api, case_id, "allocate", "giamdoc", department=year.planning))
    assert _get(api, case_id, "truongphong")["next_steps"] == ["register", "propose_change"]
    _ok(_step(api, case_id, "register", "truongphong", owner="chuyenvien"))
    got = _get(api, case_id)
    assert got["state"] == "registered" and got["data"]["department"] == year.planning
    assert got["data"]["owner"] == "chuyenvien" and got["data"]["registered_at"] == got["trail"][-1]["at"]
    assert got["derived"]["status"] == "not_measured"
    assert [t["step"] for t in got["trail"]] == ["draft", "submit", "approve", "allocate", "register"]


def test_approval_without_the_objectives_decision_signed_is_refused(api, year) -> None:
    case_id = _open(api, year)
    _ok(_step(api, case_id, "submit", "thuky"))
    r = _step(api, case_id, "approve", "giamdoc")
    assert r.status_code == 409 and r.json()["code"] == "signature_required"
    assert _step(api, case_id, "return", "giamdoc").status_code == 422  # a reason is needed
    _ok(api.call("POST", f"{BASE}/{case_id}/return", "giamdoc", json={"reason": "Đính kèm quyết định"}))
    assert _get(api, case_id)["state"] == "draft"


def test_the_objective_must_link_to_the_policy_of_its_own_year(api, year) -> None:
    other_policy = api.ctx.uc.deps.ledger.open_case(SECRETARY, "quality_policy",
        values={"year": 2027, "statement": "Chính sách năm sau."})
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky",
                 json=objective(year, policy=other_policy))
    assert r.status_code == 409 and r.json()["code"] == "wrong_policy"
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(year, policy="khong-co"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "policy"
    other = _open(api, year, code="MT-09")  # a case, but not a quality policy
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(year, policy=other))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "policy"
    assert "Chính sách chất lượng của năm" in r.json()["detail"]


@pytest.mark.parametrize("missing", ["indicator", "target", "frequency", "plan_evaluation", "plan_due"])
def test_a_draft_missing_a_field_is_refused_naming_it(api, year, missing) -> None:
    values = objective(year)
    del values[missing]
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=values)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == missing


def test_an_increase_below_its_baseline_and_a_second_code_are_refused(api, year) -> None:
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(year, target=90))
    assert r.status_code == 409 and r.json()["code"] == "incoherent_target"
    _open(api, year)
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(year))
    assert r.status_code == 409
    _open(api, year, code="MT-02", direction="decrease", baseline=12, target=5)


def test_only_the_secretary_drafts_and_only_the_agency_leader_approves_and_allocates(api, year) -> None:
    r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "truongphong", json=objective(year))
    assert r.status_code == 403
    case_id = _open(api, year)
    assert _step(api, case_id, "submit", "giamdoc").status_code == 403
    _ok(_step(api, case_id, "submit", "thuky", document=year.decision))
    assert _step(api, case_id, "approve", "thuky").status_code == 403
    assert _step(api, case_id, "allocate", "giamdoc", department=year.planning).status_code == 409  # not approved
    _ok(_step(api, case_id, "approve", "giamdoc"))
    assert _step(api, case_id, "allocate", "thuky", department=year.planning).status_code == 403
    r = _step(api, case_id, "allocate", "giamdoc")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"


def test_only_the_allocated_departments_leader_registers(api, year) -> None:
    case_id = _allocated(api, year, department=year.science)
    r = _step(api, case_id, "register", "truongphong")
    assert r.status_code == 403 and r.json()["code"] == "not_department_leader"
    assert _step(api, case_id, "register", "giamdoc").status_code == 403  # a department leader's step
    assert _step(api, case_id, "measurements", "truongphong2", period="Q1", value=96).status_code == 409
    _ok(_step(api, case_id, "register", "truongphong2"))
    assert _step(api, case_id, "register", "truongphong2").status_code == 409


def test_registration_needs_an_owner(api, year) -> None:
    case_id = _open(api, year)
    _ok(_step(api, case_id, "submit", "thuky", document=year.decision))
    _ok(_step(api, case_id, "approve", "giamdoc"))
    _ok(_step(api, case_id, "allocate", "giamdoc", department=year.planning))
    r = _step(api, case_id, "register", "truongphong")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner"
    r = _step(api, case_id, "register", "truongphong", owner="thuky-b")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner"


def test_a_proposed_change_goes_back_and_the_revision_keeps_the_previous_one(api, year) -> None:
    case_id = _allocated(api, year)
    assert _step(api, case_id, "propose_change", "truongphong", target=97).status_code == 422  # no reason
    assert api.call("POST", f"{BASE}/{case_id}/propose_change", "truongphong2",
                    json={"reason": "Không phải phòng tôi"}).status_code == 403
    _ok(api.call("POST", f"{BASE}/{case_id}/propose_change", "truongphong",
                 json={"target": 97, "reason": "Quý I có nhiều hồ sơ tồn đọng từ năm trước"}))
    got = _get(api, case_id)
    assert got["state"] == "change_proposed" and got["data"]["proposal"]["target"] == 97
    assert got["data"]["target"] == 98
    assert api.call("POST", f"{BASE}/{case_id}/revise", "thuky", json={"target": 98,
                                                                        "reason": "Giữ nguyên"}).status_code == 409
    assert api.call("POST", f"{BASE}/{case_id}/revise", "truongphong",
                    json={"target": 97, "reason": "Theo đề nghị"}).status_code == 403
    _ok(api.call("POST", f"{BASE}/{case_id}/revise", "thuky",
                 json={"target": 97, "reason": "Điều chỉnh theo đề nghị của phòng"}))
    got = _get(api, case_id)
    assert got["state"] == "draft" and got["data"]["target"] == 97 and got["data"]["revision"] == 2
    kept = got["data"]["revisions"]
    assert len(kept) == 1 and kept[0]["values"]["target"] == 98 and kept[0]["replaced_by"] == "thuky"
    assert "proposal" not in got["data"]
    _ok(_step(api, case_id, "submit", "thuky"))
    _ok(_step(api, case_id, "approve", "giamdoc"))
    _ok(_step(api, case_id, "allocate", "giamdoc", department=year.planning))
    _ok(_step(api, case_id, "register", "truongphong"))


def test_a_measurement_is_entered_with_its_evidence_by_the_owner_or_the_department_leader(api, year) -> None:
    case_id = _registered(api, year)
    ev = _evidence(api, case_id)
    _ok(_step(api, case_id, "measurements", "chuyenvien", period="Q1", value=96.5, evidence=ev,
              note="Số liệu hệ thống một cửa"))
    m = _get(api, case_id)["data"]["measurements"]
    assert [(x["period"], x["value"], x["by"]) for x in m] == [("Q1", 96.5, "chuyenvien")]
    assert m[0]["evidence"]["sha256"] == ev["sha256"] and m[0]["at"] == _get(api, case_id)["trail"][-1]["at"]
    got = api.call("GET", f"{BASE}/{case_id}/files/{ev['sha256']}", "giamdoc")
    assert got.status_code == 200 and got.content == REPORT_PDF
    assert "B%C3%A1o%20c%C3%A1o" in got.headers["content-disposition"]
    _ok(_step(api, case_id, "measurements", "truongphong", period="Q1", value=97, evidence=ev))
    r = _step(api, case_id, "measurements", "truongphong2", period="Q1", value=99, evidence=ev)
    assert r.status_code == 403 and r.json()["code"] == "not_owner"
    assert _step(api, case_id, "measurements", "thuky", period="Q1", value=99, evidence=ev).status_code == 403


def test_a_measurement_needs_a_period_of_its_frequency_that_has_begun_and_evidence(api, year) -> None:
    case_id = _registered(api, year)
    ev = _evidence(api, case_id)
    r = _step(api, case_id, "measurements", "chuyenvien", period="M03", value=96, evidence=ev)
    assert r.status_code == 409 and r.json()["code"] == "wrong_period"
    r = _step(api, case_id, "measurements", "chuyenvien", period="Q2", value=96, evidence=ev)
    assert r.status_code == 409 and r.json()["code"] == "future_period"
    r = _step(api, case_id, "measurements", "chuyenvien", period="Q1", value=96)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"
    r = _step(api, case_id, "measurements", "chuyenvien", period="Q1", value="chín mươi", evidence=ev)
    assert r.status_code == 422


def test_evidence_must_have_been_uploaded_to_that_objective(api, year) -> None:
    first, second = _registered(api, year), _registered(api, year, code="MT-02")
    ev = _evidence(api, first)
    r = _step(api, second, "measurements", "chuyenvien", period="Q1", value=96, evidence=ev)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"
    forged = dict(ev, sha256="0" * 64, key=ev["key"].rsplit("/", 1)[0] + "/" + "0" * 64)
    r = _step(api, first, "measurements", "chuyenvien", period="Q1", value=96, evidence=forged)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"
    assert api.call("POST", f"{BASE}/{first}/files", "kiemtra",
                    files={"file": ("x.pdf", io.BytesIO(REPORT_PDF), "application/pdf")}).status_code == 403
    assert api.call("POST", f"{BASE}/{first}/files", "thuky-b",
                    files={"file": ("x.pdf", io.BytesIO(REPORT_PDF), "application/pdf")}).status_code == 404
    assert api.call("GET", f"{BASE}/{first}/files/{ev['sha256']}", "thuky-b").status_code == 404
    assert api.call("GET", f"{BASE}/{first}/files/{'1' * 64}", "thuky").status_code == 404


def test_the_status_is_derived_from_the_measurements_never_typed(api, year) -> None:
    case_id = _registered(api, year)
    ev = _evidence(api, case_id)
    _ok(_step(api, case_id, "measurements", "chuyenvien", period="Q1", value=95.5, evidence=ev))
    got = _get(api, case_id)["derived"]
    assert got["status"] == "at_risk" and got["expected"] == 95.75  # 95 + (98 - 95) / 4
    _ok(_step(api, case_id, "measurements", "chuyenvien", period="Q1", value=96, evidence=ev))
    assert _get(api, case_id)["derived"]["status"] == "on_track"
    r = _step(api, case_id, "measurements", "chuyenvien", period="Q1", value=96, evidence=ev, status="achieved")
    assert r.status_code == 422
    listed = api.call("GET", "/api/v1/agencies/so-khcn-a/objectives", "kiemtra", params={
        "department_id": year.planning}).json()["items"]
    assert [(o["id"], o["derived"]["status"]) for o in listed] == [(case_id, "on_track")]


def test_closing_is_for_year_end_with_the_result_and_freezes_the_status(api, year, clock) -> None:
    case_id = _registered(api, year)
    r = _step(api, case_id, "close", "truongphong", result="Đạt")
    assert r.status_code == 409 and r.json()["code"] == "too_early"
    ev = _evidence(api, case_id)
    qms = api.ctx.uc.qms
    with clocked(clock):  # the events of the year, stamped on the days they happen
        clock.advance(days=280)  # 07/12/2026
        for period, value in (("Q1", 96), ("Q2", 97), ("Q3", 98.2), ("Q4", 98.5)):
            qms.take(OWNER, "objectives", case_id, "measurements", values={"period": period, "value": value,
                                                                             "evidence": ev})
        assert _step(api, case_id, "close", "truongphong2", result="Đạt").status_code == 403
        assert _step(api, case_id, "close", "chuyenvien", result="Đạt").status_code == 403
        r = _step(api, case_id, "close", "truongphong")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "result"
        qms.take(SECRETARY, "objectives", case_id, "close", values={"result": "Đạt 98,5%, vượt chỉ tiêu."})
    got = _get(api, case_id)
    assert got["state"] == "closed" and got["final"] and got["data"]["closed_on"] == "2026-12-07"
    assert got["derived"]["status"] == "achieved"
    assert _step(api, case_id, "measurements", "chuyenvien", period="Q4", value=90, evidence=ev).status_code == 409
    clock.advance(days=400)
    assert _get(api, case_id)["derived"]["status"] == "achieved"


def test_another_agencys_objectives_are_not_found(api, year) -> None:
    case_id = _registered(api, year)
    assert api.call("GET", f"{BASE}/{case_id}", "thuky-b").status_code == 404
    assert _step(api, case_id, "measurements", "giamdoc-b", period="Q1", value=1).status_code == 404
    assert api.call("GET", "/api/v1/agencies/so-khcn-a/objectives", "giamdoc-b").status_code == 404
    assert api.call("GET", f"{BASE}/{case_id}", "kiemtra").status_code == 200  # the supervising inspector reads


def test_the_objectives_of_a_department_as_they_stood_on_30_06(api, year, clock) -> None:
    qms = api.ctx.uc.qms
    with clocked(clock):  # a year of steps, each stamped on its day
        case_id = _registered(api, year)  # over HTTP: stamped by the wall clock, before the clocked year
        ev = _evidence(api, case_id)
        qms.take(OWNER, "objectives", case_id, "measurements", values={"period": "Q1", "value": 96, "evidence": ev})
        clock.advance(days=120)  # 30/06/2026
        qms.take(OWNER, "objectives", case_id, "measurements", values={"period": "Q2", "value": 96.5,
                                                                         "evidence": ev})
        cut = clock.now + timedelta(hours=1)
        clock.advance(days=40)
        qms.take(SECRETARY, "objectives", case_id, "revise", values={"target": 99}, reason="Nâng chỉ tiêu")
        later = _registered(api, year, code="MT-02")  # registered after the cut: not then
        qms.take(SECRETARY, "objectives", later, "revise", values={"title": "Đổi tên"}, reason="Sửa")
    then = qms.department_as_of(LEADER, year.planning, cut)
    assert [(o["id"], o["state"], o["data"]["target"]) for o in then] == [(case_id, "registered", 98)]
    assert [m["period"] for m in then[0]["data"]["measurements"]] == ["Q1", "Q2"]
    assert qms.department_as_of(LEADER, year.science, cut) == []
    hist = api.call("GET", f"{BASE}/{case_id}/history", "giamdoc", params={"as_of": cut.isoformat()}).json()
    assert hist["state"]["data"]["target"] == 98 and _get(api, case_id)["data"]["target"] == 99
    with pytest.raises(NotFound):
        qms.department_as_of(Actor("thuky-b", "so-tu-phap-b", frozenset({"iso_secretary"})), year.planning, cut)
