"""An agency's level (sở/ban ngành tỉnh, huyện, xã) is set when it is created and changed with PATCH, kept in its
events; an agency created without one is provincial; anything else is refused naming the field."""

from __future__ import annotations

from ledger.directory import agency_uuid
from tests.factories import AGENCY
from tests.province.conftest import DISTRICT


def test_the_level_is_given_at_creation_and_read_back(province) -> None:
    api = province.api
    one = api.call("GET", f"/api/v1/agencies/{DISTRICT}", "admin").json()
    assert one["level"] == "district"
    listed = {a["agency_id"]: a["level"] for a in api.call("GET", "/api/v1/agencies", "admin").json()["items"]}
    assert listed[DISTRICT] == "district" and listed[AGENCY] == "province"


def test_patch_changes_the_level_and_keeps_the_rest(province) -> None:
    api = province.api
    before = api.call("GET", f"/api/v1/agencies/{AGENCY}", "admin")
    r = api.call("PATCH", f"/api/v1/agencies/{AGENCY}", "admin", json={"level": "commune"},
                 headers={"If-Match": before.headers["ETag"]})
    assert r.status_code == 200, r.text
    assert r.json()["level"] == "commune" and r.json()["supervised_by"] == before.json()["supervised_by"]
    assert r.json()["name"] == before.json()["name"]
    listed = {a["agency_id"]: a["level"] for a in api.call("GET", "/api/v1/agencies", "admin").json()["items"]}
    assert listed[AGENCY] == "commune"
    last = api.ctx.ledger.history(str(agency_uuid(AGENCY)))[-1]
    assert last["type"] == "AgencyUpdated" and last["data"]["level"] == "commune"


def test_an_unknown_level_is_refused_naming_the_field(province) -> None:
    api = province.api
    r = api.call("POST", "/api/v1/agencies", "admin",
                 json={"agency_id": "ubnd-tinh-x", "name": "UBND", "level": "tinh"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith("level")
    r = api.call("PATCH", f"/api/v1/agencies/{AGENCY}", "admin", json={"level": "tinh"})
    assert r.status_code == 422
    assert api.call("PATCH", f"/api/v1/agencies/{AGENCY}", "thu.ky", json={"level": "commune"}).status_code == 403
