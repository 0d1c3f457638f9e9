"""Read and understood on the document page: the member's button, the count per department, remind, the CSV."""

from __future__ import annotations

import re

from tests.web.conftest import Browser, Site


def _issued(site: Site) -> str:
    ledger, sec = site.services.ledger, site.actor("thuky")
    doc = ledger.register_document(sec, code="BM-07", title="Biểu mẫu phiếu yêu cầu", kind="form",
                                   department="Văn phòng")
    ref = {"key": "scopes/x/" + "b" * 64, "sha256": "b" * 64, "size": 3, "media_type": "application/pdf",
           "filename": "Biểu mẫu.pdf"}
    ledger.create_draft(sec, doc, file=ref, change_summary="Lần đầu")
    ledger.submit_for_review(sec, doc, 1, reviewers=[], approver="giamdoc")
    ledger.approve(site.actor("giamdoc"), doc, 1)
    ledger.issue(sec, doc, 1, effective_from="2026-03-02", distribution=["chuyenvien", "truongphong", "danhgia"])
    return doc


def test_a_member_acknowledges_from_the_page_and_the_count_moves(site: Site, web: Browser) -> None:
    doc = _issued(site)
    web.login("chuyenvien")
    page = web.get(f"/documents/{doc}").text
    assert "Tôi đã đọc và hiểu" in page and 'data-acks="0/3"' in page
    r = web.post(f"/documents/{doc}/versions/1/acknowledge", page=f"/documents/{doc}")
    assert r.status_code == 303
    page = web.get(r.headers["location"]).text
    assert "Đã ghi nhận: bạn đã đọc và hiểu." in page and 'data-acks="1/3"' in page
    assert "Tôi đã đọc và hiểu" not in page
    assert 'data-user="chuyenvien" data-acknowledged="1"' in page
    assert "Nhắc những người chưa xác nhận" not in page  # staff do not remind
    report = web.get(f"/documents/{doc}/versions/1/acknowledgements.csv")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig")
    assert "Huỳnh Thị Ngọc Ánh" in text and "Biểu mẫu phiếu yêu cầu" in text


def test_the_secretary_reminds_the_rest_from_the_page(site: Site, web: Browser) -> None:
    doc = _issued(site)
    web.login("thuky")
    page = web.get(f"/documents/{doc}").text
    assert re.search(r"Nhắc những người chưa xác nhận\s*\(3\)", page)
    r = web.post(f"/documents/{doc}/versions/1/acknowledgements/remind", page=f"/documents/{doc}")
    assert r.status_code == 303
    kinds = [n["kind"] for n in site.ctx.uc.notifications.list(site.actor("danhgia"))]
    assert sorted(kinds) == ["ack_reminder", "distributed"]


def test_another_agency_cannot_acknowledge_or_download(site: Site, web: Browser) -> None:
    doc = _issued(site)
    web.login("thuky-b")
    assert web.post(f"/documents/{doc}/versions/1/acknowledge", page="/").status_code == 404
    assert web.get(f"/documents/{doc}/versions/1/acknowledgements.csv").status_code == 404


def test_the_register_lists_documents_overdue_for_review_and_the_page_records_no_change(
        site: Site, web: Browser) -> None:
    doc = _issued(site)
    site.services.ledger.set_review_period(site.actor("thuky"), doc, months=1)  # due 02/04/2026: past
    web.login("thuky")
    assert 'data-overdue="BM-07"' in web.get("/periodic-reviews").text
    page = web.get(f"/documents/{doc}").text
    assert "Xem xét định kỳ" in page and "02/04/2026" in page
    r = web.post(f"/documents/{doc}/periodic-review", {"comment": "Biểu mẫu vẫn dùng được, không sửa."},
                 page=f"/documents/{doc}")
    assert r.status_code == 303
    assert "Lần trước: không thay đổi" in web.get(f"/documents/{doc}").text
    assert 'data-overdue="BM-07"' not in web.get("/periodic-reviews").text


def test_a_records_controller_reminds_and_closes_reviews_only_where_the_agency_lets_them_control_documents(
        site: Site, web: Browser) -> None:
    doc = _issued(site)
    web.login("vanthu")
    page = web.get(f"/documents/{doc}").text
    assert "Nhắc những người chưa xác nhận" not in page and "Ghi nhận: không thay đổi" not in page
