"""Periodic review: the period (months, the kind's default), reminders 30 days before and on the date, "no change"
recorded with its comment, and the register of documents overdue for review."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.api.conftest import Api
from tests.factories import OTHER, OWN


def issue(api: Api, doc: str) -> None:
    for path, body in (("submit", {"reviewers": [], "approver": "giamdoc"}), ("approve", None),
                       ("issue", {"effective_from": "2026-03-02", "distribution": ["leadership"]})):
        r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/{path}", "giamdoc" if path == "approve" else "thuky",
                     json=body)
        assert r.status_code == 200, r.text


def review(api: Api, doc: str) -> dict[str, Any]:
    r = api.call("GET", f"/api/v1/documents/{doc}/periodic-review", "chuyenvien")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def told(api: Api, user: str) -> list[str]:
    return sorted(n["kind"] for n in api.call("GET", "/api/v1/notifications", user).json()["items"])


def test_an_issued_document_is_due_a_period_after_it_took_effect(api: Api, world: dict[str, Any]) -> None:
    doc = world[OWN]["document_id"]  # a form: every 24 months unless set
    assert review(api, doc)["due_on"] is None
    issue(api, doc)
    assert (review(api, doc)["months"], review(api, doc)["due_on"]) == (24, "2028-03-02")
    r = api.call("PUT", f"/api/v1/documents/{doc}/review-period", "thuky", json={"months": 6})
    assert r.status_code == 200, r.text
    assert review(api, doc)["due_on"] == "2026-09-02"
    bad = api.call("PUT", f"/api/v1/documents/{doc}/review-period", "thuky", json={"months": 0})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "months"
    assert api.call("PUT", f"/api/v1/documents/{doc}/review-period", "chuyenvien", json={"months": 3}).status_code \
        == 403
    assert api.call("GET", f"/api/v1/documents/{doc}/periodic-review", "thuky-b").status_code == 404


def test_the_owner_is_reminded_thirty_days_before_and_on_the_date_once_each(api: Api, world: dict[str, Any]) -> None:
    doc = world[OWN]["document_id"]
    issue(api, doc)
    api.call("PUT", f"/api/v1/documents/{doc}/review-period", "thuky", json={"months": 6})
    reminders = api.ctx.uc.reminders
    assert reminders.run(date(2026, 8, 1)).total == 0
    assert reminders.run(date(2026, 8, 3)).review_due_soon == 1
    assert reminders.run(date(2026, 8, 4)).total == 0
    assert reminders.run(date(2026, 9, 2)).review_due == 1
    assert reminders.run(date(2026, 9, 3)).total == 0
    assert [k for k in told(api, "thuky") if k.startswith("review_due")] == ["review_due", "review_due_soon"]
    assert told(api, "thuky-b") == [] and "review_due" not in told(api, "chuyenvien")


def test_no_change_is_recorded_with_its_comment_and_the_register_shows_who_is_overdue(
        api: Api, world: dict[str, Any], clock: Any) -> None:
    doc = world[OWN]["document_id"]
    issue(api, doc)
    api.call("PUT", f"/api/v1/documents/{doc}/review-period", "thuky", json={"months": 6})
    clock.now = datetime(2026, 9, 10, 2, 0, tzinfo=UTC)
    overdue = api.call("GET", f"/api/v1/agencies/{OWN}/documents/review-overdue", "giamdoc").json()["items"]
    assert [(d["code"], d["due_on"]) for d in overdue] == [("QT-01", "2026-09-02")]
    assert review(api, doc)["overdue"] is True
    assert api.call("GET", f"/api/v1/agencies/{OWN}/documents/review-overdue", "thuky-b").status_code == 404
    r = api.call("POST", f"/api/v1/documents/{doc}/periodic-review", "thuky",
                 json={"comment": "Quy trình vẫn phù hợp với Thông tư 01/2025; không cần sửa đổi."})
    assert r.status_code == 200, r.text
    events = api.call("GET", f"/api/v1/documents/{doc}/history", "thuky").json()["events"]
    [unchanged] = [e for e in events if e["type"] == "ReviewedNoChange"]
    assert unchanged["data"] == {"version": 1,
                                 "comment": "Quy trình vẫn phù hợp với Thông tư 01/2025; không cần sửa đổi."}
    assert api.call("GET", f"/api/v1/agencies/{OWN}/documents/review-overdue", "giamdoc").json()["items"] == []
    assert review(api, doc)["last_outcome"] == "no_change" and review(api, doc)["overdue"] is False


def test_no_change_needs_a_version_in_force(api: Api, world: dict[str, Any]) -> None:
    r = api.call("POST", f"/api/v1/documents/{world[OTHER]['document_id']}/periodic-review", "thuky-b",
                 json={"comment": "Không đổi"})
    assert r.status_code == 409 and r.json()["code"] == "nothing_in_force"
