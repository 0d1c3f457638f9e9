"""Checkpoints of the tree over the log (published, no sign-in) and the proofs an auditor checks offline."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field

from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, allow
from api.errors import ApiError, not_found, responses
from api.files import content_disposition
from evidence.bundle import export_bundle

router = APIRouter(prefix="/api/v1", tags=["evidence"])
FeedReader = Annotated[Principal, Depends(allow(*R.FEED))]
DocAuditor = Annotated[Principal, Depends(allow(*R.DOC_HISTORY))]
RecAuditor = Annotated[Principal, Depends(allow(*R.RECORD_OVERSIGHT))]
VERIFIER = FsPath(__file__).resolve().parents[2] / "evidence" / "isoledger_verify.py"
CHUNK = 1 << 20
CHECKPOINT = ("điểm kiểm tra", "checkpoint")
SIZE = Annotated[int, Query(ge=1, le=2**62)]


class CheckpointOut(BaseModel):
    tree_size: int = Field(description="Số sự kiện của nhật ký mà cây bao phủ / events the tree covers")
    root_hash: str = Field(description="SHA-256 root (hex), RFC 9162 hashing")
    made_at: str = Field(description="UTC, ISO 8601")
    note: str = Field(description="The signed note (C2SP checkpoint, Ed25519): what a witness keeps")
    timestamp_token: str | None = Field(description="RFC 3161 token over the note (base64), when configured")


class CheckpointPage(BaseModel):
    items: list[CheckpointOut]
    next_cursor: str | None


class InclusionOut(BaseModel):
    position: int
    leaf_index: int
    tree_size: int
    aggregate_id: str
    version: int
    event_hash: str
    leaf_hash: str
    root_hash: str
    proof: list[str] = Field(description="Audit path (hex), nearest sibling first (RFC 9162 §2.1.3)")


class ConsistencyOut(BaseModel):
    from_: int = Field(alias="from")
    to: int
    old_root: str
    new_root: str
    proof: list[str] = Field(description="Consistency proof (hex), RFC 9162 §2.1.4")


def _checkpoints(ctx: ApiContext) -> Any:
    ctx.fresh()  # catching up makes the checkpoint that is due
    return ctx.services.checkpoints


@router.get("/checkpoints/latest", response_model=CheckpointOut, responses=responses(404),
            summary="Điểm kiểm tra mới nhất (công khai) / the latest signed checkpoint (public)")
def latest(ctx: Ctx) -> Any:
    found = _checkpoints(ctx).latest()
    if found is None:
        raise not_found(*CHECKPOINT)
    return found.to_dict()


@router.get("/checkpoints", response_model=CheckpointPage, responses=responses(422),
            summary="Các điểm kiểm tra, mới nhất trước (công khai) / signed checkpoints, newest first (public)")
def checkpoints(ctx: Ctx, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Any:
    items = _checkpoints(ctx).list(before=cursor, limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return {"items": [c.to_dict() for c in items], "next_cursor": str(items[-1].tree_size) if more else None}


@router.get("/checkpoints/key", response_class=PlainTextResponse, responses=responses(),
            summary="Khóa công khai kiểm tra điểm kiểm tra / the checkpoint verifier key (public)")
def verifier_key(ctx: Ctx) -> str:
    return str(ctx.services.checkpoints.key.verifier_key) + "\n"


@router.get("/checkpoints/consistency", response_model=ConsistencyOut, responses=responses(404, 422),
            summary="Chứng minh nhất quán giữa hai cỡ cây (công khai) / consistency proof between two tree sizes")
def consistency(ctx: Ctx, from_: Annotated[int, Query(alias="from", ge=1, le=2**62)], to: SIZE) -> Any:
    if from_ > to:
        raise ApiError(422, "invalid_input", "«from» phải không lớn hơn «to».", "'from' must not exceed 'to'.",
                       field="from")
    found = _checkpoints(ctx).consistency(from_, to)
    if found is None:
        raise not_found("cây có cỡ này", "tree of that size")
    return found


@router.get("/events/{position}/proof", response_model=InclusionOut, responses=responses(401, 403, 404, 422),
            summary="Chứng minh một sự kiện nằm trong cây / inclusion proof of one event")
def inclusion(ctx: Ctx, p: FeedReader, position: Annotated[int, Path(ge=1, le=2**62)],
              tree_size: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Any:
    if ctx.agency_of_event(position) not in ctx.visible_agencies(p, frozenset(R.FEED)):
        raise not_found("sự kiện", "event")
    found = _checkpoints(ctx).inclusion(position, tree_size)
    if found is None:
        raise not_found("điểm kiểm tra chứa sự kiện này", "checkpoint that includes this event")
    return found


def _bundle_response(ctx: ApiContext, state: dict[str, Any]) -> StreamingResponse:
    """Builds the bundle into a spooled file (memory up to 8 MiB, then disk) and streams it."""
    ctx.fresh()
    validate = None
    if ctx.signing is not None:
        service = ctx.signing()
        validate = lambda pdf: [asdict(r) for r in service.validate(pdf, offline=True)]  # noqa: E731
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    export_bundle(ctx.ledger, ctx.archive, ctx.db, ctx.services.checkpoints, state["id"], spool, validate=validate)
    size = spool.tell()
    spool.seek(0)

    def chunks() -> Any:
        try:
            while block := spool.read(CHUNK):
                yield block
        finally:
            spool.close()

    name = f"Chung cu - {state.get('code') or state['id']}.zip"
    return StreamingResponse(chunks(), media_type="application/zip", headers={
        "Content-Length": str(size), "Content-Disposition": content_disposition(name)})


ZIP = {200: {"content": {"application/zip": {}}, "description": "Gói chứng cứ (ZIP) / evidence bundle"}}


@router.get("/documents/{document_id}/evidence", response_class=StreamingResponse,
            responses={**ZIP, **responses(401, 403, 404, 422)},
            summary="Gói chứng cứ của tài liệu, kiểm tra ngoại tuyến / a document's evidence bundle")
def document_evidence(ctx: Ctx, document_id: str, p: DocAuditor) -> StreamingResponse:
    return _bundle_response(ctx, ctx.document(p, document_id, frozenset(R.DOC_HISTORY)))


@router.get("/records/{record_id}/evidence", response_class=StreamingResponse,
            responses={**ZIP, **responses(401, 403, 404, 422)},
            summary="Gói chứng cứ của hồ sơ, kiểm tra ngoại tuyến / a record's evidence bundle")
def record_evidence(ctx: Ctx, record_id: str, p: RecAuditor) -> StreamingResponse:
    state = ctx.record(p, record_id, frozenset(R.RECORD_OVERSIGHT))
    if state.get("confidentiality") == "confidential" and not p.roles & {"records_controller", "agency_leader"}:
        raise ApiError(403, "confidential", "Hồ sơ mật: chỉ người kiểm soát hồ sơ và lãnh đạo cơ quan được xuất "
                       "gói chứng cứ có tệp của hồ sơ.", "A confidential record's evidence bundle holds its files: "
                       "only the records controller and the agency leader may export it.")
    return _bundle_response(ctx, state)


verifier_router = APIRouter(tags=["evidence"])


@verifier_router.get("/verifier/isoledger_verify.py", response_class=FileResponse, responses=responses(),
                     summary="Trình kiểm tra gói chứng cứ (công khai) / the standalone bundle verifier (public)")
def verifier() -> FileResponse:
    return FileResponse(VERIFIER, media_type="text/x-python; charset=utf-8", filename="isoledger_verify.py")
