"""Whether the database and the object storage answer."""

from __future__ import annotations

import logging

from usecases.deps import Deps

log = logging.getLogger("isoledger.api")


class Health:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def check(self) -> tuple[str, str]:
        """("ok" or "down") for the database, then for the storage; what failed is logged, not shown."""
        database = storage = "ok"
        try:
            with self.deps.db.transaction(write=False) as cur:
                cur.execute("SELECT 1")
                cur.fetchone()
            self.deps.ledger.recorder.max_notification_id()
        except Exception as e:  # noqa: BLE001 - any failure means "down"; the kind is logged, not shown
            log.warning("health: database down (%s)", type(e).__name__)
            database = "down"
        try:
            self.deps.archive.check()
        except Exception as e:  # noqa: BLE001
            log.warning("health: storage down (%s)", type(e).__name__)
            storage = "down"
        return database, storage
