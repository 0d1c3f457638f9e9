"""A QMS case's history page (/qms/{collection}/{id}/history): the case as it stood at a moment — its state, data
and derived status then, and its steps up to then — linked from the case page; a moment before the case existed
says so; a bad or off-calendar date is a 422 page, another agency's case or another process's id a 404."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Browser, Site

STATEMENT = "Lấy sự hài lòng của người dân làm thước đo."


def policy_drafted_then_submitted(site: Site) -> tuple[str, list[dict[str, Any]]]:
    ledger, secretary = site.ctx.ledger, site.actor("thuky")
    case = ledger.open_case(secretary, "quality_policy", values={"year": 2026, "statement": STATEMENT})
    ledger.take_step(secretary, case, "revise", values={"statement": STATEMENT + " Đổi mới, sáng tạo."})
    ledger.take_step(secretary, case, "submit", values={})
    site.ctx.after_command()
    return str(case), ledger.history(str(case))


def test_the_case_page_links_its_history_and_the_history_shows_it_as_it_stood(site: Site, web: Browser) -> None:
    case, events = policy_drafted_then_submitted(site)
    web.login("thuky")
    page = web.get(f"/qms/policies/{case}").text
    assert f'href="/qms/policies/{case}/history"' in page
    now = web.get(f"/qms/policies/{case}/history")
    assert now.status_code == 200
    assert 'data-state="submitted"' in now.text and now.text.count('class="hash"') == 3
    first = web.get(f"/qms/policies/{case}/history", params={"at": events[0]["timestamp"]})
    assert first.status_code == 200, first.text
    assert 'data-state="draft"' in first.text and 'data-state="submitted"' not in first.text
    assert STATEMENT in first.text and "Đổi mới, sáng tạo." not in first.text  # the data as it was then
    assert first.text.count('class="hash"') == 1 and "Soạn dự thảo" in first.text
    assert "Như mục đã đứng lúc" in first.text
    second = web.get(f"/qms/policies/{case}/history", params={"at": events[1]["timestamp"]})
    assert "Đổi mới, sáng tạo." in second.text and second.text.count('class="hash"') == 2
    before = web.get(f"/qms/policies/{case}/history", params={"day": "01/01/2025"})
    assert before.status_code == 200 and "data-not-yet" in before.text and 'class="hash"' not in before.text
    later = web.get(f"/qms/policies/{case}/history", params={"day": "31/12/2030", "at_time": "23:00"})
    assert 'data-state="submitted"' in later.text and 'value="31/12/2030"' in later.text


BAD_MOMENTS = [{"day": "31/02/2026"}, {"day": "hôm qua"}, {"day": "01/01/2026", "at_time": "25:61"},
               {"day": "01/01/0001", "at_time": "00:00"}, {"at": "9999-12-31T23:59:59-23:59"},
               {"at": "không phải ngày"}, {"at": "0001-01-01T00:00:00+23:59"}]


@pytest.mark.parametrize("params", BAD_MOMENTS)
def test_a_bad_or_off_calendar_moment_is_a_422_page_never_a_500(site: Site, web: Browser,
                                                                  params: dict[str, str]) -> None:
    case, _ = policy_drafted_then_submitted(site)
    web.login("thuky")
    r = web.get(f"/qms/policies/{case}/history", params=params)
    assert r.status_code == 422, (params, r.status_code)
    assert "text/html" in r.headers["content-type"]


def test_another_agencys_case_or_another_processs_id_is_not_found(site: Site, web: Browser) -> None:
    case, _ = policy_drafted_then_submitted(site)
    web.login("thuky-b")
    assert web.get(f"/qms/policies/{case}/history").status_code == 404
    web.login("thuky")
    assert web.get(f"/qms/objectives/{case}/history").status_code == 404
    assert web.get(f"/qms/no-such-process/{case}/history").status_code == 404
