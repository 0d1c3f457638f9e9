"""Read and understood on the document page: acknowledge, who has per department, remind the rest, the CSV report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.deps import request_id
from api.security import Principal
from api.web.core import KNOWN, PageError, WebRoute, ctx_of, form_data, lang_of, message_of, redirect, signed_in
from ledger.vocabulary import Role, VersionStatus

router = APIRouter(route_class=WebRoute, include_in_schema=False)
User = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_data)]


def controls(request: Request, user: Principal, agency_id: str) -> bool:
    """Whether ``user`` controls the agency's documents: its ISO secretary, or its records controller when the
    agency says so."""
    if user.agency_id != agency_id:
        return False
    if Role.ISO_SECRETARY in user.roles:
        return True
    rules = ctx_of(request).uc.departments.rules(user.actor(request_id(request)), agency_id)
    return Role.RECORDS_CONTROLLER in user.roles and bool(rules.get("records_controller_controls_documents"))


def panel(request: Request, user: Principal, state: dict[str, Any]) -> dict[str, Any] | None:
    """The latest issued version's acknowledgements, for the document page (None when nothing is issued)."""
    issued = [v for v in state["versions"] if v["status"] == VersionStatus.ISSUED and v.get("distribution")]
    if not issued:
        return None
    n = issued[-1]["n"]
    found = ctx_of(request).uc.acknowledgements.status(user.actor(request_id(request)), state["id"], n)
    found["may_remind"] = controls(request, user, state["agency_id"]) and bool(found["pending"])
    return found


def _run(request: Request, user: Principal, document_id: str, ok: str, act: Any) -> Response:
    try:
        act(user.actor(request_id(request)))
    except KNOWN as e:
        status, vi, en, _ = message_of(e)
        raise PageError(status, vi, en) from None
    return redirect(f"/documents/{document_id}?ok={ok}#acks")


@router.post("/documents/{document_id}/versions/{n}/acknowledge", response_class=HTMLResponse)
def acknowledge(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    uc = ctx_of(request).uc.acknowledgements
    return _run(request, user, document_id, "acknowledged", lambda a: uc.acknowledge(a, document_id, n))


@router.post("/documents/{document_id}/versions/{n}/acknowledgements/remind", response_class=HTMLResponse)
def remind(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    uc = ctx_of(request).uc.acknowledgements
    return _run(request, user, document_id, "ack_reminded", lambda a: uc.remind(a, document_id, n))


@router.get("/documents/{document_id}/versions/{n}/acknowledgements.csv")
def report(request: Request, user: User, document_id: str, n: int) -> Response:
    data = ctx_of(request).uc.acknowledgements.report_csv(user.actor(request_id(request)), document_id, n)
    name = "doc-va-hieu" if lang_of(request) == "vi" else "acknowledgements"
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{document_id}-v{n}.csv"',
                             "Cache-Control": "no-store"})
