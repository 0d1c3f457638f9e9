"""The province index lists every agency; its search ignores accents and case ("so khoa hoc" finds "Sở Khoa học")."""

from __future__ import annotations

from tests.factories import OTHER, OWN, SUPERVISOR


def test_the_index_lists_every_agency_with_a_link_to_its_page(api, world) -> None:
    listed = api.call("GET", "/api/v1/public/agencies").json()["items"]
    assert {a["agency_id"] for a in listed} == {OWN, OTHER, SUPERVISOR}
    page = api.call("GET", "/public").text
    for agency in (OWN, OTHER, SUPERVISOR):
        assert f'href="/public/agencies/{agency}"' in page


def test_the_search_finds_agencies_without_accents(api, world) -> None:
    found = api.call("GET", "/api/v1/public/agencies?q=so khoa hoc").json()["items"]
    assert [a["agency_id"] for a in found] == [OWN]
    assert [a["agency_id"] for a in api.call("GET", "/api/v1/public/agencies?q=TƯ PHÁP").json()["items"]] == [OTHER]
    page = api.call("GET", "/public?q=tu+phap").text
    assert f"/public/agencies/{OTHER}" in page and f"/public/agencies/{OWN}" not in page
    assert "Không có cơ quan nào khớp." in api.call("GET", "/public?q=khong+co+gi").text


def test_the_portal_speaks_english_by_its_address(api, world) -> None:
    page = api.call("GET", f"/public/agencies/{OWN}?lang=en").text
    assert 'lang="en"' in page and "Administrative procedures" in page
    assert f'href="/public/agencies/{OWN}"' in page  # the switch back to Vietnamese
