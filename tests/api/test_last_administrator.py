"""The installation never loses its last active administrator, and the server's operator can recover accounts
(`isoledger admin unlock` / `reset-password`), each recovery an event."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from isoledger.cli import app as cli
from ledger.directory import account_uuid
from tests.api.conftest import PASSWORD

USERS = "/api/v1/users"


def _types(api: Any, username: str) -> list[str]:
    return [e["type"] for e in api.ctx.uc.history.events(str(account_uuid(username)))]


@pytest.mark.parametrize("change", [{"action": "lock"}, {"action": "deactivate"}, {"roles": ["agency_admin"]}])
def test_the_last_active_administrator_cannot_be_locked_deactivated_or_lose_the_role(api, world, change):
    before = _types(api, "admin")
    r = api.call("PATCH", f"{USERS}/admin", "admin", json=change)
    assert r.status_code in (409, 422) and r.json()["code"] in ("last_administrator", "self_lock", "self_deactivation")
    assert r.headers["content-type"].startswith("application/problem+json") and r.json()["errors"][0]["field"]
    assert _types(api, "admin") == before  # nothing written
    assert api.call("GET", "/api/v1/auth/me", "admin").status_code == 200


def test_with_a_second_administrator_the_first_can_be_locked_but_not_the_last(api, world):
    api.call("POST", "/api/v1/agencies/quan-tri-tinh/users", "admin", json={
        "username": "quantri2", "full_name": "Quản trị viên thứ hai", "roles": ["admin"],
        "password": PASSWORD}).raise_for_status()
    assert api.call("PATCH", f"{USERS}/admin", "quantri2", json={"action": "lock"}).status_code == 200
    r = api.call("PATCH", f"{USERS}/quantri2", "quantri2", json={"roles": ["agency_admin"]})
    assert r.status_code == 409 and r.json()["code"] == "last_administrator"  # now the last one
    assert api.call("PATCH", f"{USERS}/quantri2", "quantri2", json={"action": "lock"}).status_code == 409
    admin = api.ctx.directory.find_account("admin")
    assert admin is not None and admin["status"] == "locked"


def _cli(api: Any, *args: str, monkeypatch: Any, tmp_path: Any, database_url: str) -> Any:
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path))
    monkeypatch.setenv("ISOLEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("ISOLEDGER_SECRET_KEY", "khoa-bi-mat-cho-thu-nghiem")
    return CliRunner().invoke(cli, list(args))


def test_the_operator_unlocks_and_resets_an_account_on_the_server_and_both_are_events(api, world, monkeypatch,
                                                                                      tmp_path, database_url):
    api.call("PATCH", f"{USERS}/thuky", "admin", json={"action": "lock"}).raise_for_status()
    for _ in range(6):
        api.client.post("/api/v1/auth/token", data={"username": "admin", "password": "sai-mat-khau"})
    assert api.client.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}).status_code == 429

    unlocked = _cli(api, "admin", "unlock", "thuky", monkeypatch=monkeypatch, tmp_path=tmp_path,
                    database_url=database_url)
    assert unlocked.exit_code == 0, unlocked.output
    assert _cli(api, "admin", "unlock", "admin", monkeypatch=monkeypatch, tmp_path=tmp_path,
                database_url=database_url).exit_code == 0
    assert api.client.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}).status_code == 200

    reset = _cli(api, "admin", "reset-password", "thuky", monkeypatch=monkeypatch, tmp_path=tmp_path,
                 database_url=database_url)
    assert reset.exit_code == 0, reset.output
    one_time = reset.output.strip().rsplit(" ", 1)[-1]
    assert api.client.post("/api/v1/auth/token", data={"username": "thuky", "password": PASSWORD}).status_code == 401
    token = api.client.post("/api/v1/auth/token", data={"username": "thuky", "password": one_time})
    assert token.status_code == 200
    types = _types(api, "thuky")
    assert types[-2:] == ["AccountUnlocked", "PasswordReset"], types
    events = api.ctx.uc.history.events(str(account_uuid("thuky")))
    assert events[-1]["meta"]["user_id"] == "operator" and events[-1]["meta"]["request_id"].startswith("cli-")
    assert api.ctx.uc.accounts.must_change_password("thuky")

    missing = _cli(api, "admin", "reset-password", "khong-co", monkeypatch=monkeypatch, tmp_path=tmp_path,
                   database_url=database_url)
    assert missing.exit_code == 1
