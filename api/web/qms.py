"""The pages of every declared QMS process, generated from its declaration: the index, a list per process, a
case with its trail and state diagram, and a form for each step the user may take now (``ctx.uc.qms`` only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api import roles as R
from api.files import upload_of
from api.security import Principal
from api.web import forms, i18n, qms_display, qms_forms
from api.web.core import (
    KNOWN,
    PageError,
    WebRoute,
    agency_in_view,
    ctx_of,
    form_data,
    lang_of,
    message_of,
    need,
    redirect,
    render,
)
from api.web.home import User
from ledger.actors import ROLES
from ledger.errors import ConcurrencyConflict, InvalidInput
from ledger.qms.declaration import Process, Step
from usecases.qms import FILLED  # steps whose values the server computes: no inputs

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Form = Annotated[FormData, Depends(form_data)]
READERS = frozenset(R.MEMBERS)
DONE = ("Đã ghi nhận bước «{}».", "The step '{}' is recorded.")
CHANGED = ("Mục này đã được người khác thay đổi trong lúc bạn xem; bạn chưa lưu gì.",
           "Someone else changed this item while you were looking; nothing was saved.")


def rid(request: Request) -> str:
    from api.deps import request_id

    return request_id(request)


def process_of(request: Request, collection: str) -> Process:
    try:
        return ctx_of(request).uc.qms.process(collection)  # type: ignore[no-any-return]
    except KNOWN:
        raise PageError(404, "Không có quy trình này.", "No such process.") from None


def state_labels(process: Process, lang: str) -> list[tuple[str, str]]:
    return [(k, i18n.pick(v, lang)) for k, v in process.states.items()]


def step_roles(step: Step, lang: str) -> str:
    return ", ".join(i18n.pick(ROLES[r], lang) for r in step.roles)


# ---- the index: every process --------------------------------------------------------------------
@router.get("/qms", response_class=HTMLResponse)
def index(request: Request, user: User) -> HTMLResponse:
    need(user, *R.MEMBERS)
    agency = agency_in_view(request, user, READERS)
    overview = ctx_of(request).uc.qms.overview(user.actor(rid(request)), agency)
    return render(request, "qms_index.html", overview=overview, lang_pick=i18n.pick)


# ---- one process: its cases ------------------------------------------------------------------------
@router.get("/qms/{collection}", response_class=HTMLResponse)
def listing(request: Request, user: User, collection: str,
            year: Annotated[str | None, Query(max_length=4)] = None,
            department: Annotated[str | None, Query(max_length=100)] = None,
            state: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    need(user, *R.MEMBERS)
    process = process_of(request, collection)
    agency = agency_in_view(request, user, READERS)
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(rid(request))
    chosen_year = int(year) if year and year.isdigit() and 1900 <= int(year) <= 2200 else None
    chosen_state = state if state in process.states else None
    rows = uc.qms.listed(actor, agency, collection, year=chosen_year, department_id=department or None,
                         state=chosen_state)
    names = qms_display.Names.of(uc.qms.choices(actor, agency))
    for row in rows:
        row["derived_rows"] = qms_display.derived_rows(row["derived"], lang)
        row["department_name"] = names.departments.get(row["department_id"] or "", "")
    opener = process.opening
    may_open = agency == user.agency_id and bool(user.roles & set(opener.roles))
    return render(request, "qms_list.html", process=process, rows=rows, may_open=may_open,
                  year=year or "", department=department or "", state=chosen_state or "",
                  states=[("", i18n.pick(("Mọi trạng thái", "Every state"), lang))] + state_labels(process, lang),
                  departments=[("", i18n.pick(("Mọi phòng ban", "Every department"), lang))] +
                  sorted(names.departments.items(), key=lambda kv: kv[1]),
                  with_departments=process.department_field is not None)


# ---- opening a case ----------------------------------------------------------------------------------
def new_form(request: Request, user: Principal, process: Process, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    choices = ctx_of(request).uc.qms.choices(user.actor(rid(request)), user.agency_id)
    step = process.opening
    return render(request, "qms_new.html", status=status, process=process, step=step,
                  inputs=qms_forms.inputs(step, choices, {}, lang), who=step_roles(step, lang),
                  hint=i18n.pick(step.hint, lang) if step.hint else None, **values)


@router.get("/qms/{collection}/new", response_class=HTMLResponse)
def new_page(request: Request, user: User, collection: str) -> HTMLResponse:
    process = process_of(request, collection)
    need(user, *process.opening.roles)
    return new_form(request, user, process)


@router.post("/qms/{collection}/new", response_class=HTMLResponse)
def open_case(request: Request, user: User, collection: str, form: Form) -> Response:
    process = process_of(request, collection)
    need(user, *process.opening.roles)
    uc = ctx_of(request).uc
    actor = user.actor(rid(request))
    try:
        values, uploads, reason = qms_forms.read(process.opening, form)
        if uploads:  # a file belongs to its case's scope, and the case does not exist before it is opened
            name = next(iter(uploads))
            raise InvalidInput("Tệp được đính kèm ở các bước sau khi đã tạo mục.",
                               "Files are attached in the steps after the item is opened.", field=name)
        done = uc.qms.open(actor, user.agency_id, collection, values=values, reason=reason)
    except KNOWN as e:
        status, errors = failure(request, process.opening, e)
        return new_form(request, user, process, status, errors=errors, form=forms.values(form))
    return redirect(f"/qms/{collection}/{done.id}?ok={process.opening.name}")


def refused(request: Request, step: Step, e: Exception, form: FormData) -> tuple[int, dict[str, Any]]:
    """A refused step as its case page shows it: the status, the messages beside the fields, what was typed, and an
    alert at the top when someone else changed the case in the meantime (a 409)."""
    status, errors = failure(request, step, e)
    shown: dict[str, Any] = {"errors": errors, "form": forms.values(form), "failed_step": step.name}
    if isinstance(e, ConcurrencyConflict) or status == 412:
        status = 409
        shown["alert"] = i18n.pick(CHANGED, lang_of(request))
    return status, shown


def failure(request: Request, step: Step, e: Exception) -> tuple[int, dict[str, str]]:
    """The status and the messages beside the fields (``_`` for one that names none of the form's fields)."""
    lang = lang_of(request)
    if isinstance(e, forms.FormProblems):
        return 422, e.messages(lang)
    status, vi, en, field = message_of(e)
    names = {f.name for f in step.fields} | {"reason"}
    return status, {field if field in names else "_": en if lang == "en" else vi}


# ---- one case ------------------------------------------------------------------------------------------
def case_page(request: Request, user: Principal, collection: str, case_id: str, status: int = 200,
              **values: Any) -> HTMLResponse:
    process = process_of(request, collection)
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(rid(request))
    case = uc.qms.get(actor, collection, case_id)  # 404: another agency's, or another process's
    request.state.agency = case["agency_id"]
    choices = uc.qms.choices(actor, case["agency_id"])
    names = qms_display.Names.of(choices)
    steps = [s for s in process.available(case["state"]) if s.name in case["next_steps"]]
    trail = [{**t, "step_label": i18n.pick(process.step(t["step"]).label, lang) if process.step(t["step"])
              else t["step"], "state_label": i18n.pick(process.states.get(t["state"], (t["state"],) * 2), lang),
              "who": names.person(t["by"], lang).text, "role_label": i18n.role(t["role"], lang)}
             for t in case["trail"]]
    failed = values.pop("failed_step", None)
    forms_shown = [{"step": s, "who": step_roles(s, lang), "hint": i18n.pick(s.hint, lang) if s.hint else None,
                    "inputs": [] if (process.name, s.name) in FILLED else qms_forms.inputs(s, choices, case["data"],
                                                                                              lang),
                    "errors": values.get("errors", {}) if s.name == failed else {},
                    "form": values.get("form", {}) if s.name == failed else {}} for s in steps]
    general = values.get("errors", {}).get("_")
    if general and failed not in [s.name for s in steps]:
        values.setdefault("alert", general)  # the step is no longer open to them: say why at the top
    ok = request.query_params.get("ok")
    done = process.step(ok) if ok else None
    return render(request, "qms_case.html", status=status, process=process, case=case,
                  state_label=i18n.pick(process.states[case["state"]], lang),
                  data=qms_display.data_rows(process, case["data"], names, lang),
                  derived=qms_display.derived_rows(case["derived"], lang), trail=trail, step_forms=forms_shown,
                  diagram=uc.qms.diagram(collection, case["state"], lang),
                  ok=i18n.pick(DONE, lang).format(i18n.pick(done.label, lang)) if done else None,
                  error_scope=failed or "", **{k: v for k, v in values.items() if k != "form"})


@router.get("/qms/{collection}/{case_id}", response_class=HTMLResponse)
def case_view(request: Request, user: User, collection: str, case_id: str) -> HTMLResponse:
    need(user, *R.MEMBERS)
    return case_page(request, user, collection, case_id)


@router.post("/qms/{collection}/{case_id}/{step_name}", response_class=HTMLResponse)
def take_step(request: Request, user: User, collection: str, case_id: str, step_name: str, form: Form) -> Response:
    need(user, *R.MEMBERS)
    process = process_of(request, collection)
    step = process.step(step_name)
    if step is None or step.opens:
        raise PageError(404, "Không có bước này.", "No such step.")
    uc = ctx_of(request).uc
    actor = user.actor(rid(request))
    try:
        values, uploads, reason = qms_forms.read(step, form)
        for name, upload in uploads.items():  # stored in the case's own scope, which verify and sweep know
            values[name] = uc.qms.upload(actor, collection, case_id, upload_of(upload, request)).to_dict()
        uc.qms.take(actor, collection, case_id, step.name, values=values, reason=reason,
                    expected_version=forms.expected(form))
    except KNOWN as e:
        status, shown = refused(request, step, e, form)
        return case_page(request, user, collection, case_id, status, **shown)
    return redirect(f"/qms/{collection}/{case_id}?ok={step.name}")
