"""Recomputes every aggregate's hash chain from the stored events (all, or those after a position) and names the
first break."""

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
    """What the walk learnt of one aggregate: its class, its agency and code (from its first event), its length,
    and the first version the walk recomputed (1 unless it started after a position)."""

    kind: str
    agency_id: str | None
    code: str | None
    version: int
    first: int = 1

    @property
    def walked(self) -> int:
        return self.version - self.first + 1


@dataclass(frozen=True)
class ChainReport:
    events: int
    aggregates: int
    first_break: ChainBreak | None
    chains: dict[str, Chain] = field(default_factory=dict, repr=False)
    after: int = 0  # the position the walk started after (0: the whole log)

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


def verify_chains(ledger: Any, *, after: int = 0, page_size: int = 2000,
                  progress: Callable[[int], None] | None = None) -> ChainReport:
    """Walks the notification log in order from ``after`` (0: the whole log); stops at the first event whose chain
    does not hold. An aggregate whose earlier events lie before ``after`` is joined to its stored previous event
    (read from the recorder, and itself recomputed from the hash it names as its own predecessor)."""
    heads: dict[str, tuple[int, str]] = {}
    owners: dict[str, tuple[str, str | None, str | None, int]] = {}
    decode = ledger.mapper.transcoder.decode
    count, start = 0, after

    def chains() -> dict[str, Chain]:
        return {k: Chain(*owners[k][:3], v, owners[k][3]) for k, (v, _) in heads.items() if k in owners}

    while True:
        page = ledger.recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not page:
            break
        for n in page:
            agg_id = str(n.originator_id)
            joined: tuple[str, str | None, str | None] | None = None
            try:
                if agg_id not in heads and after and n.originator_version > 1:
                    heads[agg_id], joined = _earlier(ledger, n, decode)
                version, previous = heads.get(agg_id, (0, GENESIS))
                fields: dict[str, Any] = decode(n.state)
                recomputed = chain_hash(previous, canonical_bytes(agg_id, n.originator_version, n.topic, fields))
                problem = _problem(n, version, previous, fields, recomputed)
            except _EarlierBroken as e:
                problem = e.args[0], e.args[1]
            except Exception as e:  # noqa: BLE001 - any undecodable bytes are a break to report, not a crash
                problem = (f"undecodable event bytes ({type(e).__name__})",
                           f"không đọc được dữ liệu của sự kiện ({type(e).__name__})")
            if problem:
                return ChainReport(count, len(owners), ChainBreak(n.id, agg_id, n.originator_version, *problem),
                                   chains(), after)
            if agg_id not in owners:
                if joined is None:
                    agency, code = fields.get("agency_id"), fields.get("code")
                    joined = (_aggregate_class(n.topic), agency if isinstance(agency, str) else None,
                              code if isinstance(code, str) else None)
                owners[agg_id] = (*joined, n.originator_version)
            heads[agg_id] = (n.originator_version, recomputed)
            count += 1
        start = page[-1].id
        if progress:
            progress(len(page))
    return ChainReport(count, len(owners), None, chains(), after)


class _EarlierBroken(Exception):
    """The stored event before the first one walked does not hold: (reason, reason in Vietnamese)."""


def _earlier(ledger: Any, n: Any, decode: Callable[[bytes], dict[str, Any]]
             ) -> tuple[tuple[int, str], tuple[str, str | None, str | None]]:
    """The head (version, hash) an aggregate had before event ``n``, read from its stored previous event, and the
    aggregate's class, agency and code from its first event."""
    uid = n.originator_id
    found = ledger.recorder.select_events(uid, lte=n.originator_version - 1, desc=True, limit=1)
    if not found:
        return (0, GENESIS), (_aggregate_class(n.topic), None, None)
    prev = found[0]
    fields = decode(prev.state)
    previous = fields.get("prev_hash")
    if not isinstance(previous, str) or fields.get("hash") != chain_hash(
            previous, canonical_bytes(str(uid), prev.originator_version, prev.topic, fields)):
        raise _EarlierBroken(f"the stored event before it (version {prev.originator_version}) does not match its "
                             "own hash; run a full verification",
                             f"sự kiện lưu trữ liền trước (thứ {prev.originator_version}) không khớp mã băm của "
                             "chính nó; hãy kiểm tra toàn bộ")
    first = fields
    if prev.originator_version > 1:
        opening = ledger.recorder.select_events(uid, lte=1)
        first = decode(opening[0].state) if opening else {}
    agency, code = first.get("agency_id"), first.get("code")
    owner = (_aggregate_class(prev.topic), agency if isinstance(agency, str) else None,
             code if isinstance(code, str) else None)
    return (prev.originator_version, str(fields["hash"])), owner


def count_notifications(recorder: Any, up_to: int) -> int:
    """How many events the log holds at positions up to ``up_to``: one COUNT, no event read (a deleted old
    event shows here even when no chain after it is walked)."""
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM {recorder.events_table_name} WHERE rowid <= ?", (up_to,))
            return int(c.fetchone()[0])
    if hasattr(recorder, "count_published"):
        return int(recorder.count_published(up_to))
    from psycopg.sql import SQL, Identifier

    statement = SQL("SELECT COUNT(*) AS n FROM {}.{} WHERE notification_id <= %s").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute(statement, (up_to,))
        return int(curs.fetchone()["n"])


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
