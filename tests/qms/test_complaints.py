"""Complaints and feedback (/api/v1/agencies/{agency_id}/complaints, /api/v1/complaints/{id}/…): every step
allowed and refused, a complaint from the public page reaching the ISO secretary, a nonconformity raised from a
complaint, and the anonymised publishing of the answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.limits import PublicGuard
from tests.api.conftest import PASSWORD
from tests.api.test_public_complaints import SEND, Clock, token
from tests.factories import OTHER, OWN
from tests.qms.api_world import ADMIN, department

RECORDED = {"kind": "feedback", "channel": "phone", "subject": "Thái độ tiếp dân ở bộ phận một cửa",
            "content": "Ngày 10/11/2026 cán bộ tiếp nhận không hướng dẫn rõ thành phần hồ sơ.",
            "sender_name": "Trần Văn Nam", "sender_contact": "nam.tran@example.vn"}


@pytest.fixture
def guard(api: Any) -> Clock:
    clock = Clock()
    api.app.state.public_guard = PublicGuard(api.ctx.store, api.ctx.auth.tokens, per_address=50, min_fill=3,
                                             clock=clock)
    return clock


def signed_in(api: Any, username: str) -> TestClient:
    client = TestClient(api.app, raise_server_exceptions=False)
    token = re.search(r'action="/login".*?name="csrf" value="([^"]+)"', client.get("/login").text, re.S)
    assert token
    r = client.post("/login", data={"csrf": token.group(1), "username": username, "password": PASSWORD,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def step(api: Any, case: str, name: str, user: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    r = api.call("POST", f"/api/v1/complaints/{case}/{name}", user, json=body)
    assert r.status_code == status, (name, user, r.text)
    return r.json()  # type: ignore[no-any-return]


def recorded(api: Any, user: str = "chuyenvien", **changes: Any) -> str:
    r = api.call("POST", f"/api/v1/agencies/{OWN}/complaints", user, json={**RECORDED, **changes})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def from_public(api: Any, clock: Clock, **changes: Any) -> tuple[str, str]:
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints",
                        json={**SEND, "form_token": token(api, clock), **changes})
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    items = api.call("GET", f"/api/v1/agencies/{OWN}/complaints", "thuky").json()["items"]
    case = next(c["id"] for c in items if c["id"].replace("-", "")[:12].upper() == code.replace("-", ""))
    return code, case


def test_a_complaint_sent_from_the_public_page_reaches_the_iso_secretary(api, world, guard) -> None:
    code, case = from_public(api, guard)
    notes = api.call("GET", "/api/v1/notifications", "thuky").json()
    [note] = [n for n in notes["items"] if n["kind"] == "complaint_received"]
    assert note["aggregate_id"] == case and note["link"] == f"/qms/complaints/{case}"
    assert "0912" not in str(note)
    for other in ("giamdoc", "truongphong", "chuyenvien", "thuky-b"):  # told: the secretary only
        items = api.call("GET", "/api/v1/notifications", other).json()["items"]
        assert not [n for n in items if n["kind"] == "complaint_received"], other
    home = signed_in(api, "thuky").get("/inbox")
    assert home.status_code == 200 and f"/qms/complaints/{case}" in home.text  # the inbox: waiting to be assigned
    recorded(api)  # recorded by staff (by phone): nobody is told, it is already in hand
    notes = api.call("GET", "/api/v1/notifications", "thuky").json()["items"]
    assert len([n for n in notes if n["kind"] == "complaint_received"]) == 1


def test_assigned_answered_by_the_departments_leader_published_by_the_secretary_and_closed(
        api, world, guard, clock) -> None:
    dep = department(api)
    other_dep = department(api, code="QLKH", leader="danhgia")
    code, case = from_public(api, guard, content=SEND["content"] + " Liên hệ: hoa.nguyen@gmail.com, 0912.345.678.")
    step(api, case, "answer", "thuky", {"answer": "Sớm"}, 409)  # not assigned yet
    step(api, case, "assign", "truongphong", {"department": dep}, 403)
    step(api, case, "assign", "thuky", {"department": dep, "due": "2000-01-01"}, 409)  # a due date in the past
    step(api, case, "assign", "thuky", {"department": other_dep, "note": "Xem xét, trả lời."})
    step(api, case, "assign", "giamdoc", {"department": dep, "assignee": "chuyenvien", "due": "2099-01-05"})
    step(api, case, "answer", "chuyenvien", {"answer": "x"}, 403)
    step(api, case, "answer", "giamdoc", {"answer": "x"}, 403)
    answer = "Hồ sơ đã được trả ngày 20/11/2026; Sở xin lỗi vì trả chậm. Gọi 0294 3862 123 nếu cần."
    step(api, case, "publish", "thuky", {"published": True}, 409)  # nothing to publish before the answer
    step(api, case, "answer", "truongphong", {"answer": answer})
    got = api.call("GET", f"/api/v1/complaints/{case}", "thuky").json()
    assert got["state"] == "answered" and got["data"]["answered_by"] == "truongphong"
    assert len(got["data"]["assignments"]) == 2 and got["derived"]["published"] is False
    public = api.client.get(f"/api/v1/public/complaints/{code}").json()
    assert public["state"] == "answered" and public["answer"] is None  # answered, not yet published
    assert api.client.get(f"/api/v1/public/agencies/{OWN}/complaints").json()["items"] == []
    step(api, case, "publish", "truongphong", {"published": True}, 403)
    step(api, case, "publish", "thuky", {"published": True})
    [shown] = api.client.get(f"/api/v1/public/agencies/{OWN}/complaints").json()["items"]
    assert shown["kind"] == "complaint" and "Sở xin lỗi" in shown["answer"] and "trả chậm" in shown["subject"]
    assert "0294" not in shown["answer"] and "hoa.nguyen" not in shown["content"] and "0912" not in shown["content"]
    assert api.client.get(f"/api/v1/public/complaints/{code}").json()["answer"] == shown["answer"]
    step(api, case, "publish", "thuky", {"published": False, "reason": "Rút lại"})  # withdrawn from the page
    assert api.client.get(f"/api/v1/public/agencies/{OWN}/complaints").json()["items"] == []
    step(api, case, "publish", "thuky", {"published": True, "public_text": "Hồ sơ nhãn hiệu trả chậm so với hẹn."})
    step(api, case, "close", "truongphong", {}, 403)
    step(api, case, "close", "thuky", {})
    [shown] = api.client.get(f"/api/v1/public/agencies/{OWN}/complaints").json()["items"]  # still shown once closed
    assert shown["content"] == "Hồ sơ nhãn hiệu trả chậm so với hẹn."
    step(api, case, "publish", "thuky", {"published": False}, 409)  # decided before closing: closed is final
    from ledger.actors import Actor
    waiting = api.ctx.uc.qms.waiting_on(Actor("thuky", OWN, frozenset({"iso_secretary", "staff"})))
    assert case not in [w["id"] for w in waiting]  # a closed complaint waits on nobody
    history = api.call("GET", f"/api/v1/complaints/{case}/history", "giamdoc").json()
    assert [e["data"]["step"] for e in history["events"]] == [
        "receive", "assign", "assign", "answer", "publish", "publish", "publish", "close"]


def test_a_complaint_is_rejected_with_a_reason_and_a_duplicate_names_the_earlier_one(api, world) -> None:
    first, second, third = recorded(api), recorded(api, subject="Lại về thái độ tiếp dân"), recorded(api)
    step(api, second, "reject", "thuky", {"grounds": "out_of_scope"}, 422)  # no reason
    step(api, second, "reject", "chuyenvien", {"grounds": "out_of_scope", "reason": "r"}, 403)
    r = step(api, second, "reject", "thuky", {"grounds": "duplicate", "reason": "Trùng"}, 422)
    assert r["errors"][0]["field"] == "duplicate_of"
    step(api, second, "reject", "thuky", {"grounds": "duplicate", "duplicate_of": first, "reason": "Trùng nội dung."})
    step(api, third, "reject", "giamdoc", {"grounds": "out_of_scope", "reason": "Thuộc thẩm quyền UBND huyện."})
    assert api.call("GET", f"/api/v1/complaints/{third}", "thuky").json()["state"] == "rejected"
    step(api, third, "assign", "thuky", {"department": department(api)}, 409)
    step(api, first, "close", "thuky", {}, 409)


def test_staff_record_the_channels_but_only_the_public_portal_uses_the_web_one(api, world) -> None:
    r = api.call("POST", f"/api/v1/agencies/{OWN}/complaints", "chuyenvien", json={**RECORDED, "channel": "web"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "channel"
    r = api.call("POST", f"/api/v1/agencies/{OWN}/complaints", "thuky", json={**RECORDED, "client": "h:abc"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "client"
    for channel in ("phone", "letter", "in_person", "one_stop"):
        recorded(api, "vanthu", channel=channel)
    assert api.call("POST", f"/api/v1/agencies/{OWN}/complaints", "kiemtra", json=RECORDED).status_code in (403, 404)
    assert api.call("POST", f"/api/v1/agencies/{OTHER}/complaints", "thuky", json=RECORDED).status_code == 404


def test_an_integrations_service_account_may_not_pose_as_the_public_portal(api, world) -> None:
    api.ctx.directory.create_account(ADMIN, username="tich-hop", agency_id=OWN, full_name="Cổng dịch vụ công",
                                     roles=["service_account"])
    api.ctx.store.set_password_hash("tich-hop", api.ctx.passwords.hash("mat-khau-tich-hop-2026"))
    r = api.client.post("/api/v1/auth/token", data={"username": "tich-hop", "password": "mat-khau-tich-hop-2026"})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    for channel in ("web", "phone"):
        r = api.client.post(f"/api/v1/agencies/{OWN}/complaints", headers=headers,
                            json={**RECORDED, "channel": channel})
        assert r.status_code == 403, r.text


def test_a_nonconformity_raised_from_a_complaint_points_at_it(api, world) -> None:
    dep = department(api)
    case = recorded(api)
    r = api.call("POST", f"/api/v1/agencies/{OWN}/nonconformities", "thuky", json={
        "year": 2026, "department": dep, "source": "complaint", "ref": case,
        "title": "Hướng dẫn thành phần hồ sơ không thống nhất", "description": "Từ phản ánh của người dân."})
    assert r.status_code == 201, r.text
    nc = api.call("GET", f"/api/v1/nonconformities/{r.json()['id']}", "thuky").json()
    assert nc["data"]["source"] == "complaint" and nc["data"]["ref"] == case
    other = api.call("POST", f"/api/v1/agencies/{OTHER}/complaints", "thuky-b", json=RECORDED)
    assert other.status_code == 201, other.text
    r = api.call("POST", f"/api/v1/agencies/{OWN}/nonconformities", "thuky", json={
        "year": 2026, "department": dep, "source": "complaint", "ref": other.json()["id"], "title": "t",
        "description": "d"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ref"  # another agency's complaint


def test_no_public_response_ever_shows_the_name_the_contact_an_email_or_a_phone(api, world, guard) -> None:
    dep = department(api)
    secret = ("Lâm Thị Bích Ngọc", "ngoc.lam@tra-vinh.example", "0987654321", "+84 294 3855 777")
    code, case = from_public(api, guard, sender_name=secret[0], sender_contact=f"{secret[1]} / {secret[2]}",
                             subject=f"Gọi lại giúp tôi số {secret[2]}",
                             content=f"Nộp hồ sơ chậm, xin gửi kết quả về {secret[1]} hoặc gọi {secret[3]}.")
    step(api, case, "assign", "thuky", {"department": dep})
    step(api, case, "answer", "truongphong", {"answer": f"Đã gửi kết quả về {secret[1]}, gọi {secret[2]}."})
    step(api, case, "publish", "thuky", {"published": True})
    pages = [api.client.get(u) for u in (
        f"/api/v1/public/agencies/{OWN}/complaints", f"/api/v1/public/complaints/{code}",
        f"/public/agencies/{OWN}/complaints", f"/public/complaints/{code}",
        f"/public/agencies/{OWN}", f"/api/v1/public/agencies/{OWN}")]  # the agency's disclosure portal too
    assert all(p.status_code == 200 for p in pages)
    assert all("Nộp hồ sơ chậm" in pages[i].text for i in (0, 2, 4, 5))
    for page in pages:
        for s in (*secret, "0987", "3855", "ngoc.lam", "testclient"):
            assert s not in page.text, (page.url, s)


def test_staff_attach_a_scanned_letter_once_the_complaint_is_recorded(api, world) -> None:
    from tests.api.conftest import pdf_bytes

    r = api.call("POST", f"/api/v1/agencies/{OWN}/complaints", "vanthu", json={**RECORDED, "channel": "letter",
                 "attachment": {"key": "k", "sha256": "0" * 64, "size": 1, "media_type": "application/pdf",
                                "filename": "thư.pdf"}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "attachment"  # no case, no scope yet
    case = recorded(api, "vanthu", channel="letter")
    up = api.upload(f"/api/v1/complaints/{case}/files", "vanthu", pdf_bytes(), name="Thư của ông Nam.pdf")
    assert up.status_code == 201, up.text
    step(api, case, "attach", "vanthu", {"file": up.json(), "note": "Bản quét thư gửi ngày 12/11/2026"})
    got = api.call("GET", f"/api/v1/complaints/{case}", "thuky").json()
    assert got["data"]["attachments"][0]["file"]["filename"] == "Thư của ông Nam.pdf"
    assert api.call("GET", f"/api/v1/complaints/{case}/files/{up.json()['sha256']}", "giamdoc").status_code == 200
