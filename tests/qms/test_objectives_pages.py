"""The objectives drawn and shown: the server-side SVG chart of one objective and a department's small multiple
(parsed as XML: points, target line, Vietnamese labels escaped), the secretary's planning page for the year and a
department's page, as the API tests' world signs in to them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.web.charts import department_chart, number, objective_chart
from ledger.qms.processes.objectives import OBJECTIVES
from tests.api.conftest import PASSWORD
from tests.pdfs import padded_pdf
from tests.qms.objectives_setup import Year, objective, planning_year

QUARTER_PDF = padded_pdf(title="quy I")

SVG = "{http://www.w3.org/2000/svg}"


def _objective(title: str = "MT-01 — Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", **data: Any) -> dict[str, Any]:
    values = {"year": 2026, "direction": "increase", "baseline": 95, "target": 98, "frequency": "quarterly",
              "unit": "%", "measurements": [{"period": "Q1", "value": 96}, {"period": "Q2", "value": 97.5},
                                            {"period": "Q3", "value": 97.3}]} | data
    from datetime import date

    return {"id": "o-1", "title": title, "data": values, "derived": OBJECTIVES.derive(values, date(2026, 10, 15))}


def _points(svg: ET.Element) -> list[tuple[str, float, float]]:
    return [(c.get("data-period", ""), float(c.get("data-value", "0")), float(c.get("cy", "0")))
            for c in svg.iter(f"{SVG}circle")]


def _texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_the_chart_plots_each_measured_period_against_the_target_line() -> None:
    svg = ET.fromstring(objective_chart(_objective()))
    points = _points(svg)
    assert [(p, v) for p, v, _ in points] == [("Q1", 96.0), ("Q2", 97.5), ("Q3", 97.3)]
    by = {p: y for p, _, y in points}
    assert by["Q2"] < by["Q3"] < by["Q1"]  # higher values sit higher (smaller y)
    target = next(e for e in svg.iter(f"{SVG}line") if e.get("class") == "target")
    assert float(target.get("data-value", "0")) == 98 and float(target.get("y1", "0")) < by["Q2"]
    texts = _texts(svg)
    assert {"Quý I", "Quý II", "Quý III", "Quý IV"} <= set(texts)
    assert "Chỉ tiêu 98 %" in texts and "97,5" in texts and "Đúng tiến độ" in texts
    assert [t.text for t in svg.iter(f"{SVG}title")][2:] == ["Quý I: 96 %", "Quý II: 97,5 %", "Quý III: 97,3 %"]


def test_the_chart_escapes_what_it_is_given_and_speaks_english_when_asked() -> None:
    drawn = objective_chart(_objective(title='MT-09 — "Giảm" <khiếu nại> & phản ánh', direction="decrease",
                                       baseline=12, target=4, unit="vụ <tháng>",
                                       measurements=[{"period": "Q1", "value": 9}]), lang="en")
    svg = ET.fromstring(drawn)  # parses: every text was escaped
    assert 'MT-09 — "Giảm" <khiếu nại> & phản ánh' in _texts(svg)
    assert "Target 4 vụ <tháng>" in _texts(svg) and "Q1" in _texts(svg)
    assert svg.get("aria-label", "").startswith("Measurements against target: MT-09")
    assert "<script" not in drawn and "http" not in drawn.replace("http://www.w3.org/2000/svg", "")


def test_an_objective_without_measurements_says_so() -> None:
    svg = ET.fromstring(objective_chart(_objective(measurements=[])))
    assert _points(svg) == [] and "Chưa có số liệu đo" in _texts(svg)
    assert number(98.5) == "98,5" and number(98.5, "en") == "98.5" and number(100.0) == "100"


def test_the_small_multiple_draws_one_panel_per_objective_of_the_department() -> None:
    objs = [_objective(), _objective("MT-02 — 100% nhiệm vụ KH&CN nghiệm thu đúng hạn", frequency="half_yearly",
                                     baseline=90, target=100, measurements=[{"period": "H1", "value": 80}]),
            _objective("MT-03 — Duy trì mức hài lòng", direction="maintain", baseline=90, target=90,
                       frequency="monthly", measurements=[{"period": f"M{m:02d}", "value": 91} for m in range(1, 10)])]
    svg = ET.fromstring(department_chart(objs, "Phòng Kế hoạch - Tài chính"))
    panels = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "objective"]
    assert [g.get("data-status") for g in panels] == ["on_track", "at_risk", "on_track"]
    assert [len(list(g.iter(f"{SVG}circle"))) for g in panels] == [3, 1, 9]
    whole = panels[1].find(f"{SVG}title")
    assert whole is not None and whole.text == "MT-02 — 100% nhiệm vụ KH&CN nghiệm thu đúng hạn — Có nguy cơ không đạt"
    assert "MT-02 — 100% nhiệm vụ KH&CN nghiệm thu …" in _texts(svg)  # shortened to fit its panel
    assert svg.get("aria-label") == "Mục tiêu chất lượng của Phòng Kế hoạch - Tài chính"
    assert ET.fromstring(department_chart([], "Phòng Trống")).get("aria-label", "").endswith("Phòng Trống")


# ---- the pages ----------------------------------------------------------------------------------------------
@pytest.fixture
def year(api, world) -> Year:  # type: ignore[no-untyped-def]
    return planning_year(api.ctx)


def _signed_in(api, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(api.app, raise_server_exceptions=False)
    token = re.search(r'action="/login".*?name="csrf" value="([^"]+)"', client.get("/login").text, re.S)
    assert token
    r = client.post("/login", data={"csrf": token.group(1), "username": username, "password": PASSWORD,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _year_of_objectives(api, y: Year) -> dict[str, str]:  # type: ignore[no-untyped-def]
    ids = {}
    for code, stop in (("MT-01", "register"), ("MT-02", "allocate"), ("MT-03", None)):
        r = api.call("POST", "/api/v1/agencies/so-khcn-a/objectives", "thuky", json=objective(y, code=code))
        case_id = ids[code] = r.json()["id"]
        steps = [("submit", "thuky", {"document": y.decision}), ("approve", "giamdoc", {}),
                 ("allocate", "giamdoc", {"department": y.planning, "owner": "chuyenvien"}),
                 ("register", "truongphong", {})]
        for step, user, body in steps if stop else []:
            assert api.call("POST", f"/api/v1/objectives/{case_id}/{step}", user, json=body).status_code == 200
            if step == stop:
                break
    up = api.call("POST", f"/api/v1/objectives/{ids['MT-01']}/files", "chuyenvien",
                  files={"file": ("Báo cáo quý I.pdf", QUARTER_PDF, "application/pdf")}).json()
    assert api.call("POST", f"/api/v1/objectives/{ids['MT-01']}/measurements", "chuyenvien",
                    json={"period": "Q1", "value": 96.4, "evidence": up}).status_code == 200
    return ids


def test_the_planning_page_shows_the_policy_and_each_objective_against_its_deadline(api, year) -> None:
    ids = _year_of_objectives(api, year)
    page = _signed_in(api, "thuky").get("/qms/planning/2026")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Kế hoạch chất lượng năm 2026" in html and "Chính sách chất lượng năm 2026" in html
    assert re.search(r'data-count="registered">1<', html) and re.search(r'data-count="allocated">1<', html)
    assert re.search(r'data-count="draft">1<', html)
    assert f'data-objective="{ids["MT-01"]}" data-state="registered"' in html
    late = re.search(r"data-late-items>(.*?)</section>", html, re.S)
    assert late is not None  # today 02/03/2026: past 28/02
    assert ids["MT-03"] in late.group(1) and ids["MT-02"] in late.group(1) and ids["MT-01"] not in late.group(1)
    assert "Phòng Kế hoạch - Tài chính" in html and "Đúng tiến độ" in html
    assert _signed_in(api, "thuky-b").get("/qms/planning/2026").text.count("data-objective=") == 0


def test_the_department_page_draws_its_objectives_and_shows_who_measured_what(api, year) -> None:
    ids = _year_of_objectives(api, year)
    client = _signed_in(api, "truongphong")
    page = client.get(f"/qms/departments/{year.planning}?year=2026")
    assert page.status_code == 200, page.text
    svgs = [ET.fromstring(s) for s in re.findall(r"<svg.*?</svg>", page.text, re.S)]
    small = svgs[0]
    assert [g.get("data-id") for g in small.iter(f"{SVG}g") if g.get("class") == "objective"] == [
        ids["MT-01"], ids["MT-02"]]
    assert [(p, v) for p, v, _ in _points(svgs[1])] == [("Q1", 96.4)]
    assert "Huỳnh Thị Ngọc Ánh" in page.text and "Báo cáo quý I.pdf" in page.text  # who, by name
    evidence = re.search(r'href="(/api/v1/objectives/[^"]+/files/[0-9a-f]{64})"', page.text)
    assert evidence and client.get(evidence.group(1)).content == QUARTER_PDF
    assert _signed_in(api, "thuky-b").get(f"/qms/departments/{year.planning}").status_code == 404
    assert client.get(f"/qms/departments/{year.science}").text.count("<svg") == 1  # the empty small multiple


def test_the_department_page_shows_its_objectives_as_they_stood_on_a_day(api, year) -> None:
    _year_of_objectives(api, year)
    client = _signed_in(api, "giamdoc")
    then = client.get(f"/qms/departments/{year.planning}", params={"day": "30/06/2025", "year": 2026})
    assert then.status_code == 200 and "data-as-of" in then.text and "data-objective=" not in then.text
    assert client.get(f"/qms/departments/{year.planning}", params={"day": "31/02/2026"}).status_code == 422


def test_the_pages_speak_english_and_the_supervising_inspector_reads_them(api, year) -> None:
    ids = _year_of_objectives(api, year)
    inspector = _signed_in(api, "kiemtra")
    page = inspector.get("/qms/planning/2026", params={"agency": "so-khcn-a"})
    assert page.status_code == 200 and f'data-objective="{ids["MT-01"]}"' in page.text
    assert f"/qms/departments/{year.planning}?year=2026&amp;agency=so-khcn-a" in page.text  # links keep the agency
    assert inspector.get("/qms/planning/2026", params={"agency": "so-tu-phap-b"}).status_code == 404
    inspector.cookies.set("isoledger_lang", "en")
    dep = inspector.get(f"/qms/departments/{year.planning}", params={"year": 2026})
    assert dep.status_code == 200 and "quality objectives for 2026" in dep.text
    small = ET.fromstring(re.findall(r"<svg.*?</svg>", dep.text, re.S)[0])
    assert small.get("aria-label") == "Quality objectives of Phòng Kế hoạch - Tài chính" and "Q1" in _texts(small)
    assert "On track" in dep.text


def test_a_deadline_is_met_or_missed_on_the_vietnamese_calendar() -> None:
    from datetime import date

    from usecases.planning import deadlines

    def registered(at: str) -> dict[str, Any]:
        marks = deadlines(OBJECTIVES, {"state": "registered", "data": {"registered_at": at}}, 2026, date(2026, 3, 2))
        return next(d for d in marks if d["state"] == "registered")

    assert registered("2026-02-28T09:00:00+00:00")["late"] is False  # 16:00 on 28/02 in Vietnam
    assert registered("2026-02-28T18:00:00+00:00")["late"] is True  # 01:00 on 01/03 in Vietnam
    approved = deadlines(OBJECTIVES, {"state": "submitted", "data": {}}, 2026, date(2026, 2, 28))
    assert [(d["state"], d["reached"], d["late"]) for d in approved] == [("approved", False, False),
                                                                         ("registered", False, False)]
    overdue = deadlines(OBJECTIVES, {"state": "submitted", "data": {}}, 2026, date(2026, 3, 1))
    assert [d["late"] for d in overdue] == [True, True]
