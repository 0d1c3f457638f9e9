"""The province dashboard in headless Chromium: the Sở KH&CN's inspector opens it from the menu (Tỉnh), filters by
level, keeps only the agencies with a late step, finds the late district and drills down to its calendar, which
says which steps are late and why; another agency's inspector never sees it. From the dashboard the inspector
drills down to the Sở, schedules an inspection there and records its scores; the Sở's leader and the province
administrator read the result. No console error on the way."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from ledger.actors import Actor
from signing.testing import sample_pdf
from tests.factories import OWN
from tests.web.conftest import PASSWORD, Site, build_site
from tests.web.test_browser import CHROMIUM, chromium, person, served, submit
from tests.web.test_inspection_flow import SCORES, inspect

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
DISTRICT = "ubnd-huyen-cau-ke"
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


def _province(site: Site) -> None:
    """A district supervised by the Chi cục, with nothing done this year; the Sở reviews its form (issued)."""
    ctx = site.ctx
    ctx.directory.create_agency(ADMIN, agency_id=DISTRICT, name="UBND huyện Cầu Kè", level="district",
                                supervised_by=["chi-cuc-tdc-s"])
    ctx.directory.create_account(ADMIN, username="thuky-ck", agency_id=DISTRICT, full_name="Thạch Sô Phia",
                                 roles=["iso_secretary"])
    ctx.store.set_password_hash("thuky-ck", ctx.passwords.hash(PASSWORD))
    secretary, leader = site.actor("thuky"), site.actor("giamdoc")
    doc = ctx.ledger.register_document(secretary, code="BM-01", title="Phiếu theo dõi hồ sơ", kind="form",
                                       department="Văn phòng Sở")
    ref = site.services.archive.put(io.BytesIO(sample_pdf(1, "BM-01")), "BM-01.pdf", doc)
    ctx.ledger.create_draft(secretary, doc, file=ref.to_dict(), change_summary="Rà soát năm nay")
    ctx.ledger.submit_for_review(secretary, doc, 1, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(leader, doc, 1)
    ctx.ledger.issue(secretary, doc, 1, effective_from="2026-03-02", distribution=["leadership"])
    site.services.projector.catch_up()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    site = build_site(tmp_path_factory.mktemp("province-web") / "home")
    _province(site)
    with served(site) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_the_inspector_finds_a_late_district_and_drills_down(browser: Any, server: tuple[str, Site]) -> None:
    with person(browser, server, "kiemtra") as s:
        with s.step("province-opens-dashboard") as page:
            page.get_by_role("link", name="Tỉnh", exact=True).click()
            page.wait_for_load_state("load")
            rows = page.locator("table[data-agencies] tbody tr")
            assert {rows.nth(i).get_attribute("data-agency") for i in range(rows.count())} == {"so-khcn-a", DISTRICT}
            assert page.locator("svg[data-chart=province-steps]").is_visible()
            assert page.locator("tr[data-agency=so-khcn-a] td[data-step=review]").inner_text().startswith(
                "✔ Đã hoàn thành")
        with s.step("province-filters-by-level") as page:
            page.get_by_label("Cấp").select_option("district")
            page.get_by_label("Chỉ cơ quan có bước quá hạn").check()
            submit(page, "Lọc")
            rows = page.locator("table[data-agencies] tbody tr")
            assert rows.count() == 1 and rows.first.get_attribute("data-agency") == DISTRICT
            cell = rows.first.locator("td[data-step=context]")
            assert cell.get_attribute("data-status") == "late" and "✖ Quá hạn" in cell.inner_text()
        with s.step("province-drills-down") as page:
            page.get_by_role("link", name="UBND huyện Cầu Kè").click()
            page.wait_for_load_state("load")
            assert page.get_by_role("heading", name="UBND huyện Cầu Kè").is_visible()
            row = page.locator("table[data-calendar] tr[data-step=context]")
            assert row.get_attribute("data-status") == "late" and "Quá hạn" in row.inner_text()
            assert "28/02/2026" in row.inner_text()
            with page.expect_download() as got:
                page.get_by_role("link", name="Tải báo cáo Excel").click()
            assert got.value.suggested_filename == f"htqlcl-{DISTRICT}-2026.xlsx"


def test_an_agencys_own_secretary_reads_its_calendar_but_not_the_dashboard(browser: Any,
                                                                           server: tuple[str, Site]) -> None:
    with person(browser, server, "thuky-ck") as s:
        with s.step("province-own-calendar") as page:
            assert page.get_by_role("link", name="Tỉnh", exact=True).count() == 0
            s.go(f"/province/calendar/{DISTRICT}?year=2026")
            assert page.locator("table[data-calendar] tr[data-step=context]").get_attribute("data-status") == "late"
        with s.step("province-dashboard-refused", refused=True) as page:
            response = page.goto(server[0] + "/province")
            assert response is not None and response.status == 403


def test_from_the_dashboard_the_inspector_inspects_an_agency_which_reads_the_result(
        browser: Any, server: tuple[str, Site]) -> None:
    """The inspector opens the dashboard, drills down to the Sở, schedules an inspection from there, carries it
    out and records its scores (tests/web/test_inspection_flow.py's steps); the dashboard and the drill-down show
    the result; the Sở's leader reads it on the Sở's calendar and under "Kiểm tra"; the province administrator
    reads it on the drill-down, without a link to the inspection itself."""
    name = "Sở Khoa học và Công nghệ A"
    with person(browser, server, "kiemtra") as s:
        with s.step("province-walk-drill-down") as page:
            page.get_by_role("link", name="Tỉnh", exact=True).click()
            page.wait_for_load_state("load")
            assert page.locator(f"tr[data-agency={OWN}] td[data-inspection]").inner_text() == "—"
            page.get_by_role("link", name=name, exact=True).click()
            page.wait_for_load_state("load")
            section = page.locator("[data-section=inspections]")
            assert "Chưa có kết quả kiểm tra nào được kết luận." in section.inner_text()
            section.locator("[data-schedule-inspection]").click()
            page.wait_for_load_state("load")
        inspect(s, OWN, name, date.today() + timedelta(days=10), SCORES, opened=True)
        with s.step("province-walk-result-on-the-dashboard") as page:
            page.get_by_role("link", name="Tỉnh", exact=True).click()
            page.wait_for_load_state("load")
            cell = page.locator(f"tr[data-agency={OWN}] td[data-inspection]")
            assert cell.get_attribute("data-inspection") == "meets" and "85/100" in cell.inner_text()
            cell.get_by_role("link").click()
            page.wait_for_load_state("load")
            section = page.locator("[data-section=inspections]")
            assert section.locator("[data-score-chart] rect[data-total='85']").count() == 1
            row = section.locator("table[data-score-table] tbody tr").first
            assert row.locator("td[data-criterion=tc3]").inner_text() == SCORES["tc3"]
            assert row.locator("td[data-classification]").inner_text() == "Đáp ứng yêu cầu"
            assert row.get_by_role("link").count() == 1  # the inspector's own agency ran it: it opens
    with person(browser, server, "giamdoc") as s:
        with s.step("province-walk-seen-by-the-agency") as page:
            s.go(f"/province/calendar/{OWN}?year={date.today().year}")
            section = page.locator("[data-section=inspections]")
            assert section.locator("[data-score-chart] rect[data-total='85']").count() == 1
            assert section.locator("td[data-total]").inner_text() == "85/100"
            page.get_by_role("link", name="Kiểm tra", exact=True).click()
            page.wait_for_load_state("load")
            assert page.locator("[data-score-chart] rect[data-total='85']").count() == 1
    with person(browser, server, "admin") as s:
        with s.step("province-walk-seen-by-the-administrator") as page:
            page.get_by_role("link", name="Tỉnh", exact=True).click()
            page.wait_for_load_state("load")
            page.get_by_role("link", name=name, exact=True).click()
            page.wait_for_load_state("load")
            section = page.locator("[data-section=inspections]")
            assert section.locator("[data-score-chart] rect[data-total='85']").count() == 1
            assert section.locator("td[data-criterion=tc1]").inner_text() == SCORES["tc1"]
            assert section.locator("table[data-score-table] a").count() == 0
            assert section.locator("[data-schedule-inspection]").count() == 0
