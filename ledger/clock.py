"""The time events are stamped with: the wall clock, or a clock set for a block of commands (a replayed past)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

Clock = Callable[[], datetime]

_override: ContextVar[Clock | None] = ContextVar("isoledger_event_clock", default=None)


def override() -> Clock | None:
    """The clock set by ``clocked`` in this thread or task, if any."""
    return _override.get()


@contextmanager
def clocked(clock: Clock) -> Iterator[None]:
    """Inside the block, new events are stamped, and the ledger's "today" computed, with ``clock``.

    ``clock`` must return timezone-aware instants that never go back. The demo loads a past year this way;
    other threads and requests keep the wall clock.
    """
    token = _override.set(clock)
    try:
        yield
    finally:
        _override.reset(token)
