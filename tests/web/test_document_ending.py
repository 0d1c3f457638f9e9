"""Withdrawing a version and making a document obsolete: a page that asks for the reason, errors beside the
field, a 409 that lists what changed meanwhile, and the document page afterwards."""

from __future__ import annotations

import io
import re

from signing.testing import sample_pdf
from tests.web.conftest import Browser, Site
from tests.web.test_document_pages import register, upload_draft, version_of


def issued_form(web: Browser, site: Site, code: str = "BM-01") -> str:
    """A form (no signature needed) issued through the ledger, as quickly as possible."""
    web.login("thuky")
    doc = register(web, code, "Phiếu đề nghị cấp tài liệu", "form")
    ctx, thuky = site.ctx, site.actor("thuky")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "Phiếu đề nghị.pdf", doc)
    ctx.ledger.create_draft(thuky, doc, file=ref.to_dict(), change_summary="Lần đầu")
    ctx.ledger.submit_for_review(thuky, doc, 1, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(site.actor("giamdoc"), doc, 1)
    ctx.ledger.issue(thuky, doc, 1, effective_from="2026-01-05", distribution=["leadership"])
    ctx.after_command()
    return doc


def test_withdraw_the_version_in_force_asks_for_a_reason(web: Browser, site: Site) -> None:
    doc = issued_form(web, site)
    page = web.get(f"/documents/{doc}").text
    assert f'href="/documents/{doc}/versions/1/withdraw"' in page and f'href="/documents/{doc}/obsolete"' in page
    confirm = web.get(f"/documents/{doc}/versions/1/withdraw")
    assert confirm.status_code == 200 and "Phiên bản này đang hiệu lực." in confirm.text
    url = f"/documents/{doc}/versions/1/withdraw"
    r = web.post(url, {"reason": "  ", "expected_version": version_of(web, doc)}, page=url)
    assert r.status_code == 422
    assert 'id="e-reason"' in r.text and "Hãy ghi lý do thu hồi" in r.text and 'aria-invalid="true"' in r.text
    r = web.post(url, {"reason": "Sai mẫu", "expected_version": version_of(web, doc)}, page=url)
    assert r.status_code == 303 and r.headers["location"].endswith("?ok=withdrawn")
    text = web.get(r.headers["location"]).text
    assert "Đã thu hồi phiên bản" in text and "Đã thu hồi" in text and "Sai mẫu" in text
    assert "Phiếu đề nghị cấp tài liệu" not in web.get("/cong-khai/so-khcn-a").text
    again = web.get(url)  # nothing left to withdraw: said plainly on the document page
    assert again.status_code == 409 and "Phiên bản 1 đã «Đã thu hồi»." in again.text


def test_a_stale_withdraw_form_is_a_409_listing_what_changed(web: Browser, site: Site) -> None:
    doc = issued_form(web, site)
    url = f"/documents/{doc}/versions/1/withdraw"
    stale = re.search(r'name="expected_version" value="(\d+)"', web.get(url).text).group(1)
    upload_draft(web, doc)  # meanwhile, a new draft (version 2)
    r = web.post(url, {"reason": "Sai mẫu", "expected_version": stale}, page=url)
    assert r.status_code == 409
    assert "thay đổi trong lúc bạn xem" in r.text and "Tạo dự thảo phiên bản 2" in r.text
    assert ">Sai mẫu</textarea>" in r.text  # the reason typed is kept to resubmit
    fresh = re.search(r'name="expected_version" value="(\d+)"', r.text).group(1)
    assert int(fresh) > int(stale)
    assert web.post(url, {"reason": "Sai mẫu", "expected_version": fresh}, page=url).status_code == 303


def test_make_obsolete_ends_every_version_and_all_changes(web: Browser, site: Site) -> None:
    doc = issued_form(web, site)
    upload_draft(web, doc)
    url = f"/documents/{doc}/obsolete"
    assert "Không thể hoàn tác." in web.get(url).text
    r = web.post(url, {"reason": "", "expected_version": version_of(web, doc)}, page=url)
    assert r.status_code == 422 and 'id="e-reason"' in r.text and "Hãy ghi lý do hủy bỏ" in r.text
    r = web.post(url, {"reason": "Quy trình đã gộp vào QT-02", "expected_version": version_of(web, doc)}, page=url)
    assert r.status_code == 303, r.text
    text = web.get(r.headers["location"]).text
    assert "Đã hủy bỏ tài liệu" in text and "Quy trình đã gộp vào QT-02" in text
    assert "/obsolete" not in text and "/withdraw" not in text and "Tải lên dự thảo mới" not in text
    assert text.count(">Đã thu hồi</span>") == 2
    assert web.get(url).status_code == 409
    assert "BM-01" in web.get("/documents?status=obsolete").text


def test_only_the_controller_and_the_leader_may_end_a_document(web: Browser, site: Site) -> None:
    doc = issued_form(web, site)
    web.login("chuyenvien")
    assert f"/documents/{doc}/obsolete" not in web.get(f"/documents/{doc}").text
    assert web.get(f"/documents/{doc}/obsolete").status_code == 403
    assert web.post(f"/documents/{doc}/versions/1/withdraw", {"reason": "x"}).status_code == 403
    web.login("thuky-b")
    assert web.get(f"/documents/{doc}/obsolete").status_code == 404
    web.login("giamdoc")
    r = web.post(f"/documents/{doc}/versions/1/withdraw", {"reason": "Lãnh đạo thu hồi"},
                 page=f"/documents/{doc}/versions/1/withdraw")
    assert r.status_code == 303
