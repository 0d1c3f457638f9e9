"""The risk heat map is a 5×5 SVG grid drawn on the server: a count per cell from each open risk's latest
assessment, cells coloured by the matrix's levels, Vietnamese axis labels, every text XML-escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from api.web.heatmap import cells_of, risk_svg
from ledger.qms.matrix import OPPORTUNITY_MATRIX_V1, RISK_MATRIX_V1

NS = {"s": "http://www.w3.org/2000/svg"}


def _risk(*assessments: tuple[int, int], kind: str = "risk") -> dict[str, object]:
    keys = ("likelihood", "impact") if kind == "risk" else ("benefit", "effort")
    return {"data": {"kind": kind, "assessments": [{keys[0]: a, keys[1]: b, "level": "x"} for a, b in assessments]}}


def test_each_cell_counts_the_risks_whose_latest_assessment_is_there() -> None:
    cases = [_risk((4, 4)), _risk((4, 4), (2, 3)), _risk((2, 3)), _risk(), _risk((5, 1), kind="opportunity")]
    assert cells_of(cases) == {(2, 3): 2, (4, 4): 1}


def test_the_svg_is_a_five_by_five_grid_with_counts_levels_and_vietnamese_axes() -> None:
    svg = risk_svg({(2, 3): 2, (4, 4): 1}, RISK_MATRIX_V1, title="Phòng Kế hoạch <Tài chính> & \"Quỹ\"")
    root = ET.fromstring(svg)  # well-formed XML: the title's < > & " are escaped
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("data-total") == "3"
    assert root.find("s:title", NS).text == "Phòng Kế hoạch <Tài chính> & \"Quỹ\""  # type: ignore[union-attr]
    cells = root.findall("s:g", NS)
    assert len(cells) == 25
    by_cell = {(int(c.get("data-likelihood")), int(c.get("data-impact"))): c for c in cells}  # type: ignore[arg-type]
    assert set(by_cell) == {(r, c) for r in range(1, 6) for c in range(1, 6)}
    assert by_cell[(2, 3)].get("data-count") == "2" and by_cell[(4, 4)].get("data-count") == "1"
    assert sum(int(c.get("data-count")) for c in cells) == 3  # type: ignore[arg-type]
    assert by_cell[(4, 4)].get("data-level") == "critical" and by_cell[(1, 1)].get("data-level") == "low"
    assert [t.text for t in by_cell[(2, 3)].findall("s:text", NS)] == ["2"]
    assert by_cell[(1, 1)].findall("s:text", NS) == []  # an empty cell shows no number
    assert "Khả năng xảy ra 2 × Mức độ ảnh hưởng 3 — Trung bình: 2 rủi ro" in by_cell[(2, 3)].find("s:title", NS).text  # type: ignore[operator,union-attr]
    axes = {t.get("data-axis"): t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("data-axis")}
    assert axes == {"rows": "Khả năng xảy ra →", "columns": "Mức độ ảnh hưởng →"}
    legend = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("data-legend")]
    assert legend == ["Thấp", "Trung bình", "Cao", "Nghiêm trọng"]
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_english_heat_map_names_its_axes_in_english() -> None:
    root = ET.fromstring(risk_svg({}, RISK_MATRIX_V1, title="Risk heat map", lang="en"))
    axes = {t.get("data-axis"): t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("data-axis")}
    assert axes == {"rows": "Likelihood →", "columns": "Impact →"} and root.get("data-total") == "0"


def test_an_opportunity_matrix_colours_little_effort_as_more_worthwhile() -> None:
    root = ET.fromstring(risk_svg({}, OPPORTUNITY_MATRIX_V1, title="Cơ hội"))
    levels = {(int(c.get("data-likelihood")), int(c.get("data-impact"))): c.get("data-level")  # type: ignore[arg-type]
              for c in root.findall("s:g", NS)}
    assert (levels[(5, 1)], levels[(5, 5)], levels[(1, 5)]) == ("critical", "medium", "low")
