"""People are picked on the pages: pickers list the agency's accounts by full name and department (no script, no
free text), an outsider is chosen as such; pages show full names, not usernames."""

from __future__ import annotations

import io
import re

from api.web.people import EXTERNAL
from ledger.actors import Actor
from signing.testing import sample_pdf
from tests.web.conftest import OWN, Browser, Site
from tests.web.test_document_ending import issued_form
from tests.web.test_record_pages import open_record

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


def options(page: str, name: str) -> dict[str, str]:
    """value -> text of the options of the <select name=...> on the page."""
    m = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert m, f"no picker {name}"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', m.group(1)))


def placed(site: Site) -> str:
    """A department of OWN with its leader and one member, so the pickers can name it."""
    dep = site.ctx.directory.create_department(ADMIN, OWN, code="P-QLKH", name="Phòng Quản lý khoa học",
                                               leader="truongphong")
    for who in ("truongphong", "danhgia"):
        site.ctx.directory.move_to_department(ADMIN, who, dep["id"])
    site.ctx.directory.move_to_department(ADMIN, "giamdoc", "leadership")
    site.ctx.after_command()
    return str(dep["id"])


def test_the_loan_form_picks_the_borrower_and_the_approver_by_name_and_department(web: Browser, site: Site) -> None:
    placed(site)
    web.login("vanthu")
    rec = open_record(web)
    page = web.get(f"/records/{rec}").text
    assert not re.search(r'<input[^>]*name="(borrower|approved_by)"', page)  # not typed
    borrowers = options(page, "borrower")
    assert borrowers["danhgia"] == "Võ Thành Đạt — Phòng Quản lý khoa học"
    assert borrowers["giamdoc"] == "Nguyễn Văn Ánh — Ban lãnh đạo"
    assert EXTERNAL in borrowers and 'name="borrower_name"' in page and 'name="borrower_organisation"' in page
    assert set(options(page, "approved_by")) == {"", "giamdoc", "truongphong"}  # leaders only
    r = web.post(f"/records/{rec}/lend", {"borrower": "khong-co-ai", "purpose": "Đánh giá", "due_on": "31/12/2099",
                                          "approved_by": "giamdoc"}, page=f"/records/{rec}")
    assert r.status_code == 422 and 'id="e-lend-borrower"' in r.text and "khong-co-ai" in r.text
    r = web.post(f"/records/{rec}/lend", {"borrower": "danhgia", "purpose": "Đánh giá", "due_on": "31/12/2099",
                                          "approved_by": "giamdoc"}, page=f"/records/{rec}")
    assert r.status_code == 303, r.text
    shown = web.get(f"/records/{rec}").text
    assert re.search(r"data-loan>Võ Thành Đạt —", shown) and "danhgia" not in re.search(
        r"data-loan>(.*?)</dd>", shown, re.S).group(1)  # type: ignore[union-attr]
    assert "Võ Thành Đạt" in web.get("/loans").text


def test_an_outsider_borrows_and_is_shown_as_such_in_the_record_and_the_loans(web: Browser, site: Site) -> None:
    web.login("vanthu")
    rec = open_record(web)
    r = web.post(f"/records/{rec}/lend", {"borrower": EXTERNAL, "borrower_name": "", "purpose": "Thanh tra",
                                          "due_on": "31/12/2099", "approved_by": "giamdoc"}, page=f"/records/{rec}")
    assert r.status_code == 422 and 'id="e-lend-borrower"' in r.text and "họ tên người ngoài cơ quan" in r.text
    r = web.post(f"/records/{rec}/lend", {"borrower": EXTERNAL, "borrower_name": "Nguyễn Thị Hoa",
                                          "borrower_organisation": "Thanh tra tỉnh Trà Vinh", "purpose": "Thanh tra",
                                          "due_on": "31/12/2099", "approved_by": "giamdoc"}, page=f"/records/{rec}")
    assert r.status_code == 303, r.text
    outsider = "Nguyễn Thị Hoa (Thanh tra tỉnh Trà Vinh) — ngoài cơ quan"
    assert outsider in web.get(f"/records/{rec}").text
    assert outsider in web.get("/loans").text
    loan = next(e for e in site.ctx.ledger.history(rec) if e["type"] == "Borrowed")
    assert loan["data"]["borrower"] == {"external": {"name": "Nguyễn Thị Hoa",
                                                     "organisation": "Thanh tra tỉnh Trà Vinh"}}


def test_a_destruction_names_its_council_and_witnesses_from_the_agency_and_outside(web: Browser, site: Site) -> None:
    web.login("vanthu")
    rec = open_record(web)
    assert web.post(f"/records/{rec}/close", {"closed_on": "31/12/2019"}).status_code == 303
    assert web.post(f"/records/{rec}/destruction/propose", {"reason": "Hết hạn"}).status_code == 303
    web.login("giamdoc")
    page = web.get(f"/records/{rec}").text
    assert set(options(page, "decided_by")) == {"", "giamdoc"}
    assert "Nguyễn Văn Ánh" in options(page, "council")["giamdoc"]
    r = web.post(f"/records/{rec}/destruction/approve", {"decision_no": "45/QĐ", "decided_by": "giamdoc"})
    assert r.status_code == 422 and 'id="e-approve_destruction-council"' in r.text
    r = web.post(f"/records/{rec}/destruction/approve", {
        "decision_no": "45/QĐ", "decided_by": "giamdoc", "council": ["giamdoc", "vanthu"],
        "council_external": "Lê Văn Tâm (Chi cục Văn thư - Lưu trữ tỉnh)"})
    assert r.status_code == 303, r.text
    web.login("vanthu")
    r = web.client.post(f"/records/{rec}/destruction/execute",
                        data={"csrf": web.csrf(), "executed_by": "vanthu", "witnesses": "danhgia",
                              "witnesses_external": "Trần Văn Hùng (Công an phường 1)", "method": "shredding"},
                        files={"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(sample_pdf(1)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    shown = web.get(f"/records/{rec}").text
    decided = re.search(r"data-decided>(.*?)</dd>", shown, re.S).group(1)  # type: ignore[union-attr]
    assert "Nguyễn Văn Ánh" in decided and "Đặng Minh Khoa" in decided
    assert "Lê Văn Tâm (Chi cục Văn thư - Lưu trữ tỉnh) — ngoài cơ quan" in decided
    executed = re.search(r"data-executed>(.*?)</dd>", shown, re.S).group(1)  # type: ignore[union-attr]
    assert "Đặng Minh Khoa" in executed and "Võ Thành Đạt" in executed
    assert "Trần Văn Hùng (Công an phường 1) — ngoài cơ quan" in executed


def test_the_document_page_shows_full_names_and_distributes_to_departments_picked(web: Browser, site: Site) -> None:
    dep = placed(site)
    doc = issued_form(web, site)
    page = web.get(f"/documents/{doc}").text
    assert "Phê duyệt: Nguyễn Văn Ánh" in page and "Phê duyệt: giamdoc" not in page
    assert re.search(r"data-distribution>Ban lãnh đạo<", page)
    ctx, thuky = site.ctx, site.actor("thuky")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "Phiếu.pdf", doc)
    ctx.ledger.create_draft(thuky, doc, file=ref.to_dict(), change_summary="Lần hai")
    ctx.ledger.submit_for_review(thuky, doc, 2, reviewers=["truongphong"], approver="giamdoc")
    ctx.ledger.review(site.actor("truongphong"), doc, 2, verdict="agree")
    ctx.ledger.approve(site.actor("giamdoc"), doc, 2)
    ctx.after_command()
    page = web.get(f"/documents/{doc}").text
    assert "Trần Quốc Bảo: " in page  # the reviewer by name
    recipients = options(page, "distribution")
    assert recipients[dep] == "Phòng Quản lý khoa học" and recipients["leadership"] == "Ban lãnh đạo"
    assert recipients["danhgia"] == "Võ Thành Đạt — Phòng Quản lý khoa học"
    r = web.post(f"/documents/{doc}/versions/2/issue", {"effective_from": "05/02/2026",
                                                        "distribution": ["khong-co-ai"]}, page=f"/documents/{doc}")
    assert r.status_code == 422 and "khong-co-ai" in r.text and 'id="e-issue-distribution"' in r.text
    r = web.post(f"/documents/{doc}/versions/2/issue", {"effective_from": "05/02/2026",
                                                        "distribution": [dep, "danhgia"]}, page=f"/documents/{doc}")
    assert r.status_code == 303, r.text
    shown = web.get(f"/documents/{doc}").text
    assert re.search(r"data-distribution>Phòng Quản lý khoa học; Võ Thành Đạt<", shown)
