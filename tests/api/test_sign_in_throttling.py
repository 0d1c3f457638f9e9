"""Throttling slows the attacker, not the account's owner: per (account, address) pair with growing waits, the
owner's usual address or browser still gets in, X-Forwarded-For only from configured proxies, lockouts are events."""

from __future__ import annotations

from typing import Any

import pytest

from api.security import Throttle
from isoledger.settings import Settings, SettingsError
from tests.api.conftest import PASSWORD, make_api

TOKEN = "/api/v1/auth/token"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def proxied(api, world, database_url, tmp_path, ledger, projector) -> Any:
    """The same server behind a reverse proxy it trusts (the test client's peer): X-Forwarded-For names clients."""
    behind = make_api(database_url, tmp_path / "proxied", ledger, projector, trusted_proxies=("testclient",))
    with behind.client:
        yield behind
    behind.archive.close()


def _try(api: Any, username: str, password: str, address: str | None = None, **kw: Any) -> Any:
    headers = {"X-Forwarded-For": address} if address else {}
    return api.client.post(TOKEN, data={"username": username, "password": password}, headers=headers, **kw)


def test_wrong_passwords_from_five_addresses_do_not_lock_the_owner_out(proxied):
    for i in range(5):
        assert _try(proxied, "admin", "sai-mat-khau", f"203.0.113.{i}").status_code == 401
    # Before: five failures from anywhere locked the account for 15 minutes, the right password too.
    assert _try(proxied, "admin", PASSWORD, "198.51.100.7").status_code == 200


def test_many_failures_from_unknown_addresses_leave_the_owners_known_address_open(proxied):
    assert _try(proxied, "thuky", PASSWORD, "198.51.100.7").status_code == 200  # the owner's usual address
    for i in range(30):
        assert _try(proxied, "thuky", "sai-mat-khau", f"203.0.113.{i}").status_code == 401
    refused = _try(proxied, "thuky", PASSWORD, "192.0.2.99")  # an address the account never signed in from
    assert refused.status_code == 429 and refused.json()["errors"][0]["field"] == "username"
    assert _try(proxied, "thuky", PASSWORD, "198.51.100.7").status_code == 200


def test_an_agency_behind_one_shared_address_is_not_blocked_by_failures_on_other_accounts(api, world):
    for i in range(20):
        assert _try(api, f"khong-co-{i}", "sai-mat-khau").status_code == 401
    for user in ("giamdoc", "vanthu"):  # everyone else behind the same address (the agency's NAT) signs in
        assert _try(api, user, PASSWORD).status_code == 200


def test_each_further_failure_of_a_pair_doubles_the_wait():
    class Store:  # the throttle's table, in memory (the class is tested on its own here)
        def __init__(self) -> None:
            self.rows: list[tuple[str, float]] = []

        def recent_failures(self, subjects: list[str], since: float) -> dict[str, list[float]]:
            return {s: sorted(at for subject, at in self.rows if subject == s and at > since) for s in subjects}

        def add_failures(self, subjects: list[str], at: float, *, prune_before: float) -> None:
            self.rows = [r for r in self.rows if r[1] > prune_before] + [(s, at) for s in subjects]

    clock = Clock()
    throttle = Throttle(Store(), clock=clock)  # type: ignore[arg-type]
    waits = []
    for _ in range(9):
        try:
            throttle.check("thuky", "203.0.113.5", known=True)
        except Exception as e:  # noqa: BLE001 - the 429 ApiError
            waits.append(int(e.headers["Retry-After"]))  # type: ignore[attr-defined]
            clock.now += waits[-1]
        throttle.failed("thuky", "203.0.113.5", known=True)
        clock.now += 1
    assert waits == [29, 59, 119, 239]  # 30 s, 60 s, 120 s, 240 s after the 5th, 6th, 7th and 8th failure


def test_the_owners_browser_signs_in_while_the_attacker_at_the_same_address_waits(api, world):
    first = api.client.post("/api/v1/auth/session", data={"username": "vanthu", "password": PASSWORD})
    device = first.cookies["isoledger_device"]
    api.client.cookies.clear()
    for _ in range(6):  # the attacker, from the same address, without the owner's browser cookie
        r = _try(api, "vanthu", "sai-mat-khau")
    assert r.status_code == 429
    assert _try(api, "vanthu", PASSWORD).status_code == 429  # still the attacker's pair
    api.client.cookies.set("isoledger_device", device)
    assert api.client.post("/api/v1/auth/session", data={"username": "vanthu", "password": PASSWORD}
                           ).status_code == 200
    api.client.cookies.clear()
    api.client.cookies.set("isoledger_device", device.replace(device[-4:], "AAAA"))  # a forged cookie is nothing
    assert _try(api, "vanthu", PASSWORD).status_code == 429
    api.client.cookies.clear()


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_configured_proxy(api, world, proxied):
    for i in range(6):  # the peer is not a proxy the server trusts: six "addresses" are one
        r = _try(api, "giamdoc", "sai-mat-khau", f"203.0.113.{i}")
    assert r.status_code == 429
    for i in range(6):  # behind the trusted proxy each is its own pair, and none is held back
        assert _try(proxied, "chuyenvien", "sai-mat-khau", f"203.0.113.{i}").status_code == 401


def test_trusted_proxies_are_a_setting_of_ip_addresses():
    settings = Settings.from_env({"ISOLEDGER_TRUSTED_PROXIES": "10.0.0.1, ::1"})
    assert settings.web.trusted_proxies == ("10.0.0.1", "::1")
    assert Settings.from_env({}).web.trusted_proxies == ()
    with pytest.raises(SettingsError) as bad:
        Settings.from_env({"ISOLEDGER_TRUSTED_PROXIES": "proxy.local"})
    assert bad.value.field == "ISOLEDGER_TRUSTED_PROXIES"


def test_a_lockout_is_an_event_of_the_account_that_the_administrator_sees(api, world):
    for _ in range(5):
        assert _try(api, "danhgia", "sai-mat-khau").status_code == 401
    events = api.ctx.uc.history.events(str(_account_id(api, "danhgia")))
    throttled = [e for e in events if e["type"] == "SignInThrottled"]
    assert len(throttled) == 1 and throttled[0]["data"]["scope"] == "pair", events
    assert throttled[0]["data"]["failures"] == 5 and throttled[0]["data"]["address"] == "testclient"
    r = api.client.post("/api/v1/auth/session", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    page = api.client.get("/admin")
    assert page.status_code == 200 and "danhgia" in page.text and "Tạm chặn đăng nhập sau 5 lần sai" in page.text
    api.client.cookies.clear()


def _account_id(api: Any, username: str) -> Any:
    from ledger.directory import account_uuid

    return account_uuid(username)
