"""Through HTTP, "in force" follows the effective date on the ledger's day: the register, a document, the public
JSON, page and file, and time-travel all name the same version."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.api.conftest import OWN, pdf_bytes

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _version(api, doc: str, n: int, effective_from: str, title: str) -> bytes:  # type: ignore[no-untyped-def]
    """Uploads version ``n`` of the form (unless it is the world's first draft), approves and issues it."""
    data = pdf_bytes(title)
    if n > 1:
        r = api.upload(f"/api/v1/documents/{doc}/versions", "thuky", data, change_summary=f"Sửa đổi {n}")
        assert r.status_code == 201, r.text
    else:
        r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", data, change_summary="Bản đầu")
        assert r.status_code == 200, r.text
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/{n}/submit", "thuky",
                    json={"reviewers": [], "approver": "giamdoc"}).status_code == 200
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/{n}/approve", "giamdoc").status_code == 200
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/{n}/issue", "thuky",
                 json={"effective_from": effective_from, "distribution": ["leadership"]})
    assert r.status_code == 200, r.text
    return data


def _register(api, status: str | None = None) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    params = {"status": status} if status else {}
    r = api.call("GET", f"/api/v1/agencies/{OWN}/documents", "chuyenvien", params=params)
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["items"]}


def _public(api) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    r = api.call("GET", f"/api/v1/public/agencies/{OWN}/documents")
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["items"]}


def test_a_version_issued_for_a_later_day_is_listed_as_upcoming_and_published_on_that_day(api, world, clock):
    doc = world[OWN]["document_id"]
    data = _version(api, doc, 1, "2026-03-10", "QT-01 ban dau")
    state = api.call("GET", f"/api/v1/documents/{doc}", "chuyenvien").json()
    assert (state["in_force"], state["upcoming"], state["in_force_on"]) == (None, 1, "2026-03-02")
    assert state["versions"][0]["status"] == "issued" and state["versions"][0]["effective_from"] == "2026-03-10"
    assert _register(api) == {}
    upcoming = _register(api, "upcoming")[doc]
    assert (upcoming["in_force"], upcoming["upcoming"], upcoming["upcoming_from"]) == (None, 1, "2026-03-10")
    assert _public(api) == {}
    assert api.call("GET", f"/api/v1/public/documents/{doc}/file").status_code == 404
    assert "Quy trình kiểm soát tài liệu" not in api.call("GET", f"/public/agencies/{OWN}").text

    clock.now = datetime(2026, 3, 10, 0, 0, tzinfo=VN)
    row = _register(api)[doc]
    assert (row["in_force"], row["effective_from"], row["upcoming"]) == (1, "2026-03-10", None)
    assert _public(api)[doc]["in_force"] == 1
    file = api.call("GET", f"/api/v1/public/documents/{doc}/file")
    assert file.status_code == 200 and hashlib.sha256(file.content).digest() == hashlib.sha256(data).digest()
    page = api.call("GET", f"/public/agencies/{OWN}").text
    assert "Quy trình kiểm soát tài liệu" in page and "10/03/2026" in page


def test_the_previous_version_stays_in_force_everywhere_until_the_new_ones_date(api, world, clock):
    doc = world[OWN]["document_id"]
    first = _version(api, doc, 1, "2026-03-02", "QT-01 lan 1")
    _version(api, doc, 2, "2026-04-01", "QT-01 lan 2")
    row = _register(api)[doc]
    assert (row["in_force"], row["effective_from"], row["upcoming"], row["upcoming_from"]) == \
        (1, "2026-03-02", 2, "2026-04-01")
    state = api.call("GET", f"/api/v1/documents/{doc}", "chuyenvien").json()
    assert (state["in_force"], state["upcoming"]) == (1, 2)
    assert [v["status"] for v in state["versions"]] == ["superseded", "issued"]
    assert _public(api)[doc]["in_force"] == 1
    assert api.call("GET", f"/api/v1/public/documents/{doc}/file").content == first

    clock.now = datetime(2026, 4, 1, tzinfo=VN)
    assert (_register(api)[doc]["in_force"], _register(api)[doc]["upcoming"]) == (2, None)
    assert _public(api)[doc]["in_force"] == 2


def test_withdrawing_the_upcoming_version_keeps_the_previous_one_and_says_so_in_the_history(api, world):
    doc = world[OWN]["document_id"]
    _version(api, doc, 1, "2026-03-02", "QT-01 lan 1")
    _version(api, doc, 2, "2026-04-01", "QT-01 lan 2")
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/2/withdraw", "thuky", json={"reason": "Cần sửa thêm"})
    assert r.status_code == 200, r.text
    state = api.call("GET", f"/api/v1/documents/{doc}", "chuyenvien").json()
    assert (state["in_force"], state["upcoming"]) == (1, None)
    assert [v["status"] for v in state["versions"]] == ["issued", "withdrawn"]
    events = api.call("GET", f"/api/v1/documents/{doc}/history", "danhgia").json()["events"]
    assert [e["type"] for e in events[-2:]] == ["Withdrawn", "Reinstated"]
    assert _register(api)[doc]["in_force"] == 1 and _register(api, "upcoming") == {}


def test_issuing_while_a_version_waits_for_its_date_is_409_and_an_earlier_date_is_422(api, world):
    doc = world[OWN]["document_id"]
    _version(api, doc, 1, "2026-03-02", "QT-01 lan 1")
    r = api.upload(f"/api/v1/documents/{doc}/versions", "thuky", pdf_bytes("v2"), change_summary="Sửa đổi 2")
    assert r.status_code == 201
    api.call("POST", f"/api/v1/documents/{doc}/versions/2/submit", "thuky", json={"reviewers": [], "approver": "giamdoc"})
    api.call("POST", f"/api/v1/documents/{doc}/versions/2/approve", "giamdoc")
    early = api.call("POST", f"/api/v1/documents/{doc}/versions/2/issue", "thuky",
                     json={"effective_from": "2026-03-01", "distribution": ["leadership"]})
    assert early.status_code == 422 and early.headers["content-type"].startswith("application/problem+json")
    assert early.json()["errors"][0]["field"] == "effective_from" and "02/03/2026" in early.json()["detail"]
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/2/issue", "thuky",
                    json={"effective_from": "2026-04-01", "distribution": ["leadership"]}).status_code == 200
    r = api.upload(f"/api/v1/documents/{doc}/versions", "thuky", pdf_bytes("v3"), change_summary="Sửa đổi 3")
    api.call("POST", f"/api/v1/documents/{doc}/versions/3/submit", "thuky", json={"reviewers": [], "approver": "giamdoc"})
    api.call("POST", f"/api/v1/documents/{doc}/versions/3/approve", "giamdoc")
    busy = api.call("POST", f"/api/v1/documents/{doc}/versions/3/issue", "thuky",
                    json={"effective_from": "2026-05-01", "distribution": ["leadership"]})
    assert busy.status_code == 409 and busy.json()["code"] == "issue_pending"
    assert "chưa có hiệu lực" in busy.json()["detail"] and busy.json()["detail_en"]


def test_history_as_of_an_instant_answers_for_that_day(api, world):
    doc = world[OWN]["document_id"]
    _version(api, doc, 1, "2026-03-02", "QT-01 lan 1")
    events = api.call("GET", f"/api/v1/documents/{doc}/history", "danhgia").json()["events"]
    later = (datetime.fromisoformat(events[-1]["timestamp"]).astimezone(VN) + timedelta(days=20)).date()
    _version(api, doc, 2, later.isoformat(), "QT-01 lan 2")
    midnight = datetime(later.year, later.month, later.day, tzinfo=VN)
    for instant, expected in ((midnight - timedelta(seconds=1), (1, 2)), (midnight, (2, None))):
        r = api.call("GET", f"/api/v1/documents/{doc}/history", "danhgia", params={"as_of": instant.isoformat()})
        assert r.status_code == 200, r.text
        then = r.json()["state"]
        assert (then["in_force"], then["upcoming"]) == expected
