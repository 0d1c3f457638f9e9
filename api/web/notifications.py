"""The notification centre's pages: the list (newest first), mark one or all read, and the e-mail choices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from api.deps import request_id
from api.security import Principal
from api.web.core import KNOWN, WebRoute, ctx_of, form_data, lang_of, message_of, redirect, render, signed_in
from usecases.notifications import KINDS, MODES

router = APIRouter(route_class=WebRoute, include_in_schema=False)
User = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_data)]


def unread_of(request: Request, p: Principal) -> int:
    """The bell's count in the header of every page."""
    return ctx_of(request).uc.notifications.unread_count(p.actor(request_id(request)))


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request, user: User) -> HTMLResponse:
    return _page(request, user)


def _page(request: Request, user: Principal, status: int = 200, **values: object) -> HTMLResponse:
    uc = ctx_of(request).uc.notifications
    actor = user.actor(request_id(request))
    lang = lang_of(request)
    kinds = [(k, vi if lang == "vi" else en, off) for k, (vi, en, off) in KINDS.items()]
    modes = [(m, vi if lang == "vi" else en) for m, (vi, en) in MODES.items()]
    return render(request, "notifications.html", status=status, items=uc.list(actor, limit=100),
                  prefs=uc.preferences(actor), kinds=kinds, modes=modes, **values)


@router.post("/notifications/{notification_id}/read", response_class=HTMLResponse)
def mark_read(request: Request, notification_id: str, user: User, form: Form) -> HTMLResponse:
    note = ctx_of(request).uc.notifications.mark_read(user.actor(request_id(request)), notification_id)
    return redirect(note["link"] if form.get("open") else "/notifications")


@router.post("/notifications/read-all", response_class=HTMLResponse)
def mark_all_read(request: Request, user: User, form: Form) -> HTMLResponse:
    ctx_of(request).uc.notifications.mark_all_read(user.actor(request_id(request)))
    return redirect("/notifications")


@router.post("/notifications/preferences", response_class=HTMLResponse)
def preferences(request: Request, user: User, form: Form) -> HTMLResponse:
    uc, actor = ctx_of(request).uc.notifications, user.actor(request_id(request))
    current = uc.preferences(actor)
    for kind in KINDS:
        mode = str(form.get(f"mode-{kind}", current[kind]))
        if mode != current[kind]:
            try:
                uc.set_preference(actor, kind, mode)
            except KNOWN as e:
                status, vi, en, _ = message_of(e)
                return _page(request, user, status, alert=vi if lang_of(request) == "vi" else en)
    return redirect("/notifications?saved=1")
