"""Accessibility checked by a tool: axe-core (from the npm registry) runs in headless Chromium on every main
page — home per role, registers, document and record pages with their forms, timeline, loans, the public page,
sign-in — in Vietnamese and in English, and no serious or critical violation is allowed.

axe-core is installed once with npm into pytest's cache (``.pytest_cache/d/axe-core-4``, ignored by git), or a
temporary folder when the cache is off; ``ISOLEDGER_AXE_JS=/path/axe.min.js`` uses a copy already at hand.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from signing.testing import sample_pdf
from tests.environment import require
from tests.web.conftest import Site
from tests.web.test_browser import CHROMIUM, Session, browser, person, server, submit  # noqa: F401

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")

RUN_AXE = """async () => {
  const result = await axe.run(document, {iframes: false, resultTypes: ["violations"]});
  return {version: axe.version, rules: result.passes.length + result.violations.length + result.incomplete.length,
    violations: result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary.replace(/\\s+/g, " "))}))};
}"""


@pytest.fixture(scope="session")
def axe_js(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    given = os.environ.get("ISOLEDGER_AXE_JS")
    if given:
        return Path(given).read_text(encoding="utf-8")
    cache = getattr(request.config, "cache", None)
    home = Path(cache.mkdir("axe-core-4")) if cache is not None else tmp_path_factory.mktemp("axe-core-4")
    script = home / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        require(npm is not None, "npm is needed once to install axe-core (or set ISOLEDGER_AXE_JS)")
        assert npm is not None
        done = subprocess.run([npm, "install", "--prefix", str(home), "--no-audit", "--no-fund", "--no-save",
                               "--no-package-lock", "--loglevel=error", "axe-core@4"],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0 and script.exists(), f"npm install axe-core failed: {done.stderr[-2000:]}"
    return script.read_text(encoding="utf-8")


def check(s: Session, axe: str, path: str | None, label: str, *, refused: bool = False) -> None:
    """Opens ``path`` and fails with axe's own words for every serious or critical violation."""
    if not getattr(s, "axe_ready", False):  # sent once per browser context, run in every page it opens
        s.context.add_init_script(axe)
        s.axe_ready = True  # type: ignore[attr-defined]
    with s.step(f"axe-{label}", refused=refused) as page:
        if path:
            s.go(path)
        audit(page, f"{path or page.url} ({label})")


def audit(page: Any, where: str) -> None:
    found = page.evaluate(RUN_AXE)
    assert found["version"].startswith("4.") and found["rules"] > 20, found  # axe really ran
    assert not found["violations"], where + ":\n" + json.dumps(found["violations"], ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def pages(server: tuple[str, Site]) -> dict[str, str]:  # noqa: F811
    """Documents and records in the states whose pages carry the most forms."""
    site = server[1]
    ctx, thuky, giamdoc, vanthu = site.ctx, site.actor("thuky"), site.actor("giamdoc"), site.actor("vanthu")

    def doc(code: str, title: str, kind: str = "procedure") -> str:
        d = ctx.ledger.register_document(thuky, code=code, title=title, kind=kind, department="Văn phòng Sở")
        ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), f"{code}.pdf", d)
        ctx.ledger.create_draft(thuky, d, file=ref.to_dict(), change_summary="Lần đầu")
        return d

    fresh = ctx.ledger.register_document(thuky, code="AX-00", title="Chưa có dự thảo", kind="form",
                                         department="Văn phòng Sở")
    draft = doc("AX-01", "Quy trình đang soạn")
    submitted = doc("AX-02", "Quy trình chờ phê duyệt")
    ctx.ledger.submit_for_review(thuky, submitted, 1, reviewers=["truongphong"], approver="giamdoc")
    approved = doc("AX-03", "Quy trình chờ ký")
    ctx.ledger.submit_for_review(thuky, approved, 1, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(giamdoc, approved, 1)
    issued = doc("AX-04", "Biểu mẫu đang hiệu lực", kind="form")
    ctx.ledger.submit_for_review(thuky, issued, 1, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(giamdoc, issued, 1)
    ctx.ledger.issue(thuky, issued, 1, effective_from="2026-01-05", distribution=["leadership"])
    rec = ctx.ledger.open_record(vanthu, code="AX-HS-01", title="Hồ sơ kiểm tra truy cập", series="Kiểm tra",
                                 retention_years=1, legal_basis="Thông tư 10/2022/TT-BNV")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "Biên bản.pdf", rec)
    ctx.ledger.add_file(vanthu, rec, file=ref.to_dict(), description="Biên bản")
    ctx.ledger.close_record(vanthu, rec, closed_on="2019-12-31")
    ctx.ledger.lend(vanthu, rec, borrower="danhgia", purpose="Đánh giá", due_on="2099-01-31",
                    approved_by="giamdoc")
    ctx.after_command()
    return {"fresh": fresh, "draft": draft, "submitted": submitted, "approved": approved, "issued": issued,
            "record": rec}


def test_signed_out_pages(browser: Any, server: tuple[str, Site], axe_js: str) -> None:  # noqa: F811
    s = Session(browser, server[0])
    try:
        check(s, axe_js, "/login", "login")
        check(s, axe_js, "/cong-khai/so-khcn-a", "public")
        check(s, axe_js, "/cong-khai/so-khcn-a?q=khong+co+gi", "public-empty")
        with s.step("axe-login-error", refused=True) as page:
            s.go("/login")
            with page.expect_navigation(wait_until="domcontentloaded"):
                page.get_by_role("button", name="Đăng nhập").click()
            page.locator(".field-error", has_text="Hãy nhập tên đăng nhập.").wait_for()
            audit(page, "/login (errors)")
    finally:
        s.close()


CONTROLLER = ["/", "/inbox", "/documents", "/documents?status=all", "/documents/new", "doc:fresh", "doc:draft",
              "doc:issued", "withdraw:issued", "obsolete:issued", "/notifications", "/periodic-reviews"]
LEADER = ["/", "doc:submitted", "doc:approved", "/loans", "/records", "record:record"]
REVIEWER = ["/", "doc:submitted"]
ARCHIVE = ["/", "/records", "/records/new", "record:record", "/loans?overdue=true"]
AUDITOR = ["/", "/audit?verify=true", "history:issued", "rhistory:record"]
INSPECTOR = ["/", "/audit"]
PEOPLE_PAGES = [("thuky", CONTROLLER), ("giamdoc", LEADER), ("truongphong", REVIEWER), ("vanthu", ARCHIVE),
                ("danhgia", AUDITOR), ("kiemtra", INSPECTOR), ("chuyenvien", ["/", "/documents"])]


def resolve(spec: str, pages: dict[str, str]) -> str:
    if ":" not in spec:
        return spec
    what, key = spec.split(":")
    return {"doc": "/documents/{}", "withdraw": "/documents/{}/versions/1/withdraw",
            "obsolete": "/documents/{}/obsolete", "history": "/documents/{}/history", "rhistory": "/records/{}/history",
            "record": "/records/{}"}[what].format(pages[key])


@pytest.mark.parametrize(("username", "paths"), PEOPLE_PAGES, ids=[u for u, _ in PEOPLE_PAGES])
def test_signed_in_pages_per_role(browser: Any, server: tuple[str, Site], axe_js: str,  # noqa: F811
                                  pages: dict[str, str], username: str, paths: list[str]) -> None:
    with person(browser, server, username) as s:
        for spec in paths:
            check(s, axe_js, resolve(spec, pages), f"{username}-{spec.replace('/', '_').replace(':', '-')}")


def test_forms_showing_errors_and_conflicts(browser: Any, server: tuple[str, Site], axe_js: str,  # noqa: F811
                                            pages: dict[str, str]) -> None:
    with person(browser, server, "giamdoc") as s:
        check(s, axe_js, resolve("doc:submitted", pages), "leader-before-reject")
        with s.step("axe-reject-without-reason", refused=True) as page:
            submit(page, "Từ chối")
            page.locator(".field-error", has_text="Hãy ghi lý do từ chối").wait_for()
            audit(page, "reject without a reason")
    with person(browser, server, "thuky") as s:
        check(s, axe_js, resolve("withdraw:issued", pages), "withdraw")
        site = server[1]
        site.ctx.ledger.create_draft(site.actor("thuky"), pages["issued"], file=site.ctx.ledger.document(
            pages["issued"])["versions"][0]["file"], change_summary="Sửa đổi lần 1")  # meanwhile
        site.ctx.after_command()
        with s.step("axe-withdraw-conflict", refused=True) as page:
            page.get_by_label("Lý do thu hồi").fill("Sai mẫu")
            submit(page, "Thu hồi phiên bản 1")
            page.get_by_text("Những gì đã thay đổi trong lúc bạn xem:").wait_for()
            audit(page, "withdraw, 409")


def test_english_pages(browser: Any, server: tuple[str, Site], axe_js: str,  # noqa: F811
                       pages: dict[str, str]) -> None:
    with person(browser, server, "danhgia") as s:
        s.go("/lang/en")
        for spec in ["/", "history:issued", "rhistory:record", "/audit"]:
            check(s, axe_js, resolve(spec, pages), f"en-{spec.replace('/', '_').replace(':', '-')}")
