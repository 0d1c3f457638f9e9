"""People are picked, not typed: every person field of every command names an active account of the agency
(422 naming the field otherwise), or an outsider {"external": {"name", "organisation"}} where the rules allow one.

``ROUTES`` lists every route that names a person, how to bring its resource into the state it needs and a valid
request; ``test_every_person_field_of_the_api_is_declared_here_and_in_the_ledger`` walks the OpenAPI schema, so a
new person field fails until it is marked, declared in ``ledger.people.PERSON_FIELDS`` and tried here.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from ledger.actors import Actor
from ledger.people import PERSON_FIELDS
from tests.api.conftest import OWN, PEOPLE, pdf_bytes

V1 = "/api/v1"
UNKNOWN, FOREIGN = "khong-co-ai", "giamdoc-b"  # no such account; an account of another agency
OUTSIDER = {"external": {"name": "Nguyễn Thị Hoa", "organisation": "Thanh tra tỉnh Trà Vinh"}}
_n = itertools.count(1)


def actor(user: str) -> Actor:
    _, roles, agency = PEOPLE[user]
    return Actor(user, agency, frozenset(roles))


def stored(api: Any, scope: str) -> dict[str, Any]:
    return api.archive.put(io.BytesIO(pdf_bytes()), "Quy trình.pdf", scope).to_dict()


# ---- resources in the state each route needs, built through the ledger -----------------------------
def draft(api: Any) -> str:
    doc = api.ctx.ledger.register_document(actor("thuky"), code=f"QT-P{next(_n)}", title="Quy trình",
                                           kind="form", department="leadership")
    api.ctx.ledger.create_draft(actor("thuky"), doc, file=stored(api, doc), change_summary="Lần đầu")
    return str(doc)


def approved(api: Any) -> str:
    doc = draft(api)
    api.ctx.ledger.submit_for_review(actor("thuky"), doc, 1, reviewers=[], approver="giamdoc")
    api.ctx.ledger.approve(actor("giamdoc"), doc, 1)
    return doc


def record(api: Any, retention: int = 5, confidentiality: str = "internal") -> str:
    rec = api.ctx.ledger.open_record(actor("vanthu"), code=f"HS-P{next(_n)}", title="Hồ sơ", series="Đánh giá",
                                     retention_years=retention, legal_basis="Thông tư 10/2022",
                                     confidentiality=confidentiality)
    api.ctx.ledger.add_file(actor("vanthu"), rec, file=stored(api, rec), description="Biên bản")
    return str(rec)


def on_loan(api: Any) -> str:
    rec = record(api)
    api.ctx.ledger.lend(actor("vanthu"), rec, borrower="danhgia", purpose="Đánh giá", due_on="2099-01-01",
                        approved_by="giamdoc")
    return rec


def proposed(api: Any) -> str:
    rec = record(api, retention=1)
    api.ctx.ledger.close_record(actor("vanthu"), rec, closed_on="2024-01-02")
    api.ctx.ledger.propose_destruction(actor("vanthu"), rec, reason="Hết thời hạn bảo quản")
    return rec


def destruction_approved(api: Any) -> str:
    rec = proposed(api)
    api.ctx.ledger.approve_destruction(actor("giamdoc"), rec, decision_no="12/QĐ", decided_by="giamdoc",
                                       council=["giamdoc"])
    return rec


def department(api: Any) -> str:
    r = api.call("POST", f"{V1}/agencies/{OWN}/departments", "quantri",
                 json={"code": f"P-{next(_n)}", "name": "Phòng Quản lý khoa học"})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@dataclass(frozen=True)
class Route:
    command: str  # its entry in ledger.people.PERSON_FIELDS
    user: str
    url: Callable[[Any], str]  # builds the resource, answers the URL
    body: dict[str, Any]  # a valid request
    read: Callable[[Any, str], Any] | None = None  # what a reader sees of the person fields afterwards
    multipart: bool = False
    method: str = "POST"


def record_of(api: Any, url: str) -> dict[str, Any]:
    rec = re.search(r"/records/([^/]+)/", url).group(1)  # type: ignore[union-attr]
    return api.call("GET", f"{V1}/records/{rec}", "vanthu").json()  # type: ignore[no-any-return]


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/api/v1/documents/{document_id}/versions/{n}/submit"): Route(
        "submit", "thuky", lambda a: f"{V1}/documents/{draft(a)}/versions/1/submit",
        {"reviewers": ["truongphong"], "approver": "giamdoc"}),
    ("POST", "/api/v1/documents/{document_id}/versions/{n}/issue"): Route(
        "issue", "thuky", lambda a: f"{V1}/documents/{approved(a)}/versions/1/issue",
        {"effective_from": "2026-03-02", "distribution": ["leadership", "chuyenvien"]}),
    ("POST", "/api/v1/records/{record_id}/loans"): Route(
        "lend", "vanthu", lambda a: f"{V1}/records/{record(a)}/loans",
        {"borrower": "danhgia", "purpose": "Đánh giá nội bộ", "due_on": "2099-01-01", "approved_by": "giamdoc"},
        read=lambda a, url: record_of(a, url)["loan"]),
    ("POST", "/api/v1/records/{record_id}/loans/current/return"): Route(
        "return", "vanthu", lambda a: f"{V1}/records/{on_loan(a)}/loans/current/return", {"received_by": "vanthu"}),
    ("POST", "/api/v1/records/{record_id}/destruction/approve"): Route(
        "approve_destruction", "giamdoc", lambda a: f"{V1}/records/{proposed(a)}/destruction/approve",
        {"decision_no": "12/QĐ", "decided_by": "giamdoc", "council": ["giamdoc", "vanthu"]},
        read=lambda a, url: record_of(a, url)["destruction"]),
    ("POST", "/api/v1/records/{record_id}/destruction/execute"): Route(
        "execute_destruction", "vanthu", lambda a: f"{V1}/records/{destruction_approved(a)}/destruction/execute",
        {"executed_by": "vanthu", "witnesses": ["danhgia"]}, read=lambda a, url: record_of(a, url)["destruction"],
        multipart=True),
    ("POST", "/api/v1/records/{record_id}/access-grants"): Route(
        "grant_access", "giamdoc", lambda a: f"{V1}/records/{record(a, confidentiality='confidential')}/access-grants",
        {"grantee": "truongphong", "reason": "Thanh tra nội bộ"}),
    ("POST", "/api/v1/agencies/{agency_id}/departments"): Route(
        "department", "quantri", lambda a: f"{V1}/agencies/{OWN}/departments",
        {"code": "P-QLKH", "name": "Phòng Quản lý khoa học", "leader": "truongphong"}),
    ("PATCH", "/api/v1/departments/{department_id}"): Route(
        "department", "quantri", lambda a: f"{V1}/departments/{department(a)}", {"leader": "truongphong"},
        method="PATCH"),
}
# Request fields named like a person that are not one: who supervises an agency is an agency.
NOT_PEOPLE = {"supervised_by"}
PERSONISH = re.compile(r"(_by|_to|er|ers|ee|ees|council|witnesses|distribution|leader)$")


def send(api: Any, route: Route, url: str, body: dict[str, Any], user: str | None = None) -> Any:
    user = user or route.user
    if route.multipart:  # a form: an outsider is one field holding their JSON
        form = {k: [x if isinstance(x, str) else json.dumps(x) for x in v] if isinstance(v, list)
                else v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        files = {"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(pdf_bytes()), "application/pdf")}
        return api.call(route.method, url, user, data=form, files=files)
    return api.call(route.method, url, user, json=body)


def person_fields(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, str]]:
    """(method, path) -> {field: x-person kind} over every request body of the OpenAPI document; also every
    field named like a person (kind None when it is not marked)."""
    components = schema["components"]["schemas"]

    def resolve(s: dict[str, Any]) -> dict[str, Any]:
        return components[s["$ref"].split("/")[-1]] if "$ref" in s else s

    out: dict[tuple[str, str], dict[str, str]] = {}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if "qms" in op.get("tags", ()):  # the QMS steps' person fields: tests/qms/test_person_fields.py
                continue
            for media in op.get("requestBody", {}).get("content", {}).values():
                for name, prop in resolve(media["schema"]).get("properties", {}).items():
                    items = prop.get("items", {})
                    kind = prop.get("x-person") or items.get("x-person") or next(
                        (alt.get("x-person") for alt in prop.get("anyOf", []) if alt.get("x-person")), None)
                    if kind or (PERSONISH.search(name) and name not in NOT_PEOPLE):
                        out.setdefault((method.upper(), path), {})[name] = kind
    return out


def cases() -> list[tuple[tuple[str, str], str]]:
    return [(key, name) for key, route in ROUTES.items() for name in PERSON_FIELDS[route.command]]


def wrong(route: Route, name: str, who: Any) -> dict[str, Any]:
    """The valid body with ``name`` naming ``who`` (in a list: besides the valid ones)."""
    value = route.body[name]
    return dict(route.body, **{name: [*value, who] if isinstance(value, list) else who})


# ---- the schema, the ledger's list and this test agree ----------------------------------------------
def test_every_person_field_of_the_api_is_declared_here_and_in_the_ledger(api):
    found = person_fields(api.app.openapi())
    unmarked = {(k, f) for k, fields in found.items() for f, kind in fields.items() if kind is None}
    assert unmarked == set(), "person-like fields without x-person"
    assert set(found) == set(ROUTES), "a route names people: add it to ROUTES"
    for key, fields in found.items():
        declared = PERSON_FIELDS[ROUTES[key].command]
        assert set(fields) == set(declared), key
        for name, kind in fields.items():
            expected = ("account-or-external" if declared[name].external else
                        "account-or-department" if declared[name].departments else "account")
            assert kind == expected, (key, name)


def test_the_valid_requests_here_are_accepted(api, world):
    for key, route in ROUTES.items():
        url = route.url(api)
        r = send(api, route, url, route.body)
        assert r.status_code in (200, 201), (key, r.text)


# ---- every person field refuses who is not an account of the agency ---------------------------------
@pytest.mark.parametrize(("key", "name"), cases(), ids=lambda x: x if isinstance(x, str) else x[1])
def test_an_unknown_or_foreign_person_is_refused_naming_the_field(api, world, key, name):
    route = ROUTES[key]
    for who in (UNKNOWN, FOREIGN):
        url = route.url(api)
        r = send(api, route, url, wrong(route, name, who))
        assert r.status_code == 422, (key, name, who, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["errors"][0]["field"] == name, body
        assert who in body["detail"] and who in body["detail_en"], body
        assert "cơ quan" in body["detail"] and "agency" in body["detail_en"]


@pytest.mark.parametrize(("key", "name"), cases(), ids=lambda x: x if isinstance(x, str) else x[1])
def test_an_outsider_is_accepted_only_where_the_rules_allow_one_and_is_kept_as_such(api, world, key, name):
    route = ROUTES[key]
    url = route.url(api)
    r = send(api, route, url, wrong(route, name, OUTSIDER) if isinstance(route.body[name], list)
             else dict(route.body, **{name: OUTSIDER}))
    if not PERSON_FIELDS[route.command][name].external:
        assert r.status_code == 422, (key, name, r.text)
        assert r.json()["errors"][0]["field"].split(".")[0] == name  # the schema's check names the list item
        return
    assert r.status_code == 200, (key, name, r.text)
    shown = route.read(api, url)[name]  # type: ignore[misc]
    assert shown == OUTSIDER or OUTSIDER in shown


def test_an_outsider_needs_a_name(api, world):
    route = ROUTES[("POST", "/api/v1/records/{record_id}/loans")]
    for bad in ({"external": {"organisation": "Thanh tra tỉnh"}}, {"external": {"name": " "}},
                {"name": "Nguyễn Thị Hoa"}):
        r = send(api, route, route.url(api), dict(route.body, borrower=bad))
        assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("borrower"), r.text


def test_who_approves_a_loan_is_a_leader_and_who_decides_a_destruction_the_agency_leader(api, world):
    lend = ROUTES[("POST", "/api/v1/records/{record_id}/loans")]
    r = send(api, lend, lend.url(api), dict(lend.body, approved_by="chuyenvien"))
    assert r.status_code == 422 and r.json()["code"] == "person_role_required", r.text
    assert r.json()["errors"][0]["field"] == "approved_by" and "lãnh đạo" in r.json()["detail"]
    assert send(api, lend, lend.url(api), dict(lend.body, approved_by="truongphong")).status_code == 200
    decide = ROUTES[("POST", "/api/v1/records/{record_id}/destruction/approve")]
    r = send(api, decide, decide.url(api), dict(decide.body, decided_by="truongphong"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "decided_by", r.text


def test_an_outsider_borrower_is_listed_as_such_among_the_loans(api, world):
    lend = ROUTES[("POST", "/api/v1/records/{record_id}/loans")]
    assert send(api, lend, lend.url(api), dict(lend.body, borrower=OUTSIDER)).status_code == 200
    loans = api.call("GET", f"{V1}/agencies/{OWN}/loans", "giamdoc").json()["items"]
    assert [x["borrower"] for x in loans] == [OUTSIDER]
