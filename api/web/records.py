"""Archive staff pages: the record register, a record's files, loans, legal holds and destruction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api import roles as R
from api.files import streamed, upload_of
from api.security import Principal
from api.web import forms, i18n, paging, people
from api.web.core import (
    KNOWN,
    WebRoute,
    agency_in_view,
    ctx_of,
    form_data,
    lang_of,
    need,
    redirect,
    render,
)
from api.web.documents import changes_since, failure, ok_message, request_id
from api.web.home import User
from ledger.errors import ConcurrencyConflict, InvalidInput
from ledger.record import CONFIDENTIALITY, METHODS
from ledger.vocabulary import DestructionStatus, GrantState, RecordState, Role

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Form = Annotated[FormData, Depends(form_data)]
READERS = frozenset(R.RECORD_READERS)
STATUSES = ("all", *RecordState)
FIELDS = {
    "open": ("code", "title", "series", "retention_years", "legal_basis", "confidentiality"),
    "file": ("file", "description"), "close": ("closed_on",), "hold": ("reason",), "release": (),
    "lend": ("borrower", "purpose", "due_on", "approved_by"), "extend": ("due_on",),
    "return": ("received_by", "note"), "propose": ("reason",),
    "approve_destruction": ("decision_no", "decided_by", "council"),
    "execute": ("minutes_file", "executed_by", "witnesses", "method"),
    "grant": ("grantee", "reason", "until"), "revoke": ("grantee", "reason"),
}


def fail(request: Request, action: str, e: Exception) -> tuple[int, dict[str, Any]]:
    return failure(request, action, e, FIELDS)


@router.get("/records", response_class=HTMLResponse)
def register_page(request: Request, user: User, status: str = "all",
                  q: Annotated[str | None, Query(max_length=200)] = None, ok: str | None = None,
                  after: Annotated[str | None, Query(max_length=100)] = None,
                  before: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    need(user, *R.RECORD_READERS)
    agency = agency_in_view(request, user, R.RECORD_READERS)  # an inspector's: the supervised agency chosen
    rows, pager = ctx_of(request).uc.registers.records(
        user.actor(request_id(request)), agency,
        lambda cur, base, params: paging.keyset(request, cur, "*", base, params, after=after, before=before,
                                                  key="sort_key"),
        status=status if status in STATUSES else "all", q=q)
    _ = i18n.chooser(lang_of(request))
    statuses = [("all", _("Tất cả", "All")), ("open", _("Đang mở", "Open")), ("closed", _("Đã kết thúc", "Closed")),
                ("on_loan", _("Đang cho mượn", "On loan")), ("held", _("Đang phong tỏa", "On legal hold")),
                ("due", _("Hết thời hạn bảo quản", "Retention ended")), ("destroyed", _("Đã hủy", "Destroyed"))]
    return render(request, "records.html", rows=rows, pager=pager, statuses=statuses, filter_status=status,
                  q=q or "", ok=ok_message(request, ok))


def new_form(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    conf = [(k, i18n.confidentiality(k, lang)) for k in CONFIDENTIALITY]
    return render(request, "record_new.html", status=status, confidentialities=conf, **values)


@router.get("/records/new", response_class=HTMLResponse)
def new_record_page(request: Request, user: User) -> HTMLResponse:
    need(user, Role.RECORDS_CONTROLLER)
    return new_form(request)


@router.post("/records/new", response_class=HTMLResponse)
def open_record(request: Request, user: User, form: Form) -> Response:
    need(user, Role.RECORDS_CONTROLLER)
    ctx = ctx_of(request)
    try:
        forms.check(form, "open")
        years_text = forms.text(form, "retention_years")
        if years_text and forms.whole(years_text) is None:
            raise InvalidInput("Thời hạn bảo quản là số năm, hoặc để trống nếu vĩnh viễn.",
                               "Retention is a number of years, or empty for permanent.", field="retention_years")
        done = ctx.uc.records.open(
            user.actor(request_id(request)), user.agency_id, code=forms.text(form, "code"),
            title=forms.text(form, "title"), series=forms.text(form, "series"),
            retention_years=forms.whole(years_text) if years_text else None,
            legal_basis=forms.text(form, "legal_basis"),
            confidentiality=forms.text(form, "confidentiality"))
    except KNOWN as e:
        status, values = fail(request, "open", e)
        return new_form(request, status, form=forms.values(form), **values)
    return redirect(f"/records/{done.id}?ok=opened")


def detail(request: Request, user: Principal, record_id: str, status: int = 200, **values: Any) -> HTMLResponse:
    uc = ctx_of(request).uc
    actor = user.actor(request_id(request))
    state = uc.records.get(actor, record_id)  # a confidential record's files withheld from who may not read them
    lang = lang_of(request)
    mine = state["agency_id"] == user.agency_id
    controller = mine and Role.RECORDS_CONTROLLER in user.roles and not state["destroyed"]
    d = state["destruction"] or {}
    secret = state["confidentiality"] == "confidential"
    grantor = mine and bool(user.roles & set(R.GRANTORS)) and secret and not state["destroyed"]
    acts = {"file": controller and state["closed_on"] is None, "close": controller and state["closed_on"] is None,
            "hold": controller and state["hold"] is None, "release": controller and state["hold"] is not None,
            "lend": controller and state["loan"] is None, "extend": controller and state["loan"] is not None,
            "return": controller and state["loan"] is not None,
            "propose": controller and not d and state["retention_ends_on"] is not None,
            "approve_destruction": mine and Role.AGENCY_LEADER in user.roles
            and d.get("status") == DestructionStatus.PROPOSED,
            "execute": controller and d.get("status") == DestructionStatus.APPROVED, "grant": grantor,
            "revoke": False}
    today = uc.registers.today().isoformat()
    grants = uc.records.grants(actor, record_id) if secret else []
    revocable = [(g["grantee"], f"{g['full_name'] or g['grantee']} ({g['grantee']})") for g in grants
                 if g["state"] == GrantState.ACTIVE]
    acts["revoke"] = grantor and bool(revocable)
    agency = state["agency_id"]
    pick_from = {} if not mine else {
        "accounts": people.choices(request, agency),
        "borrowers": people.choices(request, agency, external=True),
        "loan_approvers": people.choices(request, agency, R.LEADERS),
        "deciders": people.choices(request, agency, (Role.AGENCY_LEADER,))}
    return render(request, "record.html", status=status, rec=state, acts=acts, today=today, secret=secret,
                  who=people.namer(request, agency), pick=pick_from, external=people.EXTERNAL,
                  grants=grants, grantees=uc.accounts.grantable(state) if grantor else [], revocable=revocable,
                  foreign=state["agency_id"] != user.agency_id,
                  confidentiality=i18n.confidentiality(state["confidentiality"], lang),
                  methods=[(k, i18n.label(i18n.METHODS, k, lang)) for k in METHODS],
                  history_reader=bool(user.roles & set(R.RECORD_OVERSIGHT)), **values)


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(request: Request, user: User, record_id: str, ok: str | None = None) -> HTMLResponse:
    return detail(request, user, record_id, ok=ok_message(request, ok))


def command(request: Request, user: Principal, record_id: str, form: FormData, action: str, ok: str,
            run: Callable[[], Any]) -> Response:
    ctx = ctx_of(request)
    try:
        state = ctx.uc.visibility.record(user, record_id, READERS, command=True)
        expected = forms.expected(form)
        if expected is not None and state["version"] != expected:
            raise ConcurrencyConflict("Hồ sơ đã được người khác thay đổi trong lúc bạn xem; bạn chưa lưu gì.",
                                      "Someone else changed the record while you were looking; nothing was saved.",
                                      field="If-Match")
        forms.check(form, action)  # every empty or malformed field at once, before the command runs
        run()
    except KNOWN as e:
        status, values = fail(request, action, e)
        if "alert" in values:
            values["changes"] = changes_since(request, record_id, forms.expected(form))
            values["alert"] = i18n.pick(("Hồ sơ đã được người khác thay đổi trong lúc bạn xem; bạn chưa lưu gì.",
                                         "Someone else changed the record while you were looking; nothing was saved."),
                                        lang_of(request))
        else:
            values["form"] = forms.values(form)
        return detail(request, user, record_id, status, **values)
    return redirect(f"/records/{record_id}?ok={ok}")


def required(form: FormData, name: str, vi: str, en: str) -> str:
    value = forms.text(form, name)
    if not value:
        raise InvalidInput(vi, en, field=name)
    return value


@router.post("/records/{record_id}/files", response_class=HTMLResponse)
def add_file(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        ctx.uc.records.add_file(user.actor(request_id(request)), record_id, upload_of(forms.upload(form), request),
                                description=forms.text(form, "description"))
    return command(request, user, record_id, form, "file", "file_added", run)


@router.post("/records/{record_id}/close", response_class=HTMLResponse)
def close(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "close", "closed", lambda: ctx.uc.records.close(
        user.actor(request_id(request)), record_id, closed_on=forms.day(form, "closed_on", required=False)))


@router.post("/records/{record_id}/hold", response_class=HTMLResponse)
def hold(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "hold", "held", lambda: ctx.uc.records.place_hold(
        user.actor(request_id(request)), record_id,
        reason=required(form, "reason", "Hãy ghi lý do phong tỏa.", "Give the reason for the hold.")))


@router.post("/records/{record_id}/release", response_class=HTMLResponse)
def release(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "release", "released",
                   lambda: ctx.uc.records.release_hold(user.actor(request_id(request)), record_id))


@router.post("/records/{record_id}/lend", response_class=HTMLResponse)
def lend(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "lend", "lent", lambda: ctx.uc.records.lend(
        user.actor(request_id(request)), record_id,
        borrower=people.one(form, "borrower"),
        purpose=required(form, "purpose", "Hãy ghi mục đích mượn.", "Enter the purpose."),
        due_on=forms.day(form, "due_on"), approved_by=people.one(form, "approved_by")))


@router.post("/records/{record_id}/extend", response_class=HTMLResponse)
def extend(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "extend", "extended", lambda: ctx.uc.records.extend_loan(
        user.actor(request_id(request)), record_id, due_on=forms.day(form, "due_on")))


@router.post("/records/{record_id}/return", response_class=HTMLResponse)
def take_back(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "return", "returned", lambda: ctx.uc.records.take_back(
        user.actor(request_id(request)), record_id,
        received_by=people.one(form, "received_by"),
        note=forms.text(form, "note")))


@router.post("/records/{record_id}/destruction/propose", response_class=HTMLResponse)
def propose(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "propose", "proposed", lambda: ctx.uc.records.propose_destruction(
        user.actor(request_id(request)), record_id,
        reason=required(form, "reason", "Hãy ghi lý do đề nghị hủy.", "Give the reason.")))


@router.post("/records/{record_id}/destruction/approve", response_class=HTMLResponse)
def approve_destruction(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "approve_destruction", "destruction_approved",
                   lambda: ctx.uc.records.approve_destruction(
                       user.actor(request_id(request)), record_id,
                       decision_no=required(form, "decision_no", "Hãy ghi số quyết định hủy.",
                                            "Enter the decision number."),
                       decided_by=people.one(form, "decided_by"), council=council(form)))


def council(form: FormData) -> list[Any]:
    members = people.many(form, "council")
    if not members:
        raise InvalidInput("Hãy chọn thành viên hội đồng, hoặc ghi người ngoài cơ quan (mỗi dòng một người).",
                           "Choose the council's members, or type outsiders one per line.", field="council")
    return members


@router.post("/records/{record_id}/destruction/execute", response_class=HTMLResponse)
def execute(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        minutes = forms.upload(form, "minutes_file")
        witnesses = people.many(form, "witnesses")
        if not witnesses:
            raise InvalidInput("Hãy chọn người chứng kiến, hoặc ghi người ngoài cơ quan (mỗi dòng một người).",
                               "Choose the witnesses, or type outsiders one per line.", field="witnesses")
        method = forms.text(form, "method") or "crypto_shredding"
        if method not in METHODS:
            raise InvalidInput("Phương pháp hủy không hợp lệ.", "Unknown method.", field="method")
        ctx.uc.records.execute_destruction(  # rehearsed first: shredding cannot be undone if the ledger refused it
            user.actor(request_id(request)), record_id, upload_of(minutes, request),
            executed_by=people.one(form, "executed_by"), witnesses=witnesses, method=method)
    return command(request, user, record_id, form, "execute", "destroyed", run)


@router.post("/records/{record_id}/access-grants", response_class=HTMLResponse)
def grant(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "grant", "granted", lambda: ctx.uc.records.grant_access(
        user.actor(request_id(request)), record_id,
        grantee=required(form, "grantee", "Hãy chọn người được cấp quyền.", "Choose who is granted access."),
        reason=required(form, "reason", "Hãy ghi lý do cấp quyền.", "Give the reason for the grant."),
        until=forms.day(form, "until", required=False)))


@router.post("/records/{record_id}/access-grants/revoke", response_class=HTMLResponse)
def revoke(request: Request, user: User, record_id: str, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, record_id, form, "revoke", "revoked", lambda: ctx.uc.records.revoke_access(
        user.actor(request_id(request)), record_id,
        grantee=required(form, "grantee", "Hãy chọn người bị thu hồi quyền.", "Choose whose access ends."),
        reason=required(form, "reason", "Hãy ghi lý do thu hồi.", "Give the reason for revoking.")))


@router.get("/records/{record_id}/files/{index}")
def record_file(request: Request, user: User, record_id: str, index: int) -> Response:
    # Refusals before the archive is touched, a confidential read recorded before any byte (as the API's).
    return streamed(ctx_of(request).uc.records.open_file(user.actor(request_id(request)), record_id, index),
                    inline=True)


@router.get("/loans", response_class=HTMLResponse)
def loans_page(request: Request, user: User, overdue: bool = False) -> HTMLResponse:
    need(user, *R.RECORD_OVERSIGHT)
    agency = agency_in_view(request, user, R.RECORD_OVERSIGHT)
    rows = ctx_of(request).uc.registers.loans(user.actor(request_id(request)), agency, overdue=overdue)
    return render(request, "loans.html", rows=rows, overdue=overdue, who=people.namer(request, agency))
