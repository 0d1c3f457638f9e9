"""A sender's background thread: one pass every ``poll`` seconds or when woken, until stopped; a failed pass is
logged and the next one retries (what it had to do stays in the database)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any


class Passes:
    """Runs ``run_once`` (a pass) in a daemon thread named ``name``: ``start``, ``wake``, ``stop``."""

    def __init__(self, run_once: Callable[[], Any], name: str, log: logging.Logger, what: str) -> None:
        self.run_once, self.name, self.log, self.what = run_once, name, log, what
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, poll: float = 2.0) -> None:
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception:  # noqa: BLE001 - the next pass retries; the work stays in the database
                    self.log.warning("%s pass failed; the next pass retries", self.what, exc_info=True)
                self._wake.wait(timeout=poll)
                self._wake.clear()

        self._thread = threading.Thread(target=loop, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
