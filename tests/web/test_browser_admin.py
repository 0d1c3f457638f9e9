"""End to end in headless Chromium: an agency's administrator adds a department and an account; the new person
signs in with the one-time password, must choose their own, and works; locked, their open page stops at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import OWN, Site, build_site
from tests.web.test_browser import CHROMIUM, Session, chromium, served, submit

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    with served(build_site(tmp_path_factory.mktemp("web-admin") / "home")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_an_agency_administrator_adds_a_department_and_a_person_who_then_chooses_a_password(browser, server):
    base, site = server
    admin = Session(browser, base)
    newcomer = Session(browser, base)
    try:
        with admin.step("admin-login") as page:
            admin.login("quantri")
            page.get_by_role("link", name="Quản trị").click()
            page.wait_for_url(f"{base}/admin/agencies/{OWN}")
        with admin.step("admin-department") as page:
            page.get_by_label("Mã phòng ban").fill("P-TCHC")
            page.get_by_label("Tên phòng ban").fill("Phòng Tổ chức – Hành chính")
            page.get_by_label("Lãnh đạo phòng ban").select_option("truongphong")
            submit(page, "Thêm phòng ban")
            assert page.get_by_role("cell", name="Phòng Tổ chức – Hành chính").is_visible()
        with admin.step("admin-account") as page:
            page.get_by_role("link", name="Tạo tài khoản").click()
            page.get_by_label("Tên đăng nhập").fill("canbo.moi")
            page.get_by_label("Họ và tên").fill("Châu Thị Mỹ Duyên")
            page.get_by_label("Phòng ban").select_option(label="Phòng Tổ chức – Hành chính (P-TCHC)")
            page.get_by_label("Vai trò").select_option(["staff"])
            submit(page, "Tạo tài khoản")
            one_time = page.locator("#one-time-password code").inner_text().strip()
            assert re.fullmatch(r"[A-Za-z0-9_-]{12,}", one_time)
        with newcomer.step("newcomer-first-sign-in") as page:
            newcomer.go("/login")
            page.get_by_label("Tên đăng nhập").fill("canbo.moi")
            page.get_by_label("Mật khẩu").fill(one_time)
            submit(page, "Đăng nhập")
            page.wait_for_url(f"{base}/account/password")
            page.get_by_label("Mật khẩu hiện tại").fill(one_time)
            page.locator("#f-new_password").fill("mat-khau-rieng-cua-toi")
            page.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-rieng-cua-toi")
            submit(page, "Đổi mật khẩu")
            assert page.get_by_text("Đã đổi mật khẩu.").is_visible()
            newcomer.go("/documents")
            assert page.url == f"{base}/documents"
        with admin.step("admin-lock") as page:
            admin.go("/admin/accounts/canbo.moi")
            page.get_by_label("Lý do khóa").fill("Chuyển công tác")
            submit(page, "Khóa tài khoản")
            assert page.get_by_text("Đã khóa tài khoản").is_visible()
        with newcomer.step("newcomer-locked-out") as page:
            newcomer.go("/documents")
            assert "/login" in page.url
        assert site.ctx.directory.account("canbo.moi")["status"] == "locked"
    finally:
        admin.close()
        newcomer.close()
