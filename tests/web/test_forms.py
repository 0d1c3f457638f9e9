"""Forms: every problem at once, each named by its label beside its field and linked from a summary at the top;
dates typed dd/mm/yyyy and times hh:mm (24 hours) in text inputs; a failed signing keeps the options chosen."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Browser, Site, build_site, close_site, make_p12
from tests.web.test_document_pages import register, upload_draft
from tests.web.test_record_pages import open_record
from tests.web.test_signing_pages import sign

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def summary_of(page: str) -> list[tuple[str, str]]:
    """(link target, message) of each problem in the summary at the top of the page."""
    box = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)


def beside(page: str, field_id: str) -> str:
    """The error shown beside the input ``field_id`` (its aria-describedby names it)."""
    m = re.search(r'id="' + field_id + r'"[^>]*aria-describedby="([^"]+)"', page)
    assert m, f"{field_id} is not described by an error"
    error_id = next(i for i in m.group(1).split() if i.startswith("e-"))
    found = re.search(r'id="' + error_id + r'">([^<]+)<', page)
    assert found, error_id
    return found.group(1)


def test_registering_with_empty_fields_names_every_field_by_its_label(web: Browser, site: Site) -> None:
    web.login("thuky")
    r = web.post("/documents/new", {"code": "", "title": " ", "kind": "", "department": ""},
                 page="/documents/new")
    assert r.status_code == 422 and "Trường «" not in r.text and "«code»" not in r.text
    expected = {"f-code": "Mã tài liệu không được để trống.", "f-title": "Tên tài liệu không được để trống.",
                "f-kind": "Loại tài liệu không được để trống.",
                "f-department": "Phòng ban chủ trì không được để trống."}
    assert dict(summary_of(r.text)) == expected
    assert r.text.index('class="error-summary"') < r.text.index('<form method="post" action="/documents/new"')
    for field_id, message in expected.items():
        assert beside(r.text, field_id) == message
    assert "<title>Lỗi: " in r.text
    site.ctx.fresh()
    assert "không được để trống" not in web.get("/documents/new").text  # nothing registered, nothing kept


def test_opening_a_record_lists_every_problem_in_english_too(web: Browser) -> None:
    web.login("vanthu")
    web.get("/lang/en")
    r = web.post("/records/new", {"code": "HS-09", "title": "", "series": "", "retention_years": "ten",
                                  "legal_basis": "", "confidentiality": "internal"}, page="/records/new")
    assert r.status_code == 422
    assert dict(summary_of(r.text)) == {
        "f-title": "Title is required.", "f-series": "Series is required.",
        "f-retention_years": "Retention is a number of years, e.g. 10, or empty for permanent.",
        "f-legal_basis": "Legal basis of the retention is required."}
    assert 'value="HS-09"' in r.text  # what was typed stays


def test_a_loan_with_an_empty_borrower_and_a_wrong_date_says_both(web: Browser) -> None:
    web.login("vanthu")
    rec = open_record(web)
    r = web.post(f"/records/{rec}/lend", {"borrower": "", "purpose": "Thanh tra", "due_on": "31/02/2026",
                                          "approved_by": ""}, page=f"/records/{rec}")
    assert r.status_code == 422
    problems = dict(summary_of(r.text))
    assert problems == {"f-lend-borrower": "Người mượn không được để trống.",
                        "f-lend-due_on": "Hạn trả: không có ngày 31/02/2026; tháng 2/2026 chỉ có 28 ngày.",
                        "f-lend-approved_by": "Người duyệt cho mượn không được để trống."}
    for field_id, message in problems.items():
        assert beside(r.text, field_id) == message
    assert 'value="31/02/2026"' in r.text and 'value="Thanh tra"' in r.text
    assert "data-loan>không<" in web.get(f"/records/{rec}").text  # nothing was lent


@pytest.mark.parametrize(("typed", "said"), [
    ("12/31/2026", "Hạn trả mới: không có tháng 31"),  # mm/dd/yyyy, as an English picker writes it
    ("29/02/2027", "không có ngày 29/02/2027; tháng 2/2027 chỉ có 28 ngày"),
    ("1 tháng 3", "«1 tháng 3» không đúng dạng ngày/tháng/năm"),
])
def test_a_wrong_date_is_explained(web: Browser, typed: str, said: str) -> None:
    web.login("vanthu")
    rec = open_record(web)
    assert web.post(f"/records/{rec}/lend", {"borrower": "danhgia", "purpose": "B", "due_on": "29/02/2028",
                                             "approved_by": "giamdoc"}, page=f"/records/{rec}").status_code == 303
    r = web.post(f"/records/{rec}/extend", {"due_on": typed}, page=f"/records/{rec}")
    assert r.status_code == 422 and said in beside(r.text, "f-extend-due_on")
    assert "29/02/2028" in web.get(f"/records/{rec}").text  # the leap day was fine, and it is unchanged


def test_every_date_and_time_input_is_text_dd_mm_yyyy_and_24_hours(web: Browser, site: Site) -> None:
    web.login("vanthu")
    rec = open_record(web)
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    ctx = site.ctx
    ctx.ledger.submit_for_review(site.actor("thuky"), doc, 1, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(site.actor("giamdoc"), doc, 1)
    ctx.after_command()
    web.login("thuky")
    issue = web.get(f"/documents/{doc}").text
    web.login("vanthu")
    record = web.get(f"/records/{rec}").text
    web.login("danhgia")
    history = web.get(f"/records/{rec}/history?day=2026-06-01&at_time=14:30").text
    for page, ids in ((issue, ["f-effective_from"]), (record, ["f-close-closed_on", "f-lend-due_on"]),
                      (history, ["f-day"])):
        assert not re.search(r'type="(date|time|datetime-local)"', page)
        for field_id in ids:
            tag = re.search(r'<input id="' + field_id + '"[^>]*>', page).group(0)
            assert 'type="text"' in tag and 'pattern="\\d{1,2}/\\d{1,2}/\\d{4}"' in tag and "dd/mm/yyyy" in tag
            assert "Ngày/tháng/năm, ví dụ" in page
    assert 'value="01/06/2026"' in history  # the date asked for, shown as typed here
    time_tag = re.search(r'<input id="f-at_time"[^>]*>', history).group(0)
    assert 'value="14:30"' in time_tag and 'placeholder="hh:mm"' in time_tag and "24 giờ, giờ Việt Nam" in history
    assert "PM" not in time_tag and "mm/dd" not in history
    assert web.get(f"/records/{rec}/history?day=01/06/2026&at_time=14:30").status_code == 200
    r = web.get(f"/records/{rec}/history?day=01/06/2026&at_time=2:30+PM")
    assert r.status_code == 422 and "hãy nhập giờ:phút theo 24 giờ" in r.text
    r = web.get(f"/records/{rec}/history?day=31/02/2026")
    assert r.status_code == 422 and "không có ngày 31/02/2026" in r.text


@pytest.fixture
def signer_web(tmp_path: Path, leader_token: Any) -> Iterator[Browser]:
    """The department leader has a token on the server (so the form offers the token or a .p12 file)."""
    built = build_site(tmp_path / "home", tokens={"truongphong": leader_token})
    try:
        with TestClient(built.app, raise_server_exceptions=False) as client:
            yield Browser(client)
    finally:
        close_site(built)


def test_a_failed_signing_keeps_the_chosen_options_and_says_why_at_the_top(signer_web: Browser) -> None:
    web = signer_web
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    assert web.post(f"/documents/{doc}/versions/1/submit", {"approver": "truongphong"},
                    page=f"/documents/{doc}").status_code == 303
    web.login("truongphong")  # the approver, a department leader: may sign for review or for approval
    assert web.post(f"/documents/{doc}/versions/1/approve").status_code == 303
    page = web.get(f"/documents/{doc}").text
    assert re.search(r'value="approval" checked', page) and re.search(r'value="pkcs11" checked', page)
    r = sign(web, doc, {"meaning": "review", "source": "p12", "passphrase": "sai-mat-khau"}, make_p12("Ánh"))
    assert r.status_code == 422, r.text
    assert re.search(r'name="meaning" value="review" checked', r.text)  # not back to the defaults
    assert re.search(r'name="source" value="p12" checked', r.text)
    assert not re.search(r'value="approval" checked', r.text) and not re.search(r'value="pkcs11" checked', r.text)
    top = r.text.index('class="error-summary"')
    assert top < r.text.index("<h1") and top < r.text.index('<iframe class="pdf"')
    assert "mật khẩu" in r.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0].lower()
