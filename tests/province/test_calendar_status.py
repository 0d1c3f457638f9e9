"""An agency's calendar derives from its process events: a step is done on the day (and by the event) that made it
so, due with the days left, or late; a step on a process not declared here is "not tracked yet" until it is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger.clock import clocked
from ledger.qms import registry
from ledger.qms.declaration import Field, Process, Step
from ledger.vocabulary import Role
from tests.factories import AGENCY, LEADER, OTHER_AGENCY, SECRETARY
from tests.province.conftest import COMMUNE
from tests.province.helpers import approved_context, cancel, nonconformity

MINUTES = Process(
    name="province_test_minutes", collection="province-test-minutes", clause="9.3",
    label=("Biên bản thử", "Test minutes"),
    states={"draft": ("Dự thảo", "Draft"), "minuted": ("Đã ký biên bản", "Minuted")},
    key=("year",), department_field=None, title=lambda d: f"Biên bản {d.get('year')}",
    steps=(Step("open", ("Mở", "Open"), (), "draft", (Role.ISO_SECRETARY,),
                fields=(Field("year", "year", ("Năm", "Year")),)),
           Step("sign_minutes", ("Ký biên bản", "Sign the minutes"), ("draft",), "minuted", (Role.AGENCY_LEADER,))))
MINUTES_STEP = {"key": "minutes", "label": ["Biên bản họp xem xét", "Review minutes"], "month": 10, "day": 25,
                "roles": ["agency_leader"], "done": {"subject": "province_test_minutes", "states": ["minuted"]}}


def steps(province: Any, agency: str = AGENCY, user: str = "thu.ky", year: int = 2026) -> dict[str, Any]:
    found = province.get(f"/api/v1/province/calendar/{agency}", user, year=year)
    return {s["key"]: s for s in found["agency"]["steps"]}


def test_the_context_step_is_late_then_done_on_the_day_the_analysis_is_approved(province, clock) -> None:
    before = steps(province)["context"]
    assert before["status"] == "late" and before["due"] == "2026-02-28" and before["days_left"] == -2
    with clocked(clock):
        case_id = approved_context(province.api.ctx.ledger)
    after = steps(province)["context"]
    assert after["status"] == "done" and after["done_on"] == "2026-03-02" and after["on_time"] is False
    assert after["event"]["id"] == case_id and after["event"]["event"] == "StepTaken:approve"
    assert after["event"]["fact"] == "approved"


def test_an_analysis_of_another_year_does_not_make_this_years_step_done(province, clock) -> None:
    with clocked(clock):
        approved_context(province.api.ctx.ledger, year=2025, code="BC-2025")
    assert steps(province)["context"]["status"] == "late"
    assert steps(province, year=2025)["context"]["status"] == "done"


def test_a_step_not_yet_due_says_how_many_days_are_left(province, clock) -> None:
    clock.now = datetime(2026, 2, 10, 2, 0, tzinfo=UTC)
    row = steps(province)["context"]
    assert row["status"] == "due" and row["days_left"] == 18
    assert row["working_days_left"] == 8  # 11–13/02 and 23–27/02: the Tết holiday is not counted


def test_corrective_action_is_done_when_every_nonconformity_of_the_year_is_closed_or_none_is_open(
        province, clock) -> None:
    ledger = province.api.ctx.ledger
    clock.now = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    assert steps(province)["corrective_action"]["status"] == "done"  # none raised: nothing left open by 31/10
    with clocked(clock):
        nc = nonconformity(ledger, province.org.khtc)
    assert steps(province)["corrective_action"]["status"] == "late"
    with clocked(clock):
        cancel(ledger, nc)  # a cancelled nonconformity does not count
    assert steps(province)["corrective_action"]["status"] == "done"


def test_a_step_on_a_process_not_declared_here_is_not_tracked_until_it_is(province, clock) -> None:
    plan = province.api.call("GET", "/api/v1/province/plan", "admin", params={"year": 2026}).json()
    r = province.api.call("POST", "/api/v1/province/plan", "admin",
                          json={"year": 2026, "steps": [*plan["steps"], MINUTES_STEP]})
    assert r.status_code == 201, r.text
    assert steps(province)["minutes"]["status"] == "untracked"
    registry.register(MINUTES)
    try:
        ledger = province.api.ctx.ledger
        with clocked(clock):
            case_id = ledger.open_case(SECRETARY, MINUTES.name, values={"year": 2026})
        assert steps(province)["minutes"]["status"] == "due"
        with clocked(clock):
            ledger.take_step(LEADER, case_id, "sign_minutes", values={})
        row = steps(province)["minutes"]
        assert row["status"] == "done" and row["on_time"] is True and row["done_on"] == "2026-03-02"
        assert row["event"] == {**row["event"], "id": case_id, "event": "StepTaken:sign_minutes", "fact": "minuted"}
    finally:
        registry._PROCESSES.pop(MINUTES.name, None)


def test_new_guidance_moves_the_review_deadline_thirty_working_days_after_it(province, clock) -> None:
    api = province.api
    assert api.call("POST", "/api/v1/province/plan", "kiemtra", json={"year": 2026}).status_code == 201
    assert steps(province)["review"]["due"] == "2026-08-31"
    r = api.call("POST", "/api/v1/province/plan/guidance", "kiemtra",
                 json={"year": 2026, "day": "2026-08-10", "title": "Thông tư 06/2026/TT-BKHCN sửa đổi TCVN ISO 9001"})
    assert r.status_code == 200, r.text
    row = steps(province)["review"]
    assert row["due"] == "2026-09-24" and row["fixed_due"] == "2026-08-31"
    bad = api.call("POST", "/api/v1/province/plan/guidance", "kiemtra",
                   json={"year": 2026, "day": "2025-08-10", "title": "Văn bản năm trước"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "day"


def test_only_the_province_issues_the_plan_and_a_year_has_one(province, clock) -> None:
    api = province.api
    assert api.call("POST", "/api/v1/province/plan", "giam.doc", json={"year": 2026}).status_code == 403
    assert api.call("POST", "/api/v1/province/plan", "admin", json={"year": 2026}).status_code == 201
    again = api.call("POST", "/api/v1/province/plan", "admin", json={"year": 2026})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_plan"
    bad = api.call("PUT", "/api/v1/province/plan/steps", "admin",
                   json={"year": 2026, "reason": "Sửa", "steps": [{**MINUTES_STEP, "after": "nothing"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "steps.after"
    plan = api.call("GET", "/api/v1/province/plan", "thu.ky", params={"year": 2026}).json()
    assert plan["issued"] is True and plan["steps"][0]["label"][0] == "Xây dựng, phê duyệt mục tiêu chất lượng"


def test_another_agencys_calendar_is_not_found_and_the_supervisors_inspector_reads_it(province) -> None:
    api = province.api
    assert api.call("GET", f"/api/v1/province/calendar/{OTHER_AGENCY}", "thu.ky",
                    params={"year": 2026}).status_code == 404
    assert api.call("GET", f"/api/v1/province/calendar/{OTHER_AGENCY}", "kiemtra",
                    params={"year": 2026}).status_code == 404
    assert api.call("GET", f"/api/v1/province/calendar/{COMMUNE}", "kiemtra",
                    params={"year": 2026}).status_code == 200
