"""Base aggregate: every event carries its actor metadata and extends the aggregate's hash chain."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from ledger.clock import override
from ledger.errors import NotAllowed
from ledger.integrity import GENESIS, canonical_bytes, chain_hash


def _sealed(aggregate_id: UUID, version: int, event_class: type, previous: str,
            kwargs: dict[str, Any]) -> dict[str, Any]:
    fields = dict(kwargs, prev_hash=previous)
    digest = chain_hash(previous, canonical_bytes(str(aggregate_id), version, get_topic(event_class), fields))
    fields["hash"] = digest
    return fields


def _timestamp(event_class: Any) -> Any:
    clock = override()
    return clock() if clock is not None else event_class.create_timestamp()


class LedgerAggregate(Aggregate):
    """An aggregate whose events form a SHA-256 chain; ``last_hash`` is the head of the chain."""

    class Event(Aggregate.Event):
        meta: dict[str, str]
        prev_hash: str
        hash: str

        def apply(self, aggregate: Any) -> None:
            aggregate.last_hash = self.hash

    class Created(Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.last_hash = self.hash

    agency_id: str
    last_hash: str

    @classmethod
    def _create(cls, event_class: Any, *, id: UUID | None = None, **kwargs: Any) -> Any:  # noqa: A002
        aggregate_id = id or uuid4()
        if kwargs.get("timestamp") is None:
            kwargs["timestamp"] = _timestamp(event_class)
        kwargs["originator_topic"] = get_topic(cls)
        sealed = _sealed(aggregate_id, cls.INITIAL_VERSION, event_class, GENESIS, kwargs)
        sealed.pop("originator_topic")
        return super()._create(event_class, id=aggregate_id, **sealed)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        if kwargs.get("timestamp") is None:
            kwargs["timestamp"] = _timestamp(event_class)
        sealed = _sealed(self.id, self.version + 1, event_class, self.last_hash, kwargs)
        super().trigger_event(event_class, **sealed)

    def check_same_agency(self, meta: dict[str, str]) -> None:
        if meta["agency_id"] != self.agency_id:
            raise NotAllowed("Bạn không thuộc cơ quan quản lý mục này.",
                             "You do not belong to the agency that owns this item.",
                             code="other_agency")
