"""The bell in the header, the list of notifications, marking read and the e-mail choices (no browser)."""

from __future__ import annotations

import re

from tests.web.conftest import Browser, Site


def _submitted(site: Site) -> str:
    ledger = site.services.ledger
    doc = ledger.register_document(site.actor("thuky"), code="QT-05", title="Quy trình đánh giá nội bộ",
                                   kind="form", department="Văn phòng")
    ref = {"key": "scopes/x/" + "a" * 64, "sha256": "a" * 64, "size": 3, "media_type": "application/pdf",
           "filename": "Quy trình.pdf"}
    ledger.create_draft(site.actor("thuky"), doc, file=ref, change_summary="Lần đầu")
    ledger.submit_for_review(site.actor("thuky"), doc, 1, reviewers=["truongphong"], approver="giamdoc")
    return doc


def bell(html: str) -> int:
    m = re.search(r'class="bell-count" data-unread="(\d+)"', html)
    assert m, "no bell in the header"
    return int(m.group(1))


def test_the_bell_counts_unread_notices_and_the_list_marks_them_read(site: Site, web: Browser) -> None:
    doc = _submitted(site)
    web.login("truongphong")
    page = web.get("/").text
    assert bell(page) == 1 and 'href="/notifications"' in page
    listing = web.get("/notifications").text
    assert "Phiên bản chờ bạn xem xét" in listing and "QT-05 — Quy trình đánh giá nội bộ" in listing
    note_id = re.search(r'action="/notifications/([^"/]+)/read"', listing).group(1)
    r = web.post(f"/notifications/{note_id}/read", {"open": "1"}, page="/notifications")
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}"
    assert bell(web.get("/notifications").text) == 0


def test_another_persons_notification_cannot_be_marked_read(site: Site, web: Browser) -> None:
    _submitted(site)
    note_id = site.ctx.uc.notifications.list(site.actor("truongphong"))[0]["id"]
    web.login("thuky-b")
    assert web.post(f"/notifications/{note_id}/read", page="/notifications").status_code == 404
    assert site.ctx.uc.notifications.unread_count(site.actor("truongphong")) == 1


def test_a_kind_that_cannot_be_turned_off_offers_no_off_and_refuses_it(site: Site, web: Browser) -> None:
    web.login("giamdoc")
    page = web.get("/notifications").text
    select = re.search(r'<select id="f-mode-signature_waiting".*?</select>', page, re.S).group(0)
    assert 'value="off"' not in select and 'value="digest"' in select
    r = web.post("/notifications/preferences", {"mode-signature_waiting": "off"}, page="/notifications")
    assert r.status_code == 422 and "không tắt được" in r.text
    r = web.post("/notifications/preferences", {"mode-reviewed": "digest", "mode-issued": "off"}, page="/notifications")
    assert r.status_code == 303
    prefs = site.ctx.uc.notifications.preferences(site.actor("giamdoc"))
    assert (prefs["reviewed"], prefs["issued"], prefs["signature_waiting"]) == ("digest", "off", "immediate")
