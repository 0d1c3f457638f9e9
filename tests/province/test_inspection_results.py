"""The province reads the agencies' inspection results: the administrator (every agency) and the inspectors of the
supervising agency see the score per criterion, the classification and the chart of the scores over the years —
through the API, on the agency's drill-down page and in the dashboard; the agency's own staff, another agency's
people and another supervisor's inspector do not (404, or no results shown)."""

from __future__ import annotations

from tests.api.conftest import PASSWORD
from tests.factories import AGENCY, OTHER_AGENCY
from tests.province.conftest import DISTRICT
from tests.province.helpers import concluded_inspection
from tests.qms.test_objectives_pages import _signed_in

SCORES = {"tc1": 18, "tc2": 10, "tc3": 12, "tc4": 15, "tc5": 15, "tc6": 10}  # 80: meets the requirements
LOW = {"tc1": 10, "tc2": 5, "tc3": 10, "tc4": 10, "tc5": 10, "tc6": 10}  # 55: not yet


def _inspected(province) -> str:  # type: ignore[no-untyped-def]
    case = concluded_inspection(province.api, AGENCY, SCORES)
    concluded_inspection(province.api, DISTRICT, LOW)
    return case


def test_the_province_administrator_reads_every_agencys_scores_through_the_api(province) -> None:
    case = _inspected(province)
    api = province.api
    got = api.call("GET", f"/api/v1/agencies/{AGENCY}/inspection-scores", "admin")
    assert got.status_code == 200, got.text
    (item,) = got.json()["items"]
    assert (item["case_id"], item["total"], item["maximum"], item["classification"]) == (case, 80, 100, "meets")
    assert item["scores"] == SCORES
    district = api.call("GET", f"/api/v1/agencies/{DISTRICT}/inspection-scores", "admin").json()["items"]
    assert [(i["total"], i["classification"]) for i in district] == [(55, "not_yet")]
    assert api.call("GET", "/api/v1/agencies/khong-co/inspection-scores", "admin").status_code == 404


def test_anyone_else_outside_the_agency_and_its_supervisors_gets_404(province) -> None:
    _inspected(province)
    api = province.api
    for user, agency in (("kiemtra-nv", AGENCY), ("kiemtra-nv", DISTRICT), ("kiemtra", OTHER_AGENCY),
                         ("thu.ky", DISTRICT), ("giam.doc", DISTRICT)):
        r = api.call("GET", f"/api/v1/agencies/{agency}/inspection-scores", user)
        assert r.status_code == 404, (user, agency, r.text)
    assert api.call("GET", f"/api/v1/agencies/{AGENCY}/inspection-scores", "kiemtra").status_code == 200


def _page(province, user: str, path: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    r = _signed_in(province.api, user).get(path, params={"year": 2026})
    return r.status_code, r.text


def test_the_drill_down_shows_the_scores_per_criterion_the_class_and_the_chart(province) -> None:
    case = _inspected(province)
    status, html = _page(province, "admin", f"/province/calendar/{AGENCY}")
    assert status == 200, html
    section = html[html.index('data-section="inspections"'):]
    assert 'data-score-chart' in section and 'data-total="80"' in section and 'data-classification="meets"' in section
    assert 'data-criterion="tc1">18<' in section and 'data-criterion="tc6">10<' in section
    assert "80/100" in section and "Đáp ứng yêu cầu" in section
    assert f'href="/qms/inspections/{case}"' not in section  # the case itself stays the inspectors' and the agency's
    status, html = _page(province, "kiemtra", f"/province/calendar/{AGENCY}")
    assert status == 200 and f'href="/qms/inspections/{case}"' in html and 'data-total="80"' in html
    status, html = _page(province, "admin", f"/province/calendar/{DISTRICT}")
    assert 'data-total="55"' in html and "Chưa đáp ứng yêu cầu" in html


def test_the_agencys_own_staff_read_its_calendar_without_the_scores(province) -> None:
    _inspected(province)
    province.api.ctx.store.set_password_hash("chuyen.vien", province.api.ctx.passwords.hash(PASSWORD))
    status, html = _page(province, "chuyen.vien", f"/province/calendar/{AGENCY}")
    assert status == 200 and 'data-step="context"' in html
    assert 'data-section="inspections"' not in html and "80/100" not in html
    status, html = _page(province, "giam.doc", f"/province/calendar/{AGENCY}")  # its leader reads its results
    assert 'data-total="80"' in html
    assert _page(province, "kiemtra-nv", f"/province/calendar/{AGENCY}")[0] == 404


def test_the_dashboard_shows_each_agencys_inspection_of_the_year(province) -> None:
    _inspected(province)
    status, html = _page(province, "admin", "/province")
    assert status == 200
    row = html[html.index(f'data-agency="{AGENCY}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-inspection="meets"' in row and "80/100" in row and "Đáp ứng yêu cầu" in row
    row = html[html.index(f'data-agency="{DISTRICT}"'):]
    assert 'data-inspection="not_yet"' in row[:row.index("</tr>")]
