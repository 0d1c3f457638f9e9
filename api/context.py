"""What the app's routes and pages are built with: the use cases and authentication, wired once by create_app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.security import Authentication, Passwords, Principal, Throttle, Tokens
from api.store import ApiStore
from ledger.application import Ledger
from ledger.directory import Directory
from projections.db import Database
from usecases.layer import UseCases

__all__ = ["ApiContext", "Principal"]


@dataclass
class ApiContext:
    """The service layer (``uc``), authentication (``auth``) and the cookie policy; it does nothing itself.

    Its other attributes name the parts they are built from, for the first-start seed and the tests.
    """

    uc: UseCases
    auth: Authentication
    services: Any
    secure_cookies: bool = True
    trusted_proxies: frozenset[str] = frozenset()  # peers whose X-Forwarded-For is believed

    @property
    def ledger(self) -> Ledger:
        return self.uc.deps.ledger

    @property
    def directory(self) -> Directory:
        return self.uc.deps.directory

    @property
    def archive(self) -> Any:
        return self.uc.deps.archive

    @property
    def db(self) -> Database:
        return self.uc.deps.db

    @property
    def store(self) -> ApiStore:
        return self.auth.store

    @property
    def passwords(self) -> Passwords:
        return self.auth.passwords

    @property
    def tokens(self) -> Tokens:
        return self.auth.tokens

    @property
    def throttle(self) -> Throttle:
        return self.auth.throttle

    @property
    def signing(self) -> Callable[[], Any] | None:
        return self.uc.deps.signing

    @signing.setter
    def signing(self, factory: Callable[[], Any] | None) -> None:
        self.uc.deps.signing = factory

    def fresh(self) -> None:
        self.uc.deps.projections.fresh()

    def after_command(self) -> None:
        self.uc.deps.projections.after_command()
