"""Recomputes every aggregate's hash chain from the stored events and names the first break."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.integrity import GENESIS, canonical_bytes, chain_hash


@dataclass(frozen=True)
class ChainBreak:
    position: int
    aggregate_id: str
    version: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    aggregates: int
    first_break: ChainBreak | None
    versions: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chains(ledger: Any, *, page_size: int = 2000,
                  progress: Callable[[int], None] | None = None) -> ChainReport:
    """Walks the whole notification log in order; stops at the first event whose chain does not hold."""
    heads: dict[str, tuple[int, str]] = {}
    decode = ledger.mapper.transcoder.decode
    count, start = 0, 0
    while True:
        page = ledger.recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not page:
            break
        for n in page:
            agg_id = str(n.originator_id)
            version, previous = heads.get(agg_id, (0, GENESIS))
            problem = None
            try:
                fields: dict[str, Any] = decode(n.state)
                recomputed = chain_hash(previous, canonical_bytes(agg_id, n.originator_version, n.topic, fields))
            except Exception as e:  # noqa: BLE001 - any undecodable bytes are a break to report, not a crash
                problem, fields, recomputed = f"undecodable event bytes ({type(e).__name__})", {}, ""
            if problem is None:
                if n.originator_version != version + 1:
                    problem = f"expected version {version + 1}, found {n.originator_version}"
                elif fields.get("prev_hash") != previous:
                    problem = "prev_hash does not match the previous event's hash"
                elif fields.get("hash") != recomputed:
                    problem = "hash does not match the event's contents"
            if problem:
                return ChainReport(count, len(heads), ChainBreak(n.id, agg_id, n.originator_version, problem))
            heads[agg_id] = (n.originator_version, recomputed)
            count += 1
        start = page[-1].id
        if progress:
            progress(len(page))
    return ChainReport(count, len(heads), None, {k: v for k, (v, _) in heads.items()})


def verify_snapshots(ledger: Any, versions: dict[str, int], *, interval: int) -> ChainBreak | None:
    """Snapshots are a cache, so a changed snapshot must not change what people see: every snapshot of an
    aggregate long enough to have one is compared with a replay of its events from the first."""
    from uuid import UUID

    from eventsourcing.application import project_aggregate

    if ledger.snapshots is None:
        return None
    for agg_id, version in versions.items():
        if version < interval:
            continue
        uid = UUID(agg_id)
        snapshots = {s.originator_version: s for s in ledger.snapshots.get(uid)}
        if not snapshots:
            continue
        aggregate = None
        for ev in ledger.events.get(uid, lte=max(snapshots)):
            aggregate = project_aggregate(aggregate, [ev])
            snap = snapshots.get(ev.originator_version)
            if snap is not None and _state(snap.mutate(None)) != _state(aggregate):
                return ChainBreak(0, agg_id, ev.originator_version, "snapshot differs from the replayed events")
    return None


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
