"""Management review (§9.3) through its generated routes: the notice, the department reports (only the leader of a
department asked, once), the freeze, the meeting, the minutes signed by the chair, the decisions as actions and the
close — every step allowed and refused, on the backend the tests run on."""

from __future__ import annotations

from tests.factories import OWN
from tests.qms.review_setup import NOTICE, minuted, minutes, notified, reported, step


def test_a_review_goes_from_notice_to_closed_through_reports_freeze_meeting_minutes_and_actions(api, world) -> None:
    y, review = minuted(api)
    got = api.call("GET", f"/api/v1/management-reviews/{review}", "giamdoc").json()
    assert got["state"] == "minuted" and got["data"]["signed_by"] == "giamdoc"
    assert len(got["data"]["pack_sha256"]) == 64 and got["derived"]["reported"] == 2
    step(api, review, "actions", "thuky", {"action": "Số hóa hồ sơ đề tài", "owner": "chuyenvien",
                                           "due": "2026-06-30"})
    step(api, review, "actions", "giamdoc", {"action": "Đào tạo đánh giá viên", "owner": "truongphong",
                                             "due": "2026-09-30"})
    assert step(api, review, "close", "thuky", status=409)["code"] == "actions_open"
    assert step(api, review, "complete_action", "danhgia", {"action_id": "A1"}, 403)["code"] == "not_action_owner"
    step(api, review, "complete_action", "chuyenvien", {"action_id": "A1", "result": "Đã số hóa 120 hồ sơ."})
    assert step(api, review, "complete_action", "chuyenvien", {"action_id": "A1"}, 409)["code"] == "action_not_open"
    assert step(api, review, "cancel_action", "thuky", {"action_id": "A2", "reason": "x"}, 403)
    step(api, review, "cancel_action", "giamdoc", {"action_id": "A2", "reason": "Gộp vào kế hoạch đào tạo năm."})
    step(api, review, "close", "thuky")
    got = api.call("GET", f"/api/v1/management-reviews/{review}", "thuky").json()
    assert got["state"] == "closed" and got["final"] and got["derived"]["open_actions"] == 0
    history = api.call("GET", f"/api/v1/management-reviews/{review}/history", "giamdoc").json()
    assert [e["data"]["step"] for e in history["events"]] == [
        "draft", "ask", "ask", "notify", "report", "report", "freeze", "hold", "minute", "actions", "actions",
        "complete_action", "cancel_action", "close"]


def test_the_notice_is_drafted_by_the_secretary_and_sent_only_when_it_asks_a_department(api, world) -> None:
    assert api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "giamdoc", json=NOTICE).status_code == 403
    r = api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "thuky",
                 json=NOTICE | {"meeting_date": "2026-01-05"})
    assert r.status_code == 409 and r.json()["code"] == "date_in_past"
    r = api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "thuky", json=NOTICE | {"chair": "chuyenvien"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "chair"  # the chair is an agency leader
    review = api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "thuky", json=NOTICE).json()["id"]
    extra = api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "thuky",
                     json=NOTICE | {"session": "Phiên bất thường tháng 6"})
    assert extra.status_code == 201 and extra.json()["id"] != review  # a year may have more than one meeting
    assert step(api, review, "notify", "thuky", status=409)["code"] == "no_department_asked"
    step(api, review, "revise", "thuky", {"agenda": "Xem xét của lãnh đạo năm 2026 — bổ sung khiếu nại."})
    assert step(api, review, "freeze", "thuky", status=409)["code"] == "wrong_state"
    assert step(api, review, "report", "truongphong", {"department": "x", "report": "r"}, 409)["code"] == \
        "wrong_state"


def test_only_the_leader_of_a_department_asked_reports_and_only_once(api, world) -> None:
    y, review = notified(api)
    body = {"department": y.planning, "report": "Đạt 5/6 mục tiêu quý I."}
    assert step(api, review, "report", "thuky", body, 403)["code"] == "role_required"
    assert step(api, review, "report", "truongphong2", body, 403)["code"] == "not_department_leader"
    step(api, review, "report", "truongphong", body)
    assert step(api, review, "report", "truongphong", body, 409)["code"] == "already_reported"
    assert step(api, review, "ask", "thuky", {"department": y.planning, "topics": "t"}, 409)["code"] == "wrong_state"
    got = api.call("GET", f"/api/v1/management-reviews/{review}", "thuky").json()
    assert got["derived"]["missing_reports"] == [y.science] and got["data"]["reports"][0]["by"] == "truongphong"


def test_the_minutes_are_signed_by_the_chair_and_the_meeting_is_recorded_once_held(api, world) -> None:
    y, review = reported(api)
    assert step(api, review, "hold", "thuky", {"held_on": "2026-03-02", "attendees": ["giamdoc"],
                                              "discussion": "d"}, 409)["code"] == "wrong_state"
    assert step(api, review, "freeze", "truongphong", status=403)["code"] == "role_required"
    step(api, review, "freeze", "thuky", {"pack_sha256": "0" * 64, "pack_position": 1, "pack_day": "2026-01-01"})
    got = api.call("GET", f"/api/v1/management-reviews/{review}", "thuky").json()
    assert got["data"]["pack_sha256"] != "0" * 64 and got["data"]["pack_day"] == "2026-03-02"  # the server's
    r = step(api, review, "hold", "thuky", {"held_on": "2026-03-20", "attendees": ["giamdoc"], "discussion": "d"},
             409)
    assert r["code"] == "date_in_future"
    step(api, review, "hold", "thuky", {"held_on": "2026-03-02", "attendees": ["giamdoc", "truongphong"],
                                        "discussion": "Thảo luận kết quả năm."})
    unsigned = api.ctx.uc.deps.ledger.register_document(
        __import__("tests.qms.objectives_setup", fromlist=["SECRETARY"]).SECRETARY, code="BB-CHUA-KY",
        title="Biên bản chưa ký", kind="form", department="Văn phòng Sở")
    api.ctx.uc.deps.projections.after_command()
    assert step(api, review, "minute", "giamdoc", {"document": unsigned, "conclusions": "c"}, 409)["code"] == \
        "signature_required"
    assert step(api, review, "minute", "thuky", {"document": unsigned, "conclusions": "c"}, 403)["code"] == \
        "role_required"
    step(api, review, "minute", "giamdoc", {"document": minutes(api), "conclusions": "Hai quyết định."})
    assert api.call("GET", f"/api/v1/management-reviews/{review}", "thuky").json()["state"] == "minuted"


def test_only_the_chair_named_in_the_notice_signs_the_minutes(api, world) -> None:
    from tests.qms.objectives_setup import ADMIN

    api.ctx.directory.create_account(ADMIN, username="phogiamdoc", agency_id=OWN, full_name="Lâm Văn Phó",
                                     roles=["agency_leader"])
    y, review = reported(api)
    step(api, review, "freeze", "thuky")
    step(api, review, "hold", "thuky", {"held_on": "2026-03-02", "attendees": ["giamdoc"], "discussion": "d"})
    api.ctx.store.set_password_hash("phogiamdoc", api.ctx.passwords.hash("mat-khau-thu-nghiem-42"))
    r = api.call("POST", f"/api/v1/management-reviews/{review}/minute", None,
                 headers=api.login("phogiamdoc", "mat-khau-thu-nghiem-42"),
                 json={"document": minutes(api), "conclusions": "c"})
    assert r.status_code == 403 and r.json()["code"] == "not_the_chair"


def test_a_review_is_cancelled_with_a_reason_by_the_agency_leader_before_its_minutes(api, world) -> None:
    y, review = notified(api)
    assert step(api, review, "cancel", "thuky", {"reason": "Hoãn"}, 403)["code"] == "role_required"
    assert step(api, review, "cancel", "giamdoc", {}, 422)["errors"][0]["field"] == "reason"
    step(api, review, "cancel", "giamdoc", {"reason": "Gộp vào kỳ xem xét cuối năm."})
    assert api.call("GET", f"/api/v1/management-reviews/{review}", "thuky").json()["state"] == "cancelled"


def test_a_decision_may_raise_a_nonconformity_linked_to_the_review(api, world) -> None:
    y, review = minuted(api)
    r = api.call("POST", f"/api/v1/agencies/{OWN}/nonconformities", "giamdoc", json={
        "year": 2026, "department": y.science, "source": "management_review", "ref": review,
        "title": "Chưa đo lường sự hài lòng của tổ chức", "description": "Quyết định số 2 của cuộc họp."})
    assert r.status_code == 201, r.text
    nc = api.call("GET", f"/api/v1/nonconformities/{r.json()['id']}", "thuky").json()
    assert nc["data"]["source"] == "management_review" and nc["data"]["ref"] == review


def test_another_agency_neither_reads_nor_steps_a_review(api, world) -> None:
    y, review = notified(api)
    assert api.call("GET", f"/api/v1/management-reviews/{review}", "thuky-b").status_code == 404
    assert api.call("POST", f"/api/v1/management-reviews/{review}/freeze", "thuky-b", json={}).status_code == 404
    assert api.call("GET", f"/api/v1/management-reviews/{review}/input-pack", "thuky-b").status_code == 404


def test_the_leaders_of_the_departments_asked_are_told_when_the_notice_is_sent(api, world) -> None:
    y, review = notified(api)
    for leader in ("truongphong", "truongphong2"):
        notes = api.call("GET", "/api/v1/notifications", leader, headers=api.login(leader) if leader == "truongphong"
                         else api.login(leader, "mat-khau-thu-nghiem-42")).json()
        items = notes["items"] if isinstance(notes, dict) else notes
        told = [n for n in items if n["kind"] == "report_requested"]
        assert len(told) == 1 and told[0]["link"] == f"/qms/management-reviews/{review}", (leader, items)
        assert told[0]["title"] == "Xem xét của lãnh đạo năm 2026"
    others = api.call("GET", "/api/v1/notifications", "chuyenvien").json()
    items = others["items"] if isinstance(others, dict) else others
    assert not [n for n in items if n["kind"] == "report_requested"]
