"""A small province for the calendar tests: the Sở KH&CN Trà Vinh and the Sở Tư pháp Tiền Giang of the QMS tests
(their people, departments), a district and a commune, two supervising agencies each with an inspector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import PASSWORD, api  # noqa: F401
from tests.factories import AGENCY, OTHER_AGENCY
from tests.qms.org import ADMIN, build_org

TDC, NOIVU = "chi-cuc-tdc-tra-vinh", "so-noi-vu-tien-giang"
DISTRICT, COMMUNE = "ubnd-huyen-cang-long", "ubnd-xa-phuong-thanh"
INSPECTORS = {"kiemtra": ("Thạch Thị Sà Rây", TDC), "kiemtra-nv": ("Lâm Văn Nghĩa", NOIVU)}


@dataclass
class Province:
    api: Any
    org: Any

    def get(self, path: str, user: str = "admin", **params: Any) -> Any:
        r = self.api.call("GET", path, user, params=params)
        assert r.status_code == 200, r.text
        return r.json() if "json" in r.headers.get("content-type", "") else r


@pytest.fixture
def province(api) -> Province:  # type: ignore[no-untyped-def]  # noqa: F811
    org = build_org(api.ctx.ledger)
    for agency_id, name, level in ((TDC, "Chi cục Tiêu chuẩn Đo lường Chất lượng Trà Vinh", "province"),
                                   (NOIVU, "Sở Nội vụ tỉnh Tiền Giang", "province")):
        r = api.call("POST", "/api/v1/agencies", "admin",
                     json={"agency_id": agency_id, "name": name, "level": level})
        assert r.status_code == 201, r.text
    for agency_id, name, level in ((DISTRICT, "UBND huyện Càng Long", "district"),
                                   (COMMUNE, "UBND xã Phương Thạnh", "commune")):
        r = api.call("POST", "/api/v1/agencies", "admin",
                     json={"agency_id": agency_id, "name": name, "level": level, "supervised_by": [TDC]})
        assert r.status_code == 201, r.text
    for agency_id, sup in ((AGENCY, TDC), (OTHER_AGENCY, NOIVU)):
        r = api.call("PATCH", f"/api/v1/agencies/{agency_id}", "admin", json={"supervised_by": [sup]})
        assert r.status_code == 200, r.text
    hashed = api.ctx.passwords.hash(PASSWORD)
    for username, (name, agency) in INSPECTORS.items():
        api.ctx.directory.create_account(ADMIN, username=username, agency_id=agency, full_name=name,
                                         roles=["inspector"])
        api.ctx.store.set_password_hash(username, hashed)
    for who in ("thu.ky", "giam.doc"):
        api.ctx.store.set_password_hash(who, hashed)
    return Province(api, org)
