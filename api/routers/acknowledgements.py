"""Read and understood: acknowledge an issued version, who has (per department), remind the rest."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from api import roles as R
from api.deps import Ctx, RequestId, allow, command_out
from api.errors import responses
from api.schemas import CommandOut
from api.security import Principal
from ledger.vocabulary import Role

router = APIRouter(prefix="/api/v1", tags=["documents"])
ACKNOWLEDGERS = tuple(r for r in R.MEMBERS if r != Role.INSPECTOR)  # the agency's own people
Acknowledger = Annotated[Principal, Depends(allow(*ACKNOWLEDGERS))]
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
Controller = Annotated[Principal, Depends(allow(*R.DOC_CONTROLLERS))]
CMD = responses(401, 403, 404, 409, 422)


class Member(BaseModel):
    username: str
    full_name: str
    acknowledged_at: str | None


class DepartmentAcks(BaseModel):
    id: str | None
    name: str | None
    members: list[Member]
    done: int
    total: int


class AcknowledgementsOut(BaseModel):
    document_id: str
    n: int
    status: str
    departments: list[DepartmentAcks]
    done: int
    total: int
    pending: list[str]
    mine: bool


@router.post("/documents/{document_id}/versions/{n}/acknowledge", response_model=CommandOut, responses=CMD,
             summary="Xác nhận đã đọc và hiểu / acknowledge: read and understood")
def acknowledge(ctx: Ctx, document_id: str, n: int, p: Acknowledger, rid: RequestId, response: Response
                ) -> CommandOut:
    return command_out(response, ctx.uc.acknowledgements.acknowledge(p.actor(rid), document_id, n))


@router.get("/documents/{document_id}/versions/{n}/acknowledgements", response_model=AcknowledgementsOut,
            responses=responses(401, 403, 404),
            summary="Ai đã/chưa đọc và hiểu, theo phòng ban / who has, per department")
def acknowledgements(ctx: Ctx, document_id: str, n: int, p: Reader, rid: RequestId) -> dict[str, Any]:
    return ctx.uc.acknowledgements.status(p.actor(rid), document_id, n)


@router.post("/documents/{document_id}/versions/{n}/acknowledgements/remind", response_model=CommandOut,
             responses=CMD, summary="Nhắc những người chưa đọc và hiểu / remind the rest")
def remind(ctx: Ctx, document_id: str, n: int, p: Controller, rid: RequestId, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.acknowledgements.remind(p.actor(rid), document_id, n))
