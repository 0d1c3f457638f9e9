"""Signing in: passwords (Argon2id), signed expiring tokens (HMAC-SHA256), CSRF tokens, throttling, the principal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.errors import ApiError
from api.store import ApiStore
from ledger.actors import Actor
from ledger.directory import Directory
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


class Tokens:
    """``<payload>.<hmac>`` tokens: stateless, expiring, bound to the secret key."""

    def __init__(self, secret: str, ttl_seconds: int = 3600, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"isoledger-token:" + secret.encode()).digest()
        self._csrf_key = hashlib.sha256(b"isoledger-csrf:" + secret.encode()).digest()
        self.ttl = ttl_seconds
        self._clock = clock

    def issue(self, user: str) -> str:
        payload = {"sub": user, "exp": int(self._clock()) + self.ttl, "sid": secrets.token_hex(8)}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def read(self, token: str) -> Claims:
        """The token's claims, or ApiError 401 if it is forged, malformed or expired."""
        body, _, sig = token.partition(".")
        if not body or not sig or not hmac.compare_digest(sig, self._sign(body)):
            raise unauthorized("Mã đăng nhập không hợp lệ.", "The access token is invalid.")
        try:
            payload = json.loads(_unb64(body))
            claims = Claims(str(payload["sub"]), int(payload["exp"]), str(payload.get("sid", "")))
        except (ValueError, KeyError, TypeError):
            raise unauthorized("Mã đăng nhập không hợp lệ.", "The access token is invalid.") from None
        if claims.expires < self._clock():
            raise unauthorized("Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.", "The access token has expired.")
        return claims

    def csrf_for(self, token: str) -> str:
        """The CSRF token that goes with a session cookie (double submit, bound to the session)."""
        return _b64(hmac.new(self._csrf_key, token.encode(), hashlib.sha256).digest())


def unauthorized(vi: str = "Bạn chưa đăng nhập.", en: str = "Not signed in.") -> ApiError:
    return ApiError(401, "not_authenticated", vi, en, headers={"WWW-Authenticate": "Bearer"})


class Throttle:
    """Failed sign-ins per account and per address in a sliding window, kept in the API's database table
    (``api_login_failures``): every process of the API sees the same attempts, and a restart forgets none."""

    def __init__(self, store: ApiStore, *, per_account: int = 5, per_address: int = 20, window: float = 900.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.per_account, self.per_address, self.window = per_account, per_address, window
        self._clock = clock

    def check(self, username: str, address: str) -> None:
        """429 with Retry-After when the account or the address has used up its failed attempts."""
        now = self._clock()
        subjects = {f"u:{username}": self.per_account, f"a:{address}": self.per_address}
        recent = self.store.recent_failures(list(subjects), now - self.window)
        for subject, limit in subjects.items():
            times = recent[subject]
            if len(times) >= limit:
                # Allowed again once enough of the oldest attempts have left the window.
                wait = max(1, int(times[len(times) - limit] + self.window - now) + 1)
                raise ApiError(429, "too_many_attempts",
                               f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {wait} giây.",
                               f"Too many failed sign-ins; retry in {wait} seconds.",
                               field="username" if subject.startswith("u:") else None,
                               headers={"Retry-After": str(wait)})

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        self.store.add_failures([f"u:{username}", f"a:{address}"], now, prune_before=now - self.window)

    def succeeded(self, username: str) -> None:
        self.store.clear_failures(f"u:{username}")


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

    def sign_in(self, username: str, password: str, address: str) -> str:
        """A new token for ``username``, or 401 (throttled per account and address), 403 for a locked account."""
        username = username.strip().lower()
        self.throttle.check(username, address)
        account = self.directory.find_account(username)
        hashed = self.store.password_hash(username) if account else None
        if not self.passwords.verify(hashed, password) or account is None:
            self.throttle.failed(username, address)
            raise ApiError(401, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.",
                           "Wrong username or password.", field="password")
        if account["status"] != AccountStatus.ACTIVE:
            raise ApiError(403, "account_inactive", "Tài khoản đang bị khóa hoặc đã bị vô hiệu hóa.",
                           "The account is locked or deactivated.", field="username")
        self.throttle.succeeded(username)
        return self.tokens.issue(username)

    def principal(self, token: str, *, via_cookie: bool = False) -> Principal:
        claims = self.tokens.read(token)
        if claims.session and self.store.is_revoked(claims.session):
            raise unauthorized("Phiên đăng nhập đã kết thúc (đã đăng xuất); hãy đăng nhập lại.",
                               "This token was signed out; sign in again.")
        account = self.directory.find_account(claims.user)
        if account is None or account["status"] != AccountStatus.ACTIVE:
            raise unauthorized("Tài khoản không còn được phép đăng nhập.", "The account may no longer sign in.")
        return Principal(account["username"], account["agency_id"], frozenset(account["roles"]),
                         account["full_name"], via_cookie, claims.session, claims.expires)

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
