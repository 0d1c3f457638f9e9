"""Notifications by e-mail to a real SMTP server on loopback (STARTTLS, login): headers, Vietnamese, link, choices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from isoledger.mailer import MailSender, message_id
from ledger.actors import Actor
from tests.api.conftest import Api
from tests.factories import OWN
from tests.mailserver import USERNAME, MailServer, start_mail_server

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
EMAILS = {"thuky": "thu.ha@travinh.gov.vn", "truongphong": "quoc.bao@travinh.gov.vn",
          "giamdoc": "van.anh@travinh.gov.vn", "chuyenvien": "ngoc.anh@travinh.gov.vn",
          "thuky-b": "binh@tuphap.gov.vn"}


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[MailServer]:
    server = start_mail_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def mailed(api: Api, world: dict[str, Any]) -> dict[str, Any]:
    for username, address in EMAILS.items():
        api.ctx.directory.change_details(ADMIN, username, email=address)
    return world


def sender(api: Api, smtp: MailServer, **kw: Any) -> MailSender:
    return MailSender(api.ctx.uc, smtp.settings(), **kw)


def submit(api: Api, doc: str, reviewers: list[str]) -> None:
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": reviewers, "approver": "giamdoc"})
    assert r.status_code == 200, r.text


def test_a_review_request_arrives_by_mail_in_vietnamese_with_its_link(api: Api, mailed: dict[str, Any],
                                                                      smtp: MailServer) -> None:
    doc = mailed[OWN]["document_id"]
    submit(api, doc, ["truongphong"])
    report = sender(api, smtp).run_once()
    assert report.sent == 1 and not report.errors
    [got] = smtp.messages
    assert got.tls and got.login == USERNAME and got.rcpt_tos == ["quoc.bao@travinh.gov.vn"]
    msg = got.message
    assert msg["Subject"] == "[ISO điện tử] Phiên bản chờ bạn xem xét: QT-01 — Quy trình kiểm soát tài liệu " \
                             "(phiên bản 1)"
    assert msg["To"].addresses[0].display_name == "Trần Quốc Bảo"
    assert msg["From"].addresses[0].addr_spec == "iso-dien-tu@travinh.gov.vn"
    note = api.ctx.uc.notifications.list(Actor("truongphong", OWN, frozenset({"department_leader"})))[0]
    assert msg["Message-ID"] == message_id(note["id"]) and msg["Auto-Submitted"] == "auto-generated"
    text = msg.get_body(("plain",)).get_content()
    page = msg.get_body(("html",)).get_content()
    link = f"https://iso.travinh.gov.vn/documents/{doc}"
    assert "Kính gửi Trần Quốc Bảo" in text and link in text and "Người thực hiện: thuky" in text
    assert f'href="{link}"' in page and "Phiên bản chờ bạn xem xét" in page
    assert note["mail"] == "sent"
    assert sender(api, smtp).run_once().sent == 0 and len(smtp.messages) == 1  # once


def test_no_mail_to_another_agency_or_to_someone_without_the_right_to_see(api: Api, mailed: dict[str, Any],
                                                                         smtp: MailServer) -> None:
    doc = mailed[OWN]["document_id"]
    submit(api, doc, ["truongphong", "chuyenvien"])
    reviewer = Actor("chuyenvien", OWN, frozenset({"staff"}))
    assert [n["mail"] for n in api.ctx.uc.notifications.list(reviewer)] == ["pending"]  # the outbox told both
    api.ctx.directory.change_roles(ADMIN, "chuyenvien", ["agency_admin"])  # no longer reads documents
    report = sender(api, smtp).run_once()
    assert report.sent == 1 and report.skipped == 1
    assert [r.rcpt_tos for r in smtp.messages] == [["quoc.bao@travinh.gov.vn"]]
    assert smtp.to("binh@tuphap.gov.vn") == []


def test_turning_a_kind_off_stops_its_mails_but_not_its_notice(api: Api, mailed: dict[str, Any],
                                                               smtp: MailServer) -> None:
    doc = mailed[OWN]["document_id"]
    reviewer = Actor("truongphong", OWN, frozenset({"department_leader"}))
    r = api.call("PUT", "/api/v1/notifications/preferences", "truongphong",
                 json={"kind": "review_requested", "mode": "off"})
    assert r.status_code == 200 and r.json()["review_requested"] == "off"
    submit(api, doc, ["truongphong"])
    assert sender(api, smtp).run_once().sent == 0 and smtp.messages == []
    notes = api.call("GET", "/api/v1/notifications", "truongphong").json()
    assert notes["unread"] == 1 and notes["items"][0]["mail"] == "off"
    assert api.ctx.uc.notifications.list(reviewer)[0]["kind"] == "review_requested"


def test_a_signature_waiting_cannot_be_turned_off(api: Api, mailed: dict[str, Any]) -> None:
    r = api.call("PUT", "/api/v1/notifications/preferences", "giamdoc",
                 json={"kind": "signature_waiting", "mode": "off"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "mode"
    assert "không tắt được" in r.json()["detail"]
    r = api.call("PUT", "/api/v1/notifications/preferences", "vanthu",
                 json={"kind": "destruction_to_approve", "mode": "off"})
    assert r.status_code == 422


def test_a_digest_gathers_a_days_notices_into_one_mail(api: Api, mailed: dict[str, Any], smtp: MailServer,
                                                        clock: Any) -> None:
    for kind in ("reviewed", "approved"):
        assert api.call("PUT", "/api/v1/notifications/preferences", "thuky",
                        json={"kind": kind, "mode": "digest"}).status_code == 200
    doc = mailed[OWN]["document_id"]
    submit(api, doc, ["truongphong"])
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/reviews", "truongphong",
                    json={"verdict": "agree_with_comments", "comment": "Sửa mục 5.4"}).status_code == 200
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/approve", "giamdoc").status_code == 200
    day = datetime.fromisoformat(api.call("GET", "/api/v1/notifications", "thuky").json()["items"][0]["at"]
                                 ).astimezone(VN).date()
    clock.now = datetime.combine(day, time(11), VN)  # before the digest hour (17:00) of the notices' day
    run = sender(api, smtp, clock=clock)
    run.run_once()
    assert smtp.to("thu.ha@travinh.gov.vn") == []
    clock.now = datetime.combine(day, time(18), VN)
    assert run.run_once().digests == 1
    [digest] = smtp.to("thu.ha@travinh.gov.vn")
    assert digest["Subject"] == f"[ISO điện tử] Tổng hợp thông báo ngày {day:%d/%m/%Y} (2)"
    text = digest.get_body(("plain",)).get_content()
    assert "Phiên bản của bạn đã được cho ý kiến xem xét" in text and "Phiên bản của bạn đã được phê duyệt" in text
    assert f"https://iso.travinh.gov.vn/documents/{doc}" in text
    assert run.run_once().digests == 0 and len(smtp.to("thu.ha@travinh.gov.vn")) == 1
    states = {n["kind"]: n["mail"] for n in api.call("GET", "/api/v1/notifications", "thuky").json()["items"]}
    assert states == {"reviewed": "digested", "approved": "digested"}


def test_a_server_that_refuses_leaves_the_notice_to_be_retried_not_lost(api: Api, mailed: dict[str, Any],
                                                                        smtp: MailServer, clock: Any) -> None:
    doc = mailed[OWN]["document_id"]
    submit(api, doc, ["truongphong"])
    wrong = MailSender(api.ctx.uc, smtp.settings(password=None), clock=clock)
    report = wrong.run_once()
    assert report.sent == 0 and report.retried == 1 and report.errors
    note = api.call("GET", "/api/v1/notifications", "truongphong").json()["items"][0]
    assert note["mail"] == "pending"
    assert sender(api, smtp, clock=clock).run_once().sent == 0  # waits a minute before the next try
    clock.advance(minutes=2)
    assert sender(api, smtp, clock=clock).run_once().sent == 1 and len(smtp.messages) == 1


def test_the_app_mails_in_the_background_and_a_dead_mail_server_never_slows_a_command(
        database_url: str, tmp_path: Path, ledger: Any, projector: Any, smtp: MailServer, clock: Any) -> None:
    import socket
    import time as clock_time

    from tests.api.conftest import build_world, make_api

    silent = socket.socket()  # accepts connections and never answers: the worst mail server
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        for settings, expect_mail in ((smtp.settings(timeout=5.0, port=silent.getsockname()[1]), False),
                                      (smtp.settings(), True)):
            clock.advance(minutes=2)  # past the pause after the failed try
            built = make_api(database_url, tmp_path / str(expect_mail), ledger, projector, mail=settings)
            with built.client:
                if not expect_mail:
                    world = build_world(built)
                    for username, address in EMAILS.items():
                        built.ctx.directory.change_details(ADMIN, username, email=address)
                    doc = world[OWN]["document_id"]
                    started = clock_time.monotonic()
                    submit(built, doc, ["truongphong"])
                    assert clock_time.monotonic() - started < 3.0
                    assert built.call("GET", "/api/v1/notifications", "truongphong").json()["unread"] == 1
                else:
                    deadline = clock_time.monotonic() + 20
                    while not smtp.to("quoc.bao@travinh.gov.vn") and clock_time.monotonic() < deadline:
                        clock_time.sleep(0.2)
                    assert len(smtp.to("quoc.bao@travinh.gov.vn")) == 1
            built.archive.close()
    finally:
        silent.close()
