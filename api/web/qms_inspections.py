"""The pages of inspections by the supervising agency: the inspections a user reads (run by their agency, or of
it), scheduling one of an agency it supervises, one inspection with its findings and scores, and an agency's
scores over the years as a server-side SVG chart. Registered before the generic QMS pages, which show a case
of the user's own or supervised agency: an inspection lives in the supervising agency and is read by both."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api import roles as R
from api.security import Principal
from api.web import forms, i18n, qms_display, qms_forms
from api.web.core import KNOWN, PageError, WebRoute, ctx_of, form_data, lang_of, need, redirect, render
from api.web.home import User
from api.web.qms import DONE, failure, refused, rid, step_roles
from api.web.score_chart import score_chart
from ledger.qms.processes.inspections import CLASSES, INSPECTION, KINDS, SCALE_V1, SEVERITIES
from ledger.vocabulary import Role

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Form = Annotated[FormData, Depends(form_data)]
C = INSPECTION.collection
INSPECTED_LABEL = next(f.label for f in INSPECTION.opening.fields if f.name == "inspected_agency")
OWN_RECORDS = ("scores", "findings", "finding_seq", "scored_by", "scored_at", "concluded_by",
               "concluded_on")  # shown in the page's own section


@router.get("/qms/inspections", response_class=HTMLResponse)
def listing(request: Request, user: User) -> HTMLResponse:
    need(user, *R.MEMBERS)
    uc, actor = ctx_of(request).uc, user.actor(rid(request))
    rows = uc.inspections.listed(actor)
    supervised = uc.inspections.supervised(actor)
    scores = None
    if user.roles & {Role.AGENCY_LEADER, Role.ISO_SECRETARY}:
        scores = uc.inspections.scores(actor, user.agency_id)
    lang = lang_of(request)
    return render(request, "inspections.html", rows=rows, supervised=supervised, process=INSPECTION,
                  chart=score_chart(scores, uc.accounts.agency_name(user.agency_id), lang) if scores is not None
                  else None, classes=CLASSES)


@router.get("/qms/inspection-scores/{agency_id}", response_class=HTMLResponse)
def scores_page(request: Request, user: User, agency_id: Annotated[str, Path(max_length=100)]) -> HTMLResponse:
    need(user, Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.INSPECTOR)
    uc, lang = ctx_of(request).uc, lang_of(request)
    try:
        scores = uc.inspections.scores(user.actor(rid(request)), agency_id)
    except KNOWN:
        raise PageError(404, "Không tìm thấy cơ quan, hoặc bạn không được xem cơ quan này.",
                        "No such agency, or not one you may see.") from None
    name = uc.visibility.agency(agency_id)["name"]
    request.state.agency = agency_id
    return render(request, "inspection_scores.html", name=name, scores=scores, chart=score_chart(scores, name, lang),
                  classes=CLASSES, kinds=KINDS, criteria=SCALE_V1.criteria)


# ---- scheduling ----------------------------------------------------------------------------------
def _opening_inputs(request: Request, user: Principal) -> list[qms_forms.Input]:
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(rid(request))
    step = INSPECTION.opening
    items = qms_forms.inputs(step, uc.inspections.choices(actor), {}, lang)
    agencies = uc.inspections.supervised(actor)
    return [qms_forms.Input(i.name, "select", i.label, True, agencies, None) if i.name == "inspected_agency" else i
            for i in items]


def new_form(request: Request, user: Principal, status: int = 200, **values: Any) -> HTMLResponse:
    lang, step = lang_of(request), INSPECTION.opening
    return render(request, "qms_new.html", status=status, process=INSPECTION, step=step,
                  inputs=_opening_inputs(request, user), who=step_roles(step, lang),
                  hint=i18n.pick(step.hint, lang) if step.hint else None, **values)


@router.get("/qms/inspections/new", response_class=HTMLResponse)
def new_page(request: Request, user: User) -> HTMLResponse:
    need(user, *INSPECTION.opening.roles)
    return new_form(request, user)


@router.post("/qms/inspections/new", response_class=HTMLResponse)
def open_case(request: Request, user: User, form: Form) -> Response:
    need(user, *INSPECTION.opening.roles)
    uc = ctx_of(request).uc
    try:
        values, _, reason = qms_forms.read(INSPECTION.opening, form)
        done = uc.qms.open(user.actor(rid(request)), user.agency_id, C, values=values, reason=reason)
    except KNOWN as e:
        status, errors = failure(request, INSPECTION.opening, e)
        return new_form(request, user, status, errors=errors, form=forms.values(form))
    return redirect(f"/qms/{C}/{done.id}?ok={INSPECTION.opening.name}")


# ---- one inspection --------------------------------------------------------------------------------
def case_page(request: Request, user: Principal, case_id: str, status: int = 200, **values: Any) -> HTMLResponse:
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(rid(request))
    case = uc.qms.get(actor, C, case_id)  # 404 unless the supervising agency's or the inspected agency's reader
    request.state.agency = case["agency_id"]
    choices = uc.inspections.choices(actor, case)
    names = qms_display.Names.of(choices)
    steps = [s for s in INSPECTION.available(case["state"]) if s.name in case["next_steps"]]
    trail = [{**t, "step_label": i18n.pick(INSPECTION.step(t["step"]).label, lang) if INSPECTION.step(t["step"])
              else t["step"], "state_label": i18n.pick(INSPECTION.states.get(t["state"], (t["state"],) * 2), lang),
              "who": names.person(t["by"], lang).text, "role_label": i18n.role(t["role"], lang)}
             for t in case["trail"]]
    failed = values.pop("failed_step", None)
    forms_shown = [{"step": s, "who": step_roles(s, lang), "hint": i18n.pick(s.hint, lang) if s.hint else None,
                    "inputs": qms_forms.inputs(s, choices, case["data"].get("scores", {}) if s.name == "score"
                                               else case["data"], lang),
                    "errors": values.get("errors", {}) if s.name == failed else {},
                    "form": values.get("form", {}) if s.name == failed else {}} for s in steps]
    general = values.get("errors", {}).get("_")
    if general and failed not in [s.name for s in steps]:
        values.setdefault("alert", general)
    ok = request.query_params.get("ok")
    done = INSPECTION.step(ok) if ok else None
    shown = {k: v for k, v in case["data"].items() if k not in OWN_RECORDS}
    inspected = uc.accounts.agency_name(str(case["data"].get("inspected_agency")))
    rows = [(label, [qms_display.Shown(inspected)] if label == i18n.pick(INSPECTED_LABEL, lang) else items)
            for label, items in qms_display.data_rows(INSPECTION, shown, names, lang)]
    concluded_by = names.person(case["data"]["concluded_by"], lang).text if case["data"].get("concluded_by") else ""
    return render(request, "inspection_case.html", status=status, process=INSPECTION, case=case,
                  state_label=i18n.pick(INSPECTION.states[case["state"]], lang),
                  data=rows, concluded_by=concluded_by,
                  derived=[], trail=trail, step_forms=forms_shown,
                  diagram=uc.qms.diagram(C, case["state"], lang),
                  ok=i18n.pick(DONE, lang).format(i18n.pick(done.label, lang)) if done else None,
                  error_scope=failed or "", inspected_name=inspected,
                  criteria=SCALE_V1.criteria, classes=CLASSES, severities=SEVERITIES,
                  **{k: v for k, v in values.items() if k != "form"})


@router.get("/qms/inspections/{case_id}", response_class=HTMLResponse)
def case_view(request: Request, user: User, case_id: Annotated[str, Path(max_length=100)]) -> HTMLResponse:
    need(user, *R.MEMBERS)
    return case_page(request, user, case_id)


@router.post("/qms/inspections/{case_id}/{step_name}", response_class=HTMLResponse)
def take_step(request: Request, user: User, case_id: Annotated[str, Path(max_length=100)],
              step_name: Annotated[str, Path(max_length=60)], form: Form) -> Response:
    need(user, *R.MEMBERS)
    step = INSPECTION.step(step_name)
    if step is None or step.opens:
        raise PageError(404, "Không có bước này.", "No such step.")
    uc = ctx_of(request).uc
    try:
        values, _, reason = qms_forms.read(step, form)
        uc.qms.take(user.actor(rid(request)), C, case_id, step.name, values=values, reason=reason,
                    expected_version=forms.expected(form))
    except KNOWN as e:
        status, shown = refused(request, step, e, form)
        return case_page(request, user, case_id, status, **shown)
    return redirect(f"/qms/{C}/{case_id}?ok={step.name}")
