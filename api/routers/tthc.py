"""Administrative procedures (TTHC) of an agency and their processing figures per month (imported, never typed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from api import paging
from api import roles as R
from api.deps import Ctx, allow
from api.errors import responses
from api.security import Principal
from ledger.tthc import LEVELS
from usecases.tthc import PROC_COLUMNS, document_id

router = APIRouter(prefix="/api/v1", tags=["agencies"])
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]


class Figures(BaseModel):
    period: str
    received: int
    on_time: int
    late: int
    pending: int
    corrections: int = 0


class GoverningDocument(BaseModel):
    code: str
    id: str


class ProcedureRow(BaseModel):
    id: str
    code: str
    name: str
    field: str
    level: str
    level_label: str
    document: GoverningDocument | None
    figures: list[Figures]


class ProcedurePage(BaseModel):
    agency_id: str
    items: list[ProcedureRow]
    next_cursor: str | None


def procedures_page(ctx: Any, who: Any, agency_id: str, limit: int, cursor: str | None, *,
                    public: bool = False) -> dict[str, Any]:
    """A page of the agency's procedures by code, each with its figures per month (oldest first)."""
    def read(cur: Any, base: str, params: list[Any]) -> Any:
        return paging.page(cur, f"SELECT {', '.join(PROC_COLUMNS)} {base}", params, ["code"], cursor, limit,
                           PROC_COLUMNS)

    _, (rows, nxt), figures = ctx.uc.tthc.listed(who, agency_id, read, public=public)
    items = [{**r, "level_label": LEVELS.get(r["level"], (r["level"],))[0],
              "document": {"code": r["document"], "id": document_id(agency_id, r["document"])} if r["document"]
              else None,
              "figures": [{"period": p, **f} for p, f in figures[r["id"]].items()]} for r in rows]
    return {"agency_id": agency_id, "items": items, "next_cursor": nxt}


@router.get("/agencies/{agency_id}/procedures", response_model=ProcedurePage,
            responses=responses(400, 401, 403, 404, 422),
            summary="Thủ tục hành chính và tình hình giải quyết / administrative procedures and their figures")
def list_procedures(ctx: Ctx, agency_id: str, p: Reader, limit: paging.Limit = 100,
                    cursor: paging.Cursor = None) -> dict[str, Any]:
    return procedures_page(ctx, p, agency_id, limit, cursor)
