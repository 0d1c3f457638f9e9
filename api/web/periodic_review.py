"""Periodic review in the pages: the document's next review with "no change" and the period, the overdue list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api import roles as R
from api.deps import request_id
from api.security import Principal
from api.web.acknowledgements import controls
from api.web.core import (
    KNOWN,
    PageError,
    WebRoute,
    agency_in_view,
    ctx_of,
    form_data,
    message_of,
    need,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
User = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_data)]


def panel(request: Request, user: Principal, state: dict[str, Any]) -> dict[str, Any] | None:
    """The document's periodic review for its page (None before a version is issued)."""
    found = ctx_of(request).uc.periodic_reviews.of(user.actor(request_id(request)), state["id"])
    if found is None or not found["due_on"]:
        return None
    found["may_close"] = controls(request, user, state["agency_id"])
    return found


@router.get("/periodic-reviews", response_class=HTMLResponse)
def overdue(request: Request, user: User) -> HTMLResponse:
    need(user, *R.MEMBERS)
    agency = agency_in_view(request, user, R.MEMBERS)
    rows = ctx_of(request).uc.periodic_reviews.overdue(user.actor(request_id(request)), agency)
    return render(request, "periodic_reviews.html", rows=rows)


def _run(request: Request, document_id: str, act: Any) -> Response:
    try:
        act()
    except KNOWN as e:
        status, vi, en, _ = message_of(e)
        raise PageError(status, vi, en) from None
    return redirect(f"/documents/{document_id}?ok=periodic_review#review")


@router.post("/documents/{document_id}/periodic-review", response_class=HTMLResponse)
def unchanged(request: Request, user: User, document_id: str, form: Form) -> Response:
    uc = ctx_of(request).uc.periodic_reviews
    return _run(request, document_id, lambda: uc.confirm_unchanged(
        user.actor(request_id(request)), document_id, comment=str(form.get("comment", ""))))


@router.post("/documents/{document_id}/review-period", response_class=HTMLResponse)
def period(request: Request, user: User, document_id: str, form: Form) -> Response:
    uc = ctx_of(request).uc.periodic_reviews
    months = str(form.get("months", "")).strip()
    if not months.isdigit():
        raise PageError(422, "Chu kỳ xem xét là số tháng.", "The review period is a number of months.")
    return _run(request, document_id, lambda: uc.set_period(user.actor(request_id(request)), document_id,
                                                            months=int(months)))
