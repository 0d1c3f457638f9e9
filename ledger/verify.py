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
    reason_vi: str = ""


@dataclass(frozen=True)
class Chain:
    """What the walk learnt of one aggregate: its class, its agency and code (from its first event), its length."""

    kind: str
    agency_id: str | None
    code: str | None
    version: int


@dataclass(frozen=True)
class ChainReport:
    events: int
    aggregates: int
    first_break: ChainBreak | None
    chains: dict[str, Chain] = field(default_factory=dict, repr=False)

    @property
    def intact(self) -> bool:
        return self.first_break is None

    @property
    def versions(self) -> dict[str, int]:
        return {k: c.version for k, c in self.chains.items()}


def _aggregate_class(topic: str) -> str:
    """``ledger.document:Document.Registered`` -> ``Document``."""
    return topic.partition(":")[2].rpartition(".")[0] or topic


def _problem(n: Any, version: int, previous: str, fields: dict[str, Any], recomputed: str) -> tuple[str, str] | None:
    if n.originator_version != version + 1:
        return (f"expected version {version + 1}, found {n.originator_version}",
                f"mong đợi sự kiện thứ {version + 1}, gặp sự kiện thứ {n.originator_version}")
    if fields.get("prev_hash") != previous:
        return ("prev_hash does not match the previous event's hash",
                "mã băm trước (prev_hash) không khớp mã băm của sự kiện liền trước")
    if fields.get("hash") != recomputed:
        return "hash does not match the event's contents", "mã băm không khớp nội dung sự kiện"
    return None


def verify_chains(ledger: Any, *, page_size: int = 2000,
                  progress: Callable[[int], None] | None = None) -> ChainReport:
    """Walks the whole notification log in order; stops at the first event whose chain does not hold."""
    heads: dict[str, tuple[int, str]] = {}
    owners: dict[str, tuple[str, str | None, str | None]] = {}
    decode = ledger.mapper.transcoder.decode
    count, start = 0, 0

    def chains() -> dict[str, Chain]:
        return {k: Chain(*owners[k], v) for k, (v, _) in heads.items()}

    while True:
        page = ledger.recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not page:
            break
        for n in page:
            agg_id = str(n.originator_id)
            version, previous = heads.get(agg_id, (0, GENESIS))
            try:
                fields: dict[str, Any] = decode(n.state)
                recomputed = chain_hash(previous, canonical_bytes(agg_id, n.originator_version, n.topic, fields))
                problem = _problem(n, version, previous, fields, recomputed)
            except Exception as e:  # noqa: BLE001 - any undecodable bytes are a break to report, not a crash
                problem = (f"undecodable event bytes ({type(e).__name__})",
                           f"không đọc được dữ liệu của sự kiện ({type(e).__name__})")
            if problem:
                return ChainReport(count, len(heads), ChainBreak(n.id, agg_id, n.originator_version, *problem),
                                   chains())
            if agg_id not in owners:
                agency, code = fields.get("agency_id"), fields.get("code")
                owners[agg_id] = (_aggregate_class(n.topic), agency if isinstance(agency, str) else None,
                                  code if isinstance(code, str) else None)
            heads[agg_id] = (n.originator_version, recomputed)
            count += 1
        start = page[-1].id
        if progress:
            progress(len(page))
    return ChainReport(count, len(heads), None, chains())


@dataclass(frozen=True)
class SnapshotReport:
    checked: int
    first_break: ChainBreak | None


def verify_snapshots(ledger: Any, versions: dict[str, int], *, interval: int) -> SnapshotReport:
    """Snapshots are a cache, so a changed snapshot must not change what people see: every snapshot of an
    aggregate long enough to have one is compared with a replay of its events from the first."""
    from uuid import UUID

    from eventsourcing.application import project_aggregate

    checked = 0
    if ledger.snapshots is None:
        return SnapshotReport(0, None)
    for agg_id, version in versions.items():
        if version < interval:
            continue
        try:
            found, brk = _check_snapshots(ledger, UUID(agg_id), project_aggregate)
        except Exception as e:  # noqa: BLE001 - a snapshot that does not even decode is a break, not a crash
            found, brk = 0, ChainBreak(0, agg_id, 0, f"undecodable snapshot ({type(e).__name__})",
                                       f"không đọc được ảnh chụp trạng thái ({type(e).__name__})")
        checked += found
        if brk is not None:
            return SnapshotReport(checked, brk)
    return SnapshotReport(checked, None)


def _check_snapshots(ledger: Any, uid: Any, project: Any) -> tuple[int, ChainBreak | None]:
    snapshots = {s.originator_version: s for s in ledger.snapshots.get(uid)}
    checked, aggregate = 0, None
    if not snapshots:
        return 0, None
    for ev in ledger.events.get(uid, lte=max(snapshots)):
        aggregate = project(aggregate, [ev])
        snap = snapshots.get(ev.originator_version)
        if snap is None:
            continue
        checked += 1
        if _state(snap.mutate(None)) != _state(aggregate):
            return checked, ChainBreak(0, str(uid), ev.originator_version, "snapshot differs from the replayed events",
                                       "ảnh chụp trạng thái khác với kết quả phát lại sự kiện")
    return checked, None


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
