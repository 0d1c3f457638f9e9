"""The QMS pages generated from the declarations, without a browser: the index, a process's list, a case with its
trail, diagram and step forms, refusals beside their field, the QMS inbox on the home page, and who sees what."""

from __future__ import annotations

import re

import pytest

from tests.factories import OWN
from tests.pdfs import padded_pdf
from tests.web.conftest import Browser, Site

STATEMENT = "Lấy sự hài lòng của người dân và doanh nghiệp làm thước đo chất lượng phục vụ."


def open_policy(web: Browser, year: str = "2026") -> str:
    r = web.post("/qms/policies/new", {"year": year, "statement": STATEMENT})
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).split("/qms/policies/")[1].split("?")[0]


def forms_on(html: str) -> list[str]:
    """The steps the page offers a form for (their action's last part)."""
    return re.findall(r'<form method="post" action="/qms/[a-z_]+/[0-9a-f-]+/([a-z_]+)"', html)


def error_beside(html: str, step: str, field: str) -> str:
    m = re.search(rf'<p class="field-error" id="e-{step}-{field}">([^<]+)</p>', html)
    assert m, f"no error beside {step}.{field}"
    return m.group(1)


@pytest.mark.parametrize("path", ["/qms", "/qms/policies", "/qms/policies/new"])
def test_the_qms_pages_need_sign_in(web: Browser, path: str) -> None:
    r = web.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_the_secretary_drafts_a_policy_through_the_form_generated_from_its_opening_step(web: Browser) -> None:
    web.login("thuky")
    home = web.get("/").text
    assert 'href="/qms"' in home and "Quy trình ISO" in home  # the menu entry
    form = web.get("/qms/policies/new").text
    for label in ("Năm", "Nội dung chính sách", "Cam kết (đáp ứng yêu cầu, cải tiến liên tục)", "Văn bản ban hành"):
        assert f">{label}" in form, label
    case_id = open_policy(web)
    page = web.get(f"/qms/policies/{case_id}?ok=draft").text
    assert "Đã ghi nhận bước «Soạn dự thảo»." in page
    assert '<span class="badge qms-draft" data-state="draft">Dự thảo</span>' in page
    assert "<dt>Nội dung chính sách</dt>" in page and STATEMENT in page
    assert re.search(r"<td[^>]*>Lê Thị Thu Hà</td>\s*<td[^>]*>Thư ký ISO</td>\s*<td[^>]*>\d\d/\d\d/20\d\d "
                     r"\d\d:\d\d:\d\d</td>", page)
    assert forms_on(page) == ["revise", "submit"]  # the secretary's steps from a draft, nothing else
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert re.search(r'<title>draft</title>\s*<path fill="#ffd54f"', svg), "the current state is not highlighted"
    assert ">Trình phê duyệt</text>" in svg


def test_a_refused_step_shows_its_vietnamese_message_beside_the_field(web: Browser) -> None:
    web.login("thuky")
    case_id = open_policy(web)
    r = web.post(f"/qms/policies/{case_id}/revise", {"statement": "  "})
    assert r.status_code == 422
    assert error_beside(r.text, "revise", "statement") == "«Nội dung chính sách» không được để trống."
    assert forms_on(r.text) == ["revise", "submit"]
    assert web.post(f"/qms/policies/{case_id}/submit", {}).status_code == 303
    web.login("giamdoc")
    r = web.post(f"/qms/policies/{case_id}/return", {"reason": ""})
    assert r.status_code == 422 and "Hãy ghi lý do" in error_beside(r.text, "return", "reason")
    r = web.post(f"/qms/policies/{case_id}/approve", {})
    assert r.status_code == 409  # no formal document signed for approval by this leader
    assert re.search(r'action="/qms/policies/[^"]+/approve".*?<p class="field-error">Cần văn bản chính thức đã ký '
                     r"phê duyệt", r.text, re.S)


def test_a_stale_form_is_refused_and_says_someone_changed_the_case(web: Browser) -> None:
    web.login("thuky")
    case_id = open_policy(web)
    r = web.post(f"/qms/policies/{case_id}/submit", {"expected_version": "7"})
    assert r.status_code == 409 and "đã được người khác thay đổi" in r.text


def test_the_leader_finds_the_submitted_policy_under_qms_steps_waiting(web: Browser) -> None:
    web.login("thuky")
    case_id = open_policy(web)
    web.post(f"/qms/policies/{case_id}/submit", {})
    web.login("giamdoc")
    home = web.get("/").text
    box = home[home.index("Việc QMS chờ xử lý"):]
    assert f'href="/qms/policies/{case_id}"' in box
    assert "Chính sách chất lượng năm 2026 — Trình phê duyệt: Trả lại để sửa, Phê duyệt" in box
    assert f'href="/qms/policies/{case_id}"' in web.get("/inbox").text
    page = web.get(f"/qms/policies/{case_id}").text
    assert forms_on(page) == ["return", "approve"]
    r = web.post(f"/qms/policies/{case_id}/return", {"reason": "Bổ sung cam kết chuyển đổi số"})
    assert r.status_code == 303
    assert f'href="/qms/policies/{case_id}"' not in web.get("/").text  # back with the secretary
    page = web.get(f"/qms/policies/{case_id}").text
    assert "<td data-label=\"Lý do\">Bổ sung cam kết chuyển đổi số</td>" in page and "Nguyễn Văn Ánh" in page


def test_the_index_counts_each_state_and_the_list_filters(web: Browser) -> None:
    web.login("thuky")
    drafted = open_policy(web, "2026")
    submitted = open_policy(web, "2027")
    web.post(f"/qms/policies/{submitted}/submit", {})
    index = web.get("/qms").text
    assert '<dd data-state="draft">1</dd>' in index and '<dd data-state="submitted">1</dd>' in index
    assert "28/02/20" in index and "Công bố chính sách chất lượng" in index  # the year's deadline
    listed = web.get("/qms/policies?state=submitted").text
    assert submitted in listed and drafted not in listed
    listed = web.get("/qms/policies?year=2026").text
    assert drafted in listed and submitted not in listed
    assert "Chưa có mục nào khớp." in web.get("/qms/policies?year=2025").text


def test_another_agency_gets_404_and_the_inspector_reads_without_forms(web: Browser) -> None:
    web.login("thuky")
    case_id = open_policy(web)
    web.login("thuky-b")
    assert web.get(f"/qms/policies/{case_id}").status_code == 404
    assert web.post(f"/qms/policies/{case_id}/submit", {}).status_code == 404
    assert web.get(f"/qms?agency={OWN}").status_code == 404
    assert case_id not in web.get("/qms/policies").text
    web.login("kiemtra")  # the supervising agency's inspector
    page = web.get(f"/qms/policies/{case_id}")
    assert page.status_code == 200 and forms_on(page.text) == []
    assert web.post(f"/qms/policies/{case_id}/submit", {}).status_code in (403, 404)
    assert case_id in web.get(f"/qms/policies?agency={OWN}").text
    assert web.get("/qms/policies/new").status_code == 403
    web.login("chuyenvien")  # staff read, and take no step of the policy
    page = web.get(f"/qms/policies/{case_id}")
    assert page.status_code == 200 and forms_on(page.text) == []


def test_the_forms_need_their_csrf_token(web: Browser, site: Site) -> None:
    web.login("thuky")
    r = web.client.post("/qms/policies/new", data={"year": "2026", "statement": STATEMENT}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    assert "Chưa có mục nào khớp." in web.get("/qms/policies").text


def test_the_pages_read_in_english(web: Browser) -> None:
    web.login("thuky")
    case_id = open_policy(web)
    web.get("/lang/en?next=/")
    page = web.get(f"/qms/policies/{case_id}").text
    assert ">Draft</span>" in page and ">Revise</h2>" in page and "Policy statement" in page
    assert ">Submitted</text>" in page  # the diagram drawn in English
    assert "Quality policy" in web.get("/qms").text


def signed_document(site: Site) -> str:
    """A policy document approved, signed for approval by the leader and issued, straight through the ledger."""
    from tests.factories import CERT

    ledger, secretary, leader = site.ctx.ledger, site.actor("thuky"), site.actor("giamdoc")
    ref = site.services.archive.put(__import__("io").BytesIO(padded_pdf(title="chinh sach")), "Chính sách.pdf", "qms")
    doc = ledger.register_document(secretary, code="CSCL-2026", title="Chính sách chất lượng năm 2026",
                                   kind="quality_policy", department="Văn phòng")
    ledger.create_draft(secretary, doc, file=ref.to_dict(), change_summary="Năm 2026")
    ledger.submit_for_review(secretary, doc, 1, reviewers=[], approver="giamdoc")
    ledger.approve(leader, doc, 1)
    ledger.record_signature(leader, doc, 1, meaning="approval", signed_file=ref.to_dict(), certificate=CERT,
                            pades_level="B-B", signing_time=ledger.clock().isoformat(), timestamp_time=None)
    ledger.issue(secretary, doc, 1, effective_from=ledger.today().isoformat(), distribution=["leadership"])
    site.services.projector.catch_up()
    return doc


def test_the_signed_policy_is_approved_and_published_and_then_waits_on_nobody(web: Browser, site: Site) -> None:
    doc = signed_document(site)
    web.login("thuky")
    case_id = open_policy(web)
    page = web.get(f"/qms/policies/{case_id}").text
    assert f'<option value="{doc}">CSCL-2026 — Chính sách chất lượng năm 2026</option>' in page
    assert web.post(f"/qms/policies/{case_id}/submit", {"document": doc}).status_code == 303
    web.login("giamdoc")
    page = web.get(f"/qms/policies/{case_id}").text
    assert f'<a href="/documents/{doc}">CSCL-2026 — Chính sách chất lượng năm 2026</a>' in page
    assert f'<a href="/documents/{doc}">Mở văn bản ban hành để ký số →</a>' in page
    assert web.post(f"/qms/policies/{case_id}/approve", {}).status_code == 303
    web.login("thuky")
    assert web.post(f"/qms/policies/{case_id}/publish", {}).status_code == 303
    assert ">Đã công bố</span>" in web.get(f"/qms/policies/{case_id}").text
    web.login("giamdoc")  # only withdrawing is left: a step that ends the policy is not work waiting
    assert f'href="/qms/policies/{case_id}"' not in web.get("/").text
    assert forms_on(web.get(f"/qms/policies/{case_id}").text) == ["withdraw"]
