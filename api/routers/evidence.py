"""Checkpoints of the tree over the log (published, no sign-in) and the proofs an auditor checks offline."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field

from api import roles as R
from api.context import ApiContext
from api.deps import Ctx, RequestId, allow
from api.errors import ApiError, not_found, responses
from api.files import content_disposition
from api.security import Principal
from usecases.history import Kind

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
    return ctx.uc.evidence.checkpoints()


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
    return ctx.uc.evidence.verifier_key() + "\n"


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
def inclusion(ctx: Ctx, p: FeedReader, rid: RequestId, position: Annotated[int, Path(ge=1, le=2**62)],
              tree_size: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Any:
    found = ctx.uc.evidence.inclusion(p.actor(rid), position, tree_size)
    if found is None:
        raise not_found("điểm kiểm tra chứa sự kiện này", "checkpoint that includes this event")
    return found


def _bundle_response(ctx: ApiContext, p: Principal, rid: str, kind: Kind, aggregate_id: str) -> StreamingResponse:
    """Builds the bundle into a spooled file (memory up to 8 MiB, then disk) and streams it."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    try:
        state = ctx.uc.evidence.bundle(p.actor(rid), kind, aggregate_id, spool)
    except BaseException:
        spool.close()
        raise
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
def document_evidence(ctx: Ctx, document_id: str, p: DocAuditor, rid: RequestId) -> StreamingResponse:
    return _bundle_response(ctx, p, rid, "documents", document_id)


@router.get("/records/{record_id}/evidence", response_class=StreamingResponse,
            responses={**ZIP, **responses(401, 403, 404, 422)},
            summary="Gói chứng cứ của hồ sơ, kiểm tra ngoại tuyến / a record's evidence bundle")
def record_evidence(ctx: Ctx, record_id: str, p: RecAuditor, rid: RequestId) -> StreamingResponse:
    return _bundle_response(ctx, p, rid, "records", record_id)


verifier_router = APIRouter(tags=["evidence"])


@verifier_router.get("/verifier/isoledger_verify.py", response_class=FileResponse, responses=responses(),
                     summary="Trình kiểm tra gói chứng cứ (công khai) / the standalone bundle verifier (public)")
def verifier() -> FileResponse:
    return FileResponse(VERIFIER, media_type="text/x-python; charset=utf-8", filename="isoledger_verify.py")
