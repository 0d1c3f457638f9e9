"""The province's pages: the dashboard of every agency × every step of the year's plan (filters, counts, a chart,
report downloads) and one agency's calendar with its inspection results — for the Sở KH&CN's inspectors and the
province administrator."""

from __future__ import annotations

from typing import Annotated, Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import request_id
from api.web import i18n
from api.web.calendar_evidence import describe
from api.web.core import WebRoute, ctx_of, lang_of, need, render
from api.web.home import User
from api.web.score_chart import score_chart
from ledger.calendar.status import STATUSES
from ledger.directory import LEVELS
from ledger.qms.processes.inspections import CLASSES as CLASSES_OF_RESULT
from ledger.qms.processes.inspections import KINDS, SCALE_V1
from ledger.vocabulary import Role
from usecases.inspections import PROVINCE_WIDE, SCORE_READERS
from usecases.province import CALENDAR_READERS

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Year = Annotated[int | None, Query(ge=2000, le=2100)]
COLOURS = {"done": "#1b7f3b", "due": "#b86e00", "late": "#b3261e", "untracked": "#8a8a8a"}
MARKS = {"done": "✔", "due": "…", "late": "✖", "untracked": "—"}  # the status is also written out, never colour alone
CLASSES = {"done": "good", "due": "warn", "late": "bad", "untracked": "muted"}


def steps_chart(steps: list[dict[str, Any]], lang: str, width: int = 860) -> str:
    """A stacked bar per step: how many agencies have it done, due, late, not tracked (each part titled)."""
    bar_x, bar_w, row_h = 300, width - 320, 26
    height = 40 + row_h * len(steps) + 30
    title = i18n.pick(("Tình hình thực hiện các bước của kế hoạch", "Progress of the plan's steps"), lang)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" data-chart="province-steps">',
           f"<title>{escape(title)}</title>"]
    for i, s in enumerate(steps):
        y = 30 + i * row_h
        total = sum(s["counts"].values()) or 1
        label = i18n.pick((s["label"][0], s["label"][1]), lang)
        out.append(f'<text x="{bar_x - 8}" y="{y + 16}" font-size="12" text-anchor="end" '
                   f'font-family="system-ui, sans-serif">{escape(label[:46])}</text>')
        x = float(bar_x)
        for key, n in s["counts"].items():
            if not n:
                continue
            w = bar_w * n / total
            name = i18n.pick(STATUSES[key], lang)
            out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" fill="{COLOURS[key]}" '
                       f'data-step="{escape(s["key"])}" data-status="{key}" data-count="{n}">'
                       f"<title>{escape(label)}: {escape(name)} {n}</title></rect>")
            if w > 22:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 16}" font-size="11" text-anchor="middle" fill="#fff" '
                           f'font-family="system-ui, sans-serif">{MARKS[key]} {n}</text>')
            x += w
    y = 40 + row_h * len(steps)
    x = float(bar_x)
    for key in STATUSES:
        out.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{COLOURS[key]}"/>')
        name = f"{MARKS[key]} {i18n.pick(STATUSES[key], lang)}"
        out.append(f'<text x="{x + 16:.1f}" y="{y + 11}" font-size="11" font-family="system-ui, sans-serif">'
                   f"{escape(name)}</text>")
        x += 30 + 6.5 * len(name)
    out.append("</svg>")
    return "".join(out)


def _decorate(board: dict[str, Any], lang: str) -> None:
    labels = {s["key"]: i18n.pick(tuple(s["label"]), lang) for s in board["steps"]}  # type: ignore[arg-type]
    for s in board["steps"]:
        s["after_label"] = (i18n.pick(("văn bản hướng dẫn mới", "new guidance"), lang) if s["after"] == "guidance"
                            else labels.get(s["after"] or "", s["after"]))
    for a in board["agencies"]:
        a["level_name"] = i18n.pick(tuple(a["level_label"]), lang)  # type: ignore[arg-type]
        if a.get("inspection"):
            cls = a["inspection"]["classification"]
            a["inspection"]["class_name"] = i18n.pick(CLASSES_OF_RESULT.get(cls, (cls, cls)), lang)
        for s in a["steps"]:
            s["status_name"], s["mark"], s["css"] = (i18n.pick(STATUSES[s["status"]], lang), MARKS[s["status"]],
                                                     CLASSES[s["status"]])


@router.get("/province", response_class=HTMLResponse)
def dashboard_page(request: Request, user: User, year: Year = None,
                   level: Annotated[str | None, Query(max_length=20)] = None,
                   supervisor: Annotated[str | None, Query(max_length=63)] = None,
                   late: Annotated[str | None, Query(max_length=3)] = None) -> HTMLResponse:
    need(user, Role.ADMIN, Role.INSPECTOR)
    ctx, lang = ctx_of(request), lang_of(request)
    actor = user.actor(request_id(request))
    shown = year or ctx.uc.planning.today().year
    board = ctx.uc.province.dashboard(actor, shown, level=level or None, supervisor=supervisor or None)
    if late:
        board["agencies"] = [a for a in board["agencies"] if a["late"]]
    _decorate(board, lang)
    return render(request, "province_dashboard.html", board=board, year=shown,
                  chart=Markup(steps_chart(board["steps"], lang)),  # noqa: S704 - built of escaped parts
                  levels=[(k, i18n.pick(v, lang)) for k, v in LEVELS.items()],
                  supervisors=ctx.uc.province.supervisors(actor), level=level or "", supervisor=supervisor or "",
                  late=bool(late), statuses=STATUSES, marks=MARKS)


@router.get("/province/calendar/{agency_id}", response_class=HTMLResponse)
def calendar_page(request: Request, user: User, agency_id: Annotated[str, Path(max_length=63)],
                  year: Year = None) -> HTMLResponse:
    need(user, *CALENDAR_READERS)
    ctx, lang = ctx_of(request), lang_of(request)
    shown = year or ctx.uc.planning.today().year
    actor = user.actor(request_id(request))
    board = ctx.uc.province.calendar(actor, agency_id, shown)
    request.state.agency = agency_id
    _decorate(board, lang)
    for s in board["agency"]["steps"]:
        if s.get("event"):
            s["evidence"] = describe(s["event"], lang, own=user.agency_id == agency_id)
    scores = ctx.uc.inspections.scores(actor, agency_id) if user.roles & (SCORE_READERS | PROVINCE_WIDE) else None
    chart = Markup(score_chart(scores, board["agency"]["name"], lang)) if scores is not None else None  # noqa: S704
    for s in scores or []:  # the inspection itself opens for the team's agency and the inspected agency's people
        s["url"] = f"/qms/inspections/{s['case_id']}" if user.agency_id in (s["supervisor"], agency_id) else None
    schedules = any(a == agency_id for a, _ in ctx.uc.inspections.supervised(actor))  # its supervisor's inspector
    return render(request, "province_calendar.html", board=board, agency=board["agency"], year=shown,
                  province=bool(user.roles & {Role.ADMIN, Role.INSPECTOR}), scores=scores, chart=chart,
                  schedules=schedules, classes=CLASSES_OF_RESULT, kinds=KINDS,
                  criteria=SCALE_V1.criteria)
