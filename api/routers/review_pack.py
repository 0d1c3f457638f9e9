"""The frozen input pack of a management review, rebuilt from the log: GET /management-reviews/{id}/input-pack."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.security import Principal
from api.web.export import to_pdf
from usecases.review_pack import readable

router = APIRouter(prefix="/api/v1", tags=["management review"])
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]


@router.get("/management-reviews/{case_id}/input-pack", responses=responses(401, 403, 404, 409),
            response_class=Response, summary="Hồ sơ đầu vào đã chốt / the frozen input pack")
def input_pack(ctx: Ctx, case_id: str, p: Reader, rid: RequestId,
               format: Literal["json", "pdf"] = "json") -> Response:  # noqa: A002
    """The pack as frozen, rebuilt from the log at the position the freeze recorded: canonical JSON, the same bytes
    every time. ``X-Pack-SHA256`` is the hash of these bytes, ``X-Pack-Verified`` whether it equals the hash the
    freeze recorded (409 ``not_frozen`` before the freeze). ``format=pdf``: the same pack as an A4 PDF for people
    (Vietnamese in an embedded font), its headers naming the JSON's hash — the JSON is the frozen form."""
    actor = p.actor(rid)
    pack = ctx.uc.review_packs.frozen(actor, case_id)
    headers = {"X-Pack-SHA256": pack.sha256, "X-Pack-Position": str(pack.position),
               "X-Pack-Verified": "true" if pack.verified else "false"}
    if format == "pdf":
        choices = ctx.uc.qms.choices(actor, json.loads(pack.content)["agency_id"])
        names = {d["id"]: d["name"] for d in choices["departments"]} | {
            u["username"]: u["full_name"] for u in choices["people"]}
        rows = readable(json.loads(pack.content), names)
        body = to_pdf(f"Hồ sơ đầu vào xem xét của lãnh đạo — SHA-256 {pack.sha256}", ["Mục", "Nội dung"], rows)
        return Response(body, media_type="application/pdf", headers=headers | {
            "Content-Disposition": f'attachment; filename="ho-so-dau-vao-{case_id}.pdf"'})
    return Response(pack.content, media_type="application/json", headers=headers | {
        "ETag": f'"{pack.sha256}"', "Content-Disposition": f'attachment; filename="ho-so-dau-vao-{case_id}.json"'})
