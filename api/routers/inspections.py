"""Inspections as each side reads them, an agency's inspection scores over the years, and whether it has declared
its QMS conforming for a year (the generated QMS routes in ``api.routers.qms`` take the steps)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.security import Principal
from usecases.inspections import PROVINCE_WIDE, SCORE_READERS

router = APIRouter(prefix="/api/v1", tags=["inspections"])
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
ScoreReader = Annotated[Principal, Depends(allow(*SCORE_READERS, *PROVINCE_WIDE))]


@router.get("/inspections", responses=responses(401, 403),
            summary="Các cuộc kiểm tra bạn được xem / the inspections you read")
def my_inspections(ctx: Ctx, p: Reader, rid: RequestId) -> dict[str, Any]:
    rows = ctx.uc.inspections.listed(p.actor(rid))
    return {"items": [{"id": r["id"], "agency_id": r["agency_id"], "title": r["title"], "state": r["state"],
                       "inspected_agency": r["data"].get("inspected_agency"), "year": r["year"],
                       "planned_on": r["data"].get("planned_on"), "kind": r["data"].get("kind"),
                       "derived": r["derived"]} for r in rows]}


@router.get("/agencies/{agency_id}/inspection-scores", responses=responses(401, 403, 404),
            summary="Điểm kiểm tra qua các năm / inspection scores over the years")
def inspection_scores(ctx: Ctx, agency_id: str, p: ScoreReader, rid: RequestId) -> dict[str, Any]:
    return {"agency_id": agency_id, "items": ctx.uc.inspections.scores(p.actor(rid), agency_id)}


@router.get("/agencies/{agency_id}/conformity", responses=responses(401, 403, 404, 422),
            summary="Đã công bố HTQLCL phù hợp chưa / whether the QMS is declared conforming")
def conformity(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId,
               year: Annotated[int, Query(ge=1900, le=2200)]) -> dict[str, Any]:
    ctx.uc.visibility.check_visible(p.actor(rid), agency_id, frozenset(R.MEMBERS))
    return ctx.uc.conformity.declared(agency_id, year)
