"""The directory's use cases built over the API's context: accounts with the API's credentials (Argon2id hashes in
its own table), and departments with the API's view of who sees which agency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.security import Passwords
from api.store import ApiStore
from ledger.directory import Directory
from usecases.accounts import Accounts
from usecases.departments import Departments


@dataclass
class StoredCredentials:
    passwords: Passwords
    store: ApiStore

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


def accounts(directory: Directory, passwords: Passwords, store: ApiStore) -> Accounts:
    return Accounts(directory, StoredCredentials(passwords, store))


def departments(ctx: Any) -> Departments:
    """Departments as ``ctx`` (an ApiContext) sees them: an agency's own people, and inspectors of the agencies
    that supervise it, read them."""
    def sees(roles: frozenset[str], home: str, agency_id: str) -> bool:
        return home == agency_id or ("inspector" in roles and agency_id in ctx.supervised_by(home))

    return Departments(ctx.directory, sees)
