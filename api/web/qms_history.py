"""A QMS case as it stood at a moment (/qms/{collection}/{id}/history?day=dd/mm/yyyy&at_time=hh:mm, or ?at= an
event's instant, Vietnam time): its state, data and derived status then, and its hashed events up to then."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import roles as R
from api.web import i18n, qms_display
from api.web.audit import as_of_moment
from api.web.core import VN, WebRoute, ctx_of, lang_of, need, render
from api.web.home import User
from api.web.qms import process_of, rid

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def events_shown(process: Any, events: list[dict[str, Any]], names: qms_display.Names,
                 lang: str) -> list[dict[str, Any]]:
    """Each event up to the moment: its step and the state it reached, who took it, when, why, and its hash."""
    out = []
    for ev in events:
        body, meta = ev["data"], ev["meta"]
        step = process.step(str(body.get("step", "")))
        reached = str(body.get("to_state") or body.get("state") or "")
        out.append({"version": ev["version"], "at": ev["timestamp"], "hash": ev["hash"],
                    "step": i18n.pick(step.label, lang) if step else ev["type"],
                    "state": i18n.pick(process.states[reached], lang) if reached in process.states else "",
                    "who": names.person(meta.get("user_id", ""), lang).text,
                    "role": i18n.role(meta["role"], lang) if meta.get("role") else "",
                    "reason": body.get("reason") or ""})
    return out


@router.get("/qms/{collection}/{case_id}/history", response_class=HTMLResponse)
def case_history(request: Request, user: User, collection: str, case_id: str,
                 day: Annotated[str | None, Query(max_length=10)] = None,
                 at_time: Annotated[str | None, Query(max_length=8)] = None,
                 at: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    need(user, *R.MEMBERS)
    process = process_of(request, collection)
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(rid(request))
    now = uc.qms.get(actor, collection, case_id)  # 404: another agency's, or another process's
    request.state.agency = now["agency_id"]
    moment: datetime | None = as_of_moment(day, at_time, at)  # a bad or off-calendar date: a 422 page
    told = uc.qms.history(actor, collection, case_id, moment)
    then = told["state"]
    names = qms_display.Names.of(uc.qms.choices(actor, now["agency_id"]))
    return render(request, "qms_history.html", process=process, case=now, then=then, moment=moment,
                  state_label=i18n.pick(process.states[then["state"]], lang) if then else "",
                  data=qms_display.data_rows(process, then["data"], names, lang) if then else [],
                  derived=qms_display.derived_rows(then["derived"], lang) if then else [],
                  events=events_shown(process, told["events"], names, lang),
                  day=moment.astimezone(VN).strftime("%d/%m/%Y") if moment else "", at_time=at_time or "")
