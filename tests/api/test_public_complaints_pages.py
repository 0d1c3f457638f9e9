"""The public complaint pages without signing in: the form (Vietnamese first, no inline script, a hidden honeypot
and a signed fill-time token), sending it with an attachment, the tracking page, and the published answers."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from api.limits import PublicGuard
from tests.api.conftest import pdf_bytes
from tests.api.test_public_complaints import SEND, Clock
from tests.factories import OWN

URL = f"/public/agencies/{OWN}/complaints"


@pytest.fixture
def guard(api: Any) -> Clock:
    clock = Clock()
    api.app.state.public_guard = PublicGuard(api.ctx.store, api.ctx.auth.tokens, min_fill=3, clock=clock)
    return clock


def form_token(api: Any, clock: Clock) -> str:
    page = api.client.get(URL)
    assert page.status_code == 200, page.text
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found
    clock.now += 30
    return found.group(1)


def test_the_form_page_is_vietnamese_first_with_no_inline_script_and_a_hidden_honeypot(api, world, guard) -> None:
    page = api.client.get(URL)
    assert page.status_code == 200
    assert "Gửi phản ánh" in page.text and "Khiếu nại" in page.text and "Góp ý" in page.text
    assert 'name="website"' in page.text and 'aria-hidden="true"' in page.text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == []  # the CSP forbids inline script
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'name="viewport"' in page.text and "http://" not in page.text and "https://" not in page.text
    assert api.client.get(URL, cookies={"isoledger_lang": "en"}).text.count("Send feedback") >= 1
    assert api.client.get("/public/agencies/khong-co/complaints").status_code == 404


def test_a_citizen_sends_the_form_with_a_pdf_and_follows_the_tracking_code(api, world, guard) -> None:
    data = {**SEND, "form_token": form_token(api, guard), "website": ""}
    r = api.client.post(URL, data=data, files={"attachment": ("biên nhận.pdf", io.BytesIO(pdf_bytes()),
                                                              "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    status = api.client.get(r.headers["location"])
    assert status.status_code == 200 and "Cơ quan đã nhận phản ánh của bạn" in status.text
    code = re.search(r"data-code>([0-9A-F-]+)<", status.text)
    assert code and "Đã tiếp nhận" in status.text
    lookup = api.client.get("/public/complaints", params={"code": code.group(1)}, follow_redirects=False)
    assert lookup.status_code == 303 and lookup.headers["location"] == f"/public/complaints/{code.group(1)}"
    items = api.call("GET", f"/api/v1/agencies/{OWN}/complaints", "thuky").json()["items"]
    assert len(items) == 1 and items[0]["data"]["attachment"]["media_type"] == "application/pdf"
    again = api.client.post(URL, data={**SEND, "form_token": form_token(api, guard)}, follow_redirects=False)
    assert again.status_code == 303 and "again=1" in again.headers["location"]
    assert code.group(1) in again.headers["location"]


def test_a_refused_form_comes_back_with_what_was_typed_and_the_error_beside_the_field(api, world, guard) -> None:
    r = api.client.post(URL, data={**SEND, "content": "ngắn", "form_token": form_token(api, guard)})
    assert r.status_code == 422
    assert "Nội dung cần ít nhất 10 ký tự" in r.text and SEND["subject"] in r.text
    assert re.search(r'name="form_token" value="[^"]+"', r.text)  # a fresh token to send again
    r = api.client.post(URL, data={**SEND, "website": "x", "form_token": form_token(api, guard)})
    assert r.status_code == 422 and "phải để trống" in r.text
    r = api.client.post(URL, data={**SEND, "form_token": "1.2.3"})
    assert r.status_code == 422 and "tải lại trang" in r.text
    assert api.call("GET", f"/api/v1/agencies/{OWN}/complaints", "thuky").json()["items"] == []


def test_an_unknown_tracking_code_is_a_404_page(api, world) -> None:
    r = api.client.get("/public/complaints/ABCD-ABCD-ABCD")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert api.client.get("/public/complaints/" + "x" * 60).status_code in (404, 422)
