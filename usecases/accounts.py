"""Agencies and their accounts: create, list, administer, one-time and own passwords, signature and seal images."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ledger.actors import Actor
from ledger.department import LEADERSHIP
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.files import FileRef
from ledger.vocabulary import AccountStatus, Role
from signing.version import account_scope, agency_scope
from usecases import roles as R
from usecases.departments import department_label, manages
from usecases.deps import Deps
from usecases.passwords import MIN_PASSWORD, check_password
from usecases.visibility import AGENCY, USER, Visibility, not_found

T = TypeVar("T")
__all__ = ["MIN_PASSWORD", "Accounts", "Credentials", "check_password"]
Read = Callable[[Any, str, list[Any]], T]


class Credentials(Protocol):
    """Where password hashes live (the API's store; outside the ledger: they are secrets, not facts)."""

    def set_password(self, username: str, password: str) -> None: ...
    def hash(self, password: str) -> str: ...
    def verify(self, hashed: str | None, password: str) -> bool: ...
    def password_hash(self, username: str) -> str | None: ...
    def set_password_hash(self, username: str, hashed: str) -> None: ...
    def require_password_change(self, username: str, required: bool) -> None: ...
    def must_change_password(self, username: str) -> bool: ...
    def end_sessions(self, username: str, *, keep: str = "") -> None: ...
    def forget_failures(self, username: str) -> None: ...


LAST_ADMIN = ("Không thể khóa, vô hiệu hóa hay bỏ vai trò quản trị của quản trị hệ thống đang hoạt động cuối cùng; "
              "hãy tạo một quản trị hệ thống khác trước.",
              "The last active system administrator cannot be locked, deactivated or lose the role; create another "
              "system administrator first.")


class Accounts:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    @property
    def credentials(self) -> Credentials:
        return self.deps.credentials  # type: ignore[no-any-return]

    def _visible(self, actor: Actor) -> list[str] | None:
        """The agencies ``actor`` reads (None: every agency, the administrator)."""
        if Role.ADMIN in actor.roles:
            return None
        own = [actor.agency_id] if Role.AGENCY_ADMIN in actor.roles else []
        return own + [a for a in self.visibility.visible_agencies(actor, frozenset(R.MEMBERS)) if a not in own]

    # ---- agencies ---------------------------------------------------------------------------
    def create_agency(self, actor: Actor, *, agency_id: str, name: str, supervised_by: list[str],
                      level: str | None = None) -> dict[str, Any]:
        state = self.deps.directory.create_agency(actor, agency_id=agency_id, name=name, supervised_by=supervised_by,
                                                  level=level)
        self.deps.projections.after_command()
        return state

    def agencies(self, actor: Actor, read: Read[T]) -> T:
        """The agencies ``actor`` may see, through ``read(cursor, base, params)`` (``base``: FROM ... WHERE ...)."""
        self.deps.projections.fresh()
        visible = self._visible(actor)
        base, params = "FROM agencies WHERE 1=1", []
        if visible is not None:
            visible = visible or [""]
            base += f" AND agency_id IN ({','.join('?' * len(visible))})"
            params = list(visible)
        with self.deps.db.transaction(write=False) as cur:
            return read(cur, base, params)

    def agency(self, actor: Actor, agency_id: str) -> dict[str, Any]:
        visible = self._visible(actor)
        if visible is not None and agency_id not in visible:
            raise not_found(AGENCY)
        return self.visibility.agency(agency_id)

    def update_agency(self, actor: Actor, agency_id: str, *, name: str | None = None,
                      supervised_by: list[str] | None = None, expected_version: int | None = None,
                      level: str | None = None) -> dict[str, Any]:
        state = self.deps.directory.update_agency(actor, agency_id, name=name, supervised_by=supervised_by,
                                                  expected_version=expected_version, level=level)
        self.deps.projections.after_command()
        return state

    def agency_list(self, actor: Actor, *, besides: str | None = None) -> list[dict[str, Any]]:
        """The agencies ``actor`` may see (``supervised_by`` decoded), by id; without ``besides``."""
        def read(cur: Any, base: str, params: list[Any]) -> list[dict[str, Any]]:
            extra = " AND agency_id<>?" if besides is not None else ""
            cur.execute(f"SELECT agency_id, name, supervised_by, level {base}{extra} ORDER BY agency_id",
                        params + ([besides] if besides is not None else []))
            return [{"agency_id": a, "name": n, "supervised_by": json.loads(s), "level": lv}
                    for a, n, s, lv in cur.fetchall()]

        return self.agencies(actor, read)

    def agency_name(self, agency_id: str) -> str:
        """The agency's name, as pages show it (its id when there is no such agency)."""
        found = self.deps.directory.find_agency(agency_id)
        return str(found["name"]) if found else agency_id

    def set_seal_image(self, actor: Actor, agency_id: str, png: Callable[[], bytes], filename: str | None, *,
                       expected_version: int | None = None) -> tuple[FileRef, dict[str, Any]]:
        """Stores the agency's seal (``png()`` reads it, once the agency is found to be the caller's; a checked
        PNG) and records it; drawn on approval stamps."""
        from signing.images import check_png

        self._own_agency(actor, agency_id)
        data = check_png(png(), "seal_image").data
        ref: FileRef = self.deps.archive.put(io.BytesIO(data), filename or "con-dau.png", agency_scope(agency_id))
        state = self.deps.directory.set_seal_image(actor, agency_id, file=ref.to_dict(),
                                                   expected_version=expected_version)
        self.deps.projections.after_command()
        return ref, state

    def seal_image(self, actor: Actor, agency_id: str) -> tuple[FileRef, bytes]:
        return self._image(self._own_agency(actor, agency_id, read=True).get("seal_image"), agency_scope(agency_id))

    def _own_agency(self, actor: Actor, agency_id: str, *, read: bool = False) -> dict[str, Any]:
        if not (Role.ADMIN in actor.roles or agency_id == actor.agency_id
                or (read and self.visibility.sees(actor, agency_id))):
            raise not_found(AGENCY)
        return self.visibility.agency(agency_id)

    # ---- accounts ---------------------------------------------------------------------------
    def create_account(self, actor: Actor, agency_id: str, *, username: str, full_name: str, roles: list[str],
                       email: str, password: str | None) -> tuple[dict[str, Any], str | None]:
        """The new account, and the password generated for it when none was given (shown once)."""
        self.visibility.agency(agency_id)
        chosen = password or secrets.token_urlsafe(12)
        state = self.deps.directory.create_account(actor, username=username, agency_id=agency_id,
                                                   full_name=full_name, roles=roles, email=email)
        self.credentials.set_password(state["username"], chosen)
        self.deps.projections.after_command()
        return state, None if password else chosen

    def accounts(self, actor: Actor, agency_id: str, read: Read[T]) -> T:
        """The agency's accounts (``roles`` as JSON text) through ``read(cursor, base, params)``."""
        if not manages(actor.roles, actor.agency_id, agency_id):
            self.visibility.check_visible(actor, agency_id, frozenset(R.USER_READERS))
        self.visibility.agency(agency_id)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            return read(cur, "FROM users WHERE agency_id=?", [agency_id])

    def set_signature_image(self, actor: Actor, username: str, png: Callable[[], bytes], filename: str | None, *,
                            expected_version: int | None = None) -> tuple[FileRef, dict[str, Any]]:
        """Stores a leader's signature image (``png()`` reads it, once the account is found to be one the caller
        may change; a checked PNG) and records it; drawn on their stamps."""
        from signing.images import check_png

        self._own_account(actor, username)
        data = check_png(png(), "signature_image").data
        ref: FileRef = self.deps.archive.put(io.BytesIO(data), filename or "chu-ky.png", account_scope(username))
        state = self.deps.directory.set_signature_image(actor, username, file=ref.to_dict(),
                                                        expected_version=expected_version)
        self.deps.projections.after_command()
        return ref, state

    def signature_image(self, actor: Actor, username: str) -> tuple[FileRef, bytes]:
        return self._image(self._own_account(actor, username, read=True).get("signature_image"),
                           account_scope(username))

    def _own_account(self, actor: Actor, username: str, *, read: bool = False) -> dict[str, Any]:
        account = self.deps.directory.find_account(username)
        if account is None or not (Role.ADMIN in actor.roles or account["agency_id"] == actor.agency_id
                                   or (read and self.visibility.sees(actor, account["agency_id"]))):
            raise not_found(USER)
        return account

    def _image(self, file: dict[str, Any] | None, scope: str) -> tuple[FileRef, bytes]:
        if not file:
            raise not_found(("ảnh", "image"))
        ref = FileRef.from_dict(file)
        return ref, self.deps.archive.read_bytes(ref, scope)

    # ---- accounts administered (the province administrator anywhere, an agency administrator at home) ----
    def managed(self, actor: Actor, username: str) -> dict[str, Any]:
        """The account, if ``actor`` administers its agency (404 otherwise, never 403)."""
        account = self.deps.directory.find_account(username)
        if account is None or not manages(actor.roles, actor.agency_id, account["agency_id"]):
            raise not_found(USER)
        return account

    def create(self, actor: Actor, agency_id: str, *, username: str, full_name: str, roles: list[str],
               email: str = "", department: str | None = None, password: str | None = None
               ) -> tuple[dict[str, Any], str | None]:
        """The new account and, when no password was given, the one-time password it must change at sign-in."""
        if not manages(actor.roles, actor.agency_id, agency_id) or self.deps.directory.find_agency(agency_id) is None:
            raise not_found(AGENCY)
        given = check_password(password, username=username) if password is not None else None
        chosen = given or secrets.token_urlsafe(12)
        hashed = self.credentials.hash(chosen)
        state = self.deps.directory.create_account(actor, username=username, agency_id=agency_id, full_name=full_name,
                                              roles=roles, email=email, department=department)
        self.credentials.set_password_hash(state["username"], hashed)
        self.credentials.require_password_change(state["username"], given is None)
        self.deps.projections.after_command()
        return state, None if given else chosen

    def change(self, actor: Actor, username: str, *, full_name: str | None = None, email: str | None = None,
               department: str | None = None, roles: list[str] | None = None, action: str | None = None,
               reason: str = "", password: str | None = None, expected_version: int | None = None
               ) -> dict[str, Any]:
        """Applies each given change in turn; ``expected_version`` (If-Match) guards the first one."""
        state = self.managed(actor, username)
        self._keeps_an_administrator(actor, state, roles=roles, action=action)
        d = self.deps.directory
        steps: list[Any] = []
        if full_name is not None or email is not None:
            steps.append(lambda ev: d.change_details(actor, username, full_name=full_name, email=email,
                                                     expected_version=ev))
        if department is not None:
            steps.append(lambda ev: d.move_to_department(actor, username, department, expected_version=ev))
        if roles is not None:
            steps.append(lambda ev: d.change_roles(actor, username, list(roles), expected_version=ev))
        if action == "lock":
            steps.append(lambda ev: d.lock(actor, username, reason=reason, expected_version=ev))
        elif action == "unlock":
            steps.append(lambda ev: d.unlock(actor, username, expected_version=ev))
        elif action == "deactivate":
            steps.append(lambda ev: d.deactivate(actor, username, reason=reason, expected_version=ev))
        new_hash = self.credentials.hash(check_password(password, username=username)) \
            if password is not None else None
        if new_hash is not None:
            steps.append(lambda ev: d.record_password_reset(actor, username))
        for step in steps:
            state = step(expected_version)
            expected_version = None
        if action in ("lock", "deactivate") or new_hash is not None:
            self.credentials.end_sessions(username)  # unlocking later does not revive these tokens
        if new_hash is not None:
            self.credentials.set_password_hash(username, new_hash)
        self.deps.projections.after_command()
        return state

    def _keeps_an_administrator(self, actor: Actor, account: dict[str, Any], *, roles: list[str] | None,
                                action: str | None) -> None:
        """Refuses locking or deactivating oneself, and leaving the installation without an active administrator."""
        if action == "lock" and actor.user_id == account["username"]:
            raise RuleViolation("Không thể tự khóa tài khoản của mình.", "You cannot lock your own account.",
                                code="self_lock", field="username")
        losing = action in ("lock", "deactivate") or (roles is not None and "admin" not in roles)
        if not losing or "admin" not in account["roles"] or account["status"] != AccountStatus.ACTIVE:
            return
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT username, roles FROM users WHERE status='active' AND username<>?",
                        (account["username"],))
            others = [u for u, r in cur.fetchall() if "admin" in json.loads(r)]
        if not any(self._active(u) for u in others):
            raise RuleViolation(*LAST_ADMIN, code="last_administrator", field="roles" if action is None else "username")

    def _active(self, username: str) -> bool:
        found = self.deps.directory.find_account(username)
        return found is not None and found["status"] == AccountStatus.ACTIVE and "admin" in found["roles"]

    def reset_password(self, actor: Actor, username: str) -> str:
        """A new one-time password for ``username``, to be changed at their next sign-in; their sessions end."""
        account = self.managed(actor, username)
        if account["status"] == AccountStatus.DEACTIVATED:
            raise NotAllowed("Tài khoản đã bị vô hiệu hóa.", "The account is deactivated.",
                             code="account_deactivated")
        return self._reset(actor, username)

    def _reset(self, actor: Actor, username: str) -> str:
        password = secrets.token_urlsafe(12)
        hashed = self.credentials.hash(password)
        self.deps.directory.record_password_reset(actor, username)
        self.credentials.end_sessions(username)
        self.credentials.set_password_hash(username, hashed)
        self.credentials.require_password_change(username, True)
        self.deps.projections.after_command()
        return password

    # ---- the server's operator (``isoledger admin ...`` on the server: recovery when no administrator can) ----
    def operator_unlock(self, operator: Actor, username: str) -> dict[str, Any]:
        """Unlocks ``username`` (if locked) and forgets its failed sign-ins; its old sessions stay ended."""
        account = self.deps.directory.find_account(username)
        if account is None:
            raise not_found(USER)
        if account["status"] == AccountStatus.LOCKED:
            account = self.deps.directory.unlock(operator, username)
        self.credentials.forget_failures(username)
        self.deps.projections.after_command()
        return account

    def operator_reset_password(self, operator: Actor, username: str) -> str:
        """A one-time password for ``username`` (to be changed at sign-in), by the server's operator."""
        account = self.deps.directory.find_account(username)
        if account is None:
            raise not_found(USER)
        if account["status"] == AccountStatus.DEACTIVATED:
            raise NotAllowed("Tài khoản đã bị vô hiệu hóa.", "The account is deactivated.",
                             code="account_deactivated")
        password = self._reset(operator, username)
        self.credentials.forget_failures(username)
        return password

    def account_list(self, actor: Actor, agency_id: str) -> list[dict[str, Any]]:
        """The agency's accounts by full name (``roles`` decoded), for whoever may read them."""
        def read(cur: Any, base: str, params: list[Any]) -> list[dict[str, Any]]:
            cur.execute(f"SELECT username, full_name, roles, email, status, department, version {base} "
                        "ORDER BY full_name, username", params)
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            for r in rows:
                r["roles"] = json.loads(r["roles"])
            return rows

        return self.accounts(actor, agency_id, read)

    def must_change_password(self, username: str) -> bool:
        """Whether ``username`` signed in with a one-time password they have yet to change."""
        return self.credentials.must_change_password(username)

    def change_own_password(self, actor: Actor, *, current: str, new: str, session: str = "") -> None:
        """Changes ``actor``'s own password; every other session of theirs ends (``session``, this one, stays)."""
        username = actor.user_id
        if not self.credentials.verify(self.credentials.password_hash(username), current or ""):
            raise InvalidInput("Mật khẩu hiện tại không đúng.", "The current password is wrong.",
                               field="current_password")
        check_password(new, "new_password", username=username)
        if new == current:
            raise InvalidInput("Mật khẩu mới phải khác mật khẩu hiện tại.",
                               "The new password must differ from the current one.", field="new_password")
        hashed = self.credentials.hash(new)
        self.deps.directory.record_password_changed(actor, username)
        self.credentials.end_sessions(username, keep=session)
        self.credentials.set_password_hash(username, hashed)
        self.credentials.require_password_change(username, False)
        self.deps.projections.after_command()

    def lockouts(self, actor: Actor, *, limit: int = 50) -> list[dict[str, Any]]:
        """The latest sign-in lockouts (SignInThrottled events) of the accounts ``actor`` administers."""
        self.deps.projections.fresh()
        sql = "SELECT a.occurred_at, a.summary, u.username, u.full_name, u.agency_id FROM audit a " \
              "JOIN users u ON u.aggregate_id=a.aggregate_id WHERE a.event_type='SignInThrottled'"
        params: list[Any] = []
        if "admin" not in actor.roles:
            sql += " AND u.agency_id=?"
            params.append(actor.agency_id)
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(sql + " ORDER BY a.position DESC LIMIT ?", (*params, limit))
            names = ("occurred_at", "summary", "username", "full_name", "agency_id")
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    # ---- who can be picked ------------------------------------------------------------------
    def active(self, agency_id: str) -> list[tuple[str, str, set[str]]]:
        """The agency's active accounts: (username, full name, roles), by full name."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT username, full_name, roles FROM users WHERE agency_id=? AND status='active' "
                        "ORDER BY full_name, username", (agency_id,))
            return [(u, n, set(json.loads(r))) for u, n, r in cur.fetchall()]

    def picker(self, agency_id: str, lang: str = "vi") -> list[dict[str, Any]]:
        """The agency's active accounts as a picker lists them, by full name: username, full name, the name of
        their department (or the leadership), roles."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, name FROM departments WHERE agency_id=?", (agency_id,))
            units = {str(i): str(n) for i, n in cur.fetchall()}
            cur.execute("SELECT username, full_name, roles, department FROM users WHERE agency_id=? AND "
                        "status='active' ORDER BY full_name, username", (agency_id,))
            rows = cur.fetchall()
        return [{"username": u, "full_name": n, "roles": set(json.loads(r)),
                 "department": department_label(d, units, lang)} for u, n, r, d in rows]

    def units(self, agency_id: str, lang: str = "vi") -> list[tuple[str, str]]:
        """Where a document may be distributed besides people: the leadership, then the open departments by name."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, name FROM departments WHERE agency_id=? AND closed=0 ORDER BY name", (agency_id,))
            rows = [(str(i), str(n)) for i, n in cur.fetchall()]
        return [(LEADERSHIP, department_label(LEADERSHIP, {}, lang)), *rows]

    def names(self, agency_id: str, lang: str = "vi") -> dict[str, str]:
        """What a page shows for a name a fact holds: each account's full name (any status) by username, each
        department's name by id, and the leadership's."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, name FROM departments WHERE agency_id=?", (agency_id,))
            out = {str(i): str(n) for i, n in cur.fetchall()}
            cur.execute("SELECT username, full_name FROM users WHERE agency_id=?", (agency_id,))
            out.update({str(u): str(n) for u, n in cur.fetchall()})
        out[LEADERSHIP] = department_label(LEADERSHIP, {}, lang)
        return out

    def people(self, agency_id: str, roles: tuple[str, ...]) -> list[tuple[str, str]]:
        """Who of the agency holds one of ``roles``: (username, "Full Name (username)")."""
        return [(u, f"{n} ({u})") for u, n, held in self.active(agency_id) if held & set(roles)]

    def grantable(self, state: dict[str, Any]) -> list[tuple[str, str]]:
        """Who may be granted a confidential record's files: active accounts of its agency that read records,
        do not read these files by role and hold no current grant."""
        today = self.deps.ledger.today().isoformat()
        out = []
        for username, full_name, held in self.active(state["agency_id"]):
            grant = state["grants"].get(username)
            current = grant is not None and (grant["until"] is None or grant["until"] >= today)
            if held & set(R.RECORD_READERS) and not held & set(R.GRANTORS) and not current:
                out.append((username, f"{full_name} ({username})"))
        return out
