"""The API documentation at /docs renders in headless Chromium from the product alone: no CDN, no outside request."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Site
from tests.web.test_browser import browser, server  # noqa: F401 - the shared fixtures

SUMMARY = "Đăng ký tài liệu / register a document"


def test_docs_page_renders_the_operations_without_leaving_the_site(browser: Any,  # noqa: F811
                                                                    server: tuple[str, Site]) -> None:  # noqa: F811
    base, _ = server
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    seen: list[str] = []
    outside: list[str] = []

    def route(r: Any) -> None:  # an intranet reaches no public site: anything else is refused, and recorded
        url = r.request.url
        seen.append(url)
        if url.startswith(base + "/") or url.startswith("data:"):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "/docs")
        tag = page.locator(".opblock-tag", has_text="documents").first
        tag.wait_for(timeout=20_000)
        page.locator(".opblock-summary-description", has_text=SUMMARY).first.wait_for(timeout=20_000)
        assert page.locator(".opblock").count() > 20  # every tag opens by default: the operations are listed
        assert not page.get_by_text("Failed to load API definition").is_visible()
        assert outside == [], f"requests that left the site: {outside}"
        assert any(u.endswith("/swagger-ui-bundle.js") for u in seen) and any(u.endswith("/openapi.json")
                                                                                for u in seen)
        assert errors == []
    finally:
        context.close()


def test_redoc_is_not_served(server: tuple[str, Site]) -> None:  # noqa: F811
    import httpx

    base, _ = server
    assert httpx.get(base + "/redoc").status_code == 404  # its bundle would fetch a remote logo
    page = httpx.get(base + "/docs").text
    assert "cdn" not in page.lower() and "https://" not in page
