"""A confidential (Mật) record through HTTP: who reads its files, grants and revocations, every read in the
history before the bytes leave, and nothing served when that record cannot be written."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import OperationalError
from typer.testing import CliRunner

from isoledger.cli import app
from tests.api.conftest import OWN, ROLE_USER, pdf_bytes

CONTENT = pdf_bytes("Bien ban ky luat")


@pytest.fixture
def secret(api, world):  # type: ignore[no-untyped-def]
    r = api.call("POST", f"/api/v1/agencies/{OWN}/records", "vanthu",
                 json={"code": "HS-MAT-01", "title": "Hồ sơ xử lý kỷ luật", "series": "Tổ chức cán bộ",
                       "retention_years": 10, "legal_basis": "Thông tư 10/2022", "confidentiality": "confidential"})
    assert r.status_code == 201, r.text
    rec = r.json()["id"]
    r = api.upload(f"/api/v1/records/{rec}/files", "vanthu", CONTENT, name="Biên bản kỷ luật ông A.pdf",
                   description="Biên bản họp kỷ luật")
    assert r.status_code == 201, r.text
    return rec


def reads(api, rec):  # type: ignore[no-untyped-def]
    events = api.call("GET", f"/api/v1/records/{rec}/history", "vanthu").json()["events"]
    return [e for e in events if e["type"] == "ConfidentialFileRead"]


def grant(api, rec, grantee="truongphong", by="giamdoc", **extra):  # type: ignore[no-untyped-def]
    return api.call("POST", f"/api/v1/records/{rec}/access-grants", by,
                    json={"grantee": grantee, "reason": "Phục vụ thanh tra", **extra})


@pytest.mark.parametrize("role", ["records_controller", "agency_leader"])
def test_the_controller_and_the_leader_download_and_each_read_is_in_the_history(api, secret, role):
    user = ROLE_USER[role]
    for _ in range(2):
        r = api.call("GET", f"/api/v1/records/{secret}/files/1", user)
        assert r.status_code == 200 and r.content == CONTENT
    got = reads(api, secret)
    assert [(e["data"]["reader"], e["data"]["role"], e["meta"]["user_id"]) for e in got] == [(user, role, user)] * 2
    assert all(e["timestamp"] and e["data"]["sha256"] == r.headers["X-Content-SHA256"] for e in got)


@pytest.mark.parametrize(("role", "status", "code"), [
    ("department_leader", 403, "confidential_record"), ("internal_auditor", 403, "confidential_record"),
    ("iso_secretary", 403, "confidential_record"), ("inspector", 403, "confidential_record"),
    ("staff", 403, "role_required"), ("admin", 404, "not_found")])
def test_everyone_else_who_sees_the_record_is_refused_its_files(api, secret, role, status, code):
    user = ROLE_USER[role]
    r = api.call("GET", f"/api/v1/records/{secret}/files/1", user)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.headers["content-type"].startswith("application/problem+json") and CONTENT not in r.content
    if code == "confidential_record":
        assert "Hồ sơ mật" in r.json()["detail"] and r.json()["detail_en"]
    assert reads(api, secret) == []


def test_another_agency_gets_404_for_the_record_and_its_files(api, secret):
    for user in ("vanthu-b", "giamdoc-b"):
        assert api.call("GET", f"/api/v1/records/{secret}/files/1", user).status_code == 404
        assert api.call("GET", f"/api/v1/records/{secret}", user).status_code == 404
        assert grant(api, secret, by=user).status_code == 404


def test_those_who_may_not_read_see_that_files_exist_but_not_their_names(api, secret):
    seen = api.call("GET", f"/api/v1/records/{secret}", "truongphong").json()
    assert seen["file_access"] is None and len(seen["files"]) == 1
    (f,) = seen["files"]
    assert f["withheld"] and f["file"]["size"] == len(CONTENT) and "filename" not in f["file"]
    assert "kỷ luật ông A" not in str(seen)
    mine = api.call("GET", f"/api/v1/records/{secret}", "vanthu").json()
    assert mine["file_access"] == "role" and mine["files"][0]["file"]["filename"] == "Biên bản kỷ luật ông A.pdf"
    listed = api.call("GET", f"/api/v1/agencies/{OWN}/records", "truongphong").json()["items"]
    assert [x["confidentiality"] for x in listed if x["id"] == secret] == ["confidential"]


def test_a_granted_account_reads_until_the_grant_is_revoked(api, secret):
    r = grant(api, secret, until="2026-04-30")
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    state = api.call("GET", f"/api/v1/records/{secret}", "truongphong").json()
    assert state["file_access"] == "grant" and state["grants"]["truongphong"]["until"] == "2026-04-30"
    assert api.call("GET", f"/api/v1/records/{secret}/files/1", "truongphong").content == CONTENT
    assert api.call("GET", f"/api/v1/records/{secret}/files/1", "danhgia").status_code == 403  # not granted
    r = api.call("POST", f"/api/v1/records/{secret}/access-grants/truongphong/revoke", "vanthu",
                 json={"reason": "Đã xong thanh tra"})
    assert r.status_code == 200, r.text
    assert api.call("GET", f"/api/v1/records/{secret}/files/1", "truongphong").status_code == 403
    got = reads(api, secret)
    assert [(e["data"]["reader"], e["data"]["basis"]) for e in got] == [("truongphong", "grant")]
    types = [e["type"] for e in api.call("GET", f"/api/v1/records/{secret}/history", "danhgia").json()["events"]]
    assert types[-3:] == ["AccessGranted", "ConfidentialFileRead", "AccessRevoked"]


@pytest.mark.parametrize(("body", "field"), [
    ({"grantee": "khong-ton-tai"}, "grantee"),  # no such account
    ({"grantee": "thuky-b"}, "grantee"),  # another agency's
    ({"grantee": "kiemtra"}, "grantee"),  # the supervising agency's inspector
    ({"grantee": "chuyenvien"}, "grantee"),  # staff do not read records
    ({"grantee": "KHÔNG HỢP LỆ"}, "grantee"),
    ({"grantee": "truongphong", "until": "2026-03-01"}, "until"),  # before today (02/03/2026)
    ({"grantee": "truongphong", "until": "01/04/2026"}, "until"),
    ({"grantee": "truongphong", "reason": " "}, "reason"),
])
def test_a_bad_grant_is_422_naming_the_field(api, secret, body, field):
    r = api.call("POST", f"/api/v1/records/{secret}/access-grants", "giamdoc",
                 json={"reason": "Phục vụ thanh tra", **body})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"][0]["field"] == field and problem["detail"] and problem["detail_en"]
    assert api.call("GET", f"/api/v1/records/{secret}", "vanthu").json()["grants"] == {}


def test_a_locked_account_cannot_be_granted(api, secret):
    assert api.call("PATCH", "/api/v1/users/danhgia", "admin", json={"action": "lock", "reason": "Nghỉ"}
                    ).status_code == 200
    r = grant(api, secret, grantee="danhgia")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "grantee"


def test_grants_follow_the_command_conventions(api, secret, world):
    internal = world[OWN]["record_id"]
    r = grant(api, internal)
    assert (r.status_code, r.json()["code"]) == (409, "not_confidential")
    stale = api.call("POST", f"/api/v1/records/{secret}/access-grants", "giamdoc", headers={"If-Match": '"1"'},
                     json={"grantee": "truongphong", "reason": "Thanh tra"})
    assert stale.status_code == 412
    key = {"Idempotency-Key": "cap-quyen-1"}
    first = api.call("POST", f"/api/v1/records/{secret}/access-grants", "giamdoc", headers=key,
                     json={"grantee": "truongphong", "reason": "Thanh tra"})
    again = api.call("POST", f"/api/v1/records/{secret}/access-grants", "giamdoc", headers=key,
                     json={"grantee": "truongphong", "reason": "Thanh tra"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    twice = grant(api, secret)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_granted")
    none = api.call("POST", f"/api/v1/records/{secret}/access-grants/danhgia/revoke", "giamdoc",
                    json={"reason": "Nhầm"})
    assert (none.status_code, none.json()["code"]) == (409, "not_granted")
    assert grant(api, secret, grantee="danhgia", by="truongphong").status_code == 403


def test_a_read_that_cannot_be_recorded_serves_no_bytes(api, secret, monkeypatch):
    ledger = api.ctx.ledger
    before = ledger.current_version(secret)

    def failing_save(*aggregates, **kw):  # type: ignore[no-untyped-def]
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(ledger, "save", failing_save)
    r = api.call("GET", f"/api/v1/records/{secret}/files/1", "vanthu")
    assert (r.status_code, r.json()["code"]) == (503, "database_busy")
    assert r.headers["content-type"].startswith("application/problem+json")
    assert CONTENT not in r.content
    monkeypatch.undo()
    assert ledger.current_version(secret) == before and reads(api, secret) == []


def test_the_audit_trail_and_the_grants_view_show_grants_and_reads(api, secret):
    grant(api, secret)
    api.call("GET", f"/api/v1/records/{secret}/files/1", "truongphong")
    feed = api.call("GET", "/api/v1/events", "danhgia", params={"limit": 1000}).json()["items"]
    mine = [e for e in feed if e["aggregate_id"] == secret]
    assert [e["event_type"] for e in mine][-2:] == ["AccessGranted", "ConfidentialFileRead"]
    assert "truongphong" in mine[-1]["summary"] and "được cấp quyền" in mine[-1]["summary"]
    api.ctx.fresh()
    with api.ctx.db.transaction(write=False) as cur:
        cur.execute("SELECT grantee, granted_by, reads, revoked_at FROM record_grants WHERE record_id=?", (secret,))
        assert [tuple(r) for r in cur.fetchall()] == [("truongphong", "giamdoc", 1, None)]


def test_verify_stays_green_after_grants_and_reads(api, secret, database_url, tmp_path, monkeypatch):
    grant(api, secret)
    api.call("GET", f"/api/v1/records/{secret}/files/1", "truongphong")
    api.call("POST", f"/api/v1/records/{secret}/access-grants/truongphong/revoke", "giamdoc", json={"reason": "Xong"})
    assert api.call("GET", "/api/v1/audit/verify", "danhgia").json()["intact"]
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path))
    monkeypatch.setenv("ISOLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("ISOLEDGER_STORAGE_URL", raising=False)  # the app's archive: $ISOLEDGER_HOME/objects
    done = CliRunner().invoke(app, ["verify"])
    assert done.exit_code == 0, done.output
    assert "BAD" not in done.output

