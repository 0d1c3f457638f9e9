"""End to end in headless Chromium: the secretary submits, the reviewer's bell shows 1 and a mail arrives at the
SMTP server on loopback; review, approval, signature, issue; the distributed department's members each find a
read-and-understood task, two acknowledge, and the page shows 2/N."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from isoledger.mailer import MailSender
from ledger.actors import Actor
from ledger.department import department_uuid
from signing.testing import sample_pdf
from tests.mailserver import MailServer, start_mail_server
from tests.web.conftest import OWN, Site, build_site, make_p12
from tests.web.test_browser import CHROMIUM, Session, chromium, served, submit

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
PLANNING = ("chuyenvien", "danhgia", "vanthu")  # the members of Phòng Kế hoạch


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailServer]:
    server = start_mail_server(tmp_path_factory.mktemp("smtp"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, smtp: MailServer) -> Iterator[tuple[str, Site]]:
    site = build_site(tmp_path_factory.mktemp("web-notify") / "home")
    directory = site.ctx.directory
    plan = directory.create_department(ADMIN, OWN, code="KH", name="Phòng Kế hoạch")["id"]
    for username in PLANNING:
        directory.move_to_department(ADMIN, username, plan)
    directory.change_details(ADMIN, "truongphong", email="quoc.bao@travinh.gov.vn")
    sender = MailSender(site.ctx.uc, smtp.settings(public_url="http://iso.test"))
    site.ctx.uc.deps.projections.listeners.append(sender.wake)
    sender.start(poll=0.5)  # as the app's lifespan does when ISOLEDGER_SMTP_HOST is set
    try:
        with served(site) as running:
            yield running
    finally:
        sender.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def bell(page: Any) -> int:
    return int(page.locator(".bell-count").inner_text())


def as_person(browser: Any, base: str, username: str) -> Session:
    s = Session(browser, base)
    s.login(username)
    return s


def test_from_submission_to_read_and_understood(browser: Any, server: tuple[str, Site], smtp: MailServer,
                                                tmp_path: Path) -> None:
    base, site = server
    s = as_person(browser, base, "thuky")
    try:
        with s.step("notify-register") as page:
            s.go("/documents/new")
            page.get_by_label("Mã tài liệu").fill("QT-09")
            page.get_by_label("Tên tài liệu").fill("Quy trình đánh giá nội bộ")
            page.get_by_label("Loại tài liệu").select_option("procedure")
            page.get_by_label("Phòng ban chủ trì").fill("Văn phòng Sở")
            submit(page, "Đăng ký")
            page.get_by_text("Đã đăng ký tài liệu.").wait_for()
            doc = page.url.split("/documents/")[1].split("?")[0]
            draft = tmp_path / "Quy trình đánh giá nội bộ.pdf"
            draft.write_bytes(sample_pdf(2, "QT-09 Quy trinh danh gia noi bo"))
            page.get_by_label("Tóm tắt nội dung thay đổi").fill("Ban hành lần đầu")
            page.locator("form[data-upload] input[type=file], #a-draft ~ form input[type=file]").first.set_input_files(
                str(draft))
            submit(page, "Tải lên dự thảo")
            page.get_by_text("Đã tải lên dự thảo.").wait_for()
        with s.step("notify-submit") as page:
            page.get_by_label("Người xem xét").select_option(["truongphong"])
            page.get_by_label("Người phê duyệt").select_option("giamdoc")
            submit(page, "Trình", exact=True)
            page.get_by_text("Đã trình xem xét và phê duyệt.").wait_for()
    finally:
        s.close()

    reviewer = as_person(browser, base, "truongphong")
    try:
        with reviewer.step("notify-reviewer-bell") as page:
            assert bell(page) == 1
            deadline = time.monotonic() + 20
            while not smtp.to("quoc.bao@travinh.gov.vn") and time.monotonic() < deadline:
                time.sleep(0.2)
            [mail] = smtp.to("quoc.bao@travinh.gov.vn")
            assert mail["Subject"].startswith("[ISO điện tử] Phiên bản chờ bạn xem xét: QT-09")
            assert f"http://iso.test/documents/{doc}" in mail.get_body(("plain",)).get_content()
            page.locator(".bell").click()
            page.get_by_role("button", name="Phiên bản chờ bạn xem xét", exact=False).click()
            page.wait_for_url(f"{base}/documents/{doc}")
            assert bell(page) == 0
        with reviewer.step("notify-review") as page:
            page.get_by_label("Góp ý").fill("Thống nhất nội dung.")
            submit(page, "Gửi ý kiến")
            page.get_by_text("Đã ghi ý kiến xem xét.").wait_for()
    finally:
        reviewer.close()

    leader = as_person(browser, base, "giamdoc")
    try:
        with leader.step("notify-approve-and-sign") as page:
            assert bell(page) >= 1
            leader.go(f"/documents/{doc}")
            page.wait_for_load_state("load")
            submit(page, "Phê duyệt", exact=True)
            page.get_by_text("Đã phê duyệt.").wait_for()
            p12 = tmp_path / "giamdoc.p12"
            p12.write_bytes(make_p12("Nguyễn Văn Ánh"))
            page.get_by_label("Tệp chứng thư số").set_input_files(str(p12))
            page.get_by_label("Mật khẩu của tệp").fill("mat-khau-ky")
            submit(page, "Ký số", exact=True)
            page.get_by_text("Đã ký số.").wait_for()
    finally:
        leader.close()

    s = as_person(browser, base, "thuky")
    try:
        with s.step("notify-issue") as page:
            s.go(f"/documents/{doc}")
            page.get_by_label("Hiệu lực từ ngày").fill("05/01/2026")
            page.get_by_label("Nơi nhận").select_option(str(department_uuid(OWN, "KH")))  # picked, not typed
            submit(page, "Ban hành", exact=True)
            page.get_by_text("Đã ban hành.").wait_for()
            assert page.locator("[data-acks]").inner_text() == f"0/{len(PLANNING)}"
    finally:
        s.close()

    for username in PLANNING[:2]:
        member = as_person(browser, base, username)
        try:
            with member.step(f"notify-ack-{username}") as page:
                assert bell(page) == 1
                page.locator(".bell").click()
                page.get_by_role("button", name="Tài liệu mới ban hành gửi đến phòng của bạn", exact=False).click()
                page.wait_for_url(f"{base}/documents/{doc}")
                submit(page, "Tôi đã đọc và hiểu")
                page.get_by_text("Đã ghi nhận: bạn đã đọc và hiểu.").wait_for()
        finally:
            member.close()

    last = as_person(browser, base, PLANNING[2])
    try:
        with last.step("notify-ack-count") as page:
            assert bell(page) == 1  # the third member still has the task
            last.go(f"/documents/{doc}")
            assert page.locator("[data-acks]").inner_text() == f"2/{len(PLANNING)}"
            assert page.get_by_role("button", name="Tôi đã đọc và hiểu").is_visible()
            assert page.locator('[data-acknowledged="1"]').count() == 2
    finally:
        last.close()
