"""Risks and nonconformities through their generated routes: /api/v1/risks/{id}/assess, /treat, /actions and
/api/v1/nonconformities/{id}/analyse, /plan, /actions, /verify, /effectiveness, /reopen, /cancel — problem+json
naming the field, the derived status in the read model, and another agency's item is 404."""

from __future__ import annotations

from tests.factories import OWN
from tests.qms.api_world import RISK, department, nonconformity, risk


def test_a_risk_is_assessed_treated_and_given_actions_through_its_routes(api, world) -> None:
    dep = department(api)
    risk_id = risk(api, dep)
    r = api.call("POST", f"/api/v1/risks/{risk_id}/assess", "truongphong", json={"likelihood": 4, "impact": 3})
    assert r.status_code == 200, r.text
    r = api.call("POST", f"/api/v1/risks/{risk_id}/treat", "truongphong", headers={"If-Match": r.headers["ETag"]},
                 json={"treatment": "mitigate", "plan": "Nhắc hằng tháng.", "reassess_on": "2026-06-30"})
    assert r.status_code == 200, r.text
    r = api.call("POST", f"/api/v1/risks/{risk_id}/actions", "thuky",
                 json={"action": "Gửi công văn nhắc nộp chứng từ", "owner": "chuyenvien", "due": "2099-03-20"})
    assert r.status_code == 200, r.text
    got = api.call("GET", f"/api/v1/risks/{risk_id}", "chuyenvien").json()
    assert got["state"] == "treated" and got["derived"]["level"] == "high" and got["derived"]["matrix"] == "R1"
    assert got["data"]["actions"][0]["owner"] == "chuyenvien" and got["next_steps"] == ["complete_action"]
    r = api.call("POST", f"/api/v1/risks/{risk_id}/complete_action", "chuyenvien", json={"action_id": "A1"})
    assert r.status_code == 200, r.text
    listed = api.call("GET", f"/api/v1/agencies/{OWN}/risks", "giamdoc", params={"department_id": dep}).json()
    assert [(c["id"], c["derived"]["level"], c["derived"]["open_actions"]) for c in listed["items"]] == [
        (risk_id, "high", 0)]
    assert api.call("GET", f"/api/v1/agencies/{OWN}/risks", "giamdoc",
                    params={"department_id": "khac"}).json()["items"] == []


def test_refused_risk_steps_are_problem_json_naming_why(api, world) -> None:
    dep = department(api)
    other = department(api, "QLKH", leader="giamdoc")
    risk_id = risk(api, dep)
    r = api.call("POST", f"/api/v1/risks/{risk_id}/assess", "truongphong", json={"likelihood": 4})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "impact"
    r = api.call("POST", f"/api/v1/risks/{risk_id}/assess", "truongphong", json={"likelihood": 9, "impact": 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "likelihood"
    r = api.call("POST", f"/api/v1/risks/{risk_id}/treat", "truongphong",
                 json={"treatment": "accept", "plan": "Chấp nhận", "reassess_on": "2026-06-30"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"
    r = api.call("POST", f"/api/v1/risks/{risk_id}/assess", "chuyenvien", json={"likelihood": 1, "impact": 1})
    assert r.status_code == 403
    r = api.call("POST", f"/api/v1/agencies/{OWN}/risks", "truongphong", json=RISK | {"department": other})
    assert r.status_code == 403 and r.json()["code"] == "not_department_leader"
    r = api.call("POST", f"/api/v1/agencies/{OWN}/risks", "truongphong",
                 json=RISK | {"department": dep, "processes": ["Quản lý đề tài"]})
    assert r.status_code == 422
    r = api.call("POST", f"/api/v1/risks/{risk_id}/assess", "truongphong", json={"likelihood": 1, "impact": 1,
                                                                             "colour": "đỏ"})
    assert r.status_code == 422


def test_another_agencys_risk_and_nonconformity_are_not_found(api, world) -> None:
    dep = department(api)
    risk_id = risk(api, dep)
    nc = nonconformity(api, dep)
    for path in (f"/api/v1/risks/{risk_id}", f"/api/v1/nonconformities/{nc}", f"/api/v1/risks/{risk_id}/history",
                 f"/api/v1/agencies/{OWN}/risks", f"/api/v1/agencies/{OWN}/nonconformities"):
        assert api.call("GET", path, "thuky-b").status_code == 404, path
    for path, body in ((f"/api/v1/risks/{risk_id}/assess", {"likelihood": 1, "impact": 1}),
                       (f"/api/v1/nonconformities/{nc}/analyse", {"method": "other", "causes": "x"}),
                       (f"/api/v1/nonconformities/{nc}/cancel", {"reason": "x"}),
                       (f"/api/v1/agencies/{OWN}/risks", RISK | {"department": dep})):
        assert api.call("POST", path, "giamdoc-b", json=body).status_code == 404, path
    assert api.call("GET", f"/api/v1/nonconformities/{risk_id}", "thuky").status_code == 404  # a risk is not an NC
    assert api.call("GET", f"/api/v1/risks/{risk_id}", "kiemtra").status_code == 200  # the supervising inspector reads
