"""Inspections by the supervising agency through their generated routes: only an agency the inspector's agency
supervises is scheduled; every step allowed or refused; the inspected agency's leader and ISO secretary read it,
another agency gets 404; a finding raises a nonconformity in the inspected agency; the score gives the class."""

from __future__ import annotations

from typing import Any

from tests.factories import OTHER, OWN, SUPERVISOR
from tests.qms.api_world import department

SCHEDULE = {"inspected_agency": OWN, "kind": "periodic", "year": 2026, "planned_on": "2099-12-08",
            "team_lead": "kiemtra", "team": [{"external": {"name": "Trần Văn Tâm", "organisation": "Sở Nội vụ"}}],
            "scope": "Việc duy trì HTQLCL năm 2026", "criteria": "TC1"}
SCORES = {"tc1": 18, "tc2": 10, "tc3": 12, "tc4": 15, "tc5": 10, "tc6": 4}  # 69: one point short of 70


def schedule(api: Any, **changes: Any) -> Any:
    return api.call("POST", f"/api/v1/agencies/{SUPERVISOR}/inspections", "kiemtra", json=SCHEDULE | changes)


def test_an_inspector_schedules_only_agencies_their_agency_supervises(api, world) -> None:
    refused = schedule(api, inspected_agency=OTHER)
    assert refused.status_code == 403 and refused.json()["code"] == "not_supervised"
    assert "không giám sát" in refused.json()["detail"] and "supervise" in refused.json()["detail_en"]
    assert schedule(api, inspected_agency="khong-co").status_code == 403
    assert api.call("POST", f"/api/v1/agencies/{OWN}/inspections", "giamdoc", json=SCHEDULE).status_code == 403
    assert schedule(api, planned_on="2020-01-01").json()["code"] == "date_in_past"
    assert schedule(api).status_code == 201


def step(api: Any, case: str, name: str, user: str, body: dict[str, Any], status: int = 200) -> Any:
    r = api.call("POST", f"/api/v1/inspections/{case}/{name}", user, json=body)
    assert r.status_code == status, (name, r.text)
    return r.json()


def test_an_inspection_is_scheduled_carried_out_scored_concluded_and_closed(api, world) -> None:
    case = schedule(api).json()["id"]
    assert step(api, case, "score", "kiemtra", SCORES, 409)["code"] == "wrong_state"
    assert step(api, case, "start", "giamdoc", {}, 403)["code"] == "role_required"  # read-only for the inspected
    step(api, case, "reschedule", "kiemtra", {"planned_on": "2099-12-10"}, 422)  # needs a reason
    step(api, case, "reschedule", "kiemtra", {"planned_on": "2099-12-10"} | {"reason": "Trùng lịch họp"})
    step(api, case, "start", "kiemtra", {})
    assert step(api, case, "record", "kiemtra", {"summary": "s"}, 409)["code"] == "not_scored"
    step(api, case, "score", "kiemtra", SCORES | {"tc2": 11}, 422)  # above the criterion's maximum
    step(api, case, "score", "kiemtra", {"tc1": 18}, 422)  # every criterion is scored
    step(api, case, "finding", "kiemtra", {"description": "Chưa đo lường mục tiêu quý III.", "clause": "9.1.1",
                                           "severity": "minor"})
    step(api, case, "score", "kiemtra", SCORES)
    got = api.call("GET", f"/api/v1/inspections/{case}", "kiemtra").json()
    assert got["derived"]["total"] == 69 and got["derived"]["classification"] == "not_yet"
    step(api, case, "score", "kiemtra", SCORES | {"tc6": 5})  # corrected: 70 meets the requirements
    got = api.call("GET", f"/api/v1/inspections/{case}", "kiemtra").json()
    assert (got["derived"]["total"], got["derived"]["maximum"], got["derived"]["classification"]) == (70, 100, "meets")
    assert got["data"]["findings"][0]["id"] == "PH1" and got["derived"]["by_severity"]["minor"] == 1
    step(api, case, "record", "kiemtra", {"summary": "Duy trì tốt, còn một phát hiện nhẹ."})
    assert step(api, case, "close", "kiemtra", {}, 409)["code"] == "wrong_state"
    step(api, case, "conclude", "kiemtra", {"conclusion": "Đáp ứng yêu cầu."})
    assert step(api, case, "cancel", "kiemtra", {"reason": "x"}, 409)["code"] == "wrong_state"
    step(api, case, "close", "kiemtra", {})
    history = api.call("GET", f"/api/v1/inspections/{case}/history", "thuky").json()
    assert [e["data"]["step"] for e in history["events"]] == [
        "schedule", "reschedule", "start", "finding", "score", "score", "record", "conclude", "close"]


def test_only_the_team_lead_signs_the_conclusion_and_a_cancel_needs_a_reason(api, world) -> None:
    case = schedule(api, team_lead="kiemtra").json()["id"]
    step(api, case, "cancel", "kiemtra", {}, 422)
    step(api, case, "cancel", "kiemtra", {"reason": "Cơ quan sáp nhập"})
    assert api.call("GET", f"/api/v1/inspections/{case}", "giamdoc").json()["state"] == "cancelled"


def test_the_inspected_agency_reads_its_inspection_and_another_agency_gets_404(api, world) -> None:
    case = schedule(api).json()["id"]
    for user in ("giamdoc", "thuky", "kiemtra"):
        r = api.call("GET", f"/api/v1/inspections/{case}", user)
        assert r.status_code == 200, (user, r.text)
    assert api.call("GET", f"/api/v1/inspections/{case}", "giamdoc").json()["next_steps"] == []
    for user in ("giamdoc-b", "thuky-b", "chuyenvien"):  # another agency; the inspected one's staff
        assert api.call("GET", f"/api/v1/inspections/{case}", user).status_code == 404, user
        assert api.call("GET", f"/api/v1/inspections/{case}/history", user).status_code == 404, user
    assert api.call("POST", f"/api/v1/inspections/{case}/start", "thuky-b", json={}).status_code == 404


def test_a_finding_raises_a_nonconformity_in_the_inspected_agency(api, world) -> None:
    dep = department(api)
    case = schedule(api).json()["id"]
    step(api, case, "start", "kiemtra", {})
    step(api, case, "finding", "kiemtra", {"description": "Hồ sơ TTHC trễ hạn chưa được phân tích nguyên nhân.",
                                           "clause": "10.2", "severity": "major"})
    nc = {"year": 2026, "department": dep, "source": "inspection", "ref": case, "title": "PH1: hồ sơ trễ hạn",
          "description": "Phát hiện PH1 của đoàn kiểm tra."}
    r = api.call("POST", f"/api/v1/agencies/{OWN}/nonconformities", "thuky", json=nc)
    assert r.status_code == 201, r.text
    got = api.call("GET", f"/api/v1/nonconformities/{r.json()['id']}", "kiemtra").json()  # the supervisor reads it
    assert got["agency_id"] == OWN and got["data"]["ref"] == case and got["data"]["source"] == "inspection"
    r = api.call("POST", f"/api/v1/agencies/{OTHER}/nonconformities", "thuky-b", json=nc | {"department": None})
    assert r.status_code == 422  # another agency cannot link this inspection


def test_the_score_history_of_an_agency_is_read_by_it_and_its_supervisors_only(api, world) -> None:
    case = schedule(api).json()["id"]
    step(api, case, "start", "kiemtra", {})
    step(api, case, "score", "kiemtra", SCORES | {"tc6": 15})
    url = f"/api/v1/agencies/{OWN}/inspection-scores"
    assert api.call("GET", url, "giamdoc").json()["items"] == []  # not concluded yet
    step(api, case, "record", "kiemtra", {"summary": "Tốt"})
    step(api, case, "conclude", "kiemtra", {"conclusion": "Đáp ứng yêu cầu."})
    for user in ("giamdoc", "thuky", "kiemtra"):
        items = api.call("GET", url, user).json()["items"]
        assert [(i["year"], i["total"], i["classification"]) for i in items] == [(2026, 80, "meets")], user
    assert api.call("GET", url, "giamdoc-b").status_code == 404
    assert api.call("GET", url, "chuyenvien").json()["code"] == "role_required"


def test_the_inspected_agencys_leader_and_secretary_are_told_of_the_scheduled_inspection(api, world) -> None:
    case = schedule(api).json()["id"]
    for user in ("giamdoc", "thuky"):
        notes = api.call("GET", "/api/v1/notifications", user).json()["items"]
        told = [n for n in notes if n["kind"] == "inspection_shared"]
        assert len(told) == 1 and told[0]["aggregate_id"] == case, user
        assert told[0]["link"] == f"/qms/inspections/{case}"
    for user in ("chuyenvien", "thuky-b"):
        assert not [n for n in api.call("GET", "/api/v1/notifications", user).json()["items"]
                    if n["kind"] == "inspection_shared"], user
