"""Page access control without a browser: sign-in required, another agency sees 404, CSRF refused."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browser, Site
from tests.web.test_document_pages import register, upload_draft
from tests.web.test_record_pages import open_record

PAGES = ["/", "/inbox", "/documents", "/documents/new", "/records", "/records/new", "/loans", "/audit"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_sign_in(web: Browser, path: str) -> None:
    r = web.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_another_agencys_document_and_record_are_404(web: Browser) -> None:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    web.login("vanthu")
    rec = open_record(web)
    web.login("thuky-b")
    for path in (f"/documents/{doc}", f"/documents/{doc}/versions/1/file", f"/documents/{doc}/versions/1/signatures"):
        r = web.get(path)
        assert r.status_code == 404 and "Không tìm thấy" in r.text, path
    assert web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc-b"}).status_code == 404
    web.login("vanthu-b")
    assert web.get(f"/records/{rec}").status_code == 404
    assert web.post(f"/records/{rec}/hold", {"reason": "x"}).status_code == 404
    web.login("kiemtra")  # the supervising agency's inspector reads, but never changes
    assert web.get(f"/documents/{doc}/history").status_code == 200
    assert web.post(f"/records/{rec}/hold", {"reason": "x"}).status_code == 404


def test_commands_without_the_csrf_token_are_refused(web: Browser, site: Site) -> None:
    web.login("thuky")
    r = web.client.post("/documents/new", data={"code": "QT-09", "title": "T", "kind": "form",
                                                 "department": "VP"}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = web.client.post("/documents/new", data={"csrf": "gia-mao", "code": "QT-09", "title": "T", "kind": "form",
                                                 "department": "VP"}, follow_redirects=False)
    assert r.status_code == 403
    site.ctx.fresh()
    assert "QT-09" not in web.get("/documents?status=all").text


def test_roles_outside_a_page_get_a_plain_403(web: Browser) -> None:
    web.login("chuyenvien")
    r = web.get("/documents/new")
    assert r.status_code == 403 and "Thư ký ISO" in r.text and "Traceback" not in r.text


def test_unknown_ids_are_plain_404_pages(web: Browser) -> None:
    web.login("thuky")
    r = web.get("/documents/khong-phai-uuid")
    assert r.status_code == 404 and "<html" in r.text
