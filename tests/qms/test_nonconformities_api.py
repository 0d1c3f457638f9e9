"""Nonconformities through their generated routes: /api/v1/nonconformities/{id}/analyse, /plan, /actions,
/verify, /effectiveness, /reopen, /cancel — problem+json naming why, and the history of each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.qms.api_world import department, nonconformity


def test_a_nonconformity_is_analysed_planned_verified_and_reopened_by_an_ineffective_check(api, world, clock) -> None:
    dep = department(api)
    nc = nonconformity(api, dep)

    def step(name: str, user: str, body: dict[str, object], status: int = 200) -> dict[str, object]:
        r = api.call("POST", f"/api/v1/nonconformities/{nc}/{name}", user, json=body)
        assert r.status_code == status, (name, r.text)
        return r.json()  # type: ignore[no-any-return]

    step("analyse", "truongphong", {"method": "five_whys", "causes": "Không có người theo dõi hạn"})
    assert step("plan", "thuky", {"plan": "p", "criteria": "c", "check_on": "2099-01-01"}, 403)
    step("plan", "truongphong", {"plan": "Phân công người nhắc hạn.", "criteria": "Ba tháng không quá hạn.",
                                 "check_on": "2099-01-01"})
    step("actions", "truongphong", {"action": "Lập sổ theo dõi hạn", "owner": "chuyenvien", "due": "2099-01-01"})
    assert step("verify", "thuky", {"note": "Đã lập sổ."}, 409)["code"] == "actions_open"
    step("complete_action", "chuyenvien", {"action_id": "A1"})
    step("verify", "thuky", {"note": "Đã lập sổ."})
    assert step("effectiveness", "danhgia", {"result": "ineffective", "findings": "Còn quá hạn."},
                409)["code"] == "too_early"
    clock.now = datetime.now(UTC) + timedelta(days=1)  # events bear the wall clock's time; "today" is the test's
    step("effectiveness", "danhgia", {"result": "ineffective", "findings": "Tháng 3 vẫn quá hạn 2 hồ sơ."})
    got = api.call("GET", f"/api/v1/nonconformities/{nc}", "thuky").json()
    assert got["state"] == "reopened" and got["derived"]["last_check"] == "ineffective"
    assert step("reopen", "thuky", {}, 409)["code"] == "wrong_state"
    assert step("cancel", "thuky", {"reason": "Trùng"}, 403)
    assert step("cancel", "truongphong", {}, 422)["errors"][0]["field"] == "reason"  # type: ignore[index]
    step("cancel", "truongphong", {"reason": "Gộp vào sự không phù hợp của đợt đánh giá sau."})
    history = api.call("GET", f"/api/v1/nonconformities/{nc}/history", "giamdoc").json()
    assert [e["data"]["step"] for e in history["events"]] == [
        "raise", "analyse", "plan", "actions", "complete_action", "verify", "effectiveness", "cancel"]
    assert history["events"][6]["data"]["to_state"] == "reopened"
