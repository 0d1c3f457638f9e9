"""Which request wrote an event: a request id (an Idempotency-Key's), recorded once in the same transaction as the
first events the request writes, under a unique key. A command repeated under one key can therefore never apply
twice, not even when a crash lost its answer and the client retries on another server process."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger.errors import RequestAlreadyApplied

__all__ = ["MarksRequests", "RequestAlreadyApplied", "writing_for"]

KEPT_FOR = 2 * 24 * 3600.0  # longer than a key is remembered by the API (a day), so no retry outlives its mark


@dataclass
class _Mark:
    request: str
    written: set[str] = field(default_factory=set)  # the tables that already hold this request's mark


_current: ContextVar[_Mark | None] = ContextVar("isoledger_request", default=None)


@contextmanager
def writing_for(request: str) -> Iterator[None]:
    """Events saved inside the block (by this thread, or a worker thread that copied its context) carry the mark."""
    token = _current.set(_Mark(request))
    try:
        yield
    finally:
        _current.reset(token)


class MarksRequests(ABC):
    """Mixed into an application recorder (before it in the bases): ``_mark(cursor)`` inside the insert's
    transaction, and the unique key turned into :class:`RequestAlreadyApplied`."""

    events_table_name: str
    datastore: Any

    @property
    def requests_table_name(self) -> str:
        return f"{self.events_table_name}_requests"

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        mark = _current.get()
        try:
            result = super().insert_events(stored_events, **kwargs)  # type: ignore[misc]
        except IntegrityError:
            if mark is not None and self.requests_table_name not in mark.written \
                    and self.request_recorded(mark.request):
                raise RequestAlreadyApplied() from None
            raise
        if mark is not None and stored_events:
            mark.written.add(self.requests_table_name)
        return result  # type: ignore[no-any-return]

    def _mark_params(self) -> tuple[str, float] | None:
        mark = _current.get()
        if mark is None or self.requests_table_name in mark.written:
            return None
        return mark.request, time.time()

    @abstractmethod
    def request_recorded(self, request: str) -> bool:
        """Whether a committed transaction holds the request's mark."""

    @abstractmethod
    def forget_requests(self, before: float) -> int:
        """Deletes the marks recorded before ``before`` (a Unix time); how many."""
