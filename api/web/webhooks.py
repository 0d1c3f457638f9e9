"""The webhooks page of the administration: endpoints, each delivery with every attempt, dead letters redelivered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.deps import request_id
from api.security import Principal
from api.web.core import KNOWN, WebRoute, ctx_of, form_data, lang_of, message_of, need, redirect, render, signed_in
from ledger.vocabulary import Role

router = APIRouter(route_class=WebRoute, include_in_schema=False)
User = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_data)]


def _page(request: Request, user: Principal, status: int = 200, **values: object) -> HTMLResponse:
    uc = ctx_of(request).uc.webhooks
    actor = user.actor(request_id(request))
    hooks = uc.endpoints(actor)
    for hook in hooks:
        hook["deliveries"] = uc.deliveries(actor, hook["id"], limit=50)
        hook["dead"] = sum(1 for d in hook["deliveries"] if d["status"] == "dead")
    return render(request, "webhooks.html", status=status, hooks=hooks, **values)


@router.get("/admin/webhooks", response_class=HTMLResponse)
def webhooks(request: Request, user: User) -> HTMLResponse:
    need(user, Role.ADMIN, Role.AGENCY_ADMIN)
    return _page(request, user)


@router.post("/admin/webhooks", response_class=HTMLResponse)
def register(request: Request, user: User, form: Form) -> Response:
    need(user, Role.ADMIN, Role.AGENCY_ADMIN)
    kinds = [k.strip() for k in str(form.get("kinds", "")).replace(",", "\n").splitlines() if k.strip()]
    try:
        hook = ctx_of(request).uc.webhooks.register(user.actor(request_id(request)), url=str(form.get("url", "")),
                                                   kinds=kinds, description=str(form.get("description", "")))
    except KNOWN as e:
        status, vi, en, _ = message_of(e)
        return _page(request, user, status, alert=vi if lang_of(request) == "vi" else en)
    return _page(request, user, 201, secret=hook["secret"], created=hook["id"])


@router.post("/admin/webhook-deliveries/{delivery_id}/redeliver", response_class=HTMLResponse)
def redeliver(request: Request, user: User, delivery_id: str, form: Form) -> Response:
    need(user, Role.ADMIN, Role.AGENCY_ADMIN)
    ctx_of(request).uc.webhooks.redeliver(user.actor(request_id(request)), delivery_id)
    return redirect("/admin/webhooks")
