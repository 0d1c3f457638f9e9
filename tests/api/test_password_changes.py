"""Password resets and changes are events and end the user's other sessions; unlocking revives no old token;
passwords follow the rules (12+ characters, not the username, not a common password), said in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.directory import account_uuid
from tests.api.conftest import OWN, PASSWORD

ME = "/api/v1/auth/me"


def _token(api: Any, username: str, password: str = PASSWORD) -> dict[str, str]:
    r = api.client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _types(api: Any, username: str) -> list[str]:
    return [e["type"] for e in api.ctx.uc.history.events(str(account_uuid(username)))]


def test_a_password_reset_is_an_event_and_ends_every_session_of_the_user(api, world):
    phone, laptop = _token(api, "chuyenvien"), _token(api, "chuyenvien")
    r = api.call("POST", "/api/v1/users/chuyenvien/password-reset", "admin")
    assert r.status_code == 200
    assert _types(api, "chuyenvien")[-1] == "PasswordReset"
    for old in (phone, laptop):
        refused = api.client.get(ME, headers=old)
        assert refused.status_code == 401 and "ended" in refused.json()["detail_en"]
    fresh = _token(api, "chuyenvien", r.json()["one_time_password"])  # signs in: the one-time password works
    assert api.client.get(ME, headers=fresh).json()["code"] == "password_change_required"  # until it is changed


def test_changing_ones_password_is_an_event_and_ends_every_other_session(api, world):
    this, other = _token(api, "giamdoc"), _token(api, "giamdoc")
    r = api.client.post("/api/v1/auth/password", headers=this,
                        json={"current_password": PASSWORD, "new_password": "Mat khau moi cua Giam doc 2026"})
    assert r.status_code == 204, r.text
    events = api.ctx.uc.history.events(str(account_uuid("giamdoc")))
    assert events[-1]["type"] == "PasswordChanged" and events[-1]["meta"]["user_id"] == "giamdoc"
    assert api.client.get(ME, headers=this).status_code == 200  # the session that changed it stays
    assert api.client.get(ME, headers=other).status_code == 401


def test_unlocking_does_not_revive_tokens_issued_before_the_lock(api, world):
    before = _token(api, "danhgia")
    api.call("PATCH", "/api/v1/users/danhgia", "admin", json={"action": "lock"}).raise_for_status()
    assert api.client.get(ME, headers=before).status_code == 401
    api.call("PATCH", "/api/v1/users/danhgia", "admin", json={"action": "unlock"}).raise_for_status()
    assert api.client.get(ME, headers=before).status_code == 401  # before: it worked again
    assert api.client.get(ME, headers=_token(api, "danhgia")).status_code == 200


@pytest.mark.parametrize(("password", "code", "vi", "en"), [
    ("ngan-qua-11", "password_too_short", "ít nhất 12 ký tự", "at least 12 characters"),
    ("nguoi-moi-01nguoi-moi-01", "password_is_username", "tên đăng nhập", "the username"),
    ("qwerty123456", "password_common", "mật khẩu phổ biến", "common passwords"),
    ("1qaz2wsx3edc", "password_common", "mật khẩu phổ biến", "common passwords"),
    ("Matkhau123456", "password_common", "mật khẩu phổ biến", "common passwords"),
])
def test_a_password_against_the_rules_is_refused_naming_the_field_in_both_languages(api, world, password, code,
                                                                                     vi, en):
    username = "nguoi-moi-01nguoi-moi-01"[:12]
    wanted = "nguoi-moi-01nguoi-moi-01" if code == "password_is_username" else password
    r = api.call("POST", f"/api/v1/agencies/{OWN}/users", "admin", json={
        "username": username if code != "password_is_username" else "nguoi-moi-01", "full_name": "Người Mới",
        "roles": ["staff"], "password": wanted})
    body = r.json()
    assert r.status_code == 422 and body["code"] == code, body
    assert body["errors"][0]["field"] == "password" and vi in body["detail"] and en in body["detail_en"]
    change = api.client.post("/api/v1/auth/password", headers=_token(api, "vanthu"),
                             json={"current_password": PASSWORD, "new_password": "qwerty123456"})
    assert change.status_code == 422 and change.json()["errors"][0]["field"] == "new_password"
