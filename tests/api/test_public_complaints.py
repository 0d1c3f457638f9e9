"""The public complaint intake without signing in (POST /api/v1/public/agencies/{agency_id}/complaints): 201 with a
tracking code, the abuse guard (rate limits, honeypot, fill-time token, caps, duplicates), and 4xx naming the
field for every bad input — never a 500, never a case half-made."""

from __future__ import annotations

import io
from typing import Any

import pytest

from api.limits import PublicGuard
from tests.api.conftest import pdf_bytes
from tests.factories import OTHER, OWN

SEND = {"kind": "complaint", "subject": "Hồ sơ đăng ký nhãn hiệu trả chậm",
        "content": "Tôi nộp hồ sơ ngày 02/11/2026, hẹn trả 16/11/2026 nhưng đến nay chưa nhận được kết quả.",
        "sender_name": "Nguyễn Thị Hoa", "sender_contact": "0912 345 678", "procedure": "Đăng ký nhãn hiệu"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def guard(api: Any) -> Clock:
    """The intake's guard on a clock the test moves (a token is sent 10 s after the form was shown)."""
    clock = Clock()
    api.app.state.public_guard = PublicGuard(api.ctx.store, api.ctx.auth.tokens, per_address=4, per_agency=6,
                                             window=3600, min_fill=3, clock=clock)
    return clock


def token(api: Any, clock: Clock, agency: str = OWN) -> str:
    r = api.client.get(f"/api/v1/public/agencies/{agency}/complaints/form-token")
    assert r.status_code == 200, r.text
    clock.now += 10
    return str(r.json()["form_token"])


def send(api: Any, clock: Clock, agency: str = OWN, address: str | None = None, **changes: Any) -> Any:
    body = {**SEND, "form_token": token(api, clock, agency), **changes}
    return api.client.post(f"/api/v1/public/agencies/{agency}/complaints",
                           json={k: v for k, v in body.items() if v is not None})


def complaints(api: Any) -> list[dict[str, Any]]:
    r = api.call("GET", f"/api/v1/agencies/{OWN}/complaints", "thuky")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_a_complaint_sent_without_signing_in_is_received_by_the_public_portal_with_a_tracking_code(
        api, world, guard) -> None:
    r = send(api, guard)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    assert r.headers["Location"] == f"/api/v1/public/complaints/{code}"
    [case] = complaints(api)
    assert case["state"] == "received" and case["opened_by"] == "cong-khai"
    assert case["data"]["channel"] == "web" and case["data"]["sender_name"] == "Nguyễn Thị Hoa"
    assert case["id"].replace("-", "")[:12].upper() == code.replace("-", "")
    history = api.call("GET", f"/api/v1/complaints/{case['id']}/history", "thuky").json()
    opened = history["events"][0]
    assert opened["meta"]["user_id"] == "cong-khai" and opened["meta"]["role"] == "service_account"
    client = opened["data"]["values"]["client"]
    assert client.startswith("h:") and "testclient" not in client  # the address is kept hashed, never raw
    status = api.client.get(f"/api/v1/public/complaints/{code}").json()
    assert status["state"] == "received" and status["answer"] is None
    assert "Nguyễn Thị Hoa" not in str(status) and "0912" not in str(status)


def test_the_same_content_sent_again_within_a_day_answers_202_with_the_earlier_code(api, world, guard) -> None:
    from datetime import UTC, datetime, timedelta

    from ledger.clock import clocked

    with clocked(lambda: datetime.now(UTC) - timedelta(hours=25)):
        yesterday = send(api, guard)  # more than a day ago: not the same complaint any more
    first = send(api, guard)
    assert first.json()["code"] != yesterday.json()["code"]
    again = send(api, guard, subject="  hồ sơ ĐĂNG KÝ nhãn hiệu   trả chậm ")
    assert first.status_code == 201 and again.status_code == 202, again.text
    assert again.json()["code"] == first.json()["code"] and again.json()["duplicate"] is True
    assert len(complaints(api)) == 2
    assert send(api, guard, content=SEND["content"] + " Xin cảm ơn.").status_code == 201
    assert len(complaints(api)) == 3


def test_a_filled_honeypot_a_missing_forged_or_too_fresh_token_are_refused_naming_the_field(api, world, guard) -> None:
    r = send(api, guard, website="http://spam.example")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "website"
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints", json=SEND)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "form_token"
    fresh = api.client.get(f"/api/v1/public/agencies/{OWN}/complaints/form-token").json()["form_token"]
    guard.now += 1  # a second after the form was shown: faster than a person writes
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints", json={**SEND, "form_token": fresh})
    assert r.status_code == 422 and r.json()["code"] == "too_fast"
    forged = fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB")
    guard.now += 10
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints", json={**SEND, "form_token": forged})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "form_token"
    assert complaints(api) == []


def test_a_token_of_another_agency_does_not_open_a_case_here(api, world, guard) -> None:
    other = token(api, guard, OTHER)
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints", json={**SEND, "form_token": other})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "form_token"


def test_an_address_sending_too_much_is_slowed_and_so_is_an_agency_flooded_from_everywhere(api, world, guard) -> None:
    for n in range(4):
        assert send(api, guard, subject=f"Phản ánh số {n}").status_code == 201
    r = send(api, guard, subject="Phản ánh số 5")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.headers["content-type"].startswith("application/problem+json")
    guard.now += 3600
    assert send(api, guard, subject="Một giờ sau").status_code == 201
    assert len(complaints(api)) == 5


def test_an_agency_flooded_from_many_addresses_is_capped(api, world, guard) -> None:
    g: PublicGuard = api.app.state.public_guard
    for n in range(6):
        g.count(f"h:{n}", OWN)
    r = send(api, guard)
    assert r.status_code == 429 and complaints(api) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "khen"}, "kind"), ({"subject": ""}, "subject"), ({"subject": "x" * 201}, "subject"),
    ({"content": "ngắn"}, "content"), ({"content": "x" * 4001}, "content"), ({"sender_name": None}, "sender_name"),
    ({"sender_contact": 912345678}, "sender_contact"), ({"department": "khong-co"}, "department"),
    ({"extra": "x"}, "extra"), ({"content": "nội dung\x00 có ký tự lạ"}, "content")])
def test_every_bad_field_is_a_422_naming_it(api, world, guard, changes, field) -> None:
    r = send(api, guard, **changes)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == field and r.json()["detail_en"]
    assert complaints(api) == []


def test_bad_bodies_and_unknown_agencies_are_4xx_never_500(api, world, guard) -> None:
    url = f"/api/v1/public/agencies/{OWN}/complaints"
    assert api.client.post(url, content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert api.client.post(url, json=["a"]).status_code == 422
    assert api.client.post(url, content=b"a=b", headers={"content-type": "text/plain"}).status_code == 415
    r = api.client.post("/api/v1/public/agencies/khong-co-co-quan/complaints", json={**SEND, "form_token": token(
        api, guard)})
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "id"
    assert api.client.get("/api/v1/public/agencies/khong-co/complaints/form-token").status_code == 404
    assert api.client.get("/api/v1/public/complaints/ZZZZ-ZZZZ-ZZZZ").status_code == 404
    assert api.client.get("/api/v1/public/complaints/0000-0000-0000").status_code == 404
    big = api.client.post(url, content=b"x", headers={"content-type": "application/json",
                                                     "content-length": str(200 * 1024)})
    assert big.status_code == 413


def test_a_department_of_another_agency_is_refused(api, world, guard) -> None:
    from tests.qms.api_world import ADMIN
    foreign = api.ctx.directory.create_department(ADMIN, OTHER, code="VP", name="Văn phòng B")["id"]
    r = send(api, guard, department=foreign)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"


def multipart(api: Any, clock: Clock, name: str, data: bytes, media: str = "application/pdf") -> Any:
    form = {**SEND, "form_token": token(api, clock), "subject": f"Kèm tệp {name}"}  # not a duplicate of another
    return api.client.post(f"/api/v1/public/agencies/{OWN}/complaints", data=form,
                           files={"attachment": (name, io.BytesIO(data), media)})


def test_a_multipart_send_keeps_one_pdf_or_image_checked_by_its_content_not_its_name(api, world, guard) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = multipart(api, guard, "ảnh chụp biên nhận.png", png, "image/png")
    assert r.status_code == 201, r.text
    [case] = complaints(api)
    att = case["data"]["attachment"]
    assert att["filename"] == "ảnh chụp biên nhận.png" and att["size"] == len(png)
    got = api.call("GET", f"/api/v1/complaints/{case['id']}/files/{att['sha256']}", "thuky")
    assert got.status_code == 200 and got.content == png
    r = multipart(api, guard, "giay-to.pdf", b"MZ\x90\x00 an executable named pdf")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "attachment"
    r = multipart(api, guard, "to-khai.pdf", pdf_bytes(size=6 * 1024 * 1024))
    assert r.status_code == 413
    assert len(complaints(api)) == 1


def test_a_pdf_attachment_is_accepted(api, world, guard) -> None:
    r = multipart(api, guard, "đơn khiếu nại.pdf", pdf_bytes())
    assert r.status_code == 201, r.text


def test_an_anonymous_send_may_carry_a_scan_of_a_few_megabytes_but_not_a_json_body_of_that_size(
        api, world, guard) -> None:
    r = multipart(api, guard, "bản quét đơn.pdf", pdf_bytes(size=3 * 1024 * 1024))
    assert r.status_code == 201, r.text[:300]  # over the 64 KiB anonymous cap, within the intake's own
    body = {**SEND, "form_token": token(api, guard), "content": "x" * 100_000}
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints", json=body)
    assert r.status_code == 413 and r.json()["errors"][0]["field"] == "Content-Length"
