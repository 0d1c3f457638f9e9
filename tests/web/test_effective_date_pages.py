"""The register, the document page, the withdraw page, the history and the public page show a version issued for
a later day as "issued, not yet in force" and the previous one as in force until that day (Vietnam time)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from signing.testing import sample_pdf
from tests.factories import OWN
from tests.web.conftest import Browser, Site
from tests.web.test_document_pages import register, version_of

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now


def _approved(site: Site, doc: str, n: int) -> None:
    ctx, thuky = site.ctx, site.actor("thuky")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1, f"BM-01 lan {n}")), f"Phiếu lần {n}.pdf", doc)
    ctx.ledger.create_draft(thuky, doc, file=ref.to_dict(), change_summary=f"Lần {n}")
    ctx.ledger.submit_for_review(thuky, doc, n, reviewers=[], approver="giamdoc")
    ctx.ledger.approve(site.actor("giamdoc"), doc, n)


def _form_with_a_new_version_waiting(web: Browser, site: Site) -> tuple[str, Clock]:
    clock = Clock()
    site.ctx.ledger.clock = clock
    web.login("thuky")
    doc = register(web, "BM-01", "Phiếu đề nghị cấp tài liệu", "form")
    thuky = site.actor("thuky")
    _approved(site, doc, 1)
    site.ctx.ledger.issue(thuky, doc, 1, effective_from="2026-03-01", distribution=["leadership"])
    _approved(site, doc, 2)
    site.ctx.ledger.issue(thuky, doc, 2, effective_from="2026-04-01", distribution=["leadership"])
    site.ctx.after_command()
    return doc, clock


def _badge(page: str, n: int) -> str:
    row = re.search(rf'<tr id="v{n}">.*?<span class="badge ([a-z_]+)">([^<]+)</span>', page, re.S)
    assert row, f"no row for version {n}"
    return row.group(2)


def test_the_register_and_the_document_page_show_the_waiting_version_beside_the_one_in_force(web, site):
    doc, clock = _form_with_a_new_version_waiting(web, site)
    register_page = web.get("/documents").text
    row = re.search(rf'href="/documents/{doc}">BM-01</a>.*?</tr>', register_page, re.S)
    assert row, "the document is in force, so the default register lists it"
    assert "Phiên bản 2: đã ban hành, hiệu lực từ 01/04/2026" in row.group(0)
    assert "01/03/2026" in row.group(0)
    assert f'href="/documents/{doc}"' in web.get("/documents?status=upcoming").text
    page = web.get(f"/documents/{doc}").text
    assert re.search(r"data-in-force>1 \(từ ngày 01/03/2026\)", page)
    assert re.search(r"data-upcoming>Phiên bản 2, có hiệu lực từ ngày 01/04/2026", page)
    assert (_badge(page, 1), _badge(page, 2)) == ("Đang hiệu lực", "Đã ban hành, chưa có hiệu lực")

    clock.now = datetime(2026, 4, 1, 0, 0, tzinfo=VN)
    page = web.get(f"/documents/{doc}").text
    assert (_badge(page, 1), _badge(page, 2)) == ("Đã bị thay thế", "Đang hiệu lực")
    assert "data-upcoming" not in page
    assert "đã ban hành, hiệu lực từ" not in web.get("/documents").text


def test_the_public_page_shows_the_version_in_force_not_the_one_waiting(web, site):
    doc, clock = _form_with_a_new_version_waiting(web, site)
    public = web.get(f"/cong-khai/{OWN}").text
    assert "Phiếu đề nghị cấp tài liệu" in public and "01/03/2026" in public and "01/04/2026" not in public
    clock.now = datetime(2026, 4, 1, 0, 0, tzinfo=VN)
    public = web.get(f"/cong-khai/{OWN}").text
    assert "01/04/2026" in public and "01/03/2026" not in public


def test_withdrawing_the_waiting_version_says_the_previous_stays_in_force_and_it_does(web, site):
    doc, _ = _form_with_a_new_version_waiting(web, site)
    url = f"/documents/{doc}/versions/2/withdraw"
    confirm = web.get(url).text
    assert "Phiên bản này đã ban hành nhưng chưa có hiệu lực" in confirm
    assert "Sau khi thu hồi, phiên bản 1 tiếp tục có hiệu lực." in confirm
    r = web.post(url, {"reason": "Cần sửa thêm", "expected_version": version_of(web, doc)}, page=url)
    assert r.status_code == 303, r.text
    page = web.get(f"/documents/{doc}").text
    assert (_badge(page, 1), _badge(page, 2)) == ("Đang hiệu lực", "Đã thu hồi")
    web.login("danhgia")
    history = web.get(f"/documents/{doc}/history").text
    assert "Phiên bản 1 tiếp tục có hiệu lực (phiên bản 2 bị thu hồi trước ngày hiệu lực)" in history


def test_issuing_through_the_page_while_a_version_waits_shows_why_it_cannot(web, site):
    doc, _ = _form_with_a_new_version_waiting(web, site)
    _approved(site, doc, 3)
    url = f"/documents/{doc}/versions/3/issue"
    r = web.post(url, {"effective_from": "01/05/2026", "distribution": "leadership",
                       "expected_version": version_of(web, doc)}, page=f"/documents/{doc}")
    assert r.status_code == 409, r.text[:500]
    assert "Phiên bản 2 đã ban hành, chưa có hiệu lực (từ ngày 01/04/2026)" in r.text
