"""Accounts administered: create, change name, e-mail, department and roles, lock, unlock, deactivate, reset a
password to a one-time one; and every user's change of their own password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from ledger.actors import Actor
from ledger.directory import Directory
from ledger.errors import InvalidInput, NotAllowed
from usecases.departments import AGENCY, manages, not_found

USER = ("tài khoản", "user")
MIN_PASSWORD = 10


class Credentials(Protocol):
    """Where password hashes live (outside the ledger: they are secrets, not facts)."""

    def hash(self, password: str) -> str: ...
    def verify(self, hashed: str | None, password: str) -> bool: ...
    def password_hash(self, username: str) -> str | None: ...
    def set_password_hash(self, username: str, hashed: str) -> None: ...
    def require_password_change(self, username: str, required: bool) -> None: ...
    def must_change_password(self, username: str) -> bool: ...


def check_password(password: Any, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
                           f"A password needs at least {MIN_PASSWORD} characters.", field=field)
    if len(password) > 200:
        raise InvalidInput("Mật khẩu dài quá 200 ký tự.", "The password is longer than 200 characters.", field=field)
    return password


@dataclass
class Accounts:
    directory: Directory
    credentials: Credentials

    def managed(self, actor: Actor, username: str) -> dict[str, Any]:
        """The account, if ``actor`` administers its agency (404 otherwise, never 403)."""
        account = self.directory.find_account(username)
        if account is None or not manages(actor.roles, actor.agency_id, account["agency_id"]):
            raise not_found(USER)
        return account

    def create(self, actor: Actor, agency_id: str, *, username: str, full_name: str, roles: list[str],
               email: str = "", department: str | None = None, password: str | None = None
               ) -> tuple[dict[str, Any], str | None]:
        """The new account and, when no password was given, the one-time password it must change at sign-in."""
        if not manages(actor.roles, actor.agency_id, agency_id) or self.directory.find_agency(agency_id) is None:
            raise not_found(AGENCY)
        given = check_password(password) if password is not None else None
        chosen = given or secrets.token_urlsafe(12)
        hashed = self.credentials.hash(chosen)
        state = self.directory.create_account(actor, username=username, agency_id=agency_id, full_name=full_name,
                                              roles=roles, email=email, department=department)
        self.credentials.set_password_hash(state["username"], hashed)
        self.credentials.require_password_change(state["username"], given is None)
        return state, None if given else chosen

    def change(self, actor: Actor, username: str, *, full_name: str | None = None, email: str | None = None,
               department: str | None = None, roles: list[str] | None = None, action: str | None = None,
               reason: str = "", password: str | None = None, expected_version: int | None = None
               ) -> dict[str, Any]:
        """Applies each given change in turn; ``expected_version`` (If-Match) guards the first one."""
        state = self.managed(actor, username)
        d = self.directory
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
        new_hash = self.credentials.hash(check_password(password)) if password is not None else None
        for step in steps:
            state = step(expected_version)
            expected_version = None
        if new_hash is not None:
            self.credentials.set_password_hash(username, new_hash)
        return state

    def reset_password(self, actor: Actor, username: str) -> str:
        """A new one-time password for ``username``, to be changed at their next sign-in."""
        account = self.managed(actor, username)
        if account["status"] == "deactivated":
            raise NotAllowed("Tài khoản đã bị vô hiệu hóa.", "The account is deactivated.",
                             code="account_deactivated")
        password = secrets.token_urlsafe(12)
        self.credentials.set_password_hash(username, self.credentials.hash(password))
        self.credentials.require_password_change(username, True)
        return password

    def change_own_password(self, username: str, *, current: str, new: str) -> None:
        if not self.credentials.verify(self.credentials.password_hash(username), current or ""):
            raise InvalidInput("Mật khẩu hiện tại không đúng.", "The current password is wrong.",
                               field="current_password")
        check_password(new, "new_password")
        if new == current:
            raise InvalidInput("Mật khẩu mới phải khác mật khẩu hiện tại.",
                               "The new password must differ from the current one.", field="new_password")
        self.credentials.set_password_hash(username, self.credentials.hash(new))
        self.credentials.require_password_change(username, False)
