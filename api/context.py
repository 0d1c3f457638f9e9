"""What every request handler works with: the services, the directory, security, and who may see what."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from api.errors import ApiError, not_found
from api.security import Passwords, Throttle, Tokens, unauthorized
from api.store import ApiStore
from ledger.actors import Actor
from ledger.directory import Directory
from ledger.errors import LedgerError, NotFound

log = logging.getLogger("isoledger.api")
WORKER_POLL = 1.0  # seconds between the idle projection worker's checks
WORKER_IDLE = 5.0  # seconds without commands before it ends


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
class ApiContext:
    services: Any
    archive: Any
    directory: Directory
    store: ApiStore
    passwords: Passwords
    tokens: Tokens
    throttle: Throttle
    signing: Callable[[], Any] | None = None
    pkcs11_for: Callable[[str], Any] | None = None
    secure_cookies: bool = True
    _catch_up_lock: threading.Lock = field(default_factory=threading.Lock)
    _worker_lock: threading.Lock = field(default_factory=threading.Lock)
    _wake: threading.Event = field(default_factory=threading.Event)
    _worker: threading.Thread | None = None

    @property
    def ledger(self) -> Any:
        return self.services.ledger

    @property
    def db(self) -> Any:
        return self.services.db

    # ---- projections ----------------------------------------------------------------------
    def fresh(self) -> None:
        """Brings the read models up to date before a list read."""
        with self._catch_up_lock:
            self.services.projector.catch_up()

    def after_command(self) -> None:
        """Wakes the projection worker and returns: a command's answer does not wait for the read models.

        Whatever reads them (lists, the feed, pages) calls ``fresh()`` first, under the same lock, so a client
        still reads its own writes; the worker catches up many commands' events in one page under load. It is
        started on demand and ends after a few idle seconds (no thread outlives its app for long).
        """
        with self._worker_lock:
            self._wake.set()
            if self._worker is None:
                self._worker = threading.Thread(target=self._catch_up_loop, name="isoledger-projections",
                                                daemon=True)
                self._worker.start()

    def _catch_up_loop(self) -> None:
        idle_since = time.monotonic()
        while True:
            self._wake.wait(timeout=WORKER_POLL)
            with self._worker_lock:
                if not self._wake.is_set():
                    if time.monotonic() - idle_since > WORKER_IDLE:
                        self._worker = None
                        return
                    continue
                self._wake.clear()
            try:
                with self._catch_up_lock:
                    self.services.projector.catch_up()
            except Exception:  # noqa: BLE001 - the next read or command catches up again
                log.warning("projection catch-up failed; the next read retries", exc_info=True)
            idle_since = time.monotonic()

    # ---- who ------------------------------------------------------------------------------
    def principal(self, token: str, *, via_cookie: bool = False) -> Principal:
        claims = self.tokens.read(token)
        if claims.session and self.store.is_revoked(claims.session):
            raise unauthorized("Phiên đăng nhập đã kết thúc (đã đăng xuất); hãy đăng nhập lại.",
                               "This token was signed out; sign in again.")
        account = self.directory.find_account(claims.user)
        if account is None or account["status"] != "active":
            raise unauthorized("Tài khoản không còn được phép đăng nhập.", "The account may no longer sign in.")
        return Principal(account["username"], account["agency_id"], frozenset(account["roles"]),
                         account["full_name"], via_cookie, claims.session, claims.expires)

    def sign_out(self, p: Principal) -> None:
        """Revokes the token ``p`` signed in with (bearer or cookie) until it would have expired, in every
        process; tokens issued before sessions had ids cannot be revoked one by one (they expire)."""
        if p.session:
            self.store.revoke(p.session, float(p.expires), now=time.time())

    def supervised_by(self, agency_id: str) -> list[str]:
        """Agencies that ``agency_id`` supervises (its inspectors may read them)."""
        self.fresh()
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT agency_id FROM agency_supervisors WHERE supervisor_id=? ORDER BY agency_id",
                        (agency_id,))
            return [r[0] for r in cur.fetchall()]

    def visible_agencies(self, p: Principal, roles: frozenset[str]) -> list[str]:
        """The agencies whose data ``p`` may read with an endpoint open to ``roles``."""
        out = []
        if (p.roles & roles) - {"inspector"}:
            out.append(p.agency_id)
        if "inspector" in p.roles and "inspector" in roles:
            out.extend(a for a in self.supervised_by(p.agency_id) if a not in out)
        return out

    def check_visible(self, p: Principal, agency_id: str, roles: frozenset[str], what: tuple[str, str]) -> None:
        """404 unless ``p`` may read ``agency_id``'s data (never a 403 that reveals it exists)."""
        if agency_id == p.agency_id and (p.roles & roles) - {"inspector"}:
            return
        if "inspector" in p.roles and "inspector" in roles and agency_id in self.supervised_by(p.agency_id):
            return
        raise not_found(*what)

    def sees(self, p: Principal, agency_id: str) -> bool:
        """Whether ``agency_id`` is ``p``'s own agency or one their inspectors supervise."""
        return agency_id == p.agency_id or ("inspector" in p.roles and agency_id in self.supervised_by(p.agency_id))

    def check_reachable(self, p: Principal, params: dict[str, Any]) -> None:
        """404 when the path names something that does not exist or belongs to an agency ``p`` cannot see.

        Called before a role refusal, so a 403 never confirms that another agency's resource exists.
        """
        finders: tuple[tuple[str, tuple[str, str], Callable[[str], str | None]], ...] = (
            ("document_id", ("tài liệu", "document"), lambda i: self._agency_of(self.ledger.document, i)),
            ("record_id", ("hồ sơ", "record"), lambda i: self._agency_of(self.ledger.record, i)),
            ("department_id", ("phòng ban", "department"),
             lambda i: (self.directory.find_department(i) or {}).get("agency_id")),
            ("user_id", ("tài khoản", "user"),
             lambda i: (self.directory.find_account(i) or {}).get("agency_id")),
            ("agency_id", ("cơ quan", "agency"),
             lambda i: i if self.directory.find_agency(i) is not None else None),
            ("position", ("sự kiện", "event"), lambda i: self.agency_of_event(int(i)) if i.isdigit() else None),
        )
        for name, what, find in finders:
            if name in params:
                agency = find(str(params[name]))
                if agency is None or not self.sees(p, agency):
                    raise not_found(*what)
                return

    def agency_of_event(self, position: int) -> str | None:
        """The agency of the event at notification ``position`` (None when there is none)."""
        self.fresh()
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT agency_id FROM audit WHERE position=?", (position,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _agency_of(load: Callable[[str], dict[str, Any]], aggregate_id: str) -> str | None:
        try:
            return str(load(aggregate_id)["agency_id"])
        except LedgerError:
            return None

    def check_own(self, p: Principal, agency_id: str, what: tuple[str, str]) -> None:
        """Commands act only within the caller's own agency."""
        if agency_id != p.agency_id:
            raise not_found(*what)

    def document(self, p: Principal, document_id: str, roles: frozenset[str], *, command: bool = False
                 ) -> dict[str, Any]:
        return self._aggregate(p, document_id, roles, command, self.ledger.document, ("tài liệu", "document"))

    def record(self, p: Principal, record_id: str, roles: frozenset[str], *, command: bool = False
               ) -> dict[str, Any]:
        return self._aggregate(p, record_id, roles, command, self.ledger.record, ("hồ sơ", "record"))

    def _aggregate(self, p: Principal, aggregate_id: str, roles: frozenset[str], command: bool,
                   load: Callable[[str], dict[str, Any]], what: tuple[str, str]) -> dict[str, Any]:
        try:
            state = load(aggregate_id)
        except NotFound:
            raise not_found(*what) from None
        if command:
            self.check_own(p, state["agency_id"], what)
        else:
            self.check_visible(p, state["agency_id"], roles, what)
        return state

    def agency(self, agency_id: str) -> dict[str, Any]:
        found = self.directory.find_agency(agency_id)
        if found is None:
            raise not_found("cơ quan", "agency")
        return found


def forbidden_role(roles: frozenset[str]) -> ApiError:
    from ledger.actors import ROLES

    names_vi = ", ".join(ROLES[r][0] for r in sorted(roles))
    names_en = ", ".join(ROLES[r][1] for r in sorted(roles))
    return ApiError(403, "role_required", f"Chỉ {names_vi} được thực hiện thao tác này.",
                    f"Only {names_en} may do this.")
