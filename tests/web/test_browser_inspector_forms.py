"""In headless Chromium: an inspector's walk stays in the supervised agency, and a form in an English-locale
browser shows dd/mm/yyyy text dates and 24-hour times (never the native mm/dd/yyyy, AM/PM picker) and lists
every problem at the top, linked to its field."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from signing.testing import sample_pdf
from tests.factories import OTHER, OWN
from tests.web.conftest import PASSWORD, Site
from tests.web.test_browser import CHROMIUM, Session, browser, person, server, submit  # noqa: F401

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")


@pytest.fixture(scope="module")
def world(server: tuple[str, Site]) -> dict[str, str]:  # noqa: F811
    """OWN has a form in force and a record on loan."""
    site = server[1]
    ctx, thuky, giamdoc, vanthu = site.ctx, site.actor("thuky"), site.actor("giamdoc"), site.actor("vanthu")
    doc = ctx.ledger.register_document(thuky, code="BM-07", title="Phiếu đề nghị mượn hồ sơ", kind="form",
                                       department="Văn phòng Sở")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "BM-07.pdf", doc)
    ctx.ledger.create_draft(thuky, doc, file=ref.to_dict(), change_summary="Lần đầu")
    ctx.ledger.submit_for_review(thuky, doc, 1, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(giamdoc, doc, 1)
    ctx.ledger.issue(thuky, doc, 1, effective_from="2026-01-05", distribution=["leadership"])
    lent = ctx.ledger.open_record(vanthu, code="HS-THANHTRA", title="Hồ sơ thanh tra năm 2025", series="Thanh tra",
                                  retention_years=10, legal_basis="Thông tư 10/2022/TT-BNV")
    ctx.ledger.lend(vanthu, lent, borrower="danhgia", purpose="Thanh tra", due_on="2099-01-31",
                    approved_by="giamdoc")
    free = ctx.ledger.open_record(vanthu, code="HS-MUON", title="Hồ sơ chưa cho mượn", series="Thanh tra",
                                  retention_years=10, legal_basis="Thông tư 10/2022/TT-BNV")
    ctx.after_command()
    return {"doc": doc, "lent": lent, "free": free}


def test_inspector_walks_the_supervised_agency_and_never_leaves_it(browser: Any,  # noqa: F811
                                                                   server: tuple[str, Site],  # noqa: F811
                                                                   world: dict[str, str]) -> None:
    base = server[0]
    with person(browser, server, "kiemtra") as s:
        with s.step("inspector-home") as page:
            card = page.locator(f'[data-agency="{OWN}"]')
            assert "Sở Khoa học và Công nghệ A" in card.inner_text()
            card.get_by_role("link", name="Sổ đăng ký tài liệu").click()
            page.wait_for_url(re.compile(rf"/documents\?agency={OWN}$"))
        with s.step("inspector-document") as page:
            page.get_by_role("link", name="BM-07").click()
            page.get_by_role("heading", name="BM-07 — Phiếu đề nghị mượn hồ sơ").wait_for()
            assert page.locator("#f-view-agency").input_value() == OWN
            page.get_by_role("link", name="← Sổ đăng ký tài liệu").click()
            page.wait_for_url(re.compile(rf"/documents\?agency={OWN}$"))
            assert page.get_by_role("link", name="BM-07").is_visible()
        with s.step("inspector-records") as page:
            page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Hồ sơ").click()
            page.wait_for_url(re.compile(rf"/records\?agency={OWN}$"))
            page.get_by_role("link", name="HS-THANHTRA").click()
            page.get_by_role("link", name="← Danh mục hồ sơ").click()
            page.wait_for_url(re.compile(rf"/records\?agency={OWN}$"))
            assert page.get_by_role("link", name="HS-MUON").is_visible()
        with s.step("inspector-loans") as page:
            page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Mượn, trả").click()
            page.wait_for_url(re.compile(rf"/loans\?agency={OWN}$"))
            assert page.get_by_text("Võ Thành Đạt").is_visible()
        with s.step("inspector-switch") as page:  # the header's switcher keeps the page, changes the agency
            assert page.locator("#f-view-agency option").all_inner_texts() == ["Sở Khoa học và Công nghệ A"]
            submit(page, "Chuyển")
            assert page.url == f"{base}/loans?agency={OWN}"
        with s.step("inspector-elsewhere", refused=True) as page:
            response = page.goto(f"{base}/documents?agency={OTHER}")
            assert response is not None and response.status == 404
            assert page.get_by_text("Không tìm thấy cơ quan").is_visible()


def test_a_form_in_an_english_browser_has_no_native_date_picker(browser: Any,  # noqa: F811
                                                                 server: tuple[str, Site],  # noqa: F811
                                                                 world: dict[str, str]) -> None:
    base = server[0]
    s = Session(browser, base)
    s.context.close()  # the same tab, but as an English (US) browser would be
    s.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                    timezone_id="Asia/Ho_Chi_Minh")
    s.page = s.context.new_page()
    s.page.on("console", lambda m: s.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    try:
        with s.step("english-form") as page:
            s.go("/lang/en?next=/login")
            page.get_by_label("Username").fill("vanthu")
            page.get_by_label("Password").fill(PASSWORD)
            submit(page, "Sign in")
            s.go(f"/records/{world['free']}")
            due = page.get_by_label("Due on")
            assert due.get_attribute("type") == "text" and due.get_attribute("placeholder") == "dd/mm/yyyy"
            assert page.locator("input[type=date], input[type=time], input[type=datetime-local]").count() == 0
            assert "Day/month/year, e.g. 05/01/2026" in page.locator("#a-lend").locator("..").inner_text()
            assert "mm/dd" not in page.content().lower()
        with s.step("english-form-errors", refused=True) as page:
            page.get_by_label("Purpose").fill("Inspection")
            due.fill("31/02/2026")
            submit(page, "Record the loan")
            summary = page.locator(".error-summary")
            assert summary.get_by_role("heading").inner_text() == "There are 3 problems to fix"
            assert summary.get_by_role("link").all_inner_texts() == [
                "Borrower is required.", "Due on: 31/02/2026 does not exist; February 2026 has 28 days.",
                "Approved by is required."]
            summary.get_by_role("link", name="Due on: 31/02/2026 does not exist", exact=False).click()
            assert page.evaluate("document.activeElement.id") == "f-lend-due_on"
            assert page.get_by_label("Due on").input_value() == "31/02/2026"
            assert page.get_by_label("Purpose").input_value() == "Inspection"
        with s.step("english-history") as page:
            s.go(f"/records/{world['lent']}/history")
            page.get_by_label("Date", exact=True).fill("01/06/2026")
            page.get_by_label("Time (optional)").fill("14:30")
            submit(page, "Show")
            assert "day=01%2F06%2F2026" in page.url and "at_time=14%3A30" in page.url
            assert page.get_by_label("Date", exact=True).input_value() == "01/06/2026"
            assert page.get_by_label("Time (optional)").input_value() == "14:30"
            assert "24-hour, Vietnam time" in page.content() and "PM" not in page.locator("main").inner_text()
    finally:
        s.close()
