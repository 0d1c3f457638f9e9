"""Records through HTTP: files, loans, holds, retention, destruction, the feed and the audit report."""

from __future__ import annotations

import io

from tests.api.conftest import OTHER, OWN, pdf_bytes


def _rec(world):
    return world[OWN]["record_id"]


def test_a_loan_is_listed_until_returned(api, world):
    rec = _rec(world)
    r = api.call("POST", f"/api/v1/records/{rec}/loans", "vanthu",
                 json={"borrower": {"external": {"name": "Trần Thị Bích", "organisation": "Thanh tra tỉnh"}},
                       "purpose": "Kiểm tra", "due_on": "2026-03-10",
                       "approved_by": "giamdoc"})
    assert r.status_code == 200, r.text
    again = api.call("POST", f"/api/v1/records/{rec}/loans", "vanthu",
                     json={"borrower": "danhgia", "purpose": "Y", "due_on": "2026-03-10", "approved_by": "giamdoc"})
    assert again.status_code == 409 and again.json()["code"] == "already_on_loan"
    loans = api.call("GET", f"/api/v1/agencies/{OWN}/loans", "giamdoc").json()["items"]
    assert [x["borrower"] for x in loans] == [{"external": {"name": "Trần Thị Bích", "organisation": "Thanh tra tỉnh"}}]
    assert api.call("POST", f"/api/v1/records/{rec}/loans/current/extend", "vanthu",
                    json={"due_on": "2026-03-20"}).status_code == 200
    assert api.call("POST", f"/api/v1/records/{rec}/loans/current/return", "vanthu",
                    json={"received_by": "vanthu"}).status_code == 200
    assert api.call("GET", f"/api/v1/agencies/{OWN}/loans", "giamdoc").json()["items"] == []


def test_a_record_is_destroyed_only_after_retention_and_approval_and_its_bytes_are_erased(api, world, clock):
    rec = _rec(world)
    r = api.upload(f"/api/v1/records/{rec}/files", "vanthu", pdf_bytes("Bien ban"), name="Biên bản họp.pdf",
                   description="Biên bản")
    assert r.status_code == 201, r.text
    assert api.call("GET", f"/api/v1/records/{rec}/files/1", "danhgia").content == pdf_bytes("Bien ban")
    assert api.call("POST", f"/api/v1/records/{rec}/close", "vanthu", json={"closed_on": "2020-01-02"}
                    ).status_code == 200
    due = api.call("GET", f"/api/v1/agencies/{OWN}/retention/due", "vanthu").json()["items"]
    assert [x["id"] for x in due] == [rec]
    assert api.call("POST", f"/api/v1/records/{rec}/destruction/propose", "vanthu",
                    json={"reason": "Hết hạn"}).status_code == 200
    files = {"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(pdf_bytes("Huy")), "application/pdf")}
    early = api.call("POST", f"/api/v1/records/{rec}/destruction/execute", "vanthu", files=files,
                     data={"executed_by": "vanthu", "witnesses": ["danhgia"]})
    assert early.status_code == 409 and early.json()["code"] == "destruction_not_approved"
    assert api.call("GET", f"/api/v1/records/{rec}/files/1", "danhgia").status_code == 200  # nothing shredded
    assert api.call("POST", f"/api/v1/records/{rec}/destruction/approve", "giamdoc",
                    json={"decision_no": "QĐ-12", "decided_by": "giamdoc", "council": ["giamdoc"]}
                    ).status_code == 200
    files = {"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(pdf_bytes("Huy")), "application/pdf")}
    done = api.call("POST", f"/api/v1/records/{rec}/destruction/execute", "vanthu", files=files,
                    data={"executed_by": "vanthu", "witnesses": ["danhgia", "giamdoc"]})
    assert done.status_code == 200, done.text
    state = api.call("GET", f"/api/v1/records/{rec}", "danhgia").json()
    assert state["destroyed"] and len(state["destruction"]["erased_hashes"]) == 1
    assert api.call("GET", f"/api/v1/records/{rec}/files/1", "danhgia").status_code == 404


def test_the_event_feed_shows_only_what_the_caller_may_see(api, world):
    feed = api.call("GET", "/api/v1/events", "danhgia", params={"limit": 1000}).json()
    agencies = {e["agency_id"] for e in feed["items"]}
    assert agencies == {OWN}
    positions = [e["position"] for e in feed["items"]]
    assert positions == sorted(positions)
    nxt = api.call("GET", "/api/v1/events", "danhgia", params={"after": positions[0], "limit": 1}).json()
    assert nxt["items"][0]["position"] == positions[1]


def test_the_audit_report_checks_chains_and_files(api, world):
    r = api.call("GET", "/api/v1/audit/verify", "danhgia").json()
    assert r["intact"] and r["files_checked"] >= 1 and r["file_problems"] == []


def test_another_agencys_record_is_404(api, world):
    rec = world[OTHER]["record_id"]
    assert api.call("GET", f"/api/v1/records/{rec}", "vanthu").status_code == 404
    assert api.call("POST", f"/api/v1/records/{rec}/close", "vanthu").status_code == 404
