"""The text filters of the registers refuse a NUL byte with a 422 naming the parameter (PostgreSQL cannot hold it)."""

from __future__ import annotations

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
