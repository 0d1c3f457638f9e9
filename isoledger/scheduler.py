"""The server's scheduled job: the day's reminders every ``interval`` seconds, one process at a time (a lease)."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("isoledger.remind")


class Scheduler:
    """Runs ``uc.reminders.run_scheduled()`` at start and every ``interval`` seconds until ``stop``.

    Several server processes may each run one: the lease row lets one at a time do the work, and a reminder
    already given is never given again, so the others' runs change nothing. ``after`` (the mail sender's wake)
    is called after a run that told someone."""

    def __init__(self, uc: Any, interval: float, after: Any = None) -> None:
        self.uc, self.interval, self.after = uc, interval, after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="isoledger-remind", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.uc.reminders.run_scheduled(lease=max(60.0, self.interval / 2))
                if done.ran and done.total and self.after is not None:
                    self.after()
            except Exception:  # noqa: BLE001 - the next run retries
                log.warning("reminders failed; the next run retries", exc_info=True)
            self._stop.wait(timeout=self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
