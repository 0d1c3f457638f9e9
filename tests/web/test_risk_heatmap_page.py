"""The risk heat map page (/qms/risks/heatmap): the agency's or one department's open risks in a server-drawn SVG
and a table, readable without JavaScript; another agency's department is not found."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.web.conftest import OTHER, OWN


def _risks(site) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    admin = site.actor("quantri")
    khtc = str(site.ctx.directory.create_department(admin, OWN, code="KHTC", name="Phòng Kế hoạch – Tài chính",
                                                    leader="truongphong")["id"])
    qlkh = str(site.ctx.directory.create_department(admin, OWN, code="QLKH", name="Phòng Quản lý Khoa học")["id"])
    qms, leader = site.ctx.uc.qms, site.actor("truongphong")
    for title, likelihood, impact, dep, who in (("Giải ngân đề tài chậm", 4, 4, khtc, leader),
                                                ("Chứng từ thiếu chữ ký", 4, 4, khtc, leader),
                                                ("Hội đồng nghiệm thu <vắng> & hoãn", 2, 3, qlkh, site.actor("thuky"))):
        opened = qms.open(who, OWN, "risks", values={"year": 2026, "department": dep, "kind": "risk", "title": title,
                                                     "description": "Mô tả", "processes": "Quản lý đề tài"})
        qms.take(who, "risks", opened.id, "assess", values={"likelihood": likelihood, "impact": impact})
    return khtc, qlkh


def _cells(html: str) -> dict[tuple[int, int], int]:
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg, "no inline SVG"
    root = ET.fromstring(svg.group(0))
    return {(int(g.get("data-likelihood")), int(g.get("data-impact"))): int(g.get("data-count"))  # type: ignore[arg-type]
            for g in root.iter("{http://www.w3.org/2000/svg}g")}


def test_the_heat_map_counts_the_agencys_risks_and_one_departments(site, web) -> None:
    khtc, qlkh = _risks(site)
    web.login("chuyenvien")
    page = web.get("/qms/risks/heatmap")
    assert page.status_code == 200, page.text
    cells = _cells(page.text)
    assert len(cells) == 25 and cells[(4, 4)] == 2 and cells[(2, 3)] == 1 and sum(cells.values()) == 3
    assert "Khả năng xảy ra" in page.text and "Hội đồng nghiệm thu &lt;vắng&gt; &amp; hoãn" in page.text
    assert "<script" not in re.search(r"<svg.*?</svg>", page.text, re.S).group(0)  # type: ignore[union-attr]
    one = web.get(f"/qms/risks/heatmap?department_id={khtc}")
    assert one.status_code == 200 and _cells(one.text)[(4, 4)] == 2 and sum(_cells(one.text).values()) == 2
    assert "Phòng Kế hoạch – Tài chính" in one.text and "Chứng từ thiếu chữ ký" in one.text
    assert "Hội đồng nghiệm thu" not in one.text


def test_another_agencys_department_or_heat_map_is_not_found(site, web) -> None:
    _risks(site)
    foreign = str(site.ctx.directory.create_department(site.actor("quantri-b"), OTHER, code="VP",
                                                       name="Văn phòng Sở Tư pháp")["id"])
    web.login("thuky")
    assert web.get(f"/qms/risks/heatmap?department_id={foreign}").status_code == 404
    assert web.get(f"/qms/risks/heatmap?agency={OTHER}").status_code == 404
    web.login("kiemtra")  # the inspector of the supervising agency sees the agency it supervises
    seen = web.get(f"/qms/risks/heatmap?agency={OWN}")
    assert seen.status_code == 200 and sum(_cells(seen.text).values()) == 3


def test_the_heat_map_needs_sign_in(web) -> None:
    r = web.get("/qms/risks/heatmap", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
