"""Checkpoints of the tree over the log (published, no sign-in) and the proofs an auditor checks offline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, allow
from api.errors import ApiError, not_found, responses

router = APIRouter(prefix="/api/v1", tags=["evidence"])
FeedReader = Annotated[Principal, Depends(allow(*R.FEED))]
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
