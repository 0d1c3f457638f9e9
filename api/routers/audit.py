"""The event feed for other systems and auditors, and the integrity report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.schemas import AuditReport, Feed
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["audit"])
FeedReader = Annotated[Principal, Depends(allow(*R.FEED))]
Auditor = Annotated[Principal, Depends(allow(*R.AUDIT))]


@router.get("/events", response_model=Feed, responses=responses(400, 401, 403, 422),
            summary="Dòng sự kiện theo thứ tự / the event feed, in order (what you may see)")
def events(ctx: Ctx, p: FeedReader, rid: RequestId, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
           limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Feed:
    rows, more = ctx.uc.feed.page(p.actor(rid), after=after, limit=limit)  # each event with its data
    last = rows[-1]["position"] if rows else after
    return Feed(items=rows, next_cursor=str(last) if more else None, last_position=last)  # type: ignore[arg-type]


@router.get("/audit/verify", response_model=AuditReport, responses=responses(401, 403, 404, 422, 503),
            summary="Kiểm tra toàn vẹn: chuỗi băm, ảnh chụp, tệp, biên bản hủy / integrity report")
def verify(ctx: Ctx, p: Auditor, rid: RequestId, files: bool = True,
           agency_id: Annotated[str | None, Query(max_length=63)] = None) -> AuditReport:
    """The check `isoledger verify` makes (ledger.verification): every chain of the log, then the snapshots and
    stored files of the documents and records of ``agency_id`` (without it: the caller's agencies; the
    administrator's, the whole ledger)."""
    return AuditReport(**ctx.uc.verification.check_ledger(p.actor(rid), agency_id=agency_id, files=files).to_dict())
