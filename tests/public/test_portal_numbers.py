"""The portal writes its figures the reader's way: a decimal comma and a spaced percent sign in Vietnamese
(«87,5 %»), a decimal point in English ("87.5%"); the JSON twin keeps the plain numbers."""

from __future__ import annotations

import re

from tests.factories import OWN
from tests.public.published_world import GEN, procedures


def _month(on_time: int, late: int, pending: int) -> list[dict[str, object]]:
    row = GEN["rows"](procedures=1, months=1, first="2026-10", document=None)[0]
    return [row | {"received": on_time + late + pending, "on_time": on_time, "late": late, "pending": pending}]


def _rate_cell(html: str) -> str:
    """The text of the on-time rate cell of the monthly totals' first row."""
    table = html[html.index("data-totals"):]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table[:table.index("</tbody>")])
    return cells[-1]


def test_the_on_time_rate_has_a_decimal_comma_in_vietnamese_and_a_point_in_english(api, world) -> None:
    procedures(api.ctx, OWN, _month(on_time=7, late=1, pending=2))  # 7 of the 8 settled on time: 87.5 %
    vi = api.call("GET", f"/public/agencies/{OWN}")
    assert vi.status_code == 200, vi.text
    assert _rate_cell(vi.text) == "87,5 %"
    assert "87.5" not in vi.text
    en = api.call("GET", f"/public/agencies/{OWN}?lang=en")
    assert _rate_cell(en.text) == "87.5%"
    totals = api.call("GET", f"/api/v1/public/agencies/{OWN}").json()["procedure_totals"]
    assert (totals[0]["on_time"], totals[0]["late"]) == (7, 1)


def test_a_whole_rate_has_no_decimals_and_nothing_settled_shows_a_dash(api, world) -> None:
    procedures(api.ctx, OWN, _month(on_time=4, late=0, pending=3))
    assert _rate_cell(api.call("GET", f"/public/agencies/{OWN}").text) == "100 %"
    procedures(api.ctx, OWN, _month(on_time=0, late=0, pending=3))  # the same month imported again: nothing settled
    assert _rate_cell(api.call("GET", f"/public/agencies/{OWN}").text) == "—"
