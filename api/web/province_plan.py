"""The province's plan pages: issue the year's plan from the template, revise its steps (names, deadlines, working
days, steps dropped) with a reason, and record new guidance — for the province administrator and the inspectors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.deps import request_id
from api.web import forms, i18n
from api.web.core import KNOWN, WebRoute, ctx_of, form_data, lang_of, message_of, need, redirect, render
from api.web.home import User
from api.web.province import Year
from ledger.calendar.plan import GUIDANCE
from ledger.errors import ConcurrencyConflict, StaleVersion
from ledger.vocabulary import Role

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Form = Annotated[FormData, Depends(form_data)]
PROVINCE = (Role.ADMIN, Role.INSPECTOR)
MAX_WORKING_DAYS = 250
DONE = {"issued": ("Đã ban hành kế hoạch; lịch của các cơ quan tính theo kế hoạch này.",
                   "The plan is issued; the agencies' calendars follow it."),
        "revised": ("Đã sửa đổi kế hoạch; lý do được lưu trong lịch sử và lịch của các cơ quan đã cập nhật.",
                    "The plan is revised; the reason is kept and the agencies' calendars follow it."),
        "guidance": ("Đã ghi nhận văn bản hướng dẫn mới; các hạn tính từ văn bản này đã được tính lại.",
                     "The new guidance is recorded; the deadlines counted from it are recomputed.")}
FIELDS = {"title": "title", "reason": "reason", "day": "day"}  # a use case's field → the form's input


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _plan(request: Request, user: User, year: int) -> dict[str, Any]:
    return ctx_of(request).uc.province.plan(user.actor(request_id(request)), year)


def _page(request: Request, user: User, year: int, status: int = 200, **values: Any) -> HTMLResponse:
    """The year's plan: its steps (each editable), the issue or revise form, the guidance recorded and its form."""
    lang = lang_of(request)
    plan = _plan(request, user, year)
    names = {s["key"]: i18n.pick((s["label"][0], s["label"][1]), lang) for s in plan["steps"]}
    names[GUIDANCE] = i18n.pick(("văn bản hướng dẫn mới", "new guidance"), lang)
    steps = [dict(s, n=i, name=names[s["key"]], after_label=names.get(s.get("after") or "", s.get("after")),
                  due_text=date(year, s["month"], s["day"]).strftime("%d/%m/%Y"),
                  roles_text=", ".join(i18n.role(r, lang) for r in s["roles"]))
             for i, s in enumerate(plan["steps"])]
    ok = request.query_params.get("ok")
    return render(request, "province_plan.html", status=status, plan=plan, steps=steps, year=year,
                  ok=i18n.pick(DONE[ok], lang) if ok in DONE else None, **values)


@router.get("/province/plan", response_class=HTMLResponse)
def plan_page(request: Request, user: User, year: Year = None) -> HTMLResponse:
    need(user, *PROVINCE)
    return _page(request, user, year or ctx_of(request).uc.planning.today().year)


def _edited(plan: dict[str, Any], form: FormData, year: int,
            problems: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """The plan's steps as the form changed them (those kept, in their order); each problem beside its input."""
    kept: list[dict[str, Any]] = []
    for i, step in enumerate(plan["steps"]):
        if _text(form, f"s{i}_key") != step["key"]:
            problems["_"] = ("Kế hoạch đã thay đổi trong lúc bạn xem; hãy tải lại trang.",
                             "The plan changed while you were viewing it; reload the page.")
            return []
        if form.get(f"s{i}_keep") != "yes":
            continue
        name = step["label"]
        vi, en = _text(form, f"s{i}_label_vi"), _text(form, f"s{i}_label_en")
        if not vi:
            problems[f"s{i}_label_vi"] = (f"Tên bước «{name[0]}» (tiếng Việt) không được để trống.",
                                          f"The Vietnamese name of step '{name[1]}' is required.")
        if not en:
            problems[f"s{i}_label_en"] = (f"Tên bước «{name[0]}» (tiếng Anh) không được để trống.",
                                          f"The English name of step '{name[1]}' is required.")
        month, day = step["month"], step["day"]
        try:
            due = forms.parse_day(_text(form, f"s{i}_due"), (f"Hạn của bước «{name[0]}»", f"Due day of '{name[1]}'"))
            if due.year != year:
                problems[f"s{i}_due"] = (f"Hạn của bước «{name[0]}» phải thuộc năm {year}.",
                                         f"The due day of '{name[1]}' must be in {year}.")
            month, day = due.month, due.day
        except KNOWN as e:
            problems[f"s{i}_due"] = message_of(e)[1:3]
        working_days = step.get("working_days", 0)
        if step.get("after"):
            raw = _text(form, f"s{i}_working_days")
            if not raw.isdigit() or int(raw) > MAX_WORKING_DAYS:
                problems[f"s{i}_working_days"] = (
                    f"Số ngày làm việc của bước «{name[0]}» là một số từ 0 đến {MAX_WORKING_DAYS}.",
                    f"The working days of '{name[1]}' are a number from 0 to {MAX_WORKING_DAYS}.")
            else:
                working_days = int(raw)
            if step["after"] != GUIDANCE and step["after"] not in {s["key"] for s in kept}:
                problems[f"s{i}_keep"] = (
                    f"Bước «{name[0]}» tính hạn từ một bước đã bỏ; hãy giữ bước đó hoặc bỏ cả bước này.",
                    f"Step '{name[1]}' counts its deadline from a step you dropped; keep that one or drop this too.")
        kept.append(dict(step, label=[vi, en], month=month, day=day, working_days=working_days))
    if not kept and "_" not in problems:
        problems["_"] = ("Kế hoạch phải có ít nhất một bước.", "A plan has at least one step.")
    return kept


def _refused(request: Request, user: User, year: int, e: Exception, form: FormData, scope: str) -> HTMLResponse:
    """The page again, with what was typed and the problem beside its input (or at the top); a stale form is
    a 409 showing the plan as it now is."""
    status, vi, en, field = message_of(e)
    message = en if lang_of(request) == "en" else vi
    if isinstance(e, StaleVersion | ConcurrencyConflict):
        return _page(request, user, year, 409, alert=i18n.pick((
            "Kế hoạch đã được người khác thay đổi trong lúc bạn xem; bạn chưa lưu gì. Trang đã tải lại kế hoạch mới "
            "nhất.", "Someone changed the plan while you were viewing it; nothing was saved. The page now shows the "
                     "latest plan."), lang_of(request)))
    return _page(request, user, year, status, errors={FIELDS.get(field or "", "_"): message},
                 error_scope=scope, form=dict(form.items()), scope=scope)


def _problems(request: Request, user: User, year: int, problems: dict[str, tuple[str, str]], form: FormData,
              scope: str) -> HTMLResponse:
    lang = lang_of(request)
    return _page(request, user, year, 422, errors={k: i18n.pick(m, lang) for k, m in problems.items()},
                 error_scope=scope, form=dict(form.items()), scope=scope)


def _version(form: FormData) -> int | None:
    raw = _text(form, "expected_version")
    return int(raw) if raw.isdigit() else None


@router.post("/province/plan", response_class=HTMLResponse)
def issue(request: Request, user: User, form: Form, year: Annotated[int, Query(ge=2000, le=2100)]) -> Response:
    need(user, *PROVINCE)
    problems: dict[str, tuple[str, str]] = {}
    steps = _edited(_plan(request, user, year), form, year, problems)
    if problems:
        return _problems(request, user, year, problems, form, "plan")
    try:
        ctx_of(request).uc.province.issue_plan(user.actor(request_id(request)), year, steps=steps,
                                               title=_text(form, "title") or None)
    except KNOWN as e:
        return _refused(request, user, year, e, form, "plan")
    return redirect(f"/province/plan?year={year}&ok=issued")


@router.post("/province/plan/revise", response_class=HTMLResponse)
def revise(request: Request, user: User, form: Form, year: Annotated[int, Query(ge=2000, le=2100)]) -> Response:
    need(user, *PROVINCE)
    problems: dict[str, tuple[str, str]] = {}
    steps = _edited(_plan(request, user, year), form, year, problems)
    if not _text(form, "reason"):
        problems["reason"] = ("Lý do sửa đổi kế hoạch không được để trống.", "The reason for the revision is required.")
    if problems:
        return _problems(request, user, year, problems, form, "plan")
    try:
        ctx_of(request).uc.province.revise_plan(user.actor(request_id(request)), year, steps=steps,
                                                reason=_text(form, "reason"), expected_version=_version(form))
    except KNOWN as e:
        return _refused(request, user, year, e, form, "plan")
    return redirect(f"/province/plan?year={year}&ok=revised")


@router.post("/province/plan/guidance", response_class=HTMLResponse)
def guidance(request: Request, user: User, form: Form, year: Annotated[int, Query(ge=2000, le=2100)]) -> Response:
    need(user, *PROVINCE)
    problems: dict[str, tuple[str, str]] = {}
    day = None
    try:
        day = forms.parse_day(_text(form, "day"), ("Ngày ban hành văn bản", "Day of the guidance"))
    except KNOWN as e:
        problems["day"] = message_of(e)[1:3]
    if not _text(form, "title"):
        problems["title"] = ("Tên văn bản hướng dẫn không được để trống.", "The guidance's title is required.")
    if problems or day is None:
        return _problems(request, user, year, problems, form, "guidance")
    try:
        ctx_of(request).uc.province.record_guidance(user.actor(request_id(request)), year, day=day,
                                                    title=_text(form, "title"), expected_version=_version(form))
    except KNOWN as e:
        return _refused(request, user, year, e, form, "guidance")
    return redirect(f"/province/plan?year={year}&ok=guidance")
