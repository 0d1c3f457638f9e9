"""Sign-in state kept in the database: throttling of failed sign-ins and signed-out tokens.

Two apps over one database stand for two API processes (they share no memory); an app built afresh over
the same database stands for a restart.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.security import Throttle
from api.store import ApiStore
from tests.api.conftest import PASSWORD, make_api


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def twins(api, world, database_url, tmp_path, ledger, projector) -> Any:
    """A second app (another process) over the same database as ``api``."""
    other = make_api(database_url, tmp_path / "b", ledger, projector)
    with other.client:
        yield other
    other.archive.close()


def _fail(api, username: str) -> Any:
    return api.client.post("/api/v1/auth/token", data={"username": username, "password": "sai-mat-khau"})


def _sign_in(api, username: str, password: str = PASSWORD) -> Any:
    return api.client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_failed_sign_ins_count_across_processes_and_survive_a_restart(api, twins, database_url, tmp_path, ledger,
                                                                      projector):
    for app in (api, twins, api, twins, api):  # five failures, spread over both processes
        assert _fail(app, "thuky").status_code == 401
    for app in (api, twins):
        r = _sign_in(app, "thuky")
        assert r.status_code == 429 and r.json()["code"] == "too_many_attempts", r.text
        assert 0 < int(r.headers["Retry-After"]) <= 900
    # A restart: a new app over the same database still refuses, with the right password too.
    restarted = make_api(database_url, tmp_path / "c", ledger, projector)
    with restarted.client:
        assert _sign_in(restarted, "thuky").status_code == 429
    restarted.archive.close()
    # Another account from the same address is not affected by the per-account limit.
    assert _sign_in(twins, "giamdoc").status_code == 200


def test_attempts_from_unknown_addresses_expire_after_the_window_and_old_rows_are_pruned(api, world):
    store: ApiStore = api.ctx.store
    clock = Clock()
    throttle = Throttle(store, per_pair=10, per_account=3, per_address=100, window=60.0, pair_window=60.0,
                        clock=clock)
    for _ in range(3):
        throttle.failed("thuky", "10.0.0.1")
    with pytest.raises(Exception) as refused:
        throttle.check("thuky", "10.0.0.1")
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "61"  # type: ignore[attr-defined]
    clock.now += 30
    throttle.failed("thuky", "10.0.0.1")
    with pytest.raises(Exception) as still:
        throttle.check("thuky", "10.0.0.1")
    assert still.value.headers["Retry-After"] == "31"  # type: ignore[attr-defined]  # when the 2nd oldest leaves
    clock.now += 31
    throttle.check("thuky", "10.0.0.1")  # 3 of 4 attempts have left the window: allowed again
    throttle.failed("giamdoc", "10.0.0.2")  # prunes what has left the window
    with store.db.transaction(write=False) as cur:
        cur.execute("SELECT COUNT(*) FROM api_login_failures")
        assert cur.fetchone()[0] == 3 + 3  # thuky's last failure (pair, account, address) and giamdoc's


def test_a_successful_sign_in_clears_the_pair_not_the_account_or_the_address(api, world):
    store: ApiStore = api.ctx.store
    throttle = Throttle(store, per_pair=3, per_account=5, per_address=5, window=60.0, clock=Clock())
    for _ in range(2):
        throttle.failed("thuky", "10.0.0.1")
    throttle.succeeded("thuky", "10.0.0.1")
    subjects = ["p:thuky|a:10.0.0.1", "u:thuky", "a:10.0.0.1"]
    assert store.recent_failures(subjects, 0) == {"p:thuky|a:10.0.0.1": [], "u:thuky": [1.8e9, 1.8e9],
                                                  "a:10.0.0.1": [1.8e9, 1.8e9]}
    assert throttle.known("thuky", "10.0.0.1") and not throttle.known("giamdoc", "10.0.0.1")


# ---- signing out --------------------------------------------------------------------------------------
def test_signing_out_revokes_the_bearer_token_in_every_process(api, twins):
    token = _sign_in(api, "thuky").json()["access_token"]
    other = _sign_in(api, "thuky").json()["access_token"]  # the same person on another device
    bearer = {"Authorization": f"Bearer {token}"}
    assert twins.client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    assert api.client.delete("/api/v1/auth/session", headers=bearer).status_code == 204
    for app in (api, twins):
        r = app.client.get("/api/v1/auth/me", headers=bearer)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer", r.text
    assert api.client.delete("/api/v1/auth/session", headers=bearer).status_code == 401
    # Only that token: the other device stays signed in.
    assert twins.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_signing_out_revokes_the_session_cookie(api, world):
    r = api.client.post("/api/v1/auth/session", data={"username": "thuky", "password": PASSWORD})
    cookie = r.cookies["isoledger_session"]
    csrf = r.json()["csrf_token"]
    assert api.client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    api.client.cookies.clear()
    api.client.cookies.set("isoledger_session", cookie)  # replayed after sign-out
    assert api.client.get("/api/v1/auth/me").status_code == 401
    api.client.cookies.clear()


def test_revoked_tokens_are_pruned_once_they_would_have_expired(api, world):
    store: ApiStore = api.ctx.store
    store.revoke("old-session", 1000.0, now=999.0)
    store.revoke("live-session", 5000.0, now=1001.0)  # prunes what expired before now
    assert not store.is_revoked("old-session") and store.is_revoked("live-session")
