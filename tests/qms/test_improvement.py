"""Continual improvement (§10.3) through its generated routes: the yearly programme with plan lines per round,
approved by the agency leader; proposals filed by any staff member, screened, accepted or rejected with a reason,
implemented, their benefit verified and closed — routine ones by their own department's leader, the others by the
ISO secretary and the agency leader."""

from __future__ import annotations

from typing import Any

from tests.factories import OWN
from tests.qms.objectives_setup import planning_year

PROPOSAL = {"year": 2026, "title": "Số hóa sổ theo dõi hồ sơ đề tài", "area": "Quản lý đề tài khoa học",
            "situation": "Sổ giấy, tra cứu mất 15 phút mỗi hồ sơ.",
            "proposal": "Dùng bảng tính dùng chung có hạn xử lý.",
            "benefit": "Tra cứu dưới 1 phút; không còn hồ sơ quá hạn.", "effort": "low"}


def call(api: Any, path: str, user: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
    r = api.call("POST", path, user, json=body or {})
    assert r.status_code == status, (path, user, r.text)
    return r.json()  # type: ignore[no-any-return]


def proposal(api: Any, dep: str, user: str = "chuyenvien", **extra: Any) -> str:
    return str(call(api, f"/api/v1/agencies/{OWN}/improvements", user, PROPOSAL | {"department": dep} | extra,
                    201)["id"])


def test_the_programme_is_planned_per_round_approved_by_the_leader_reported_and_closed(api, world) -> None:
    programmes = f"/api/v1/agencies/{OWN}/improvement-programmes"
    assert api.call("POST", programmes, "giamdoc", json={"year": 2026, "aims": "a"}).status_code == 403
    p = call(api, programmes, "thuky", {"year": 2026, "aims": "Giảm thời gian xử lý hồ sơ, số hóa hồ sơ."}, 201)["id"]
    base = f"/api/v1/improvement-programmes/{p}"
    assert call(api, f"{base}/submit", "thuky", status=409)["code"] == "no_plans"
    line = {"round": 1, "area": "Hồ sơ đề tài", "content": "Số hóa sổ theo dõi", "due": "2026-06-30"}
    call(api, f"{base}/plan", "thuky", line)
    assert call(api, f"{base}/plan", "thuky", line | {"round": 13}, 422)["errors"][0]["field"] == "round"
    call(api, f"{base}/submit", "thuky")
    assert call(api, f"{base}/approve", "thuky", status=403)["code"] == "role_required"
    call(api, f"{base}/return", "giamdoc", {"reason": "Thêm đợt 2 cho thủ tục hành chính."})
    call(api, f"{base}/plan", "thuky", line | {"round": 2, "area": "Thủ tục hành chính", "due": "2026-11-30"})
    call(api, f"{base}/submit", "thuky")
    call(api, f"{base}/approve", "giamdoc", {"note": "Đồng ý."})
    call(api, f"{base}/report_round", "thuky", {"round": 1, "result": "Đã số hóa 120 hồ sơ."})
    got = api.call("GET", base, "thuky").json()
    assert got["state"] == "approved" and got["derived"] == {"plans": 2, "rounds": [1, 2], "rounds_reported": [1]}
    assert [x["id"] for x in got["data"]["plans"]] == ["K1", "K2"] and got["data"]["approved_by"] == "giamdoc"
    call(api, f"{base}/close", "giamdoc", {"summary": "Hoàn thành 2/2 đợt."})
    assert call(api, f"{base}/plan", "thuky", line, 409)["code"] == "wrong_state"
    again = api.call("POST", programmes, "thuky", json={"year": 2026, "aims": "a"})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_code"


def test_a_routine_proposal_is_handled_end_to_end_by_its_own_departments_leader(api, world) -> None:
    y = planning_year(api.ctx)
    p = proposal(api, y.planning, routine=True)
    base = f"/api/v1/improvements/{p}"
    assert call(api, f"{base}/screen", "truongphong2", {"screening": "s"}, 403)["code"] == "not_department_leader"
    call(api, f"{base}/screen", "truongphong", {"screening": "Khả thi, chi phí thấp."})
    call(api, f"{base}/accept", "truongphong", {"owner": "chuyenvien", "due": "2026-04-30"})
    assert call(api, f"{base}/implement", "danhgia", {"result": "r"}, 403)["code"] == "not_in_charge"
    call(api, f"{base}/implement", "chuyenvien", {"result": "Bảng tính dùng từ 01/04."})
    assert call(api, f"{base}/verify", "chuyenvien", {"achieved": "achieved", "measured": "m"}, 403)["code"] == \
        "role_required"
    call(api, f"{base}/verify", "truongphong", {"achieved": "achieved", "measured": "Tra cứu 40 giây/hồ sơ."})
    call(api, f"{base}/close", "truongphong")
    got = api.call("GET", base, "thuky").json()
    assert got["state"] == "closed" and got["data"]["proposer"] == "chuyenvien"
    assert got["derived"]["handled_by"] == "department" and got["derived"]["benefit"] == "achieved"


def test_a_proposal_that_is_not_routine_goes_to_the_iso_secretary_and_the_agency_leader(api, world) -> None:
    y = planning_year(api.ctx)
    p = proposal(api, y.planning, user="vanthu")
    base = f"/api/v1/improvements/{p}"
    assert call(api, f"{base}/screen", "truongphong", {"screening": "s"}, 403)["code"] == "not_routine"
    call(api, f"{base}/screen", "thuky", {"screening": "Cần đầu tư phần mềm."})
    assert call(api, f"{base}/accept", "thuky", {"owner": "chuyenvien", "due": "2026-04-30"}, 403)["code"] == \
        "role_required"
    assert call(api, f"{base}/accept", "truongphong", {"owner": "chuyenvien", "due": "2026-04-30"}, 403)["code"] == \
        "not_routine"
    assert call(api, f"{base}/accept", "giamdoc", {"owner": "chuyenvien", "due": "2026-01-01"}, 409)["code"] == \
        "date_in_past"
    call(api, f"{base}/accept", "giamdoc", {"owner": "thuky", "due": "2026-04-30"})
    call(api, f"{base}/implement", "thuky", {"result": "Đã triển khai phần mềm."})
    assert call(api, f"{base}/verify", "thuky", {"achieved": "partly", "measured": "m"}, 409)["code"] == "same_person"
    call(api, f"{base}/verify", "giamdoc", {"achieved": "partly", "measured": "Giảm một nửa thời gian."})
    assert call(api, f"{base}/implement", "thuky", {"result": "r"}, 409)["code"] == "wrong_state"
    call(api, f"{base}/close", "thuky")
    assert api.call("GET", base, "thuky").json()["derived"]["handled_by"] == "iso"


def test_a_proposal_is_rejected_only_with_a_reason_and_then_stays_rejected(api, world) -> None:
    y = planning_year(api.ctx)
    p = proposal(api, y.science, user="truongphong2")
    base = f"/api/v1/improvements/{p}"
    assert call(api, f"{base}/reject", "giamdoc", {}, 422)["errors"][0]["field"] == "reason"
    call(api, f"{base}/reject", "giamdoc", {"reason": "Trùng với đề xuất đã chấp nhận của Phòng KHTC."})
    got = api.call("GET", base, "chuyenvien").json()
    assert got["state"] == "rejected" and got["final"] and got["data"]["decision"] == "rejected"
    assert call(api, f"{base}/screen", "thuky", {"screening": "s"}, 409)["code"] == "wrong_state"
    reason = api.call("GET", f"{base}/history", "chuyenvien").json()["events"][-1]["data"]["reason"]
    assert reason.startswith("Trùng với")


def test_any_staff_member_files_a_proposal_of_their_agency_only(api, world) -> None:
    y = planning_year(api.ctx)
    for user in ("chuyenvien", "danhgia", "vanthu", "truongphong", "thuky", "giamdoc"):
        proposal(api, y.planning, user=user)
    r = api.call("POST", f"/api/v1/agencies/{OWN}/improvements", "thuky-b", json=PROPOSAL | {"department": y.planning})
    assert r.status_code == 404
    r = api.call("POST", f"/api/v1/agencies/{OWN}/improvements", "chuyenvien", json={**PROPOSAL, "effort": "huge",
                                                                                     "department": y.planning})
    assert r.status_code == 422
    listed = api.call("GET", f"/api/v1/agencies/{OWN}/improvements?state=proposed", "giamdoc").json()["items"]
    assert len(listed) == 6
