"""axe-core on the administration pages and the password page, in Vietnamese and English: no serious or critical
violation (the same check as test_accessibility.py)."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.actors import Actor
from tests.web.conftest import OWN, PASSWORD, Site
from tests.web.test_accessibility import axe_js, check  # noqa: F401
from tests.web.test_browser import CHROMIUM, Session, browser, server  # noqa: F401

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_administration_pages_have_no_serious_accessibility_violation(browser: Any, server: tuple[str, Site],  # noqa: F811
                                                                      axe_js: str, lang: str) -> None:  # noqa: F811
    base, site = server
    dep = site.ctx.directory.create_department(ADMIN, OWN, code=f"P-AXE-{lang}", name="Phòng Kiểm thử")
    for username, paths in (("admin", ["/admin", f"/admin/agencies/{OWN}", f"/admin/departments/{dep['id']}",
                                       "/admin/accounts/chuyenvien", f"/admin/agencies/{OWN}/accounts/new",
                                       "/account/password"]),
                            ("quantri", [f"/admin/agencies/{OWN}", "/admin/webhooks"])):
        s = Session(browser, base)
        try:
            if lang == "en":
                s.context.add_cookies([{"name": "isoledger_lang", "value": "en", "url": base}])
            s.go("/login")
            s.page.locator("#f-username").fill(username)
            s.page.locator("#f-password").fill(PASSWORD)
            s.page.locator("form[action='/login'] button[type=submit]").click()
            s.page.wait_for_url(base + "/")
            for path in paths:
                check(s, axe_js, path, f"{username}-{lang}-{path.strip('/').replace('/', '-')}")
        finally:
            s.close()
