"""The frozen input pack of a management review, rebuilt from the log: GET /management-reviews/{id}/input-pack."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["management review"])
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]


@router.get("/management-reviews/{case_id}/input-pack", responses=responses(401, 403, 404, 409),
            response_class=Response, summary="Hồ sơ đầu vào đã chốt / the frozen input pack")
def input_pack(ctx: Ctx, case_id: str, p: Reader, rid: RequestId) -> Response:
    """The pack as frozen, rebuilt from the log at the position the freeze recorded: canonical JSON, the same bytes
    every time. ``X-Pack-SHA256`` is the hash of these bytes, ``X-Pack-Verified`` whether it equals the hash the
    freeze recorded (409 ``not_frozen`` before the freeze)."""
    pack = ctx.uc.review_packs.frozen(p.actor(rid), case_id)
    return Response(pack.content, media_type="application/json", headers={
        "ETag": f'"{pack.sha256}"', "X-Pack-SHA256": pack.sha256, "X-Pack-Position": str(pack.position),
        "X-Pack-Verified": "true" if pack.verified else "false",
        "Content-Disposition": f'attachment; filename="ho-so-dau-vao-{case_id}.json"'})
