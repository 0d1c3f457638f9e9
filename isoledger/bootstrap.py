"""The composition root: the ledger, its projections, the archive and the use cases, wired from Settings once."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from archive import Archive, open_store
from evidence.checkpoints import CheckpointKey, Checkpoints
from evidence.timestamp import CheckpointTimestamper
from isoledger.settings import Settings
from ledger.application import Ledger
from ledger.config import is_postgres, sqlite_path
from ledger.directory import Directory
from projections.db import Database
from projections.runner import Projector
from projections.worker import ProjectionWorker
from usecases.deps import Deps
from usecases.layer import UseCases


@dataclass
class Services:
    settings: Settings
    ledger: Ledger
    db: Database
    projector: Projector
    archive: Archive
    checkpoints: Checkpoints | None = None
    timestamper: CheckpointTimestamper | None = None

    def close(self) -> None:
        if self.timestamper is not None:
            self.timestamper.close()
        self.archive.close()
        self.db.close()
        self.ledger.close()


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> Services:
    settings.home.mkdir(parents=True, exist_ok=True)
    private_sqlite_file(settings.database_url)
    # With a separate owner role (PostgreSQL), tables are created by `isoledger init`, not at run time.
    separate_owner = is_postgres(settings.database_url) and settings.owner_database_url != settings.database_url
    ledger = Ledger(settings.database_url, create_tables=not separate_owner, clock=clock)
    db = Database(settings.database_url)
    projector = Projector(ledger, db)
    if not separate_owner:
        projector.create_tables()
    archive = open_store(settings.storage)
    services = Services(settings, ledger, db, projector, archive)
    open_checkpoints(services, clock=clock)
    return services


def private_sqlite_file(database_url: str) -> None:
    """The SQLite file readable and writable by its owner only (0600, like the keys beside it): created so
    before SQLite opens it, and narrowed if an older start left it wider. SQLite gives its -wal and -shm
    files the same mode."""
    if is_postgres(database_url):
        return
    path = sqlite_path(database_url)
    if path in ("", ":memory:") or path.startswith("file:"):
        return
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name) and os.stat(name).st_mode & 0o077:
            os.chmod(name, 0o600)


def open_checkpoints(services: Services, *, clock: Callable[[], datetime] | None = None) -> Checkpoints:
    """The signed checkpoints of the tree over the log, made as the projections catch up (every 1,000 events
    or 10 minutes with new events); the key is generated into the home directory on first start. With a
    time-stamping service (ISOLEDGER_TSA_URL), each checkpoint also gets an RFC 3161 token; when the service
    fails, the checkpoint is made without one (a warning is logged once) and the next one asks again."""
    if services.checkpoints is None:
        key = CheckpointKey.load_or_create(services.settings.home / "checkpoint.key")
        signing = services.settings.signing
        if signing.tsa_url and services.timestamper is None:
            services.timestamper = CheckpointTimestamper(signing.tsa_url, signing.http_timeout)
        services.checkpoints = Checkpoints(services.db, key, ledger=services.ledger,
                                           clock=clock or services.ledger.clock, timestamp=services.timestamper)
        services.projector.on_caught_up = services.checkpoints.maybe_make
    return services.checkpoints


def use_cases(services: Services, *, archive: Any = None, directory: Directory | None = None,
              signing: Callable[[], Any] | None = None, pkcs11_for: Callable[[str], Any] | None = None,
              credentials: Any = None) -> UseCases:
    """The service layer over ``services``, built once per process by whoever serves it (the app, the CLI)."""
    deps = Deps(ledger=services.ledger, directory=directory or Directory(services.ledger), db=services.db,
                projections=ProjectionWorker(services.projector), archive=archive or services.archive,
                checkpoints=open_checkpoints(services), signing=signing, pkcs11_for=pkcs11_for,
                credentials=credentials)
    return UseCases.over(deps)
