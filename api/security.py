"""Signing in: passwords (Argon2id), signed expiring tokens (HMAC-SHA256), CSRF tokens, throttling, the principal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.errors import ApiError
from api.store import ApiStore
from ledger.actors import Actor
from ledger.directory import Directory, is_username
from ledger.vocabulary import AccountStatus


class Passwords:
    """Argon2id hashing; ``fast`` lowers the cost for tests only."""

    def __init__(self, *, fast: bool = False) -> None:
        self._hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1) if fast else PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str | None, password: str) -> bool:
        """True if ``password`` matches; spends the same time when there is no hash (no user oracle)."""
        try:
            return self._hasher.verify(hashed or self._dummy, password) and hashed is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Claims:
    user: str
    expires: int
    session: str
    issued: float = 0.0  # epoch seconds (ms precision); tokens from before it was kept: their expiry less the TTL


class Tokens:
    """``<payload>.<hmac>`` tokens: stateless, expiring, bound to the secret key."""

    def __init__(self, secret: str, ttl_seconds: int = 3600, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"isoledger-token:" + secret.encode()).digest()
        self._csrf_key = hashlib.sha256(b"isoledger-csrf:" + secret.encode()).digest()
        self._device_key = hashlib.sha256(b"isoledger-device:" + secret.encode()).digest()
        self.ttl = ttl_seconds
        self._clock = clock

    def issue(self, user: str) -> str:
        now = self._clock()
        payload = {"sub": user, "exp": int(now) + self.ttl, "sid": secrets.token_hex(8), "iat": round(now, 3)}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def read(self, token: str, *, expired_too: bool = False) -> Claims:
        """The token's claims, or ApiError 401 if it is forged, malformed or (unless ``expired_too``) expired."""
        body, _, sig = token.partition(".")
        if not body or not sig or not hmac.compare_digest(sig, self._sign(body)):
            raise unauthorized("Mã đăng nhập không hợp lệ.", "The access token is invalid.")
        try:
            payload = json.loads(_unb64(body))
            expires = int(payload["exp"])
            claims = Claims(str(payload["sub"]), expires, str(payload.get("sid", "")),
                            float(payload.get("iat", expires - self.ttl)))
        except (ValueError, KeyError, TypeError, OverflowError):
            raise unauthorized("Mã đăng nhập không hợp lệ.", "The access token is invalid.") from None
        if claims.expires < self._clock() and not expired_too:
            raise unauthorized("Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.", "The access token has expired.")
        return claims

    def csrf_for(self, token: str) -> str:
        """The CSRF token that goes with a session cookie (double submit, bound to the session)."""
        return _b64(hmac.new(self._csrf_key, token.encode(), hashlib.sha256).digest())

    def device_for(self, user: str, device: str | None = None) -> str:
        """The long-lived browser cookie that says "this browser has signed in as ``user``" (``<id>.<hmac>``)."""
        device = device or secrets.token_hex(8)
        return f"{device}.{_b64(hmac.new(self._device_key, f'{user}|{device}'.encode(), hashlib.sha256).digest())}"

    def device_of(self, user: str, cookie: str | None) -> str | None:
        """The browser's id if ``cookie`` is a device cookie of ``user`` (None otherwise)."""
        cookie = cookie or ""
        device = cookie.partition(".")[0]
        if not device or len(cookie) > 100 or not hmac.compare_digest(cookie, self.device_for(user, device)):
            return None
        return device


def wrong_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.",
                    "Wrong username or password.", field="password")


def unauthorized(vi: str = "Bạn chưa đăng nhập.", en: str = "Not signed in.") -> ApiError:
    return ApiError(401, "not_authenticated", vi, en, headers={"WWW-Authenticate": "Bearer"})


class Lockout(NamedTuple):
    """A threshold crossed by a failed sign-in: the pair (account, address) or the account itself."""

    scope: str  # "pair" (this account from this address or browser) or "account" (from unknown addresses)
    failures: int
    retry_after: int


def too_many(wait: int, field: str | None) -> ApiError:
    return ApiError(429, "too_many_attempts", f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {wait} giây.",
                    f"Too many failed sign-ins; retry in {wait} seconds.", field=field,
                    headers={"Retry-After": str(wait)})


class Throttle:
    """Failed sign-ins, kept in the API's database table (``api_login_failures``): every process of the API sees
    the same attempts, and a restart forgets none. The attacker slows down, the account's owner does not:

    * per **pair** (account, address) — or (account, browser) when the attempt comes with the browser's signed
      ``isoledger_device`` cookie of that account — ``per_pair`` failures are free, then each further one doubles
      the wait (30 s, 60 s, 120 s … up to ``max_delay``); the pair's failures are remembered for ``pair_window``;
    * per **account** and per **address**, only for attempts from an address the account has never signed in
      from and without its browser cookie: ``per_account`` (``per_address``) failures in ``window`` close the
      account (the address) to such attempts until the oldest leave the window.

    So five wrong passwords from elsewhere, or twenty from the agency's shared address, lock nobody out: the owner
    signs in from their usual address or browser while the attacker waits.
    """

    def __init__(self, store: ApiStore, *, per_pair: int = 5, per_account: int = 30, per_address: int = 100,
                 window: float = 900.0, pair_window: float = 86400.0, max_delay: float = 900.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.per_pair, self.per_account, self.per_address = per_pair, per_account, per_address
        self.window, self.pair_window, self.max_delay = window, pair_window, max_delay
        self._clock = clock

    @staticmethod
    def _pair(username: str, address: str, device: str | None) -> str:
        return f"p:{username}|d:{device}" if device else f"p:{username}|a:{address}"

    def delay(self, failures: int) -> float:
        """The wait a pair owes after its ``failures``-th failure (0 while they are free)."""
        if failures < self.per_pair:
            return 0.0
        return float(min(self.max_delay, 30 * 2 ** (failures - self.per_pair)))

    def check(self, username: str, address: str, *, device: str | None = None, known: bool = False) -> None:
        """429 with Retry-After while the pair owes a wait, or (from an unknown address) while the account or the
        address is closed to such attempts."""
        now = self._clock()
        pair = self._pair(username, address, device)
        times = self.store.recent_failures([pair], now - self.pair_window)[pair]
        if times:
            until = times[-1] + self.delay(len(times))
            if until > now:
                raise too_many(max(1, math.ceil(until - now)), "password")
        if known:
            return
        subjects = {f"u:{username}": self.per_account, f"a:{address}": self.per_address}
        recent = self.store.recent_failures(list(subjects), now - self.window)
        for subject, limit in subjects.items():
            times = recent[subject]
            if len(times) >= limit:
                # Allowed again once enough of the oldest attempts have left the window.
                wait = max(1, int(times[len(times) - limit] + self.window - now) + 1)
                raise too_many(wait, "username" if subject.startswith("u:") else None)

    def failed(self, username: str, address: str, *, device: str | None = None, known: bool = False
               ) -> list[Lockout]:
        """Counts a failure; returns the thresholds it crossed (each is recorded as an event of the account)."""
        now = self._clock()
        pair = self._pair(username, address, device)
        subjects = [pair] if known else [pair, f"u:{username}", f"a:{address}"]
        self.store.add_failures(subjects, now, prune_before=now - max(self.window, self.pair_window))
        pairs = len(self.store.recent_failures([pair], now - self.pair_window)[pair])
        out = []
        if pairs == self.per_pair:
            out.append(Lockout("pair", pairs, int(self.delay(pairs))))
        if not known:
            accounts = len(self.store.recent_failures([f"u:{username}"], now - self.window)[f"u:{username}"])
            if accounts == self.per_account:
                out.append(Lockout("account", accounts, int(self.window)))
        return out

    def succeeded(self, username: str, address: str, *, device: str | None = None) -> None:
        """The pair starts afresh, and the address becomes one the account is known to sign in from."""
        self.store.clear_failures(self._pair(username, address, device))
        self.store.remember_address(username, address, self._clock())

    def known(self, username: str, address: str) -> bool:
        return self.store.knows_address(username, address)

    def forget(self, username: str) -> None:
        """Clears every failure counted against ``username`` (the operator's ``isoledger admin unlock``)."""
        self.store.clear_failures(f"u:{username}")
        self.store.clear_failures_like(f"p:{username}|")


@dataclass(frozen=True)
class Principal:
    """The signed-in user of a request."""

    username: str
    agency_id: str
    roles: frozenset[str]
    full_name: str
    via_cookie: bool = False
    session: str = ""
    expires: int = 0  # the token's expiry (epoch seconds)

    def actor(self, request_id: str) -> Actor:
        return Actor(self.username, self.agency_id, self.roles, request_id=request_id)


@dataclass
class Authentication:
    """Who a token or a password belongs to, and signing out; the account's state is read on every request."""

    directory: Directory
    store: ApiStore
    passwords: Passwords
    tokens: Tokens
    throttle: Throttle

    def sign_in(self, username: str, password: str, address: str, *, device_cookie: str | None = None) -> str:
        """A new token for ``username``, or 401 (throttled: see Throttle), 403 for a locked account.

        ``device_cookie`` is the browser's ``isoledger_device`` cookie: when it is this account's, the attempt is
        counted for that browser, not for the address it shares with others."""
        username = username.strip().lower()
        if not is_username(username):  # no account has it: nothing to guess, nothing to count or look up
            raise wrong_credentials()
        device = self.tokens.device_of(username, device_cookie)
        known = device is not None or self.throttle.known(username, address)
        self.throttle.check(username, address, device=device, known=known)
        account = self.directory.find_account(username)
        hashed = self.store.password_hash(username) if account else None
        if not self.passwords.verify(hashed, password) or account is None:
            for lockout in self.throttle.failed(username, address, device=device, known=known):
                if account is not None:
                    self.directory.record_sign_in_throttled(username, address=address, scope=lockout.scope,
                                                            failures=lockout.failures,
                                                            retry_after=lockout.retry_after)
            raise wrong_credentials()
        if account["status"] != AccountStatus.ACTIVE:
            raise ApiError(403, "account_inactive", "Tài khoản đang bị khóa hoặc đã bị vô hiệu hóa.",
                           "The account is locked or deactivated.", field="username")
        self.throttle.succeeded(username, address, device=device)
        return self.tokens.issue(username)

    def principal(self, token: str, *, via_cookie: bool = False) -> Principal:
        claims = self.tokens.read(token)
        if claims.session and self.store.is_revoked(claims.session):
            raise unauthorized("Phiên đăng nhập đã kết thúc (đã đăng xuất); hãy đăng nhập lại.",
                               "This token was signed out; sign in again.")
        ended = self.store.sessions_ended(claims.user)
        if ended is not None and claims.issued < ended[0] and not (ended[1] and claims.session == ended[1]):
            raise unauthorized("Phiên đăng nhập đã kết thúc (mật khẩu đã đổi hoặc tài khoản đã bị khóa); "
                               "hãy đăng nhập lại.",
                               "This session was ended (the password changed or the account was locked); "
                               "sign in again.")
        account = self.directory.find_account(claims.user)
        if account is None or account["status"] != AccountStatus.ACTIVE:
            raise unauthorized("Tài khoản không còn được phép đăng nhập.", "The account may no longer sign in.")
        return Principal(account["username"], account["agency_id"], frozenset(account["roles"]),
                         account["full_name"], via_cookie, claims.session, claims.expires)

    def session_valid(self, token: str) -> str | None:
        """The user ``token`` currently signs in as (not expired, signed out or ended, the account active), or None."""
        try:
            return self.principal(token).username
        except ApiError:
            return None

    def end_sessions(self, username: str, *, keep: str = "") -> None:
        """Every token of ``username`` issued until now stops working, in every process, except session ``keep``."""
        self.store.end_sessions(username, math.floor(time.time() * 1000) / 1000, keep)

    def forget_failures(self, username: str) -> None:
        self.throttle.forget(username)

    def set_password(self, username: str, password: str) -> None:
        """Keeps ``password``'s Argon2id hash for ``username``."""
        self.store.set_password_hash(username, self.passwords.hash(password))

    # ---- the credentials the accounts use case keeps (usecases.accounts.Credentials) ----------------------
    def hash(self, password: str) -> str:
        return self.passwords.hash(password)

    def verify(self, hashed: str | None, password: str) -> bool:
        return self.passwords.verify(hashed, password)

    def password_hash(self, username: str) -> str | None:
        return self.store.password_hash(username)

    def set_password_hash(self, username: str, hashed: str) -> None:
        self.store.set_password_hash(username, hashed)

    def require_password_change(self, username: str, required: bool) -> None:
        self.store.require_password_change(username, required)

    def must_change_password(self, username: str) -> bool:
        return self.store.must_change_password(username)

    def sign_out(self, p: Principal) -> None:
        """Revokes the token ``p`` signed in with (bearer or cookie) until it would have expired, in every
        process; tokens issued before sessions had ids cannot be revoked one by one (they expire)."""
        if p.session:
            self.store.revoke(p.session, float(p.expires), now=time.time())
