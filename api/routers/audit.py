"""The event feed for other systems and auditors, and the integrity report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, allow
from api.errors import responses
from api.schemas import AuditReport, Feed
from ledger.application import SNAPSHOT_INTERVAL
from ledger.verification import Finding, IntegrityReport, verify_ledger

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


@router.get("/audit/verify", response_model=AuditReport, responses=responses(401, 403, 404, 422, 503),
            summary="Kiểm tra toàn vẹn: chuỗi băm, ảnh chụp, tệp, biên bản hủy / integrity report")
def verify(ctx: Ctx, p: Auditor, files: bool = True,
           agency_id: Annotated[str | None, Query(max_length=63)] = None) -> AuditReport:
    """The check `isoledger verify` makes (ledger.verification): every chain of the log, then the snapshots and
    stored files of the documents and records of ``agency_id`` (without it: the caller's agencies; the
    administrator's, the whole ledger)."""
    if agency_id is not None:
        if "admin" not in p.roles:
            ctx.check_visible(p, agency_id, frozenset(R.AUDIT), ("cơ quan", "agency"))
        agencies: list[str] | None = [agency_id]
    else:
        agencies = None if "admin" in p.roles else ctx.visible_agencies(p, frozenset(R.AUDIT))
    ctx.fresh()  # the tree read model names what a checkpoint no longer finds
    report = verify_ledger(ctx.ledger, ctx.archive if files else None, agencies=agencies,
                           snapshot_interval=SNAPSHOT_INTERVAL, tree=ctx.services.checkpoints.verify_tree)
    return _out(report, _shown(ctx, p, report.first_break))


def _shown(ctx: ApiContext, p: Principal, brk: Finding | None) -> bool:
    """Whether the caller may be told which document or record the break is in."""
    if brk is None or "admin" in p.roles:
        return True
    return brk.agency_id is not None and brk.agency_id in ctx.visible_agencies(p, frozenset(R.AUDIT))


def _out(report: IntegrityReport, shown: bool) -> AuditReport:
    brk = report.first_break
    first = None
    if brk is not None:
        first = {"position": brk.position, "aggregate_id": brk.aggregate_id if shown else None,
                 "version": brk.version if shown else None, "reason": brk.reason_en, "check": brk.check,
                 "reason_vi": brk.reason_vi, "reason_en": brk.reason_en, "key": brk.key if shown else None,
                 "text_vi": brk.text("vi", named=shown), "text_en": brk.text("en", named=shown)}
    problems = [{"aggregate_id": f.aggregate_id, "key": f.key, "code": f.problem_code, "problem_vi": f.reason_vi,
                 "problem_en": f.reason_en, "check": f.check, "filename": f.filename, "version": f.version}
                for f in report.file_problems]
    return AuditReport(intact=report.intact, events=report.events, aggregates=report.aggregates,
                       first_break=first, files_checked=report.files, file_problems=problems,  # type: ignore[arg-type]
                       agencies=list(report.agencies) if report.agencies is not None else None,
                       documents=report.documents, records=report.records, snapshots_checked=report.snapshots,
                       evidence_files_checked=report.evidence_files, stopped_early=report.stopped_early,
                       summary_vi=report.summary("vi"), summary_en=report.summary("en"),
                       checkpoints_checked=report.checkpoints,
                       tree_problems=[{"kind": t.problem_code or "tree", "reason_vi": t.reason_vi,  # type: ignore[misc]
                                       "reason_en": t.reason_en} for t in report.tree_problems])
