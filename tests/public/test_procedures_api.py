"""GET /api/v1/agencies/{agency_id}/procedures: the agency's TTHC with their monthly figures, for its own people and
the inspectors that supervise it; another agency's people get 404, no one signed in 401."""

from __future__ import annotations

from tests.factories import OTHER, OWN
from tests.public.published_world import GEN, procedures, signed_document


def test_the_agency_reads_its_procedures_and_figures_and_others_get_404(api, world) -> None:
    signed_document(api.ctx, OWN, "QT-05", "Quy trình giải quyết TTHC", issue=True)
    items = GEN["rows"](procedures=3, months=2, first="2026-09")
    procedures(api.ctx, OWN, items)
    got = api.call("GET", f"/api/v1/agencies/{OWN}/procedures", "chuyenvien")
    assert got.status_code == 200, got.text
    body = got.json()
    assert [p["code"] for p in body["items"]] == sorted({x["code"] for x in items})
    first = body["items"][0]
    assert first["document"]["code"] == "QT-05" and first["level_label"]
    assert [f["period"] for f in first["figures"]] == ["2026-09", "2026-10"]
    assert first["figures"][0]["received"] == items[0]["received"]
    assert api.call("GET", f"/api/v1/agencies/{OWN}/procedures", "kiemtra").status_code == 200  # its supervisor
    assert api.call("GET", f"/api/v1/agencies/{OWN}/procedures", "thuky-b").status_code == 404
    assert api.call("GET", f"/api/v1/agencies/{OTHER}/procedures", "kiemtra").status_code == 404
    assert api.call("GET", f"/api/v1/agencies/{OWN}/procedures").status_code == 401


def test_procedures_page_by_code(api, world) -> None:
    procedures(api.ctx, OWN, GEN["rows"](procedures=5, months=1, document=None))
    first = api.call("GET", f"/api/v1/agencies/{OWN}/procedures?limit=2", "thuky").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.call("GET", f"/api/v1/agencies/{OWN}/procedures?limit=10&cursor={first['next_cursor']}", "thuky").json()
    assert len(rest["items"]) == 3 and rest["next_cursor"] is None
