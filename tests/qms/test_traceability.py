"""Traceability (GET /api/v1/agencies/{agency_id}/traceability?clause= or ?case=, and the page /qms/traceability):
from a case, up what it refers to and down what refers to it, transitively, never back down from above (a policy
does not bring in its other objectives); from a clause, the cases of the processes declaring it and the cases whose
items (checklist lines) name it, then the finding's nonconformity, its actions and effectiveness result, and the
review that looked at it. Agency-scoped (another agency: 404), role-checked, bad questions named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger.qms import registry
from tests.api.conftest import PASSWORD
from tests.factories import OTHER, OWN
from tests.qms.traceability_world import CHECKLIST, REVIEW, Traced, build

URL = f"/api/v1/agencies/{OWN}/traceability"


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The checklist and review processes of this test, declared for it alone."""
    monkeypatch.setitem(registry._PROCESSES, CHECKLIST.name, CHECKLIST)
    monkeypatch.setitem(registry._PROCESSES, REVIEW.name, REVIEW)
    yield


@pytest.fixture
def traced(api, world, clock, declared) -> Traced:  # type: ignore[no-untyped-def]
    return build(api, clock)


def trace(api: Any, user: str = "thuky", **params: str) -> dict[str, Any]:
    r = api.call("GET", URL, user, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def reached(answer: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {i["id"]: (i["direction"], i["depth"]) for i in answer["items"]}


def test_from_a_case_the_trace_goes_up_what_it_refers_to_and_down_what_refers_to_it(api, traced) -> None:
    t = traced
    answer = trace(api, case=t.risk)
    assert reached(answer) == {t.risk: ("start", 0), t.objective: ("up", 1), t.policy: ("up", 2),
                               t.risk_nc: ("down", 1)}  # not the sibling objective under the same policy
    assert {(x["from"], x["to"], x["field"]) for x in answer["links"]} == {
        (t.risk, t.objective, "refs"), (t.objective, t.policy, "policy"), (t.risk_nc, t.risk, "ref")}
    from_objective = reached(trace(api, case=t.objective))
    assert from_objective == {t.objective: ("start", 0), t.policy: ("up", 1), t.risk: ("down", 1),
                              t.risk_nc: ("down", 2)}
    from_policy = reached(trace(api, case=t.policy))
    assert from_policy[t.sibling] == ("down", 1) and from_policy[t.risk_nc] == ("down", 3)


def test_from_a_clause_the_trace_follows_the_checklist_line_to_the_finding_its_actions_and_the_review(
        api, traced) -> None:
    t = traced
    answer = trace(api, clause="8.5")
    assert reached(answer) == {t.checklist: ("start", 0), t.finding_nc: ("down", 1), t.review: ("down", 2)}
    items = {i["id"]: i for i in answer["items"]}
    lines = items[t.checklist]["clause_items"]
    assert [(x["key"], x["clause"], x["result"]) for x in lines] == [("L1", "8.5.1", "major_nc")]  # not 7.5.3
    nc = items[t.finding_nc]
    assert nc["state"] == "effective" and nc["derived"]["last_check"] == "effective"
    assert [(a["id"], a["status"]) for a in nc["actions"]] == [("A1", "done")]
    assert items[t.review]["via"] == [t.finding_nc] and items[t.review]["process_clause"] == "9.3"
    assert reached(trace(api, clause="8.50")) == {}  # 8.5.1 is under 8.5, never under 8.50
    by_process = reached(trace(api, clause="9.2"))  # the checklist's process declares 9.2
    assert by_process[t.checklist] == ("start", 0) and t.review in by_process
    objectives = reached(trace(api, clause="6"))  # 6.1 risks and 6.2 objectives start; the policy is above them
    assert {t.objective, t.sibling, t.risk} <= {k for k, v in objectives.items() if v[0] == "start"}
    assert objectives[t.policy] == ("up", 1) and objectives[t.risk_nc] == ("down", 1)


def test_another_agency_is_not_found_and_roles_are_checked(api, traced) -> None:
    assert api.call("GET", URL, "thuky-b", params={"clause": "9.2"}).status_code == 404
    assert api.call("GET", f"/api/v1/agencies/{OTHER}/traceability", "thuky",
                    params={"case": traced.risk}).status_code == 404
    assert api.call("GET", URL, "thuky-b", params={"case": traced.risk}).status_code == 404
    assert api.call("GET", f"/api/v1/agencies/{OTHER}/traceability", "thuky-b",
                    params={"case": traced.risk}).status_code == 404  # a case of another agency, asked in theirs
    assert api.call("GET", f"/api/v1/agencies/{OTHER}/traceability", "thuky-b",
                    params={"clause": "8.5"}).json()["items"] == []  # their own agency has nothing linked
    assert api.call("GET", URL, params={"clause": "9.2"}).status_code == 401
    assert api.call("GET", URL, "quantri", params={"clause": "9.2"}).status_code == 403
    assert trace(api, "kiemtra", clause="8.5")["items"]  # the supervising inspector reads it


@pytest.mark.parametrize("params", [{}, {"clause": "chín"}, {"clause": "9.2", "case": "x"}, {"clause": "9..2"}])
def test_a_bad_question_is_problem_json_naming_the_field(api, world, params: dict[str, str]) -> None:
    r = api.call("GET", URL, "thuky", params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["detail"] and body["detail_en"]
    assert {e["field"] for e in body.get("errors", [])} >= {"clause"} or body.get("field") == "clause"


def test_an_unknown_case_is_not_found(api, world) -> None:
    r = api.call("GET", URL, "thuky", params={"case": "00000000-0000-0000-0000-000000000000"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


def signed_in(api: Any, username: str) -> TestClient:
    client = TestClient(api.app, raise_server_exceptions=False)
    token = re.search(r'action="/login".*?name="csrf" value="([^"]+)"', client.get("/login").text, re.S)
    assert token
    r = client.post("/login", data={"csrf": token.group(1), "username": username, "password": PASSWORD,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def test_the_traceability_page_shows_the_chain_from_a_clause_in_vietnamese_first(api, traced) -> None:
    t = traced
    page = signed_in(api, "thuky")
    r = page.get("/qms/traceability", params={"clause": "8.5"})
    assert r.status_code == 200, r.text
    html = r.text
    assert "Truy xuất nguồn gốc" in html and 'data-traced="3"' in html
    for case_id in (t.checklist, t.finding_nc, t.review):
        assert f'data-item="{case_id}"' in html
    assert "§8.5.1" in html and "7.5.3" not in html.split("data-trace")[1]
    assert "Lập sổ theo dõi hạn" in html and "Huỳnh Thị Ngọc Ánh" in html and "đã xong" in html
    assert f'href="/qms/nonconformities/{t.finding_nc}"' in html
    assert page.get("/qms/traceability").status_code == 200  # the form alone
    assert page.get("/qms/traceability", params={"clause": "chín"}).status_code == 422
    english = signed_in(api, "thuky")
    english.get("/lang/en?next=/")
    assert "Traceability" in english.get("/qms/traceability", params={"case": t.risk}).text
    assert signed_in(api, "thuky-b").get("/qms/traceability", params={"agency": OWN}).status_code == 404
