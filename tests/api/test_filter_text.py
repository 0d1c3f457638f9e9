"""The text filters of the registers refuse a NUL byte with a 422 naming the parameter (PostgreSQL cannot hold it)."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import OWN

FILTERS = [(f"/api/v1/agencies/{OWN}/documents", "kind"), (f"/api/v1/agencies/{OWN}/records", "series"),
           (f"/api/v1/agencies/{OWN}/nonconformities", "department_id"), (f"/api/v1/agencies/{OWN}/risks",
                                                                         "department_id")]


@pytest.mark.parametrize(("path", "name"), FILTERS)
def test_a_nul_byte_in_a_register_filter_is_a_422_naming_the_parameter(api, world, path, name):
    r = api.call("GET", path, "thuky", params={name: "Văn\x00phòng"})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in problem["errors"]] == [name], problem
    assert problem["detail"] and problem["detail_en"]
    ok = api.call("GET", path, "thuky", params={name: "Văn phòng"})
    assert ok.status_code == 200, ok.text


def _string_queries(api, world) -> list[tuple[str, str]]:
    """Every (GET path, string query parameter) of the API, the path filled with the world's ids."""
    ids = {"agency_id": OWN, "document_id": world[OWN]["document_id"], "record_id": world[OWN]["record_id"],
           "user_id": "thuky"}
    out = []
    for path, operations in api.app.openapi()["paths"].items():
        get = operations.get("get")
        for p in (get or {}).get("parameters", []):
            schema = p.get("schema", {})
            kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
            if p["in"] == "query" and "string" in kinds and "enum" not in schema and "format" not in schema:
                out.append((re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), OWN), path), p["name"]))
    return out


def test_a_nul_byte_in_any_text_query_parameter_is_a_422_naming_it(api, world):
    """PostgreSQL refuses NUL in text (SQLite keeps it): every text parameter of every GET is tried with one, and
    each is refused before its route runs, whoever asks."""
    queries = _string_queries(api, world)
    assert len(queries) >= 15, queries
    wrong = []
    for path, name in queries:
        r = api.call("GET", path, None if path.startswith("/api/v1/public") else "thuky",
                     params={name: "quy\x00trình"})
        if r.status_code != 422 or [e["field"] for e in r.json()["errors"]] != [name]:
            wrong.append((path, name, r.status_code, r.text[:200]))
    assert wrong == []


@pytest.mark.parametrize("path", ["/api/v1/documents/ab%00cd/history", f"/api/v1/agencies/{OWN}%00/documents",
                                  "/api/v1/public/agencies/x%00y/documents", "/documents/%00"])
def test_a_nul_byte_in_a_path_is_a_404_on_both_engines(api, world, path):
    r = api.call("GET", path, "thuky")
    assert r.status_code == 404, r.text
    assert r.json()["errors"][0]["field"] == "path"
