"""GET /healthz: the database and the object storage answer, or 503 naming what is down."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import Ctx
from api.schemas import Health

router = APIRouter(tags=["health"])
log = logging.getLogger("isoledger.api")


@router.get("/healthz", response_model=Health,
            responses={503: {"model": Health, "description": "Cơ sở dữ liệu hoặc kho tệp không trả lời / down"}},
            summary="Tình trạng dịch vụ / health")
def healthz(ctx: Ctx) -> JSONResponse:
    database = storage = "ok"
    try:
        with ctx.db.transaction(write=False) as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        ctx.ledger.recorder.max_notification_id()
    except Exception as e:  # noqa: BLE001 - any failure means "down"; the kind is logged, not shown
        log.warning("health: database down (%s)", type(e).__name__)
        database = "down"
    try:
        ctx.archive.check()
    except Exception as e:  # noqa: BLE001
        log.warning("health: storage down (%s)", type(e).__name__)
        storage = "down"
    ok = database == storage == "ok"
    body = Health(status="ok" if ok else "degraded", database=database, storage=storage)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
