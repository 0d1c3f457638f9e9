"""The QMS planning year walked in headless Chromium through the pages only, each person signed in as themselves:
the ISO secretary drafts the year's context (an issue in every SWOT quadrant, an interested party), the quality
policy and two objectives; the agency leader signs their formal documents for approval (document page → Ký số),
approves them, publishes the policy and allocates the objectives to two departments; one department leader
registers hers, the other proposes a change; measurements are entered with their evidence and the objective's
status and SVG chart on the department page change; a risk to the objective is identified, assessed (the heat map
counts it) and treated with an action. No page may log a console error; a failing step leaves a screenshot under
tests/artifacts/. The organisation (departments, their leaders) and the three formal documents — registered,
uploaded and sent to the leader, as tests/web/test_browser.py walks through the document pages — are set up
beforehand.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ledger.actors import Actor
from signing.testing import sample_pdf
from tests.web.conftest import OWN, PASSWORD, Site, build_site, make_p12
from tests.web.test_accessibility import axe_js, check  # noqa: F401
from tests.web.test_browser import CHROMIUM, chromium, person, served, submit

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
YEAR = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
SECOND_LEADER = "truongphong2"  # leads the Phòng Quản lý Khoa học (truongphong leads the Phòng Kế hoạch - Tài chính)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    site = build_site(tmp_path_factory.mktemp("planning-year") / "home")
    directory = site.ctx.directory
    directory.create_account(ADMIN, username=SECOND_LEADER, agency_id=OWN, full_name="Phạm Thị Diễm",
                             roles=["department_leader"])
    site.ctx.store.set_password_hash(SECOND_LEADER, site.ctx.passwords.hash(PASSWORD))
    site.khtc = str(directory.create_department(ADMIN, OWN, code="KHTC", name="Phòng Kế hoạch - Tài chính",
                                                leader="truongphong")["id"])
    site.qlkh = str(directory.create_department(ADMIN, OWN, code="QLKH", name="Phòng Quản lý Khoa học",
                                                leader=SECOND_LEADER)["id"])
    site.services.projector.catch_up()
    with served(site) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def formal_document(site: Site, code: str, title: str, kind: str) -> str:
    """A formal document drafted and sent to the agency leader, who approves and signs it in the walk."""
    ledger, secretary = site.ctx.ledger, site.actor("thuky")
    doc = ledger.register_document(secretary, code=code, title=title, kind=kind, department="Văn phòng Sở")
    ref = site.services.archive.put(io.BytesIO(sample_pdf(1, code)), f"{title}.pdf", doc)
    ledger.create_draft(secretary, doc, file=ref.to_dict(), change_summary=title)
    ledger.submit_for_review(secretary, doc, 1, reviewers=[], approver="giamdoc")
    site.services.projector.catch_up()
    return str(doc)


def done(page: Any, label: str) -> None:
    page.get_by_text(f"Đã ghi nhận bước «{label}».").wait_for()


def open_case(s: Any, process_label: str, opening_label: str) -> Any:
    page = s.go("/qms")
    page.get_by_role("link", name=process_label, exact=True).first.click()
    page.get_by_role("link", name=f"+ {opening_label}").click()
    return page


def go_to_case(s: Any, collection: str, title: str) -> Any:
    page = s.go(f"/qms/{collection}")
    page.get_by_role("link", name=title, exact=False).first.click()
    page.wait_for_load_state("domcontentloaded")
    return page


def draw_objective(page: Any, policy: str, code: str, title: str, baseline: str, target: str) -> None:
    page.locator("#f-draft-year").fill(str(YEAR))
    page.locator("#f-draft-policy").select_option(label=policy)
    page.locator("#f-draft-code").fill(code)
    page.locator("#f-draft-title").fill(title)
    page.locator("#f-draft-indicator").fill("Tỷ lệ hồ sơ giải quyết đúng hạn")
    page.locator("#f-draft-unit").fill("%")
    page.locator("#f-draft-direction").select_option("increase")
    page.locator("#f-draft-baseline").fill(baseline)
    page.locator("#f-draft-target").fill(target)
    page.locator("#f-draft-frequency").select_option("quarterly")
    page.locator("#f-draft-plan_actions").fill("Rà soát quy trình, nhắc hạn tự động trên phần mềm một cửa.")
    page.locator("#f-draft-plan_resources").fill("Cán bộ phòng; kinh phí chuyển đổi số năm " + str(YEAR))
    page.locator("#f-draft-plan_responsible").fill("Trưởng phòng")
    page.locator("#f-draft-plan_due").fill(f"31/12/{YEAR}")
    page.locator("#f-draft-plan_evaluation").fill("Đối chiếu số liệu trên hệ thống một cửa mỗi quý.")
    submit(page, "Soạn dự thảo")
    done(page, "Soạn dự thảo")


def sign_for_approval(page: Any, s: Any, doc: str, p12: Path) -> None:
    """The leader approves the document version and signs it with their certificate file (the signing path)."""
    s.go(f"/documents/{doc}")
    page.wait_for_load_state("load")
    submit(page, "Phê duyệt", exact=True)
    page.get_by_text("Đã phê duyệt.").wait_for()
    page.get_by_label("Tệp chứng thư số").set_input_files(str(p12))
    page.get_by_label("Mật khẩu của tệp").fill("mat-khau-ky")
    submit(page, "Ký số", exact=True)
    page.get_by_text("Đã ký số.").wait_for()


def chart_of(page: Any, title: str) -> Any:
    return page.locator("section[data-objective]", has=page.get_by_role("heading", name=title))


def test_the_planning_year_through_the_pages(browser: Any, server: tuple[str, Site], tmp_path: Path) -> None:
    site = server[1]
    docs = {"context": formal_document(site, f"BC-{YEAR}", f"Bối cảnh của tổ chức năm {YEAR}", "context_analysis"),
            "policy": formal_document(site, f"CSCL-{YEAR}", f"Chính sách chất lượng năm {YEAR}", "quality_policy"),
            "objectives": formal_document(site, f"MTCL-{YEAR}", f"Mục tiêu chất lượng năm {YEAR}",
                                          "quality_objectives")}
    context_title, policy_title = f"Bối cảnh của tổ chức năm {YEAR}", f"Chính sách chất lượng năm {YEAR}"
    mt1, mt2 = "MT-01 — Giải quyết đúng hạn hồ sơ TTHC", "MT-02 — Nghiệm thu đúng hạn nhiệm vụ KH&CN"

    with person(browser, server, "thuky") as s:
        with s.step("year-secretary-drafts-the-context") as page:
            open_case(s, "Bối cảnh của tổ chức", "Lập phân tích bối cảnh")
            page.locator("#f-draft-year").fill(str(YEAR))
            page.locator("#f-draft-scope").fill("Toàn bộ thủ tục hành chính và hoạt động quản lý KH&CN của Sở.")
            page.locator("#f-draft-document").select_option(docs["context"])
            submit(page, "Lập phân tích bối cảnh")
            done(page, "Lập phân tích bối cảnh")
            for quadrant, category, text in (
                    ("strength", "people", "Đội ngũ cán bộ có trình độ chuyên môn cao."),
                    ("weakness", "technology", "Hạ tầng công nghệ thông tin chưa đồng bộ."),
                    ("opportunity", "legal", "Chính sách chuyển đổi số quốc gia được đẩy mạnh."),
                    ("threat", "finance", "Kinh phí sự nghiệp khoa học bị cắt giảm.")):
                page.locator("#f-add_issue-quadrant").select_option(quadrant)
                page.locator("#f-add_issue-category").select_option(category)
                page.locator("#f-add_issue-description").fill(text)
                submit(page, "Thêm vấn đề")
                done(page, "Thêm vấn đề")
            page.locator("#f-add_party-name").fill("Người dân và doanh nghiệp")
            page.locator("#f-add_party-needs").fill("Thủ tục nhanh, đúng hạn, công khai, minh bạch.")
            page.locator("#f-add_party-monitoring").fill("Khảo sát mức độ hài lòng hằng năm.")
            submit(page, "Thêm bên quan tâm")
            done(page, "Thêm bên quan tâm")
            assert page.get_by_text("Thách thức (T)").first.is_visible()
            submit(page, "Trình phê duyệt")
            done(page, "Trình phê duyệt")
            assert page.locator("[data-state=submitted]").is_visible()
        with s.step("year-secretary-drafts-the-policy") as page:
            open_case(s, "Chính sách chất lượng", "Soạn dự thảo")
            page.locator("#f-draft-year").fill(str(YEAR))
            page.locator("#f-draft-statement").fill("Lấy sự hài lòng của người dân và doanh nghiệp làm thước đo.")
            page.locator("#f-draft-document").select_option(docs["policy"])
            submit(page, "Soạn dự thảo")
            done(page, "Soạn dự thảo")
            submit(page, "Trình phê duyệt")
            done(page, "Trình phê duyệt")
        with s.step("year-secretary-drafts-the-objectives") as page:
            for code, title, base, target in (("MT-01", mt1, "90", "98"), ("MT-02", mt2, "80", "100")):
                open_case(s, "Mục tiêu chất lượng", "Soạn dự thảo")
                draw_objective(page, policy_title, code, title.split(" — ")[1], base, target)
                page.locator("#f-submit-document").select_option(docs["objectives"])
                submit(page, "Trình phê duyệt")
                done(page, "Trình phê duyệt")

    with person(browser, server, "giamdoc") as s:
        p12 = tmp_path / "giamdoc.p12"
        p12.write_bytes(make_p12("Nguyễn Văn Ánh"))
        with s.step("year-leader-signs-the-three-documents") as page:
            for doc in docs.values():
                sign_for_approval(page, s, doc, p12)
        with s.step("year-leader-approves-the-context") as page:
            go_to_case(s, "context", context_title)
            submit(page, "Phê duyệt", exact=True)
            done(page, "Phê duyệt")
            assert page.locator("[data-state=approved]").is_visible()
            approved = page.locator("dt", has_text="Bản đã được phê duyệt").locator("xpath=following-sibling::dd[1]")
            assert "Thách thức (T)" in approved.inner_text() and "Nguyễn Văn Ánh" in approved.inner_text()
        with s.step("year-leader-approves-and-publishes-the-policy") as page:
            go_to_case(s, "policies", policy_title)
            submit(page, "Phê duyệt", exact=True)
            done(page, "Phê duyệt")
            submit(page, "Công bố", exact=True)
            done(page, "Công bố")
        with s.step("year-leader-approves-and-allocates-the-objectives") as page:
            for title, department, owner in ((mt1, site.khtc, "truongphong"), (mt2, site.qlkh, SECOND_LEADER)):
                go_to_case(s, "objectives", title)
                submit(page, "Phê duyệt", exact=True)
                done(page, "Phê duyệt")
                page.locator("#f-allocate-department").select_option(department)
                page.locator("#f-allocate-owner").select_option(owner)
                submit(page, "Giao cho phòng ban")
                done(page, "Giao cho phòng ban")
                assert page.locator("[data-state=allocated]").is_visible()

    with person(browser, server, SECOND_LEADER) as s:
        with s.step("year-second-leader-proposes-a-change") as page:
            go_to_case(s, "objectives", mt2)
            page.locator("#f-propose_change-target").fill("95")
            page.locator("#f-propose_change-reason").fill("Hai nhiệm vụ kéo dài do thiên tai, đề nghị chỉ tiêu 95%.")
            submit(page, "Đề nghị điều chỉnh")
            done(page, "Đề nghị điều chỉnh")
            assert page.locator("[data-state=change_proposed]").is_visible()

    with person(browser, server, "truongphong") as s:
        with s.step("year-leader-registers") as page:
            go_to_case(s, "objectives", mt1)
            submit(page, "Đăng ký thực hiện")
            done(page, "Đăng ký thực hiện")
            assert page.locator("[data-state=registered]").is_visible()
        with s.step("year-department-page-before-measuring") as page:
            s.go(f"/qms/departments/{site.khtc}?year={YEAR}")
            section = chart_of(page, mt1)
            assert section.locator("svg circle.point").count() == 0
            assert section.locator("svg text.empty").count() == 1
            before = section.locator("strong[data-status]").get_attribute("data-status")
            assert before in ("not_measured", "at_risk")  # nothing measured yet (at risk once a period is late)
        for period, value in (("Q1", "92"), ("Q2", "94"), ("Q3", "96"), ("Q4", "98")):
            with s.step(f"year-measures-{period}") as page:
                go_to_case(s, "objectives", mt1)
                evidence = tmp_path / f"Báo cáo {period}.pdf"
                evidence.write_bytes(sample_pdf(1, f"Bao cao {period}"))
                page.locator("#f-measurements-period").select_option(period)  # the objective's periods, offered
                page.locator("#f-measurements-value").fill(value)
                page.locator("#f-measurements-evidence").set_input_files(str(evidence))
                submit(page, "Nhập số liệu đo")
                done(page, "Nhập số liệu đo")
        with s.step("year-department-page-after-measuring") as page:
            s.go(f"/qms/departments/{site.khtc}?year={YEAR}")
            section = chart_of(page, mt1)
            points = section.locator("svg circle.point")
            assert [points.nth(i).get_attribute("data-period") for i in range(points.count())] == \
                ["Q1", "Q2", "Q3", "Q4"]
            status = section.locator("strong[data-status]")
            assert status.get_attribute("data-status") == "achieved" != before  # the last period reached the target
            assert status.inner_text() == "Đạt"
            assert section.locator("svg g.objective").get_attribute("data-status") == "achieved"
            assert section.locator("svg text.chart-status").text_content() == "Đạt"
            assert section.get_by_role("cell", name="Trần Quốc Bảo").first.is_visible()  # who entered it, by name
        with s.step("year-risk-identified-on-the-objective") as page:
            open_case(s, "Rủi ro và cơ hội", "Nhận diện")
            page.locator("#f-identify-year").fill(str(YEAR))
            page.locator("#f-identify-department").select_option(site.khtc)
            page.locator("#f-identify-kind").select_option("risk")
            page.locator("#f-identify-title").fill("Quá tải hồ sơ cuối năm")
            page.locator("#f-identify-description").fill("Lượng hồ sơ tăng đột biến vào quý IV.")
            page.locator("#f-identify-refs").get_by_label(mt1, exact=False).check()
            submit(page, "Nhận diện")
            done(page, "Nhận diện")
            assert page.get_by_role("link", name=mt1, exact=False).is_visible()  # the objective it threatens
        with s.step("year-risk-assessed") as page:
            page.locator("#f-assess-likelihood").fill("4")
            page.locator("#f-assess-impact").fill("4")
            submit(page, "Đánh giá")
            done(page, "Đánh giá")
            risk_url = page.url.split("?")[0]
            s.go(f"/qms/risks/heatmap?department_id={site.khtc}")
            assert page.locator("svg g[data-likelihood='4'][data-impact='4']").get_attribute("data-count") == "1"
            assert page.locator("svg[data-total]").get_attribute("data-total") == "1"
            assert page.get_by_role("cell", name="Quá tải hồ sơ cuối năm").is_visible()
        with s.step("year-risk-treated-with-an-action") as page:
            page.goto(risk_url)
            page.locator("#f-treat-treatment").select_option("mitigate")
            page.locator("#f-treat-plan").fill("Bố trí thêm cán bộ tiếp nhận hồ sơ trong quý IV.")
            page.locator("#f-treat-reassess_on").fill(f"31/12/{YEAR}")
            submit(page, "Quyết định xử lý")
            done(page, "Quyết định xử lý")
            page.locator("#f-actions-action").fill("Điều động 2 cán bộ hỗ trợ bộ phận một cửa")
            page.locator("#f-actions-owner").select_option("truongphong")
            page.locator("#f-actions-due").fill(f"31/12/{YEAR}")
            submit(page, "Thêm hành động")
            done(page, "Thêm hành động")
            assert page.locator("[data-state=treated]").is_visible()
            assert page.locator("[data-derived=open_actions]").inner_text() == "1"

    with person(browser, server, "thuky") as s:
        with s.step("year-objective-as-it-stood") as page:
            go_to_case(s, "objectives", mt1)
            page.get_by_role("link", name="Xem mục như đã đứng tại một ngày").click()
            page.wait_for_load_state("domcontentloaded")
            assert page.locator("[data-state=registered]").is_visible()
            page.locator("ol.timeline li").nth(0).get_by_role("link", name="Mục ngay sau bước này").click()
            page.wait_for_load_state("domcontentloaded")
            assert page.locator("[data-state=draft]").is_visible()  # as drafted, before any approval
            assert page.locator("ol.timeline li").count() == 1
            assert page.get_by_text("Như mục đã đứng lúc").is_visible()
        with s.step("year-traceability-of-the-objective") as page:
            go_to_case(s, "objectives", mt1)
            page.get_by_role("link", name="Các mục liên kết").click()
            page.wait_for_load_state("domcontentloaded")
            table = page.locator("table[data-trace]")
            assert table.locator("tr[data-direction=start]").count() == 1
            assert table.locator("tr[data-direction=up]", has_text=policy_title).count() == 1
            assert table.locator("tr[data-direction=down]", has_text="Quá tải hồ sơ cuối năm").count() == 1
            assert table.locator("tr", has_text=mt2).count() == 0  # a sibling under the policy is not linked to it
            assert table.get_by_text("Điều động 2 cán bộ hỗ trợ bộ phận một cửa", exact=False).is_visible()


def test_the_history_and_traceability_pages_pass_axe_in_both_languages(browser: Any, server: tuple[str, Site],
                                                                        axe_js: str) -> None:  # noqa: F811
    site = server[1]
    case = site.ctx.ledger.open_case(site.actor("thuky"), "quality_policy",
                                     values={"year": YEAR + 1, "statement": "Chất lượng phục vụ là trên hết."})
    site.ctx.after_command()
    with person(browser, server, "thuky") as s:
        for path in (f"/qms/policies/{case}/history", f"/qms/policies/{case}/history?day=01/01/{YEAR}",
                     "/qms/traceability", "/qms/traceability?clause=5.2", f"/qms/traceability?case={case}"):
            check(s, axe_js, path, "planning" + path.replace("/", "_").replace("?", "_"))
        check(s, axe_js, "/qms/traceability?clause=chín", "planning-traceability-refused", refused=True)
        s.go("/lang/en?next=/qms")
        for path in (f"/qms/policies/{case}/history", "/qms/traceability?clause=5"):
            check(s, axe_js, path, "planning-en" + path.replace("/", "_").replace("?", "_"))

