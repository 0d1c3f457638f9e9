"""The province's pages through the app: the dashboard for the province, an agency's calendar for its own people."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.clock import clocked
from tests.factories import AGENCY, OTHER_AGENCY
from tests.province.conftest import DISTRICT
from tests.province.helpers import approved_context
from tests.qms.test_objectives_pages import _signed_in


def _page(province, path: str, user: str, **params) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    r = _signed_in(province.api, user).get(path, params=params)
    return r.status_code, r.text


def test_the_dashboard_shows_each_agency_and_step_with_words_not_only_colour(province, clock) -> None:
    with clocked(clock):
        approved_context(province.api.ctx.ledger)
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    status, html = _page(province, "/province", "kiemtra", year=2026)
    assert status == 200
    assert 'data-agency="so-khcn-tra-vinh"' in html and f'data-agency="{OTHER_AGENCY}"' not in html
    assert "✔ Đã hoàn thành" in html and "✖ Quá hạn" in html and 'data-chart="province-steps"' in html
    assert "Phân tích bối cảnh, rủi ro và cơ hội" in html and 'href="/province"' in html
    status, html = _page(province, "/province", "kiemtra", year=2026, level="district")
    assert f'data-agency="{DISTRICT}"' in html and 'data-agency="so-khcn-tra-vinh"' not in html


def test_an_agencys_calendar_page_is_for_its_people_and_its_supervisors(province, clock) -> None:
    status, html = _page(province, f"/province/calendar/{AGENCY}", "thu.ky", year=2026)
    assert status == 200 and "Sở Khoa học và Công nghệ tỉnh Trà Vinh" in html and 'data-step="context"' in html
    assert _page(province, f"/province/calendar/{OTHER_AGENCY}", "thu.ky", year=2026)[0] == 404
    assert _page(province, "/province", "thu.ky", year=2026)[0] == 403


def test_a_done_step_says_in_words_what_made_it_done_and_links_its_own_people_to_the_case(province, clock) -> None:
    with clocked(clock):
        case_id = approved_context(province.api.ctx.ledger)
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    status, html = _page(province, f"/province/calendar/{AGENCY}", "thu.ky", year=2026)
    assert status == 200
    row = html[html.index('data-step="context"'):]
    row = row[:row.index("</tr>")]
    assert f'<a href="/qms/context/{case_id}">Bối cảnh của tổ chức</a>' in row and "· Phê duyệt</span>" in row
    assert "StepTaken" not in html and "context ·" not in row
    browser = _signed_in(province.api, "thu.ky")
    browser.get("/lang/en")
    assert "· Approve</span>" in browser.get(f"/province/calendar/{AGENCY}", params={"year": 2026}).text
    _, inspector = _page(province, f"/province/calendar/{AGENCY}", "kiemtra", year=2026)  # reads, cannot open it
    row = inspector[inspector.index('data-step="context"'):]
    assert "· Phê duyệt</span>" in row[:row.index("</tr>")] and f"/qms/context/{case_id}" not in inspector
