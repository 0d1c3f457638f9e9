"""Traceability across the QMS cases of an agency: from a clause or a case, every case linked both ways."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["traceability"])
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]


class TraceItem(BaseModel):
    id: str
    process: str
    collection: str | None
    process_label: tuple[str, str]
    process_clause: str | None
    title: str
    state: str
    state_label: tuple[str, str] | None
    year: int | None
    department_id: str | None
    direction: str  # start, up (what it refers to), down (what refers to it)
    depth: int
    via: list[str]
    derived: dict[str, Any]
    actions: list[dict[str, Any]]
    clause_items: list[dict[str, Any]]


class Trace(BaseModel):
    agency_id: str
    clause: str | None
    case: str | None
    items: list[TraceItem]
    links: list[dict[str, str]]
    truncated: bool


@router.get("/agencies/{agency_id}/traceability", response_model=Trace, responses=responses(400, 401, 403, 404, 422),
            summary="Truy xuất nguồn gốc theo điều khoản hoặc mục / traceability from a clause or a case")
def traceability(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId,
                 clause: Annotated[str | None, Query(max_length=20, description="ví dụ / e.g. 9.2")] = None,
                 case: Annotated[str | None, Query(max_length=100, description="mã mục / a case id")] = None,
                 ) -> dict[str, Any]:
    return ctx.uc.traceability.trace(p.actor(rid), agency_id, clause=clause, case_id=case)
