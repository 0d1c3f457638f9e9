"""Time-travel for people: a document's or record's events and its state as it was at an instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from ledger.actors import Actor
from ledger.errors import InvalidInput
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import Visibility

Kind = Literal["documents", "records"]
HISTORY_READERS: dict[str, frozenset[str]] = {"documents": frozenset(R.DOC_HISTORY),
                                              "records": frozenset(R.RECORD_OVERSIGHT)}


class Histories:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def load(self, actor: Actor, kind: Kind, aggregate_id: str) -> dict[str, Any]:
        """The document or record now, if ``actor`` may read its history (else 404)."""
        roles = HISTORY_READERS[kind]
        if kind == "documents":
            return self.visibility.document(actor, aggregate_id, roles)
        return self.visibility.record(actor, aggregate_id, roles)

    def of(self, actor: Actor, kind: Kind, aggregate_id: str, as_of: datetime | None = None) -> dict[str, Any]:
        """``{"as_of", "state", "events"}``: the events up to ``as_of`` (all without it) and the state then."""
        self.load(actor, kind, aggregate_id)
        if as_of is not None and as_of.tzinfo is None:
            raise InvalidInput("Thời điểm phải có múi giờ, ví dụ 2026-03-02T09:00:00+07:00.",
                               "as_of needs a time zone, e.g. 2026-03-02T09:00:00+07:00.", field="as_of")
        return self.replay(aggregate_id, within_calendar(as_of))

    def replay(self, aggregate_id: str, as_of: datetime | None = None) -> dict[str, Any]:
        """As ``of``, for the operator (`isoledger history`): any document or record, no caller to check."""
        ledger = self.deps.ledger
        events = ledger.history(aggregate_id, as_of=as_of)
        state = ledger.state_at(aggregate_id, as_of=as_of) if as_of is not None else ledger.state_at(aggregate_id)
        return {"as_of": as_of.isoformat() if as_of else None, "state": state, "events": events}

    def state_at(self, aggregate_id: str, as_of: datetime) -> dict[str, Any] | None:
        """The state at ``as_of`` of an aggregate the caller has loaded (None if it did not exist yet)."""
        return self.deps.ledger.state_at(aggregate_id, as_of=as_of)

    def events(self, aggregate_id: str, *, after: int = 0) -> list[dict[str, Any]]:
        """The events of an aggregate the caller has loaded, after version ``after``, oldest first."""
        return [e for e in self.deps.ledger.history(aggregate_id) if e["version"] > after]


def within_calendar(moment: datetime | None, field: str = "as_of") -> datetime | None:
    """``moment`` if it is an instant of the calendar in every time zone (9999-12-31T23:59:59-23:59 is past the
    last day once in UTC, 0001-01-01T00:00:00+23:59 before the first): InvalidInput naming ``field`` otherwise."""
    if moment is None or moment.tzinfo is None:
        return moment
    try:
        moment.astimezone(UTC)
        moment.astimezone(timezone(timedelta(hours=14))).astimezone(timezone(timedelta(hours=-12)))
    except OverflowError:
        raise InvalidInput("Thời điểm nằm ngoài lịch (trước năm 1 hoặc sau năm 9999 khi quy đổi múi giờ).",
                           "The instant is outside the calendar (before year 1 or after 9999 once converted "
                           "between time zones).", field=field) from None
    return moment
