"""The demo's management reviews and continual improvement: the 2025 review closed with its two decisions done and
its input pack rebuilt as frozen, the 2026 review waiting on one department's report, the 2026 improvement
programme approved with proposals closed, under way and rejected."""

from __future__ import annotations

import json

from isoledger.demo import AGENCY_ID, actor
from tests.cli.test_demo import demo  # noqa: F401 - the demo loaded once, as `make run` does


def test_the_demo_has_a_completed_2025_review_and_a_2026_review_in_progress(demo) -> None:  # noqa: F811
    uc = demo[2].app.state.ctx.uc
    leader = actor("giamdoc")
    reviews = {r["year"]: r for r in uc.qms.listed(leader, AGENCY_ID, "management-reviews")}
    done, running = uc.qms.get(leader, "management-reviews", reviews[2025]["id"]), reviews[2026]
    assert done["state"] == "closed" and done["data"]["minuted_on"] == "2025-10-27"
    assert done["data"]["held_on"] == "2025-10-24" and done["data"]["signed_by"] == "giamdoc"
    assert [(a["id"], a["status"]) for a in done["data"]["actions"]] == [("A1", "done"), ("A2", "done")]
    assert done["derived"]["reported"] == 2
    pack = uc.review_packs.frozen(leader, done["id"])
    assert pack.verified and pack.sha256 == done["data"]["pack_sha256"]
    body = json.loads(pack.content)
    assert [r["by"] for r in body["review"]["reports"]] == ["truongphong", "phophong"]
    assert running["state"] == "notified" and running["derived"]["reported"] == 1
    assert len(running["derived"]["missing_reports"]) == 1


def test_the_demo_has_an_approved_2026_improvement_programme_and_three_proposals(demo) -> None:  # noqa: F811
    uc = demo[2].app.state.ctx.uc
    secretary = actor("thuky")
    [programme] = uc.qms.listed(secretary, AGENCY_ID, "improvement-programmes", year=2026)
    assert programme["state"] == "approved" and programme["derived"]["rounds_reported"] == [1]
    proposals = {p["title"]: p for p in uc.qms.listed(secretary, AGENCY_ID, "improvements", year=2026)}
    assert sorted(p["state"] for p in proposals.values()) == ["accepted", "closed", "rejected"]
    routine = next(p for p in proposals.values() if p["state"] == "closed")
    assert routine["derived"]["handled_by"] == "department" and routine["data"]["achieved"] == "achieved"
