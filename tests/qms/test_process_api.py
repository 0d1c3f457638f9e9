"""The routes every declared process gets from its declaration: open, list, read, take a step, history — with the
API's conventions (problem+json naming the field, ETag/If-Match, another agency's case is 404)."""

from __future__ import annotations

from datetime import UTC, datetime

STATEMENT = "Lấy sự hài lòng của người dân làm thước đo chất lượng phục vụ."


def _open(api, year: int = 2026):  # type: ignore[no-untyped-def]
    return api.call("POST", "/api/v1/agencies/so-khcn-a/policies", "thuky", json={"year": year,
                                                                                  "statement": STATEMENT})


def test_a_policy_is_opened_read_and_listed_through_its_generated_routes(api, world) -> None:
    r = _open(api)
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    assert r.headers["Location"] == f"/api/v1/policies/{case_id}" and r.headers["ETag"] == '"1"'
    got = api.call("GET", f"/api/v1/policies/{case_id}", "giamdoc")
    assert got.status_code == 200
    body = got.json()
    assert body["state"] == "draft" and body["title"] == "Chính sách chất lượng năm 2026"
    assert body["data"]["statement"] == STATEMENT and body["next_steps"] == []
    assert api.call("GET", f"/api/v1/policies/{case_id}", "thuky").json()["next_steps"] == ["revise", "submit"]
    listed = api.call("GET", "/api/v1/agencies/so-khcn-a/policies?year=2026", "chuyenvien").json()
    assert [c["id"] for c in listed["items"]] == [case_id]


def test_a_refused_step_is_problem_json_naming_why(api, world) -> None:
    case_id = _open(api).json()["id"]
    r = api.call("POST", f"/api/v1/policies/{case_id}/publish", "thuky", json={})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "wrong_state"
    r = api.call("POST", f"/api/v1/policies/{case_id}/revise", "thuky", json={"statement": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "statement"
    r = api.call("POST", f"/api/v1/policies/{case_id}/submit", "giamdoc", json={})
    assert r.status_code == 403


def test_a_stale_if_match_is_refused_and_the_current_one_accepted(api, world) -> None:
    case_id = _open(api).json()["id"]
    r = api.call("POST", f"/api/v1/policies/{case_id}/submit", "thuky", json={}, headers={"If-Match": '"7"'})
    assert r.status_code == 412
    r = api.call("POST", f"/api/v1/policies/{case_id}/submit", "thuky", json={}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'


def test_another_agencys_policy_is_not_found(api, world) -> None:
    case_id = _open(api).json()["id"]
    assert api.call("GET", f"/api/v1/policies/{case_id}", "thuky-b").status_code == 404
    assert api.call("POST", f"/api/v1/policies/{case_id}/submit", "thuky-b", json={}).status_code == 404
    assert api.call("GET", f"/api/v1/policies/{case_id}/history", "thuky-b").status_code == 404
    assert api.call("GET", "/api/v1/agencies/so-khcn-a/policies", "thuky-b").status_code == 404
    assert api.call("POST", "/api/v1/agencies/so-khcn-a/policies", "thuky-b",
                    json={"year": 2026, "statement": STATEMENT}).status_code == 404


def test_history_as_of_shows_the_policy_as_it_stood(api, world) -> None:
    case_id = _open(api).json()["id"]
    cut = datetime.now(UTC).isoformat()
    api.call("POST", f"/api/v1/policies/{case_id}/submit", "thuky", json={})
    then = api.call("GET", f"/api/v1/policies/{case_id}/history", "giamdoc", params={"as_of": cut}).json()
    assert [e["type"] for e in then["events"]] == ["CaseOpened"] and then["state"]["state"] == "draft"
    now = api.call("GET", f"/api/v1/policies/{case_id}/history", "giamdoc").json()
    assert [e["type"] for e in now["events"]] == ["CaseOpened", "StepTaken"]


def test_the_leader_sees_what_waits_on_them(api, world) -> None:
    case_id = _open(api).json()["id"]
    api.call("POST", f"/api/v1/policies/{case_id}/submit", "thuky", json={})
    waiting = api.ctx.uc.qms.waiting_on(_actor("giamdoc", "agency_leader"))
    assert [(w["id"], w["steps"]) for w in waiting] == [(case_id, ["return", "approve"])]
    assert waiting[0]["state_label"] == ("Trình phê duyệt", "Submitted")
    assert api.ctx.uc.qms.waiting_on(_actor("chuyenvien", "staff")) == []


def _actor(user: str, role: str):  # type: ignore[no-untyped-def]
    from ledger.actors import Actor

    return Actor(user, "so-khcn-a", frozenset({role}))
