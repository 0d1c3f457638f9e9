"""The quality policy's year in headless Chromium, on the pages generated from its declaration: the secretary
drafts the 2026 policy and submits it; the leader finds it under "Việc QMS chờ xử lý" and returns it with a
reason; the secretary revises it and submits it with its formal document; the leader signs that document for
approval, approves the policy and publishes it. No page may log a console error; a failing step leaves a
screenshot under tests/artifacts/. axe-core then checks the QMS pages, their forms and a refusal, in both
languages (no serious or critical violation).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signing.testing import sample_pdf
from tests.web.conftest import Site, build_site, make_p12
from tests.web.test_accessibility import audit, axe_js, check  # noqa: F401
from tests.web.test_browser import CHROMIUM, chromium, person, served, submit

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
STATEMENT = "Lấy sự hài lòng của người dân và doanh nghiệp làm thước đo chất lượng phục vụ."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    with served(build_site(tmp_path_factory.mktemp("qms-web") / "home")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def formal_document(site: Site) -> str:
    """The policy's formal document, drafted and submitted to the leader (who approves and signs it in the test)."""
    ledger, secretary = site.ctx.ledger, site.actor("thuky")
    doc = ledger.register_document(secretary, code="CSCL-2026", title="Chính sách chất lượng năm 2026",
                                   kind="quality_policy", department="Văn phòng Sở")
    ref = site.services.archive.put(io.BytesIO(sample_pdf(1, "CSCL-2026 Chinh sach chat luong")),
                                    "Chính sách chất lượng năm 2026.pdf", doc)
    ledger.create_draft(secretary, doc, file=ref.to_dict(), change_summary="Chính sách năm 2026")
    ledger.submit_for_review(secretary, doc, 1, reviewers=[], approver="giamdoc")
    site.services.projector.catch_up()
    return doc


def test_the_policy_year_from_draft_to_published(browser: Any, server: tuple[str, Site], tmp_path: Path) -> None:
    doc = formal_document(server[1])
    with person(browser, server, "thuky") as s:
        with s.step("qms-secretary-drafts") as page:
            page.get_by_role("link", name="Quy trình ISO").click()
            page.get_by_role("link", name="Chính sách chất lượng").click()
            page.get_by_role("link", name="+ Soạn dự thảo").click()
            page.get_by_label("Năm").fill("2026")
            page.get_by_label("Nội dung chính sách").fill(STATEMENT)
            submit(page, "Soạn dự thảo")
            page.get_by_text("Đã ghi nhận bước «Soạn dự thảo».").wait_for()
            assert page.locator("[data-state=draft]").inner_text() == "Dự thảo"
        with s.step("qms-secretary-submits") as page:
            submit(page, "Trình phê duyệt")
            page.get_by_text("Đã ghi nhận bước «Trình phê duyệt».").wait_for()
            assert page.locator("[data-state=submitted]").is_visible()
    with person(browser, server, "giamdoc") as s:
        with s.step("qms-leader-inbox") as page:
            box = page.locator("section", has_text="Việc QMS chờ xử lý")
            box.get_by_role("link", name="Chính sách chất lượng năm 2026", exact=False).click()
            assert page.locator("[data-state=submitted]").is_visible()
        with s.step("qms-leader-return-needs-reason", refused=True) as page:
            submit(page, "Trả lại để sửa")
            page.locator("#e-return-reason", has_text="Hãy ghi lý do").wait_for()  # beside the field
        with s.step("qms-leader-returns") as page:
            page.locator("#f-return-reason").fill("Bổ sung cam kết về chuyển đổi số.")
            submit(page, "Trả lại để sửa")
            page.get_by_text("Đã ghi nhận bước «Trả lại để sửa».").wait_for()
            assert page.locator("[data-state=draft]").is_visible()
            assert page.get_by_role("cell", name="Bổ sung cam kết về chuyển đổi số.").is_visible()
    with person(browser, server, "thuky") as s:
        with s.step("qms-secretary-revises") as page:
            box = page.locator("section", has_text="Việc QMS chờ xử lý")
            box.get_by_role("link", name="Chính sách chất lượng năm 2026", exact=False).click()
            page.locator("#f-revise-commitments").fill("Cung cấp dịch vụ công trực tuyến toàn trình.")
            submit(page, "Sửa dự thảo")
            page.get_by_text("Đã ghi nhận bước «Sửa dự thảo».").wait_for()
        with s.step("qms-secretary-submits-with-the-document") as page:
            page.locator("#f-submit-document").select_option(doc)
            submit(page, "Trình phê duyệt")
            page.get_by_text("Đã ghi nhận bước «Trình phê duyệt».").wait_for()
            assert page.get_by_role("link", name="CSCL-2026 — Chính sách chất lượng năm 2026").is_visible()
    with person(browser, server, "giamdoc") as s:
        with s.step("qms-leader-approve-needs-the-signature", refused=True) as page:
            page.locator("section", has_text="Việc QMS chờ xử lý").get_by_role(
                "link", name="Chính sách chất lượng năm 2026", exact=False).click()
            submit(page, "Phê duyệt", exact=True)
            page.locator("#step-approve .field-error", has_text="ký phê duyệt").wait_for()
        with s.step("qms-leader-signs-the-document") as page:
            page.get_by_role("link", name="Mở văn bản ban hành để ký số").click()
            page.wait_for_load_state("load")
            submit(page, "Phê duyệt", exact=True)
            page.get_by_text("Đã phê duyệt.").wait_for()
            p12 = tmp_path / "giamdoc.p12"
            p12.write_bytes(make_p12("Nguyễn Văn Ánh"))
            page.get_by_label("Tệp chứng thư số").set_input_files(str(p12))
            page.get_by_label("Mật khẩu của tệp").fill("mat-khau-ky")
            submit(page, "Ký số", exact=True)
            page.get_by_text("Đã ký số.").wait_for()
        with s.step("qms-leader-approves") as page:
            s.go("/")
            page.locator("section", has_text="Việc QMS chờ xử lý").get_by_role(
                "link", name="Chính sách chất lượng năm 2026", exact=False).click()
            submit(page, "Phê duyệt", exact=True)
            page.get_by_text("Đã ghi nhận bước «Phê duyệt».").wait_for()
            assert page.locator("[data-state=approved]").is_visible()
        with s.step("qms-leader-publishes") as page:
            submit(page, "Công bố", exact=True)
            page.get_by_text("Đã ghi nhận bước «Công bố».").wait_for()
            assert page.locator("[data-state=published]").inner_text() == "Đã công bố"
            trail = page.locator("table.trail tbody tr")
            assert trail.count() == 7  # drafted, submitted, returned, revised, submitted, approved, published
            assert page.locator("figure.diagram svg").is_visible()


def test_the_qms_pages_pass_axe_in_both_languages(browser: Any, server: tuple[str, Site],
                                                   axe_js: str) -> None:  # noqa: F811
    site = server[1]
    case = site.ctx.ledger.open_case(site.actor("thuky"), "quality_policy",
                                     values={"year": 2027, "statement": STATEMENT})
    site.ctx.after_command()
    with person(browser, server, "thuky") as s:
        for path in ("/", "/qms", "/qms/policies", "/qms/policies/new", f"/qms/policies/{case}"):
            check(s, axe_js, path, "qms" + path.replace("/", "_"))
        with s.step("axe-qms-refused", refused=True) as page:
            page.locator("#f-revise-statement").fill("")
            submit(page, "Sửa dự thảo")
            page.locator("#e-revise-statement").wait_for()
            audit(page, "revise without a statement")
        s.go("/lang/en?next=/qms")
        for path in ("/qms", f"/qms/policies/{case}"):
            check(s, axe_js, path, "qms-en" + path.replace("/", "_"))
