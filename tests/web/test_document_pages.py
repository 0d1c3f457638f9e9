"""Document controller and leader pages without a browser: register, draft, submit, approve, sign, issue."""

from __future__ import annotations

import io
import re

from signing.testing import sample_pdf
from tests.web.conftest import Browser, Site, make_p12


def register(web: Browser, code: str = "QT-01", title: str = "Quy trình kiểm soát tài liệu",
             kind: str = "procedure") -> str:
    r = web.post("/documents/new", {"code": code, "title": title, "kind": kind, "department": "Văn phòng Sở"},
                 page="/documents/new")
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/")[2].split("?")[0]


def version_of(web: Browser, doc: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', web.get(f"/documents/{doc}").text).group(1)


def upload_draft(web: Browser, doc: str) -> None:
    r = web.client.post(f"/documents/{doc}/drafts", data={"csrf": web.csrf(), "change_summary": "Ban hành lần đầu",
                                                         "expected_version": version_of(web, doc)},
                        files={"file": ("Quy trình kiểm soát.pdf", io.BytesIO(sample_pdf(1)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text


def test_register_search_is_accent_insensitive(web: Browser) -> None:
    web.login("thuky")
    register(web)
    register(web, "BM-01", "Phiếu đề nghị", "form")
    text = web.get("/documents?status=all&q=quy+trinh").text
    assert "QT-01" in text and "BM-01" not in text


def test_register_error_is_shown_beside_the_field(web: Browser) -> None:
    web.login("thuky")
    register(web)
    r = web.post("/documents/new", {"code": "QT-01", "title": "Trùng mã", "kind": "procedure",
                                    "department": "Văn phòng"}, page="/documents/new")
    assert r.status_code == 409
    assert 'id="e-code"' in r.text and "đã được dùng" in r.text and "Traceback" not in r.text


def test_draft_without_a_file_says_so_beside_the_file_field(web: Browser) -> None:
    web.login("thuky")
    doc = register(web)
    r = web.post(f"/documents/{doc}/drafts", {"change_summary": "x"})
    assert r.status_code == 422 and "Hãy chọn hoặc kéo thả tệp dự thảo." in r.text


def test_stale_form_gets_a_409_that_says_what_changed(web: Browser) -> None:
    web.login("thuky")
    doc = register(web)
    stale = version_of(web, doc)
    upload_draft(web, doc)
    r = web.post(f"/documents/{doc}/drafts", {"change_summary": "x", "expected_version": stale})
    assert r.status_code == 409
    assert "thay đổi trong lúc bạn xem" in r.text and "Tạo dự thảo phiên bản 1" in r.text


def test_whole_flow_with_signature(web: Browser, site: Site) -> None:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    r = web.post(f"/documents/{doc}/versions/1/submit", {"reviewers": "truongphong", "approver": "giamdoc"},
                 page=f"/documents/{doc}")
    assert r.status_code == 303, r.text
    web.login("truongphong")
    assert "Cho ý kiến xem xét" in web.get("/").text
    r = web.post(f"/documents/{doc}/versions/1/review", {"verdict": "agree", "comment": "Thống nhất"})
    assert r.status_code == 303, r.text
    web.login("giamdoc")
    page = web.get(f"/documents/{doc}").text
    assert '<iframe class="pdf"' in page
    r = web.post(f"/documents/{doc}/versions/1/reject", {"reason": ""})
    assert r.status_code == 422 and 'id="e-reason"' in r.text
    assert web.post(f"/documents/{doc}/versions/1/approve").status_code == 303
    r = web.client.post(f"/documents/{doc}/versions/1/sign", data={"csrf": web.csrf(), "passphrase": "sai"},
                        files={"p12": ("giamdoc.p12", io.BytesIO(make_p12("Nguyễn Văn Ánh")),
                                       "application/x-pkcs12")}, follow_redirects=False)
    assert r.status_code == 422 and "Traceback" not in r.text
    r = web.client.post(f"/documents/{doc}/versions/1/sign", data={"csrf": web.csrf(), "passphrase": "mat-khau-ky"},
                        files={"p12": ("giamdoc.p12", io.BytesIO(make_p12("Nguyễn Văn Ánh")),
                                       "application/x-pkcs12")}, follow_redirects=True)
    assert r.status_code == 200, r.text
    assert "Nguyễn Văn Ánh" in r.text and "data-sig-untrusted" in r.text
    web.login("thuky")
    r = web.post(f"/documents/{doc}/versions/1/issue", {"effective_from": "31/02/2026", "distribution": "leadership"})
    assert r.status_code == 422 and "không có ngày 31/02/2026; tháng 2/2026 chỉ có 28 ngày" in r.text
    r = web.post(f"/documents/{doc}/versions/1/issue", {"effective_from": "05/01/2026",
                                                        "distribution": ["leadership", "truongphong"]})
    assert r.status_code == 303, r.text
    text = web.get(f"/documents/{doc}").text
    assert "Đang hiệu lực" in text and "05/01/2026" in text
    assert "QT-01" in web.get("/cong-khai/so-khcn-a").text
