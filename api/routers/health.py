"""GET /healthz: the database and the object storage answer, or 503 naming what is down."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import Ctx
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health,
            responses={503: {"model": Health, "description": "Cơ sở dữ liệu hoặc kho tệp không trả lời / down"}},
            summary="Tình trạng dịch vụ / health")
def healthz(ctx: Ctx) -> JSONResponse:
    database, storage = ctx.uc.health.check()
    ok = database == storage == "ok"
    body = Health(status="ok" if ok else "degraded", database=database, storage=storage)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
