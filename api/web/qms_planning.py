"""The QMS planning pages: the ISO secretary's year (policy and objectives against their deadlines) and a department's
objectives with their charts of measurements against target (server-side SVG, readable without JavaScript)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import request_id
from api.web import charts
from api.web.audit import as_of_moment
from api.web.core import WebRoute, agency_in_view, ctx_of, lang_of, need, render
from api.web.home import User
from ledger.numbers import number
from ledger.qms.measures import DIRECTIONS, FREQUENCIES, STATUSES, period_label
from usecases import roles as R

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = R.MEMBERS


@router.get("/qms/planning/{year}", response_class=HTMLResponse)
def planning_page(request: Request, user: User, year: Annotated[int, Path(ge=2000, le=2100)]) -> HTMLResponse:
    need(user, *READERS)
    agency = agency_in_view(request, user, READERS)
    plan = ctx_of(request).uc.planning.year(user.actor(request_id(request)), agency, year)
    return render(request, "qms_planning_year.html", plan=plan, statuses=STATUSES, year=year)


@router.get("/qms/departments/{department_id}", response_class=HTMLResponse)
def department_page(request: Request, user: User, department_id: Annotated[str, Path(max_length=100)],
                    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                    day: Annotated[str | None, Query(max_length=10)] = None) -> HTMLResponse:
    need(user, *READERS)
    ctx, lang = ctx_of(request), lang_of(request)
    moment = as_of_moment(day, None, None)
    shown = year or (moment.year if moment else ctx.uc.planning.today().year)
    page = ctx.uc.planning.department(user.actor(request_id(request)), department_id, shown, moment)
    request.state.agency = page["department"]["agency_id"]
    objectives: list[dict[str, Any]] = page["objectives"]
    for o in objectives:
        o["chart"] = Markup(charts.objective_chart(o, lang))  # noqa: S704 - built of escaped parts
        o["measured"] = [dict(m, period_label=period_label(str(m["period"])))
                         for m in o["data"].get("measurements", [])]
    small = Markup(charts.department_chart(objectives, page["department"]["name"], lang))  # noqa: S704
    people = {p["username"]: p["full_name"] for p in
              ctx.uc.qms.choices(user.actor(request_id(request)), page["department"]["agency_id"])["people"]}
    return render(request, "qms_planning_department.html", page=page, small=small, statuses=STATUSES,
                  person=lambda username: people.get(str(username), username) if username else "—",
                  directions=DIRECTIONS, frequencies=FREQUENCIES, day=day or "",
                  num=lambda v: number(v, lang, 2) if isinstance(v, int | float) else v)
