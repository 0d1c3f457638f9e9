"""Click to place, in headless Chromium (Debian's `chromium`, driven by Playwright): the leader picks a page of
the rendered document, clicks the spot where the stamp goes and signs; the downloaded PDF's signature widget
sits where the click was, on that page. The page logs no console error."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signing.testing import sample_pdf
from tests.pdf_checks import signature_widgets
from tests.web.conftest import Browser, Site, build_site, make_p12
from tests.web.test_browser import CHROMIUM, Session, chromium, served, settle, submit
from tests.web.test_document_pages import register, version_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
A4 = (595.0, 842.0)
APPROVAL_STAMP = (360.0, 110.0)  # the approval stamp's size in points (signing/placement.py SIZES)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    with served(build_site(tmp_path_factory.mktemp("web") / "home")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def approved_three_pages(site: Site) -> str:
    """A three-page procedure the director has approved, ready to sign (set up over HTTP, not the browser)."""
    with TestClient(site.app, raise_server_exceptions=False) as client:
        web = Browser(client)
        web.login("thuky")
        doc = register(web)
        r = web.client.post(f"/documents/{doc}/drafts", data={"csrf": web.csrf(), "change_summary": "Lần đầu",
                                                             "expected_version": version_of(web, doc)},
                            files={"file": ("Quy trình.pdf", io.BytesIO(sample_pdf(3)), "application/pdf")},
                            follow_redirects=False)
        assert r.status_code == 303, r.text
        assert web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc"},
                        page=f"/documents/{doc}").status_code == 303
        web.login("giamdoc")
        assert web.post(f"/documents/{doc}/versions/1/approve").status_code == 303
        return doc


def test_the_stamp_lands_where_the_leader_clicked_on_the_chosen_page(browser: Any, server: tuple[str, Site],
                                                                      tmp_path: Path) -> None:
    base, site = server
    doc = approved_three_pages(site)
    s = Session(browser, base)
    try:
        s.login("giamdoc")
        with s.step("click-to-place-choose-page") as page:
            s.go(f"/documents/{doc}")
            image = page.locator("[data-stamp-image]")
            assert image.get_attribute("src", timeout=5000).endswith("/pages/3.png")  # the last page by default
            with page.expect_response(lambda r: r.url.endswith("/versions/1/pages/2.png") and r.ok):
                page.locator("#f-page").select_option("2")
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        with s.step("click-to-place-click") as page:
            settle(page, image)
            shown = image.bounding_box()
            assert shown and shown["width"] > 200
            # a spot in the lower half, right of centre: clear of the edges, so the box is centred on it
            at_x, at_y = shown["width"] * 0.6, shown["height"] * 0.7
            image.click(position={"x": at_x, "y": at_y})
            scale = A4[0] / shown["width"]
            clicked = (at_x * scale, A4[1] - at_y * scale)  # in PDF points, origin at the lower left
            assert page.locator("[data-stamp-mark]").is_visible()
            chosen = page.locator("[data-stamp-box]").input_value()
            assert chosen and page.locator("[data-stamp-chosen]").inner_text().endswith(chosen)
        with s.step("click-to-place-sign") as page:
            p12 = tmp_path / "giamdoc.p12"
            p12.write_bytes(make_p12("Nguyễn Văn Ánh"))
            page.get_by_label("Tệp chứng thư số").set_input_files(str(p12))
            page.get_by_label("Mật khẩu của tệp").fill("mat-khau-ky")
            submit(page, "Ký số", exact=True)
            page.get_by_text("Đã ký số.").wait_for()
        with s.step("click-to-place-download"):
            got = s.context.request.get(f"{base}/documents/{doc}/versions/1/file")  # the signed-in reader's cookies
            assert got.ok and got.headers["content-type"] == "application/pdf"
            pdf = got.body()
    finally:
        s.close()
    [widget] = signature_widgets(pdf)
    assert widget.page == 2  # the page picked, not the default last page
    x1, y1, x2, y2 = widget.rect
    assert (round(x2 - x1), round(y2 - y1)) == APPROVAL_STAMP
    centre = ((x1 + x2) / 2, (y1 + y2) / 2)
    assert abs(centre[0] - clicked[0]) <= 3 and abs(centre[1] - clicked[1]) <= 3, (centre, clicked)
