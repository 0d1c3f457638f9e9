"""Web pages answer bad input with a 4xx page, never a 500: Unicode digits in number fields, instants outside
the calendar on history pages and their PDF and CSV exports, a huge cursor on every API list."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browser
from tests.web.test_audit_pages import make_doc
from tests.web.test_forms import summary_of

EXTREMES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]


def test_unicode_digits_in_the_retention_years_are_a_field_problem_not_a_500(web: Browser) -> None:
    web.login("vanthu")
    form = {"code": "HS-10", "title": "Hồ sơ", "series": "Đánh giá", "retention_years": "²",
            "legal_basis": "Thông tư 10/2022", "confidentiality": "internal"}
    r = web.post("/records/new", form, page="/records/new")
    assert r.status_code == 422
    assert "f-retention_years" in dict(summary_of(r.text))


def test_unicode_digits_in_an_account_forms_version_are_not_a_500(web: Browser) -> None:
    web.login("quantri")
    r = web.post("/admin/accounts/chuyenvien", {"full_name": "Huỳnh Thị Ngọc Ánh", "email": "", "version": "²",
                                                "roles": ["staff"]}, page="/admin/accounts/chuyenvien")
    assert r.status_code < 500


@pytest.mark.parametrize("at", EXTREMES)
@pytest.mark.parametrize("suffix", ["", ".pdf", ".csv"])
def test_an_instant_outside_the_calendar_is_a_422_page_on_history_and_its_exports(web: Browser, at: str,
                                                                                 suffix: str) -> None:
    doc = make_doc(web)
    web.login("danhgia")
    r = web.get(f"/documents/{doc}/history{suffix}", params={"at": at})
    assert r.status_code == 422, r.text[:300]
    assert "ngoài lịch" in r.text or "outside the calendar" in r.text


@pytest.mark.parametrize("as_of", EXTREMES)
def test_an_instant_outside_the_calendar_is_a_422_naming_as_of_on_the_api(web: Browser, as_of: str) -> None:
    doc = make_doc(web)
    web.login("danhgia")
    r = web.get(f"/api/v1/documents/{doc}/history", params={"as_of": as_of})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "as_of", r.text
