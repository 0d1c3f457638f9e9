"""Periodic review of documents: the period, "no change", the document's next review, the overdue register."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from api import roles as R
from api.deps import Ctx, IfMatch, RequestId, allow, command_out
from api.errors import responses
from api.schemas import CommandOut
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["documents"])
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
Controller = Annotated[Principal, Depends(allow(*R.DOC_CONTROLLERS))]
CMD = responses(401, 403, 404, 409, 412, 422)


class PeriodIn(BaseModel):
    months: int = Field(ge=1, le=120, description="Số tháng giữa hai lần xem xét / months between reviews")


class UnchangedIn(BaseModel):
    comment: str = Field(min_length=1, max_length=4000, description="Kết luận xem xét / the review's conclusion")


class ReviewOut(BaseModel):
    document_id: str
    months: int
    since: str | None
    due_on: str | None
    last_outcome: str | None
    overdue: bool


class OverdueOut(BaseModel):
    document_id: str
    code: str
    title: str
    kind: str
    months: int
    since: str | None
    due_on: str


class OverduePage(BaseModel):
    items: list[OverdueOut]


@router.put("/documents/{document_id}/review-period", response_model=CommandOut, responses=CMD,
            summary="Chu kỳ xem xét định kỳ (tháng) / the periodic review period")
def set_period(ctx: Ctx, document_id: str, body: PeriodIn, p: Controller, rid: RequestId, expected: IfMatch,
               response: Response) -> CommandOut:
    return command_out(response, ctx.uc.periodic_reviews.set_period(p.actor(rid), document_id, months=body.months,
                                                                      expected_version=expected))


@router.post("/documents/{document_id}/periodic-review", response_model=CommandOut, responses=CMD,
             summary="Kết thúc xem xét định kỳ: không thay đổi / the review ends with no change")
def unchanged(ctx: Ctx, document_id: str, body: UnchangedIn, p: Controller, rid: RequestId, expected: IfMatch,
              response: Response) -> CommandOut:
    return command_out(response, ctx.uc.periodic_reviews.confirm_unchanged(
        p.actor(rid), document_id, comment=body.comment, expected_version=expected))


@router.get("/documents/{document_id}/periodic-review", response_model=ReviewOut | None,
            responses=responses(401, 403, 404), summary="Lần xem xét định kỳ tới / the next periodic review")
def of_document(ctx: Ctx, document_id: str, p: Reader, rid: RequestId) -> dict[str, Any] | None:
    return ctx.uc.periodic_reviews.of(p.actor(rid), document_id)


@router.get("/agencies/{agency_id}/documents/review-overdue", response_model=OverduePage,
            responses=responses(401, 403, 404), summary="Tài liệu quá hạn xem xét định kỳ / overdue for review")
def overdue(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId) -> dict[str, Any]:
    return {"items": ctx.uc.periodic_reviews.overdue(p.actor(rid), agency_id)}
