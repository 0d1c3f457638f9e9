"""Agencies and their accounts: create, list, change roles and state, passwords, signature and seal images."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ledger.actors import Actor
from ledger.files import FileRef
from signing.version import account_scope, agency_scope
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import AGENCY, USER, Visibility, not_found

T = TypeVar("T")
Read = Callable[[Any, str, list[Any]], T]


class Credentials(Protocol):
    """Where passwords are kept (hashed): the API's store."""

    def set_password(self, username: str, password: str) -> None: ...


class Accounts:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    @property
    def credentials(self) -> Credentials:
        return self.deps.credentials  # type: ignore[no-any-return]

    def _visible(self, actor: Actor) -> list[str] | None:
        """The agencies ``actor`` reads (None: every agency, the administrator)."""
        return None if "admin" in actor.roles else self.visibility.visible_agencies(actor, frozenset(R.MEMBERS))

    # ---- agencies ---------------------------------------------------------------------------
    def create_agency(self, actor: Actor, *, agency_id: str, name: str, supervised_by: list[str]) -> dict[str, Any]:
        state = self.deps.directory.create_agency(actor, agency_id=agency_id, name=name, supervised_by=supervised_by)
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
        if not ("admin" in actor.roles or agency_id == actor.agency_id
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
        if "admin" not in actor.roles:
            self.visibility.check_visible(actor, agency_id, frozenset(R.USER_READERS))
        self.visibility.agency(agency_id)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            return read(cur, "FROM users WHERE agency_id=?", [agency_id])

    def change_account(self, actor: Actor, username: str, *, roles: list[str] | None = None,
                       action: str | None = None, reason: str = "", password: str | None = None,
                       expected_version: int | None = None) -> dict[str, Any]:
        """Changes roles, then locks, unlocks or deactivates, then sets a new password; each optional."""
        directory = self.deps.directory
        if directory.find_account(username) is None:
            raise not_found(USER)
        state = directory.account(username)
        expected = expected_version
        if roles is not None:
            state = directory.change_roles(actor, username, roles, expected_version=expected)
            expected = None
        if action == "lock":
            state = directory.lock(actor, username, reason=reason, expected_version=expected)
        elif action == "unlock":
            state = directory.unlock(actor, username, expected_version=expected)
        elif action == "deactivate":
            state = directory.deactivate(actor, username, reason=reason, expected_version=expected)
        if password is not None:
            self.credentials.set_password(username, password)
        self.deps.projections.after_command()
        return state

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
        if account is None or not ("admin" in actor.roles or account["agency_id"] == actor.agency_id
                                   or (read and self.visibility.sees(actor, account["agency_id"]))):
            raise not_found(USER)
        return account

    def _image(self, file: dict[str, Any] | None, scope: str) -> tuple[FileRef, bytes]:
        if not file:
            raise not_found(("ảnh", "image"))
        ref = FileRef.from_dict(file)
        return ref, self.deps.archive.read_bytes(ref, scope)

    # ---- who can be picked ------------------------------------------------------------------
    def active(self, agency_id: str) -> list[tuple[str, str, set[str]]]:
        """The agency's active accounts: (username, full name, roles), by full name."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT username, full_name, roles FROM users WHERE agency_id=? AND status='active' "
                        "ORDER BY full_name, username", (agency_id,))
            return [(u, n, set(json.loads(r))) for u, n, r in cur.fetchall()]

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
