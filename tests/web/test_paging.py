"""Long lists come in pages: the document and record registers (a cursor on the code) and a timeline (by event
number), with links to the first, previous, next (and last) pages that keep the filters."""

from __future__ import annotations

import html
import re

from api.web import paging
from tests.web.conftest import Browser, Site


def codes(text: str, prefix: str) -> list[str]:
    return re.findall(rf">({prefix}-\d+)</a>", text)


def link(text: str, label: str) -> str:
    m = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(label)}</a>', text)
    assert m, f"no link «{label}»"
    return html.unescape(m.group(1))


def test_the_document_register_pages_by_code_and_keeps_the_filters(web: Browser, site: Site) -> None:
    thuky = site.actor("thuky")
    for i in range(1, 121):
        site.ctx.ledger.register_document(thuky, code=f"BM-{i:03d}", title=f"Biểu mẫu số {i}", kind="form",
                                          department="Văn phòng")
    site.ctx.ledger.register_document(thuky, code="QT-001", title="Quy trình", kind="procedure", department="VP")
    site.ctx.after_command()
    web.login("thuky")
    first = web.get("/documents?status=all&kind=form").text
    assert codes(first, "BM") == [f"BM-{i:03d}" for i in range(1, 51)] and "QT-001" not in first
    assert "Tài liệu 1–50 trên 120" in first and "Trang trước" not in first
    second_url = link(first, "Trang sau ›")
    assert "status=all" in second_url and "kind=form" in second_url and "after=BM-050" in second_url
    second = web.get(second_url).text
    assert codes(second, "BM") == [f"BM-{i:03d}" for i in range(51, 101)] and "Tài liệu 51–100 trên 120" in second
    third = web.get(link(second, "Trang sau ›")).text
    assert codes(third, "BM") == [f"BM-{i:03d}" for i in range(101, 121)] and "Trang sau" not in third
    back = web.get(link(third, "‹ Trang trước")).text  # walking back gives the same page as walking forward
    assert codes(back, "BM") == codes(second, "BM") and "Tài liệu 51–100 trên 120" in back
    assert codes(web.get(link(back, "‹ Trang trước")).text, "BM") == codes(first, "BM")
    assert codes(web.get(link(third, "« Trang đầu")).text, "BM") == codes(first, "BM")
    assert len(codes(web.get("/documents?status=all&q=bieu+mau+so+11").text, "BM")) == 11  # 11, 110..119
    assert 'aria-label="Phân trang"' not in web.get("/documents?status=all&q=bieu+mau+so+11").text


def test_the_record_register_pages_too(web: Browser, site: Site) -> None:
    vanthu = site.actor("vanthu")
    for i in range(1, paging.PAGE_SIZE + 6):
        site.ctx.ledger.open_record(vanthu, code=f"HS-{i:03d}", title=f"Hồ sơ {i}", series="Công văn",
                                    retention_years=5, legal_basis="Thông tư 10/2022/TT-BNV")
    site.ctx.after_command()
    web.login("vanthu")
    first = web.get("/records?status=open").text
    assert len(codes(first, "HS")) == paging.PAGE_SIZE and "55 hồ sơ" in first
    second = web.get(link(first, "Trang sau ›")).text
    assert codes(second, "HS") == [f"HS-{i:03d}" for i in range(51, 56)] and "Hồ sơ 51–55 trên 55" in second
    assert "status=open" in link(second, "‹ Trang trước")


def test_a_long_timeline_pages_by_event_number(web: Browser, site: Site) -> None:
    vanthu = site.actor("vanthu")
    rec = site.ctx.ledger.open_record(vanthu, code="HS-01", title="Hồ sơ thanh tra", series="Thanh tra",
                                      retention_years=10, legal_basis="Luật Thanh tra")
    for i in range(30):
        site.ctx.ledger.place_hold(vanthu, rec, reason=f"Thanh tra đợt {i + 1}")
        site.ctx.ledger.release_hold(vanthu, rec)
    site.ctx.after_command()  # 61 events
    web.login("danhgia")
    first = web.get(f"/records/{rec}/history").text
    assert first.count("data-event=") == paging.TIMELINE_PAGE and "(61 sự kiện)" in first
    assert "Sự kiện 1–50 trên 61" in first and "Trang trước" not in first
    last = web.get(link(first, "Trang cuối »")).text
    assert last.count("data-event=") == 11 and '<ol class="timeline" start="51">' in last
    assert link(first, "Trang sau ›").endswith("?start=51")
    assert "Thanh tra đợt 30" in last and "Thanh tra đợt 30" not in first
    moved = web.get(f"/records/{rec}/history?day=01/01/2020&start=51")  # the date filter stays on every link
    assert moved.status_code == 200 and "day=01%2F01%2F2020" in link(moved.text, "« Trang đầu")
