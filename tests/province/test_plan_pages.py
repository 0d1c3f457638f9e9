"""The plan's pages (/province/plan): the province issues the year's plan from the template, revises its steps with
a reason and records new guidance through forms — dates dd/mm/yyyy, every problem beside its input, CSRF as on
every form — and the agencies' calendars follow at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import AGENCY
from tests.province.conftest import DISTRICT
from tests.qms.test_objectives_pages import _signed_in

NOV_20 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _form(html: str, marker: str) -> dict[str, str]:
    """The inputs of the form marked ``marker`` as the browser would send them (checked boxes only)."""
    start = html.index(marker)
    body = html[start:html.index("</form>", start)]
    out: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|textarea)[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        out[name.group(1)] = value.group(1) if value else ""
    return out


def _step(html: str, key: str) -> int:
    """The form's number of the plan step ``key``."""
    found = re.search(r'name="s(\d+)_key" value="' + key + '"', html)
    assert found, key
    return int(found.group(1))


def _calendar(province: Any, agency: str = AGENCY) -> dict[str, dict[str, Any]]:
    board = province.get(f"/api/v1/province/calendar/{agency}", "admin", year=2026)
    return {s["key"]: s for s in board["agency"]["steps"]}


def _plan_page(client: TestClient) -> str:
    r = client.get("/province/plan", params={"year": 2026})
    assert r.status_code == 200, r.text
    return r.text


def test_the_province_issues_then_revises_the_plan_through_the_page_and_the_calendars_follow(province,
                                                                                           clock) -> None:
    clock.now = NOV_20
    assert _calendar(province)["context"]["status"] == "late"  # the default plan: due 28/02
    client = _signed_in(province.api, "kiemtra")
    dashboard = client.get("/province", params={"year": 2026}).text
    assert 'href="/province/plan?year=2026" data-plan-link' in dashboard
    html = _plan_page(client)
    assert 'data-plan-state="default"' in html and 'action="/province/plan?year=2026"' in html
    form = _form(html, "data-plan-form")
    n = _step(html, "internal_audit")
    assert form[f"s{n}_due"] == "20/10/2026"
    form[f"s{n}_due"] = "15/12/2026"  # the audits moved to December
    form["title"] = "Kế hoạch duy trì HTQLCL năm 2026 của tỉnh Trà Vinh"
    r = client.post("/province/plan?year=2026", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/province/plan?year=2026&ok=issued", r.text
    plan = province.get("/api/v1/province/plan", "admin", year=2026)
    assert plan["issued"] and plan["title"] == form["title"] and plan["version"] == 1
    assert _calendar(province)["internal_audit"]["due"] == "2026-12-15"
    assert _calendar(province, DISTRICT)["internal_audit"]["status"] == "due"

    html = client.get("/province/plan?year=2026&ok=issued").text
    assert "Đã ban hành kế hoạch" in html and 'action="/province/plan/revise?year=2026"' in html
    form = _form(html, "data-plan-form")
    c, d = _step(html, "context"), _step(html, "declaration")
    form[f"s{c}_due"] = "30/11/2026"
    form[f"s{c}_label_vi"] = "Phân tích bối cảnh (bổ sung sau sáp nhập)"
    del form[f"s{d}_keep"]  # the declaration leaves this year's plan
    form["reason"] = "Các cơ quan sáp nhập cần cập nhật bối cảnh theo Quyết định 12/QĐ-UBND."
    r = client.post("/province/plan/revise?year=2026", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("ok=revised"), r.text
    for agency in (AGENCY, DISTRICT):
        steps = _calendar(province, agency)
        assert steps["context"]["status"] == "due" and steps["context"]["due"] == "2026-11-30", agency
        assert steps["context"]["label"][0] == "Phân tích bối cảnh (bổ sung sau sáp nhập)"
        assert "declaration" not in steps
    page = client.get(f"/province/calendar/{AGENCY}", params={"year": 2026}).text
    assert "Phân tích bối cảnh (bổ sung sau sáp nhập)" in page and "30/11/2026" in page


def test_new_guidance_recorded_on_the_page_moves_the_review_deadline(province, clock) -> None:
    clock.now = NOV_20
    client = _signed_in(province.api, "admin")
    html = _plan_page(client)
    r = client.post("/province/plan?year=2026", data=_form(html, "data-plan-form"), follow_redirects=False)
    assert r.status_code == 303, r.text
    html = _plan_page(client)
    form = _form(html, "data-guidance-form")
    form |= {"day": "16/11/2026", "title": "Công văn 1234/BKHCN-TĐC hướng dẫn cập nhật HTQLCL"}
    r = client.post("/province/plan/guidance?year=2026", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("ok=guidance"), r.text
    review = _calendar(province)["review"]
    assert review["due"] == "2026-12-29"  # 30 working days after Monday 16/11/2026
    html = _plan_page(client)
    assert "16/11/2026 — Công văn 1234/BKHCN-TĐC" in html


def test_each_problem_is_shown_beside_its_input_and_nothing_is_recorded(province, clock) -> None:
    clock.now = NOV_20
    client = _signed_in(province.api, "kiemtra")
    html = _plan_page(client)
    form = _form(html, "data-plan-form")
    a, w = _step(html, "objectives"), _step(html, "amendments")
    form[f"s{a}_due"] = "31/02/2026"
    form[f"s{a}_label_en"] = ""
    form[f"s{w}_working_days"] = "ba mươi"
    del form[_step_keep(html, "review")]  # amendments count from the review: it cannot go alone
    r = client.post("/province/plan?year=2026", data=form)
    assert r.status_code == 422
    page = r.text
    assert 'class="error-summary"' in page and "Có 4 lỗi cần sửa" in page
    assert re.search(rf'id="e-plan-s{a}_due">[^<]*không có ngày 31/02/2026', page)
    assert f'href="#f-plan-s{a}_label_en"' in page and f'id="e-plan-s{a}_label_en"' in page
    assert f'id="e-plan-s{w}_working_days"' in page
    assert f'id="e-plan-s{w}_keep"' in page and "bước đã bỏ" in page
    assert 'value="ba mươi"' in page  # what was typed stays in the form
    assert not province.get("/api/v1/province/plan", "admin", year=2026)["issued"]
    form = _form(html, "data-plan-form")
    form[f"s{a}_due"] = "28/02/2027"
    r = client.post("/province/plan?year=2026", data=form)
    assert r.status_code == 422 and "phải thuộc năm 2026" in r.text


def _step_keep(html: str, key: str) -> str:
    return f"s{_step(html, key)}_keep"


def test_a_revision_needs_its_reason_a_stale_form_is_a_409_and_guidance_must_be_a_day_of_the_year(
        province, clock) -> None:
    clock.now = NOV_20
    client = _signed_in(province.api, "kiemtra")
    client.post("/province/plan?year=2026", data=_form(_plan_page(client), "data-plan-form"))
    html = _plan_page(client)
    form = _form(html, "data-plan-form")
    r = client.post("/province/plan/revise?year=2026", data=form)
    assert r.status_code == 422 and 'id="e-plan-reason"' in r.text and "Lý do sửa đổi kế hoạch" in r.text
    guidance = _form(html, "data-guidance-form") | {"day": "15/13/2026", "title": ""}
    r = client.post("/province/plan/guidance?year=2026", data=guidance)
    assert r.status_code == 422 and 'id="e-guidance-day"' in r.text and 'id="e-guidance-title"' in r.text
    r = client.post("/province/plan/guidance?year=2026", data=guidance | {"day": "05/01/2025", "title": "CV 1"})
    assert r.status_code == 422 and 'id="e-guidance-day"' in r.text and "năm của kế hoạch" in r.text
    client.post("/province/plan/guidance?year=2026", data=guidance | {"day": "02/03/2026", "title": "CV 2"})
    r = client.post("/province/plan/revise?year=2026", data=form | {"reason": "Sửa hạn"})  # version 1: stale
    assert r.status_code == 409 and "người khác thay đổi" in r.text
    assert province.get("/api/v1/province/plan", "admin", year=2026)["version"] == 2


def test_only_the_province_uses_the_plan_pages_and_every_post_needs_its_csrf_token(province, clock) -> None:
    clock.now = NOV_20
    agency_people = _signed_in(province.api, "thu.ky")
    assert agency_people.get("/province/plan", params={"year": 2026}).status_code == 403
    client = _signed_in(province.api, "kiemtra")
    form = _form(_plan_page(client), "data-plan-form")
    assert agency_people.post("/province/plan?year=2026", data=form).status_code == 403
    del form["csrf"]
    r = client.post("/province/plan?year=2026", data=form)
    assert r.status_code == 403 and "CSRF" in r.text
    assert not province.get("/api/v1/province/plan", "admin", year=2026)["issued"]
    client.cookies.set("isoledger_lang", "en")
    html = _plan_page(client)
    assert "Issue the plan from the template" in html and "20/10/2026" in html


def test_a_step_added_on_the_page_is_done_by_the_process_state_chosen_and_every_problem_is_named(province,
                                                                                               clock) -> None:
    clock.now = NOV_20
    client = _signed_in(province.api, "kiemtra")
    html = _plan_page(client)
    assert "Ban hành kế hoạch trước khi thêm bước." in html and "data-step-form" not in html
    client.post("/province/plan?year=2026", data=_form(html, "data-plan-form"))
    html = _plan_page(client)
    assert 'value="management_review:minuted"' in html  # the choices come from the processes' declarations
    assert 'value="documents.reviewed:reviewed"' in html
    blank = _form(html, "data-step-form")
    r = client.post("/province/plan/steps?year=2026", data=blank | {"due": "31/11/2026", "completion": "x:y"})
    assert r.status_code == 422
    for name in ("step-label_vi", "step-label_en", "step-due", "step-roles", "completion", "step-reason"):
        assert f'id="e-{name}"' in r.text, name
    assert "không có ngày 31/11/2026" in r.text
    r = client.post("/province/plan/steps?year=2026", data=blank)
    assert r.status_code == 422 and "Hạn của bước không được để trống." in r.text
    assert province.get("/api/v1/province/plan", "admin", year=2026)["version"] == 1

    step = blank | {"label_vi": "Khảo sát sự hài lòng của người dân", "label_en": "Citizen satisfaction survey",
                    "due": "30/11/2026", "roles": ["iso_secretary", "agency_leader"],
                    "completion": "management_review:minuted", "every": "yes",
                    "reason": "Chỉ thị 05/CT-UBND yêu cầu khảo sát sự hài lòng hằng năm."}
    r = client.post("/province/plan/steps?year=2026", data=step, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/province/plan?year=2026&ok=added", r.text
    plan = province.get("/api/v1/province/plan", "admin", year=2026)
    assert plan["version"] == 2 and len(plan["steps"]) == 9
    added = plan["steps"][-1]
    assert added["key"] == "citizen_satisfaction_survey"
    assert added["roles"] == ["iso_secretary", "agency_leader"] and (added["month"], added["day"]) == (11, 30)
    assert added["done"] == {"subject": "management_review", "states": ["minuted"], "every": True,
                             "skip": ["cancelled"], "none_is_done": False}
    survey = _calendar(province)["citizen_satisfaction_survey"]
    assert survey["due"] == "2026-11-30" and survey["status"] == "due"
    page = client.get(f"/province/calendar/{AGENCY}", params={"year": 2026}).text
    assert "Khảo sát sự hài lòng của người dân" in page

    again = _form(_plan_page(client), "data-step-form") | {k: step[k] for k in step if k not in ("csrf",
                                                                                                "expected_version")}
    r = client.post("/province/plan/steps?year=2026", data=again, follow_redirects=False)
    assert r.status_code == 303  # the same name again gets a key of its own
    assert province.get("/api/v1/province/plan", "admin", year=2026)["steps"][-1]["key"] == \
        "citizen_satisfaction_survey_2"
    r = client.post("/province/plan/steps?year=2026", data=step)  # the first form's version: stale
    assert r.status_code == 409 and "người khác thay đổi" in r.text
    assert _signed_in(province.api, "thu.ky").post("/province/plan/steps?year=2026", data=again).status_code == 403
