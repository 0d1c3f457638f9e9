"""Accounts: sign-in, throttling, expiry, cookies with CSRF, roles and locking, the first admin."""

from __future__ import annotations

import io

from api.seed import ensure_admin
from tests.api.conftest import OWN, PASSWORD


def test_a_wrong_password_is_401_and_the_sixth_attempt_is_throttled(api, world):
    for _ in range(5):
        r = api.client.post("/api/v1/auth/token", data={"username": "thuky", "password": "sai"})
        assert r.status_code == 401 and r.json()["errors"][0]["field"] == "password"
    r = api.client.post("/api/v1/auth/token", data={"username": "thuky", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_a_forged_or_expired_token_is_401(api, world):
    assert api.call("GET", "/api/v1/auth/me", headers={"Authorization": "Bearer abc.def"}).status_code == 401
    expired = api.ctx.tokens
    old_ttl = expired.ttl
    expired.ttl = -10
    token = expired.issue("thuky")
    expired.ttl = old_ttl
    r = api.call("GET", "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"


def test_a_session_cookie_needs_the_csrf_token_for_changes(api, world):
    r = api.client.post("/api/v1/auth/session", data={"username": "thuky", "password": PASSWORD})
    assert r.status_code == 200
    assert "httponly" in r.headers["set-cookie"].lower()
    csrf = r.json()["csrf_token"]
    assert api.client.get("/api/v1/auth/me").json()["username"] == "thuky"
    body = {"code": "BM-77", "title": "Phiếu", "kind": "form", "department": "VP"}
    refused = api.client.post(f"/api/v1/agencies/{OWN}/documents", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    ok = api.client.post(f"/api/v1/agencies/{OWN}/documents", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    api.client.cookies.clear()


def test_the_admin_creates_an_account_changes_its_roles_and_locks_it(api, world):
    r = api.call("POST", f"/api/v1/agencies/{OWN}/users", "admin",
                 json={"username": "moi", "full_name": "Người Mới", "roles": ["staff"]})
    assert r.status_code == 201, r.text
    password = r.json()["initial_password"]
    token = api.client.post("/api/v1/auth/token", data={"username": "moi", "password": password}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert api.call("GET", "/api/v1/auth/me", headers=headers).json()["code"] == "password_change_required"
    assert api.call("POST", "/api/v1/auth/password", headers=headers,
                    json={"current_password": password, "new_password": "mat-khau-cua-nguoi-moi"}).status_code == 204
    assert api.call("GET", "/api/v1/auth/me", headers=headers).json()["roles"] == ["staff"]
    r = api.call("PATCH", "/api/v1/users/moi", "admin", json={"roles": ["staff", "iso_secretary"]})
    assert r.status_code == 200 and r.json()["roles"] == ["iso_secretary", "staff"]
    assert api.call("PATCH", "/api/v1/users/moi", "admin", json={"action": "lock", "reason": "Nghỉ phép"}
                    ).json()["status"] == "locked"
    assert api.call("GET", "/api/v1/auth/me", headers=headers).status_code == 401
    users = api.call("GET", f"/api/v1/agencies/{OWN}/users", "admin").json()["items"]
    assert {u["username"]: u["status"] for u in users}["moi"] == "locked"
    history = api.ctx.services.ledger.history(str(__import__("ledger.directory", fromlist=["x"]).account_uuid("moi")))
    assert [e["type"] for e in history] == ["AccountCreated", "PasswordChanged", "RolesChanged", "AccountLocked"]


def test_only_the_admin_manages_people(api, world):
    r = api.call("POST", f"/api/v1/agencies/{OWN}/users", "giamdoc",
                 json={"username": "x1", "full_name": "X", "roles": ["staff"]})
    assert r.status_code == 403 and r.json()["code"] == "role_required"


def test_the_first_admin_password_is_generated_and_printed_once(api):
    out = io.StringIO()
    assert ensure_admin(api.ctx, out=out) is None  # already there: nothing printed
    assert out.getvalue() == ""
