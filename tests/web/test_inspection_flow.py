"""An inspection and a declaration of conformity in headless Chromium: the supervising agency's inspector
(`kiemtra`) schedules an inspection of the Sở it supervises, carries it out and records a score per criterion; the
Sở's leader finds it under "Kiểm tra", reads it (no step offered) and sees the score in the chart of the years;
the Sở's public page shows its published declaration of conformity, without signing in."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from signing.testing import sample_pdf
from tests.factories import CERT, OWN
from tests.web.conftest import Site, build_site, close_site
from tests.web.test_browser import CHROMIUM, chromium, person, served, submit

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
SCORES = {"tc1": "18", "tc2": "10", "tc3": "13", "tc4": "16", "tc5": "16", "tc6": "12"}  # 85


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    site = build_site(tmp_path_factory.mktemp("inspection-web") / "home")
    with served(site) as running:
        yield running
    close_site(site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def published_declaration(site: Site) -> None:
    """The Sở's declaration of conformity, on a decision and a declaration the leader signed for approval."""
    ledger, secretary, leader = site.ctx.ledger, site.actor("thuky"), site.actor("giamdoc")
    docs = {}
    for code in ("QD-CBPH", "BCB"):
        doc = ledger.register_document(secretary, code=code, title=f"{code} công bố HTQLCL", kind="regulation",
                                       department="Văn phòng Sở")
        ref = site.services.archive.put(io.BytesIO(sample_pdf(1, code)), f"{code}.pdf", doc).to_dict()
        ledger.create_draft(secretary, doc, file=ref, change_summary="Ban hành")
        ledger.submit_for_review(secretary, doc, 1, reviewers=[], approver="giamdoc")
        ledger.approve(leader, doc, 1)
        ledger.record_signature(leader, doc, 1, meaning="approval", signed_file=ref, certificate=CERT,
                                pades_level="B-B", signing_time=ledger.clock().isoformat(), timestamp_time=None)
        ledger.issue(secretary, doc, 1, effective_from=ledger.today().isoformat(), distribution=["leadership"])
        docs[code] = doc
    case = ledger.open_case(secretary, "conformity_declaration", values={
        "year": ledger.today().year, "scope": "Cấp giấy chứng nhận đăng ký hoạt động KH&CN\nThẩm định công nghệ"})
    ledger.take_step(secretary, case, "submit", values={"decision": docs["QD-CBPH"], "document": docs["BCB"]})
    ledger.take_step(leader, case, "publish", values={})
    site.services.projector.catch_up()


def inspect(s: Any, agency: str, name: str, planned: date, scores: dict[str, str], *, opened: bool = False) -> None:
    """The inspector's part, through the pages: schedules an inspection of ``agency`` (the "Kiểm tra" menu's form,
    or already ``opened`` from elsewhere), starts it, records a score per criterion, the result and the signed
    conclusion."""
    total = sum(int(v) for v in scores.values())
    with s.step("inspection-scheduled") as page:
        if not opened:
            page.get_by_role("link", name="Kiểm tra", exact=True).click()
            page.get_by_role("link", name="+ Lập lịch kiểm tra").click()
        page.locator("#f-schedule-inspected_agency").select_option(agency)
        page.locator("#f-schedule-kind").select_option("periodic")
        page.locator("#f-schedule-year").fill(str(planned.year))
        page.locator("#f-schedule-planned_on").fill(planned.strftime("%d/%m/%Y"))
        page.locator("#f-schedule-team_lead").select_option("kiemtra")
        page.locator("#f-schedule-scope").fill("Việc duy trì HTQLCL; phạm vi công bố")
        page.locator("#f-schedule-criteria").select_option("TC1")
        submit(page, "Lập lịch kiểm tra")
        page.get_by_text("Đã ghi nhận bước «Lập lịch kiểm tra».").wait_for()
        assert page.locator("[data-state=scheduled]").is_visible()
        assert name in page.locator("[data-inspected]").inner_text()
    with s.step("inspection-started") as page:
        submit(page, "Bắt đầu kiểm tra")
        page.get_by_text("Đã ghi nhận bước «Bắt đầu kiểm tra».").wait_for()
    with s.step("inspection-scored") as page:
        for code, points in scores.items():
            page.locator(f"#f-score-{code}").fill(points)
        submit(page, "Chấm điểm")
        page.get_by_text("Đã ghi nhận bước «Chấm điểm».").wait_for()
        assert page.locator("[data-total]").inner_text() == f"{total}/100"
        assert page.locator("[data-classification]").inner_text() == (
            "Đáp ứng yêu cầu" if total >= 70 else "Chưa đáp ứng yêu cầu")
    with s.step("inspection-recorded") as page:
        page.locator("#f-record-summary").fill("Duy trì tốt.")
        submit(page, "Ghi nhận kết quả")
        page.locator("#f-conclude-conclusion").fill("Đáp ứng yêu cầu TCVN ISO 9001:2015.")
        submit(page, "Ký kết luận")
        assert page.locator("[data-state=concluded]").is_visible()


def test_the_supervisor_inspects_the_leader_reads_it_and_the_public_sees_the_declaration(
        browser: Any, server: tuple[str, Site]) -> None:
    planned = date.today() + timedelta(days=14)
    with person(browser, server, "kiemtra") as s:
        inspect(s, OWN, "Sở Khoa học và Công nghệ A", planned, SCORES)
        with s.step("inspection-scores-drill-down") as page:
            page.get_by_role("link", name="Kiểm tra", exact=True).click()
            page.locator(f"[data-agency='{OWN}']").click()
            assert page.locator("[data-score-chart] rect[data-total='85']").count() == 1
    with person(browser, server, "giamdoc") as s:
        with s.step("inspection-read-by-the-leader") as page:
            page.get_by_role("link", name="Kiểm tra", exact=True).click()
            assert page.locator("[data-score-chart] rect[data-total='85']").count() == 1
            page.locator("[data-inspections] a").first.click()
            assert page.locator("[data-state=concluded]").is_visible()
            assert page.locator("[data-total]").inner_text() == "85/100"
            assert page.locator("form[action*='/qms/inspections/']").count() == 0  # read-only
    published_declaration(server[1])
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server[0]}/cong-khai/{OWN}")
        section = page.locator("[data-conformity]")
        assert "Công bố HTQLCL phù hợp TCVN ISO 9001:2015" in section.inner_text()
        assert page.locator("[data-scope] li").all_inner_texts() == ["Cấp giấy chứng nhận đăng ký hoạt động KH&CN",
                                                                     "Thẩm định công nghệ"]
    finally:
        context.close()
