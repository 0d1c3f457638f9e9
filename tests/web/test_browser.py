"""End to end in headless Chromium (Debian's `chromium`, driven by Playwright): each user group's main flow.

The controller drafts, the leader approves and signs, the controller issues, the auditor replays the document
as of a past moment and exports it, archive staff lend, return and destroy a record. Every page must log no
console error; a failing step leaves a screenshot under tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from signing.testing import sample_pdf
from tests.web.conftest import PASSWORD, Site, build_site, close_site, make_p12

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, leader_token: Any) -> Iterator[tuple[str, Site]]:
    with served(build_site(tmp_path_factory.mktemp("web") / "home", tokens={"truongphong": leader_token})) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@contextmanager
def served(site: Site) -> Iterator[tuple[str, Site]]:
    """``site`` served by uvicorn on a free loopback port, for a browser; closed afterwards."""
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning",
                                        access_log=False, lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", site
    finally:
        srv.should_exit = True
        thread.join(10)
        close_site(site)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


class Session:
    """One person's browser tab: signs in, collects console errors, screenshots a failing step."""

    def __init__(self, browser: Any, base: str, width: int = 1280) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN",
                                           timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: d.accept())

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str) -> None:
        self.go("/login")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(PASSWORD)
        submit(self.page, "Đăng nhập")
        self.page.wait_for_url(self.base + "/")

    @contextmanager
    def step(self, name: str, *, refused: bool = False) -> Iterator[Any]:
        """``refused``: the step expects the server to refuse a form (4xx), which Chromium logs as a console
        line "Failed to load resource: ... status of 4xx"; any other console error still fails the step."""
        try:
            yield self.page
            errors = [e for e in self.errors if not (refused and re.search(r"status of 4\d\d", e))]
            self.errors.clear()
            assert not errors, f"console errors on {self.page.url}: {errors}"
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            raise
        if os.environ.get("ISOLEDGER_SCREENSHOTS"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(ARTIFACTS / f"ok-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def submit(page: Any, name: str, exact: bool = False) -> None:
    """Clicks a form's button and waits for the page the server answers with (its DOM: a page framing a PDF
    may not fire "load" while Chromium's PDF viewer starts in the frame)."""
    button = page.get_by_role("button", name=name, exact=exact)
    settle(page, button)
    with page.expect_navigation(wait_until="domcontentloaded"):
        button.click()


def settle(page: Any, target: Any) -> None:
    """Scrolls ``target`` into view and lets two frames pass: right after a scroll, headless Chromium may route
    a click by stale hit-test data to the PDF viewer's frame, and the click is lost."""
    target.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(50)


@pytest.fixture(scope="module")
def state() -> dict[str, Any]:
    return {}


@contextmanager
def person(browser: Any, server: tuple[str, Site], username: str, width: int = 1280) -> Iterator[Session]:
    s = Session(browser, server[0], width)
    try:
        s.login(username)
        yield s
    finally:
        s.close()


def test_controller_registers_and_submits_a_draft(browser: Any, server: tuple[str, Site], state: dict[str, Any],
                                                  tmp_path: Path) -> None:
    with person(browser, server, "thuky") as s:
        with s.step("controller-register") as page:
            page.get_by_role("link", name="Tài liệu", exact=True).click()
            page.get_by_role("link", name="+ Đăng ký tài liệu mới").click()
            page.get_by_label("Mã tài liệu").fill("QT-01")
            page.get_by_label("Tên tài liệu").fill("Quy trình kiểm soát tài liệu")
            page.get_by_label("Loại tài liệu").select_option("procedure")
            page.get_by_label("Phòng ban chủ trì").fill("Văn phòng Sở")
            submit(page, "Đăng ký")
            page.get_by_text("Đã đăng ký tài liệu.").wait_for()
            state["doc"] = page.url.split("/documents/")[1].split("?")[0]
        with s.step("controller-upload-draft") as page:
            draft = tmp_path / "Quy trình kiểm soát tài liệu.pdf"
            draft.write_bytes(sample_pdf(3, "QT-01 Quy trinh kiem soat tai lieu"))
            page.get_by_label("Tóm tắt nội dung thay đổi").fill("Ban hành lần đầu theo TCVN ISO 9001:2015")
            page.locator("#a-draft ~ form input[type=file], form[data-upload] input[type=file]").first.set_input_files(
                str(draft))
            submit(page, "Tải lên dự thảo")
            page.get_by_text("Đã tải lên dự thảo.").wait_for()
            assert page.get_by_role("link", name="Quy trình kiểm soát tài liệu.pdf").is_visible()
        with s.step("controller-submit") as page:
            page.get_by_label("Người xem xét").select_option(["truongphong"])
            page.get_by_label("Người phê duyệt").select_option("giamdoc")
            submit(page, "Trình", exact=True)
            page.get_by_text("Đã trình xem xét và phê duyệt.").wait_for()
        with s.step("controller-search") as page:
            s.go("/documents?status=pending&q=quy+trinh")
            assert page.get_by_role("link", name="QT-01").is_visible()


def test_reviewer_and_leader_approve_and_sign(browser: Any, server: tuple[str, Site], state: dict[str, Any],
                                              tmp_path: Path) -> None:
    with person(browser, server, "truongphong") as s:
        with s.step("reviewer-review") as page:
            page.get_by_role("link", name="Cho ý kiến xem xét: QT-01", exact=False).click()
            page.get_by_label("Góp ý").fill("Thống nhất nội dung.")
            submit(page, "Gửi ý kiến")
            page.get_by_text("Đã ghi ý kiến xem xét.").wait_for()
        with s.step("reviewer-sign-with-token") as page:  # ký xem xét, with the token the server holds for him
            page.wait_for_load_state("load")  # the PDF viewer in the frame has started (it may move the page)
            assert page.get_by_label("Ký xem xét (trước khi phê duyệt)").is_checked()
            assert page.get_by_label("Thiết bị ký số (USB token, PKCS#11)", exact=False).is_checked()
            assert not page.get_by_label("Tệp chứng thư số (.p12, .pfx)").is_visible()  # not needed with the token
            # by keyboard (a click right after scrolling past the PDF frame can land before the page settles)
            page.get_by_label("Thiết bị ký số (USB token, PKCS#11)", exact=False).focus()
            page.keyboard.press("ArrowDown")
            assert page.get_by_label("Tệp chứng thư số .p12/.pfx và mật khẩu").is_checked()
            assert page.get_by_label("Tệp chứng thư số (.p12, .pfx)").is_visible()
            page.keyboard.press("ArrowUp")
            submit(page, "Ký số", exact=True)
            page.get_by_text("Đã ký số.").wait_for()
            assert page.locator("[data-sig-untrusted], [data-sig-ok]").count() == 1
    with person(browser, server, "giamdoc") as s:
        with s.step("leader-inbox") as page:
            page.get_by_role("link", name="Việc cần làm").click()
            page.get_by_role("link", name="Phê duyệt: QT-01", exact=False).click()
            assert page.locator("iframe.pdf").is_visible()
            page.wait_for_load_state("load")  # the PDF viewer in the frame has loaded
        with s.step("leader-reject-needs-reason", refused=True) as page:
            submit(page, "Từ chối")
            page.locator(".field-error", has_text="Hãy ghi lý do từ chối").wait_for()  # beside the field
            assert page.locator("#f-reason").get_attribute("aria-invalid") == "true"
        with s.step("leader-approve") as page:
            submit(page, "Phê duyệt", exact=True)
            page.get_by_text("Đã phê duyệt.").wait_for()
        with s.step("leader-sign") as page:
            p12 = tmp_path / "giamdoc.p12"
            p12.write_bytes(make_p12("Nguyễn Văn Ánh"))
            page.get_by_label("Tệp chứng thư số").set_input_files(str(p12))
            page.get_by_label("Mật khẩu của tệp").fill("mat-khau-ky")
            submit(page, "Ký số", exact=True)
            page.get_by_text("Đã ký số.").wait_for()
            assert page.locator("[data-sig-untrusted], [data-sig-ok]").count() == 2
            assert page.get_by_text("Nội dung nguyên vẹn").first.is_visible()


def test_controller_issues(browser: Any, server: tuple[str, Site], state: dict[str, Any]) -> None:
    with person(browser, server, "thuky") as s:
        with s.step("controller-issue") as page:
            page.get_by_role("link", name="Ban hành: QT-01", exact=False).click()
            state["before_issue"] = time.time()
            time.sleep(1.1)  # a second apart, so the replay can stop between signing and issuing
            page.get_by_label("Hiệu lực từ ngày").fill("05/01/2026")
            page.get_by_label("Nơi nhận").select_option(["leadership", "truongphong"])  # picked, not typed
            submit(page, "Ban hành", exact=True)
            page.get_by_text("Đã ban hành.").wait_for()
            assert page.get_by_text("05/01/2026").first.is_visible()
    public = Session(browser, server[0], 390)
    try:
        with public.step("public-page") as page:
            public.go("/cong-khai/so-khcn-a")
            assert page.get_by_text("Quy trình kiểm soát tài liệu").is_visible()
    finally:
        public.close()


def test_auditor_replays_as_of_a_past_moment_and_exports(browser: Any, server: tuple[str, Site],
                                                         state: dict[str, Any]) -> None:
    from datetime import datetime

    from api.web.core import VN

    with person(browser, server, "danhgia") as s:
        with s.step("auditor-timeline") as page:
            page.get_by_role("link", name="Kiểm tra, đánh giá").click()
            submit(page, "Kiểm tra toàn vẹn")
            page.locator("[data-ledger-intact]").wait_for()
            page.get_by_role("link", name="QT-01 — Quy trình kiểm soát tài liệu").click()
            page.locator("[data-chain-intact]").wait_for()
            assert page.locator("[data-event]").count() == 8
        with s.step("auditor-as-of") as page:
            moment = datetime.fromtimestamp(state["before_issue"], VN)
            page.get_by_label("Ngày", exact=True).fill(moment.strftime("%d/%m/%Y"))  # as people type it here
            page.get_by_label("Giờ").fill(moment.strftime("%H:%M:%S"))
            submit(page, "Xem", exact=True)
            page.locator("[data-in-force]").wait_for()
            assert page.locator("[data-in-force]").inner_text() == "chưa có"
            assert page.locator("li.future[data-event=Issued]").count() == 1
        with s.step("auditor-export") as page:
            with page.expect_download() as csv_info:
                page.get_by_role("link", name="Tải CSV (Excel)").click()
            data = Path(csv_info.value.path()).read_bytes()
            assert data.startswith(b"\xef\xbb\xbf") and "Ký số" in data.decode("utf-8-sig")
            with page.expect_download() as pdf_info:
                page.get_by_role("link", name="Tải PDF").click()
            assert Path(pdf_info.value.path()).read_bytes().startswith(b"%PDF")


def test_archive_staff_lend_return_and_destroy(browser: Any, server: tuple[str, Site], tmp_path: Path) -> None:
    with person(browser, server, "vanthu", width=390) as s:  # on a phone
        with s.step("archive-open") as page:
            s.go("/records/new")
            page.get_by_label("Mã hồ sơ").fill("HS-DGNB-2019")
            page.get_by_label("Tên hồ sơ").fill("Hồ sơ đánh giá nội bộ năm 2019")
            page.get_by_label("Nhóm hồ sơ").fill("Đánh giá nội bộ")
            page.locator("#f-retention_years").fill("5")
            page.get_by_label("Căn cứ thời hạn bảo quản").fill("Thông tư 10/2022/TT-BNV")
            submit(page, "Lập hồ sơ")
            page.get_by_text("Đã lập hồ sơ.").wait_for()
        with s.step("archive-add-file") as page:
            f = tmp_path / "Báo cáo đánh giá 2019.pdf"
            f.write_bytes(sample_pdf(1))
            page.locator("form[data-upload] input[type=file]").set_input_files(str(f))
            submit(page, "Thêm tệp", exact=True)
            page.get_by_text("Đã thêm tệp vào hồ sơ.").wait_for()
        with s.step("archive-close") as page:
            page.get_by_label("Ngày kết thúc").fill("31/12/2019")
            submit(page, "Kết thúc", exact=True)
            page.get_by_text("Đã kết thúc hồ sơ.").wait_for()
        with s.step("archive-lend") as page:
            page.get_by_label("Người mượn").select_option(label="Võ Thành Đạt")
            page.get_by_label("Mục đích").fill("Chuẩn bị đánh giá nội bộ")
            page.get_by_label("Hạn trả").fill("31/12/2099")
            page.get_by_label("Người duyệt cho mượn").select_option("giamdoc")
            submit(page, "Ghi nhận cho mượn")
            page.get_by_text("Đã ghi nhận cho mượn.").wait_for()
            s.go("/loans")
            assert page.get_by_text("Võ Thành Đạt").is_visible()
            page.get_by_role("link", name="HS-DGNB-2019", exact=False).click()
        with s.step("archive-extend-return") as page:
            page.get_by_label("Hạn trả mới").fill("01/01/2100")
            submit(page, "Gia hạn", exact=True)
            page.get_by_text("Đã gia hạn.").wait_for()
            assert page.get_by_label("Người nhận lại").input_value() == "vanthu"  # the one signed in, by default
            submit(page, "Đã nhận lại")
            page.get_by_text("Đã nhận lại hồ sơ.").wait_for()
        with s.step("archive-propose") as page:
            page.locator("#a-propose ~ form textarea, section[aria-labelledby=a-propose] textarea").first.fill(
                "Hết thời hạn bảo quản 5 năm")
            submit(page, "Đề nghị hủy")
            page.get_by_text("Đã đề nghị hủy.").wait_for()
            state_url = page.url.split("?")[0]
    with person(browser, server, "giamdoc") as s:
        with s.step("leader-approve-destruction") as page:
            page.get_by_role("link", name="HS-DGNB-2019", exact=False).first.click()
            page.get_by_label("Số quyết định hủy").fill("45/QĐ-SKHCN")
            page.get_by_label("Hội đồng").select_option(["giamdoc", "thuky", "vanthu"])
            submit(page, "Phê duyệt hủy")
            page.get_by_text("Đã phê duyệt hủy.").wait_for()
    with person(browser, server, "vanthu") as s:
        with s.step("archive-destroy") as page:
            page.goto(state_url)
            minutes = tmp_path / "Biên bản hủy hồ sơ.pdf"
            minutes.write_bytes(sample_pdf(1))
            page.get_by_label("Biên bản hủy").set_input_files(str(minutes))
            page.get_by_label("Người chứng kiến").select_option(["thuky", "danhgia"])
            submit(page, "Hủy hồ sơ")
            page.get_by_text("Đã hủy hồ sơ; biên bản được lưu.").wait_for()
            assert page.locator("[data-destruction]").inner_text() == "Đã hủy"


def test_language_switch_in_the_browser(browser: Any, server: tuple[str, Site]) -> None:
    with person(browser, server, "giamdoc") as s:
        with s.step("language-switch") as page:
            page.get_by_role("link", name="English").click()
            page.get_by_role("heading", name="Hello, Nguyễn Văn Ánh").wait_for()
            assert page.locator("html").get_attribute("lang") == "en"
            page.get_by_role("link", name="Tiếng Việt").click()
            page.get_by_role("heading", name="Xin chào, Nguyễn Văn Ánh").wait_for()


def test_controller_withdraws_a_version_then_makes_the_document_obsolete(browser: Any, server: tuple[str, Site],
                                                                         tmp_path: Path) -> None:
    import io

    site = server[1]
    ctx, thuky = site.ctx, site.actor("thuky")
    doc = ctx.ledger.register_document(thuky, code="BM-09", title="Phiếu theo dõi mượn hồ sơ", kind="form",
                                       department="Văn phòng Sở")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "Phiếu theo dõi.pdf", doc)
    ctx.ledger.create_draft(thuky, doc, file=ref.to_dict(), change_summary="Lần đầu")
    ctx.after_command()
    with person(browser, server, "thuky") as s:
        with s.step("controller-withdraw-needs-reason", refused=True) as page:
            s.go(f"/documents/{doc}")
            page.get_by_role("link", name="Thu hồi phiên bản 1").click()
            page.get_by_role("heading", name="Thu hồi phiên bản 1 — BM-09").wait_for()
            submit(page, "Thu hồi phiên bản 1")
            page.locator(".field-error", has_text="Hãy ghi lý do thu hồi").wait_for()
            assert page.get_by_label("Lý do thu hồi").get_attribute("aria-invalid") == "true"
        with s.step("controller-withdraw") as page:
            page.get_by_label("Lý do thu hồi").fill("Soạn nhầm mẫu")
            submit(page, "Thu hồi phiên bản 1")
            page.get_by_text("Đã thu hồi phiên bản; lý do được lưu trong lịch sử.").wait_for()
            assert page.get_by_text("Lý do: Soạn nhầm mẫu").is_visible()
        with s.step("controller-obsolete") as page:
            page.get_by_role("link", name="Hủy bỏ tài liệu").click()
            page.get_by_label("Lý do hủy bỏ").fill("Không còn sử dụng")
            submit(page, "Hủy bỏ tài liệu")
            page.get_by_text("Đã hủy bỏ tài liệu; lý do được lưu trong lịch sử.").wait_for()
            assert page.get_by_role("link", name="Hủy bỏ tài liệu").count() == 0


def test_registers_page_by_keyboard(browser: Any, server: tuple[str, Site]) -> None:
    from api.web import paging

    site = server[1]
    vanthu = site.actor("vanthu")
    for i in range(1, paging.PAGE_SIZE + 3):
        site.ctx.ledger.open_record(vanthu, code=f"CV-{i:03d}", title=f"Công văn đến số {i}", series="Công văn",
                                    retention_years=10, legal_basis="Thông tư 10/2022/TT-BNV")
    site.ctx.after_command()
    with person(browser, server, "vanthu") as s:
        with s.step("records-paging-keyboard") as page:
            s.go("/records?q=cong+van+den")
            assert page.locator("tbody tr").count() == paging.PAGE_SIZE
            for _ in range(4 * paging.PAGE_SIZE):  # Tab through the page until the "next page" link has focus
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.textContent") == "Trang sau ›":
                    break
            else:
                pytest.fail("the next-page link cannot be reached with the keyboard")
            with page.expect_navigation(wait_until="domcontentloaded"):
                page.keyboard.press("Enter")
            page.get_by_text(f"Hồ sơ 51–{paging.PAGE_SIZE + 2} trên {paging.PAGE_SIZE + 2}").wait_for()
            assert page.locator("tbody tr").count() == 2
            assert page.get_by_role("searchbox").input_value() == "cong van den"
