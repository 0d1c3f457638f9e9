"""How a QMS case page reads: what the steps' effects recorded (a context's issues and parties) one item a line
under the fields' labels, choices by their label and people by name, the effects' counters left out; the derived
status named and said in words (a risk's level «Nghiêm trọng», «Không» for a flag), in English with /lang/en."""

from __future__ import annotations

import html

from ledger.actors import Actor
from tests.web.conftest import OWN, Browser, Site

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


def test_a_context_reads_its_issues_and_parties_by_their_labels(site: Site, web: Browser) -> None:
    ledger, secretary = site.ctx.ledger, site.actor("thuky")
    case = ledger.open_case(secretary, "context", values={"year": 2026, "scope": "Toàn bộ TTHC của Sở."})
    ledger.take_step(secretary, case, "add_issue", values={"quadrant": "threat", "category": "finance",
                                                           "description": "Kinh phí bị cắt giảm."})
    ledger.take_step(secretary, case, "add_party", values={"name": "Người dân", "needs": "Thủ tục nhanh.",
                                                           "monitoring": "Khảo sát hằng năm."})
    site.ctx.after_command()
    web.login("thuky")
    page = html.unescape(web.get(f"/qms/context/{case}").text)
    assert "V1 — Nhóm SWOT: Thách thức (T); Nguồn: bên ngoài; Lĩnh vực: Tài chính; " \
           "Nội dung vấn đề: Kinh phí bị cắt giảm.; Người ghi: Lê Thị Thu Hà" in page
    assert "B1 — Bên quan tâm: Người dân; Nhu cầu và mong đợi: Thủ tục nhanh." in page
    assert "<dt>Các vấn đề</dt>" in page and "<dt>Các bên quan tâm</dt>" in page
    assert "quadrant:" not in page and "issue_seq" not in page and "by: thuky" not in page
    assert "Theo nhóm SWOT" in page and "Thách thức: 1" in page  # the derived counts, named
    web.get("/lang/en?next=/")
    english = html.unescape(web.get(f"/qms/context/{case}").text)
    assert "V1 — SWOT quadrant: Threat (T); Origin: external; Category: Finance" in english


def test_a_risks_derived_status_is_said_in_words(site: Site, web: Browser) -> None:
    dep = str(site.ctx.directory.create_department(ADMIN, OWN, code="KHTC", name="Phòng Kế hoạch - Tài chính",
                                                   leader="truongphong")["id"])
    leader = site.actor("truongphong")
    risk = site.ctx.ledger.open_case(leader, "risk", values={
        "year": 2026, "department": dep, "kind": "risk", "title": "Quá tải hồ sơ", "description": "Quý IV.",
        "processes": "Một cửa"})
    site.ctx.ledger.take_step(leader, risk, "assess", values={"likelihood": 4, "impact": 4})
    site.ctx.after_command()
    web.login("truongphong")
    page = html.unescape(web.get(f"/qms/risks/{risk}").text)
    assert '<dt>Mức rủi ro <span class="muted">(tính từ dữ liệu)</span></dt><dd data-derived="level">Nghiêm trọng' \
        in page
    assert '<dd data-derived="reassessment_due">Không</dd>' in page
    assert '<dd data-derived="score">16</dd>' in page
