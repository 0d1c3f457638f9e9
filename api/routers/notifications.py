"""The caller's notifications: list, mark read, and how each kind is e-mailed to them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["notifications"])
Member = Annotated[Principal, Depends(allow(*R.MEMBERS))]  # who may be told anything


class NotificationOut(BaseModel):
    id: str
    kind: str
    label: str = Field(description="Tiếng Việt")
    label_en: str
    subject: Literal["document", "record", "case"]
    aggregate_id: str
    n: int | None = Field(description="Số phiên bản (tài liệu) / the version, for a document")
    title: str
    actor: str
    at: str
    link: str = Field(description="Trang của mục / the item's page")
    read_at: str | None
    mail: str = Field(description="pending, sent, digest, digested, off, failed")
    data: dict[str, Any]


class NotificationList(BaseModel):
    items: list[NotificationOut]
    unread: int


class Preference(BaseModel):
    kind: str = Field(max_length=60)
    mode: Literal["immediate", "digest", "off"]


def _out(row: dict[str, Any]) -> NotificationOut:
    return NotificationOut(**{k: row[k] for k in NotificationOut.model_fields})


@router.get("/notifications", response_model=NotificationList, responses=responses(401, 403, 422),
            summary="Thông báo của tôi, mới nhất trước / my notifications, newest first")
def notifications(ctx: Ctx, p: Member, rid: RequestId, unread: bool = False,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50) -> NotificationList:
    actor = p.actor(rid)
    rows = ctx.uc.notifications.list(actor, unread=unread, limit=limit)
    return NotificationList(items=[_out(r) for r in rows], unread=ctx.uc.notifications.unread_count(actor))


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut,
             responses=responses(401, 403, 404, 422), summary="Đánh dấu đã đọc / mark read")
def mark_read(ctx: Ctx, p: Member, rid: RequestId,
              notification_id: Annotated[str, Path(max_length=200)]) -> NotificationOut:
    return _out(ctx.uc.notifications.mark_read(p.actor(rid), notification_id))


@router.get("/notifications/preferences", response_model=dict[str, str], responses=responses(401, 403),
            summary="Cách gửi thư từng loại thông báo / how each kind is e-mailed to me")
def preferences(ctx: Ctx, p: Member, rid: RequestId) -> dict[str, str]:
    return ctx.uc.notifications.preferences(p.actor(rid))


@router.put("/notifications/preferences", response_model=dict[str, str], responses=responses(401, 403, 422),
            summary="Chọn cách gửi thư một loại / choose how one kind is e-mailed")
def set_preference(ctx: Ctx, p: Member, rid: RequestId, body: Preference) -> dict[str, str]:
    return ctx.uc.notifications.set_preference(p.actor(rid), body.kind, body.mode)
