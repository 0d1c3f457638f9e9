"""A search on the register page is ranked, and its pages follow the ranking (a cursor on the rank, then the code)."""

from __future__ import annotations

import html
import re

from tests.web.conftest import Browser, Site


def codes(text: str) -> list[str]:
    return re.findall(r">(BM-\d+)</a>", text)


def link(text: str, label: str) -> str:
    m = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(label)}</a>', text)
    assert m, f"no link «{label}»"
    return html.unescape(m.group(1))


def test_the_pages_of_a_ranked_search_follow_the_ranking_both_ways(web: Browser, site: Site) -> None:
    thuky = site.actor("thuky")
    for i in range(1, 61):
        site.ctx.ledger.register_document(thuky, code=f"BM-{i:03d}", title=f"Biểu mẫu số {i}", kind="form",
                                          department="Văn phòng")
    site.ctx.ledger.register_document(thuky, code="BM-100", title="Sổ theo dõi biểu mẫu", kind="form",
                                      department="Văn phòng")
    site.ctx.after_command()
    web.login("thuky")
    ranked = [f"BM-{i:03d}" for i in range(1, 10)] + [f"BM-{i:03d}" for i in range(10, 61)] + ["BM-100"]
    first = web.get("/documents?status=all&q=bieu+mau+so").text  # "Sổ theo dõi biểu mẫu": not the phrase, last
    assert codes(first) == ranked[:50] and "Tài liệu 1–50 trên 61" in first
    second = web.get(link(first, "Trang sau ›")).text
    assert codes(second) == ranked[50:] and "Tài liệu 51–61 trên 61" in second
    assert codes(web.get(link(second, "‹ Trang trước")).text) == ranked[:50]
    assert codes(web.get("/documents?status=all&q=BIỂU+MẪU+SỐ+6").text) == ["BM-006", "BM-060"]
