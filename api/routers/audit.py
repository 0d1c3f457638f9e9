"""The event feed for other systems and auditors, and the integrity report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, allow
from api.errors import responses
from api.schemas import AuditReport, Feed
from ledger.files import FileRef
from ledger.verify import verify_chains

router = APIRouter(prefix="/api/v1", tags=["audit"])
FeedReader = Annotated[Principal, Depends(allow(*R.FEED))]
Auditor = Annotated[Principal, Depends(allow(*R.AUDIT))]
FEED_COLS = ["position", "aggregate_id", "version", "kind", "event_type", "actor", "role", "agency_id",
             "occurred_at", "summary", "hash"]


@router.get("/events", response_model=Feed, responses=responses(400, 401, 403, 422),
            summary="Dòng sự kiện theo thứ tự / the event feed, in order (what you may see)")
def events(ctx: Ctx, p: FeedReader, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
           limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Feed:
    agencies = ctx.visible_agencies(p, frozenset(R.FEED)) or [""]
    ctx.fresh()
    with ctx.db.transaction(write=False) as cur:
        cur.execute(f"SELECT {', '.join(FEED_COLS)} FROM audit WHERE position > ? AND agency_id IN "
                    f"({','.join('?' * len(agencies))}) ORDER BY position LIMIT ?", (after, *agencies, limit + 1))
        rows = [dict(zip(FEED_COLS, r, strict=True)) for r in cur.fetchall()]
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1]["position"] if rows else after
    return Feed(items=rows, next_cursor=str(last) if more else None, last_position=last)  # type: ignore[arg-type]


def _files_of(state: dict[str, Any]) -> list[dict[str, Any]]:
    if state["type"] == "Document":
        return [v["file"] for v in state["versions"]]
    if state.get("destroyed"):
        return []
    return [f["file"] for f in state["files"]]


@router.get("/audit/verify", response_model=AuditReport, responses=responses(401, 403, 404, 422),
            summary="Kiểm tra toàn vẹn: chuỗi băm và tệp / integrity report")
def verify(ctx: Ctx, p: Auditor, files: bool = True,
           agency_id: Annotated[str | None, Query(max_length=63)] = None) -> AuditReport:
    report = verify_chains(ctx.ledger)
    brk = report.first_break
    first = None
    if brk is not None:
        shown = "admin" in p.roles or _agency_of(ctx, brk.aggregate_id) in ctx.visible_agencies(p, frozenset(R.AUDIT))
        first = {"position": brk.position, "aggregate_id": brk.aggregate_id if shown else None,
                 "version": brk.version if shown else None, "reason": brk.reason}
    checked, problems = 0, []
    if files:
        # Without agency_id: the caller's own agency (an inspector or the administrator names one).
        target = agency_id or (p.agency_id if p.roles - {"admin", "inspector"} else None)
        if target is not None:
            if "admin" not in p.roles:
                ctx.check_visible(p, target, frozenset(R.AUDIT), ("cơ quan", "agency"))
            for state in _aggregates(ctx, target):
                for ref in _files_of(state):
                    result = ctx.archive.verify(FileRef.from_dict(ref), state["id"])
                    checked += 1
                    if not result.ok:
                        problems.append({"aggregate_id": state["id"], "key": result.key, "code": result.code,
                                         "problem_vi": result.problem_vi, "problem_en": result.problem_en})
    return AuditReport(intact=report.intact, events=report.events, aggregates=report.aggregates,
                       first_break=first, files_checked=checked, file_problems=problems)  # type: ignore[arg-type]


def _agency_of(ctx: ApiContext, aggregate_id: str) -> str | None:
    try:
        return str(ctx.ledger.state_at(aggregate_id, version=1)["agency_id"])
    except Exception:  # noqa: BLE001 - a broken chain may not even decode; then it is not shown
        return None


def _aggregates(ctx: ApiContext, agency_id: str) -> list[dict[str, Any]]:
    ctx.fresh()
    with ctx.db.transaction(write=False) as cur:
        cur.execute("SELECT id FROM documents WHERE agency_id=? ORDER BY id", (agency_id,))
        docs = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id FROM records WHERE agency_id=? ORDER BY id", (agency_id,))
        recs = [r[0] for r in cur.fetchall()]
    return [ctx.ledger.document(d) for d in docs] + [ctx.ledger.record(r) for r in recs]
