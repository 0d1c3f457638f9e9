"""Webhooks: register an endpoint (URL, event kinds, agencies, secret), its deliveries and attempts, redeliver."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api import roles as R
from api.deps import Ctx, RequestId, allow
from api.errors import responses
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["webhooks"])
Manager = Annotated[Principal, Depends(allow(*R.ACCOUNT_MANAGERS))]


class WebhookIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000, description="https://… nhận POST / receives the POSTs")
    kinds: list[str] = Field(min_length=1, max_length=100,
                             description="Document.Issued, Record.*, hoặc * / event kinds, Kind.* or *")
    agencies: list[str] | None = Field(default=None, max_length=200,
                                       description="Cơ quan (mặc định: của bạn) / agencies (default: your own)")
    description: str = Field(default="", max_length=500)


class WebhookOut(BaseModel):
    id: str
    owner_agency: str
    url: str
    kinds: list[str]
    agencies: list[str]
    description: str
    active: bool
    created_by: str
    created_at: str
    secret: str | None = Field(default=None, description="Chỉ hiện một lần, khi đăng ký / shown once, on creation")


class Attempt(BaseModel):
    n: int
    at: str
    status_code: int | None
    error: str | None
    ms: int


class DeliveryOut(BaseModel):
    id: str
    webhook_id: str
    position: int
    event_type: str
    agency_id: str
    status: str = Field(description="pending, sending, delivered, dead")
    attempts: int
    next_at: str
    last_status: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None
    attempts_made: list[Attempt]


class Deliveries(BaseModel):
    items: list[DeliveryOut]


class WebhookList(BaseModel):
    items: list[WebhookOut]


@router.post("/webhooks", status_code=201, response_model=WebhookOut, responses=responses(401, 403, 422),
             summary="Đăng ký webhook / register a webhook endpoint")
def register(ctx: Ctx, body: WebhookIn, p: Manager, rid: RequestId) -> dict[str, Any]:
    return ctx.uc.webhooks.register(p.actor(rid), url=body.url, kinds=body.kinds, agencies=body.agencies,
                                    description=body.description)


@router.get("/webhooks", response_model=WebhookList, responses=responses(401, 403),
            summary="Các webhook / the webhook endpoints")
def webhooks(ctx: Ctx, p: Manager, rid: RequestId) -> dict[str, Any]:
    return {"items": ctx.uc.webhooks.endpoints(p.actor(rid))}


@router.get("/webhooks/{webhook_id}/deliveries", response_model=Deliveries, responses=responses(401, 403, 404, 422),
            summary="Các lần gửi và mọi lần thử / deliveries, with every attempt (status=dead: the dead letters)")
def deliveries(ctx: Ctx, webhook_id: str, p: Manager, rid: RequestId,
               status: Annotated[str | None, Query(pattern="^(pending|sending|delivered|dead)$")] = None
               ) -> dict[str, Any]:
    return {"items": ctx.uc.webhooks.deliveries(p.actor(rid), webhook_id, status=status)}


@router.post("/webhook-deliveries/{delivery_id}/redeliver", response_model=DeliveryOut,
             responses=responses(401, 403, 404), summary="Gửi lại / redeliver (a dead letter)")
def redeliver(ctx: Ctx, delivery_id: str, p: Manager, rid: RequestId) -> dict[str, Any]:
    return ctx.uc.webhooks.redeliver(p.actor(rid), delivery_id)
