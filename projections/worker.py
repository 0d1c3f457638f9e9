"""Keeps the read models fresh: a catch-up before each read, and a worker woken after each command."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("isoledger.projections")
WORKER_POLL = 1.0  # seconds between the idle worker's checks
WORKER_IDLE = 5.0  # seconds without commands before it ends


class ProjectionWorker:
    """``fresh()`` before a read of the views; ``after_command()`` once a command wrote events.

    A command's answer does not wait for the read models: ``after_command`` wakes a thread and returns.
    Whatever reads them (lists, the feed, pages) calls ``fresh()`` first, under the same lock, so a client
    still reads its own writes; the worker catches up many commands' events in one page under load. It is
    started on demand and ends after a few idle seconds (no thread outlives its app for long).
    """

    def __init__(self, projector: Any) -> None:
        self.projector = projector
        self._catch_up_lock = threading.Lock()
        self._worker_lock = threading.Lock()
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None
        self.listeners: list[Callable[[], None]] = []  # told when a catch-up applied events (the mail sender)
        self._closed = False

    def fresh(self) -> None:
        """Brings the read models up to date before a read."""
        with self._catch_up_lock:
            self.projector.catch_up()

    def after_command(self) -> None:
        """Wakes the worker (starting it when none runs) and returns at once."""
        with self._worker_lock:
            self._wake.set()
            if self._worker is None and not self._closed:
                self._worker = threading.Thread(target=self._catch_up_loop, name="isoledger-projections",
                                                daemon=True)
                self._worker.start()

    def close(self) -> None:
        """Ends the worker thread (if one runs) before the database it catches up is closed."""
        with self._worker_lock:
            worker, self._closed = self._worker, True
            self._wake.set()
        if worker is not None:
            worker.join(timeout=30)

    def _catch_up_loop(self) -> None:
        idle_since = time.monotonic()
        while True:
            self._wake.wait(timeout=WORKER_POLL)
            with self._worker_lock:
                if self._closed:
                    self._worker = None
                    return
                if not self._wake.is_set():
                    if time.monotonic() - idle_since > WORKER_IDLE:
                        self._worker = None
                        return
                    continue
                self._wake.clear()
            try:
                with self._catch_up_lock:
                    applied = self.projector.catch_up()
                if getattr(applied, "events", 0):
                    for listener in self.listeners:
                        listener()
            except Exception:  # noqa: BLE001 - the next read or command catches up again
                log.warning("projection catch-up failed; the next read retries", exc_info=True)
            idle_since = time.monotonic()
