"""The province's plan pages: issue the year's plan from the template, revise its steps (names, deadlines, working
days, steps dropped) with a reason, add a step (what makes it done chosen among the processes' states), and record
new guidance — for the province administrator and the inspectors."""

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
from ledger.calendar.plan import DOCUMENTS_AMENDED, DOCUMENTS_REVIEWED, GUIDANCE
from ledger.errors import ConcurrencyConflict, StaleVersion
from ledger.qms.registry import processes
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
                     "The new guidance is recorded; the deadlines counted from it are recomputed."),
        "added": ("Đã thêm bước vào kế hoạch; lý do được lưu trong lịch sử và lịch của các cơ quan đã cập nhật.",
                  "The step is added to the plan; the reason is kept and the agencies' calendars follow it.")}
STEP_ROLES = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR,
              Role.RECORDS_CONTROLLER)  # who carries out an agency's step
DOCUMENT_COMPLETIONS = {  # the two completions that are not a QMS process's state
    f"{DOCUMENTS_REVIEWED}:reviewed": ("Tài liệu — mọi tài liệu đang hiệu lực đã được rà soát định kỳ trong năm",
                                       "Documents — every document in force had its periodic review in the year"),
    f"{DOCUMENTS_AMENDED}:issued": ("Tài liệu — mọi tài liệu soạn lại trong năm đã được ban hành lại",
                                    "Documents — every document redrafted in the year is issued again")}
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
                  ok=i18n.pick(DONE[ok], lang) if ok in DONE else None,
                  completions=[(value, i18n.pick(label, lang)) for value, label in completions().items()],
                  step_roles=[(r.value, i18n.role(r, lang)) for r in STEP_ROLES], **values)


def completions() -> dict[str, tuple[str, str]]:
    """What can make an added step done, value ``subject:state`` → its label: each declared QMS process reaching
    one of its states (from the declarations, so a new process or state shows here by itself), and the documents'
    two yearly completions."""
    out: dict[str, tuple[str, str]] = {}
    for p in processes():
        for state, label in p.states.items():
            out[f"{p.name}:{state}"] = (f"{p.label[0]} — {label[0]}", f"{p.label[1]} — {label[1]}")
    out.update(DOCUMENT_COMPLETIONS)
    return out


def _key(label_en: str, taken: set[str]) -> str:
    """A new step's key from its English name ("Customer survey" → "customer_survey"), unused in the plan."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in label_en.lower()).split()
    base = "_".join(words)[:32].strip("_") or "step"
    key, n = base, 2
    while key in taken or key == GUIDANCE:
        key, n = f"{base}_{n}", n + 1
    return key


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


def _new_step(plan: dict[str, Any], form: FormData, year: int,
              problems: dict[str, tuple[str, str]]) -> dict[str, Any] | None:
    """The step the form adds (as the API carries a step); each problem beside its input."""
    vi, en = _text(form, "label_vi"), _text(form, "label_en")
    if not vi:
        problems["label_vi"] = ("Tên bước (tiếng Việt) không được để trống.", "The step's Vietnamese name is required.")
    if not en:
        problems["label_en"] = ("Tên bước (tiếng Anh) không được để trống.", "The step's English name is required.")
    due = None
    try:
        if not _text(form, "due"):
            problems["due"] = ("Hạn của bước không được để trống.", "The step's due day is required.")
        else:
            due = forms.parse_day(_text(form, "due"), ("Hạn của bước", "The step's due day"))
        if due is not None and due.year != year:
            problems["due"] = (f"Hạn của bước phải thuộc năm {year}.", f"The step's due day must be in {year}.")
    except KNOWN as e:
        problems["due"] = message_of(e)[1:3]
    roles = [str(r) for r in form.getlist("roles")]
    if not roles or any(r not in {x.value for x in STEP_ROLES} for r in roles):
        problems["roles"] = ("Chọn ít nhất một vai trò chịu trách nhiệm.", "Choose at least one responsible role.")
    completion = _text(form, "completion")
    if completion not in completions():
        problems["completion"] = ("Chọn điều làm bước này hoàn thành.", "Choose what makes this step done.")
    if not _text(form, "reason"):
        problems["reason"] = ("Lý do sửa đổi kế hoạch không được để trống.", "The reason for the revision is required.")
    if problems or due is None:
        return None
    subject, state = completion.split(":", 1)
    every = form.get("every") == "yes"
    skip = ["cancelled"] if every and any(p.name == subject and "cancelled" in p.states for p in processes()) else []
    return {"key": _key(en, {s["key"] for s in plan["steps"]}), "label": [vi, en], "month": due.month, "day": due.day,
            "roles": roles, "done": {"subject": subject, "states": [state], "every": every, "skip": skip,
                                     "none_is_done": False},
            "after": None, "working_days": 0}


@router.post("/province/plan/steps", response_class=HTMLResponse)
def add_step(request: Request, user: User, form: Form, year: Annotated[int, Query(ge=2000, le=2100)]) -> Response:
    """Adds a step to the issued plan: a revision with its reason, the other steps as they are."""
    need(user, *PROVINCE)
    plan = _plan(request, user, year)
    problems: dict[str, tuple[str, str]] = {}
    if not plan["issued"]:
        problems["_"] = ("Ban hành kế hoạch trước khi thêm bước.", "Issue the plan before adding a step.")
    step = _new_step(plan, form, year, problems)
    if problems or step is None:
        return _page(request, user, year, 422, errors={k: i18n.pick(m, lang_of(request)) for k, m in problems.items()},
                     error_scope="step", form={**dict(form.items()), "roles": form.getlist("roles")}, scope="step")
    try:
        ctx_of(request).uc.province.revise_plan(user.actor(request_id(request)), year,
                                                steps=[*plan["steps"], step], reason=_text(form, "reason"),
                                                expected_version=_version(form))
    except KNOWN as e:
        return _refused(request, user, year, e, form, "step")
    return redirect(f"/province/plan?year={year}&ok=added")
