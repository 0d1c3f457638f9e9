"""This server process's heartbeat (api.store): another process takes over a key this one claimed only once the
beats stop. The same thread frees the keys whose release failed while the database was down, and forgets,
hourly, the ledger's request marks older than any key is kept."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from isoledger.passes import Passes
from ledger.requests import KEPT_FOR

BEAT_EVERY = 3.0  # seconds; api.store.GONE_AFTER is five beats
FORGET_EVERY = 3600.0

log = logging.getLogger("isoledger.liveness")


class Heartbeat:
    """``instance`` names this process in the API's table; ``start``/``stop`` as the app's other background jobs."""

    def __init__(self, store: Any, ledger: Any) -> None:
        self.instance = uuid.uuid4().hex
        self.store, self.ledger = store, ledger
        self._forgot_at = 0.0
        self._passes = Passes(self.beat, "isoledger-heartbeat", log, "heartbeat")

    def beat(self) -> None:
        self.store.beat(self.instance)
        self.store.release_unreleased()
        if time.monotonic() - self._forgot_at >= FORGET_EVERY:
            self._forgot_at = time.monotonic()
            self.ledger.forget_requests(time.time() - KEPT_FOR)

    def start(self) -> None:
        self._passes.start(BEAT_EVERY)

    def stop(self) -> None:
        self._passes.stop()
