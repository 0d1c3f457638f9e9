"""The event feed with each event's data (file references, not bytes), as other systems read it and webhooks send it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.actors import Actor
from ledger.errors import LedgerError
from usecases.deps import Deps
from usecases.registers import Registers

HIDDEN = ("originator_id", "originator_version", "timestamp", "meta", "prev_hash", "hash", "originator_topic")
WITHHELD = ("filename", "description")  # of a confidential record, for whoever may not read its files


def plain(value: Any) -> Any:
    """``value`` as JSON values: instants and days as ISO 8601, ids as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def withheld(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: withheld(v) for k, v in value.items() if k not in WITHHELD}
    if isinstance(value, list):
        return [withheld(v) for v in value]
    return value


class EventFeed:
    def __init__(self, deps: Deps, registers: Registers) -> None:
        self.deps, self.registers = deps, registers

    def page(self, actor: Actor, *, after: int = 0, limit: int = 100) -> tuple[list[dict[str, Any]], bool]:
        """The events after ``after`` that ``actor`` may see, each with its ``data``; and whether more follow."""
        rows, more = self.registers.feed(actor, after=after, limit=limit)
        return self.with_data(rows, lambda record_id: self._reads(actor, record_id)), more

    def _reads(self, actor: Actor, record_id: str) -> bool:
        try:
            return self.deps.ledger.file_access(actor, record_id) is not None
        except LedgerError:
            return False

    def with_data(self, rows: list[dict[str, Any]], reads_files: Callable[[str], bool]) -> list[dict[str, Any]]:
        """``rows`` (of the audit view) with each event's payload; a confidential record's file names and
        descriptions left out unless ``reads_files(record_id)``."""
        if not rows:
            return rows
        ledger = self.deps.ledger
        decode = ledger.mapper.transcoder.decode
        first, last = rows[0]["position"], rows[-1]["position"]
        stored = {n.id: n for n in ledger.recorder.select_notifications(first, last - first + 1, stop=last)}
        secret = self._confidential([r["aggregate_id"] for r in rows if r["kind"] == "Record"])
        reads: dict[str, bool] = {}
        out = []
        for row in rows:
            n = stored.get(row["position"])
            data = {} if n is None else plain({k: v for k, v in decode(n.state).items() if k not in HIDDEN})
            rid = row["aggregate_id"]
            if rid in secret:
                if rid not in reads:
                    reads[rid] = reads_files(rid)
                if not reads[rid]:
                    data = withheld(data)
            out.append(dict(row, data=data))
        return out

    def _confidential(self, record_ids: list[str]) -> set[str]:
        if not record_ids:
            return set()
        ids = list(dict.fromkeys(record_ids))
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT id FROM records WHERE confidentiality='confidential' AND id IN "
                        f"({','.join('?' * len(ids))})", tuple(ids))
            return {r[0] for r in cur.fetchall()}
