"""Wires the ledger and its projections from Settings, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from archive import Archive, open_store
from isoledger.settings import Settings
from ledger.application import Ledger
from ledger.config import is_postgres
from projections.db import Database
from projections.runner import Projector


@dataclass
class Services:
    settings: Settings
    ledger: Ledger
    db: Database
    projector: Projector
    archive: Archive

    def close(self) -> None:
        self.archive.close()
        self.db.close()
        self.ledger.close()


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> Services:
    settings.home.mkdir(parents=True, exist_ok=True)
    # With a separate owner role (PostgreSQL), tables are created by `isoledger init`, not at run time.
    separate_owner = is_postgres(settings.database_url) and settings.owner_database_url != settings.database_url
    ledger = Ledger(settings.database_url, create_tables=not separate_owner, clock=clock)
    db = Database(settings.database_url)
    projector = Projector(ledger, db)
    if not separate_owner:
        projector.create_tables()
    archive = open_store(settings.storage)
    return Services(settings, ledger, db, projector, archive)
