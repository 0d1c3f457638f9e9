"""Document controller and leader pages: the register, a document's versions, and every step of its life."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api import roles as R
from api.files import read_p12, streamed, upload_of
from api.security import Principal
from api.web import acknowledgements, forms, i18n, paging, periodic_review
from api.web import people as picker
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
from ledger.document import KINDS
from ledger.errors import ConcurrencyConflict, InvalidInput
from ledger.vocabulary import PENDING, Role, VersionStatus
from projections.views import Ev, summary
from signing import indications

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Form = Annotated[FormData, Depends(form_data)]
DOC_READERS = frozenset(R.MEMBERS)
FORM_FIELDS = {
    "draft": ("file", "change_summary"), "revise": ("file", "change_summary"),
    "submit": ("reviewers", "approver"), "review": ("verdict", "comment"), "approve": (), "reject": ("reason",),
    "sign": ("p12", "passphrase", "meaning", "source", "page", "box", "position", "style", "images", "level"),
    "issue": ("effective_from", "distribution"),
    "register": ("code", "title", "kind", "department"), "withdraw": ("reason",), "obsolete": ("reason",),
}
ENDERS = (Role.ISO_SECRETARY, Role.AGENCY_LEADER)  # who may withdraw a version or make a document obsolete
ENDED = (VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN)


def ok_message(request: Request, ok: str | None) -> str | None:
    done = i18n.DONE.get(ok or "")
    return i18n.pick(done, lang_of(request)) if done else None


def failure(request: Request, action: str, e: Exception,
            fields: dict[str, tuple[str, ...]] = FORM_FIELDS) -> tuple[int, dict[str, Any]]:
    """The status and page values that show an error beside its field (and, on a conflict, what changed)."""
    status, vi, en, field = message_of(e)
    msg = en if lang_of(request) == "en" else vi
    key = field if field in fields.get(action, ()) else "_"
    values: dict[str, Any] = {"errors": {key: msg}, "err_action": action}
    if isinstance(e, forms.FormProblems):  # every problem of the form, each beside its field
        values["errors"] = e.messages(lang_of(request))
    if status == 412 or isinstance(e, ConcurrencyConflict):
        status = 409
        values["alert"] = msg
    return status, values


def changes_since(request: Request, aggregate_id: str, version: int | None) -> list[dict[str, Any]]:
    """The events after ``version``: who did what while the user was looking at the page."""
    if version is None:
        return []
    return [{"at": ev["timestamp"], "actor": ev["meta"].get("user_id", ""), "summary": describe(ev, lang_of(request))}
            for ev in ctx_of(request).uc.history.events(aggregate_id, after=version)]


def describe(ev: dict[str, Any], lang: str = "vi") -> str:
    fields = dict(ev["data"], meta=ev["meta"], hash=ev["hash"])
    try:
        return summary(Ev(0, ev["aggregate_id"], ev["version"], "", ev["type"], fields, ev["timestamp"]), lang)
    except (KeyError, TypeError, ValueError):
        return ev["type"]


# ---- the register ---------------------------------------------------------------------------
@router.get("/documents", response_class=HTMLResponse)
def register_page(request: Request, user: User, status: str = "in_force",
                  kind: Annotated[str | None, Query(max_length=40)] = None,
                  q: Annotated[str | None, Query(max_length=200)] = None, ok: str | None = None,
                  after: Annotated[str | None, Query(max_length=100)] = None,
                  before: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    ctx = ctx_of(request)
    need(user, *R.MEMBERS)
    agency = agency_in_view(request, user, R.MEMBERS)  # an inspector's: the supervised agency chosen
    if status not in i18n.REGISTER_STATUS:
        status = "in_force"
    rows, pager = ctx.uc.registers.documents(
        user.actor(request_id(request)), agency, lambda cur, base, params: paging.keyset(
            request, cur, "id, code, title, kind, department, status, in_force, effective_from, upcoming, "
            "upcoming_from, latest, sort_key", base, params, after=after, before=before, key="sort_key"),
        status=status, kind=kind, q=q)
    working = ctx.uc.registers.working_versions(agency, [r["id"] for r in rows])
    for row in rows:
        row["working"] = working.get(row["id"])
    lang = lang_of(request)
    return render(request, "documents.html", rows=rows, pager=pager, filter_status=status, kind=kind or "",
                  q=q or "", statuses=[(k, i18n.pick(v, lang)) for k, v in i18n.REGISTER_STATUS.items()],
                  kinds=[("", i18n.pick(("Mọi loại", "All kinds"), lang))] +
                  [(k, i18n.kind(k, lang)) for k in KINDS], ok=ok_message(request, ok))


@router.get("/documents/new", response_class=HTMLResponse)
def new_document_page(request: Request, user: User) -> HTMLResponse:
    need(user, Role.ISO_SECRETARY)
    return new_document_form(request)


def new_document_form(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    return render(request, "document_new.html", status=status,
                  kinds=[(k, i18n.kind(k, lang)) for k in KINDS], **values)


@router.post("/documents/new", response_class=HTMLResponse)
def register_document(request: Request, user: User, form: Form) -> Response:
    need(user, Role.ISO_SECRETARY)
    ctx = ctx_of(request)
    try:
        forms.check(form, "register")
        done = ctx.uc.documents.register(
            user.actor(request_id(request)), user.agency_id, code=forms.text(form, "code"),
            title=forms.text(form, "title"), kind=forms.text(form, "kind"), department=forms.text(form, "department"))
    except KNOWN as e:
        status, values = failure(request, "register", e)
        return new_document_form(request, status, form=forms.values(form), **values)
    return redirect(f"/documents/{done.id}?ok=registered")


def request_id(request: Request) -> str:
    from api.deps import request_id as rid

    return rid(request)


# ---- one document ---------------------------------------------------------------------------
def load(request: Request, user: Principal, document_id: str) -> dict[str, Any]:
    return ctx_of(request).uc.documents.get(user.actor(request_id(request)), document_id)  # 404: another agency's


def people(request: Request, agency_id: str, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    return picker.choices(request, agency_id, roles)


def actions_for(user: Principal, state: dict[str, Any]) -> dict[str, Any]:
    """Which forms this person may use now, for the version in progress (at most one)."""
    me, roles = user.username, user.roles
    active = state["obsolete_reason"] is None and state["agency_id"] == user.agency_id
    working = next((v for v in state["versions"] if v["status"] in PENDING), None)
    out: dict[str, Any] = {"working": working, "draft": active and working is None and Role.ISO_SECRETARY in roles}
    ender = active and bool(roles & set(ENDERS))
    out["withdraw"] = [v for v in state["versions"] if v["status"] not in ENDED] if ender else []
    out["obsolete"] = ender
    if working is None or not active:
        return out
    s = working["status"]
    out["revise"] = s in (VersionStatus.DRAFT, VersionStatus.REJECTED) and bool(roles & set(R.REVISERS)) and (
        me == working["author"] or Role.ISO_SECRETARY in roles)
    out["submit"] = s in (VersionStatus.DRAFT, VersionStatus.REJECTED) and Role.ISO_SECRETARY in roles
    out["review"] = s == VersionStatus.SUBMITTED and me in working["reviewers"] and me not in working["reviews"]
    out["decide"] = s == VersionStatus.SUBMITTED and me == working["approver"]
    leader = bool(roles & set(R.LEADERS))
    unsigned = not working["signed_for_approval"]
    signed_review = any(x["signer"] == me and x["meaning"] == "review" for x in working["signatures"])
    meanings = []
    if (leader and unsigned and s in (VersionStatus.SUBMITTED, VersionStatus.APPROVED) and not signed_review
            and (Role.DEPARTMENT_LEADER in roles or me in working["reviewers"])):
        meanings.append("review")  # ký xem xét: before the approval signature
    if leader and unsigned and s == VersionStatus.APPROVED and (me == working["approver"]
                                                                or Role.AGENCY_LEADER in roles):
        meanings.append("approval")
    out["meanings"] = meanings
    out["sign"] = bool(meanings)
    out["issue"] = s == VersionStatus.APPROVED and Role.ISO_SECRETARY in roles
    out["needs_signature"] = KINDS[state["kind"]][2] and not working["signed_for_approval"]
    out["show_pdf"] = (out["review"] or out["decide"] or out["sign"]) and working["file"]["media_type"] == \
        "application/pdf"
    return out


FORM_OF = {"draft": "draft", "revise": "revise", "submit": "submit", "review": "review", "approve": "decide",
           "reject": "decide", "sign": "sign", "issue": "issue", "end": "obsolete"}


def detail(request: Request, user: Principal, document_id: str, status: int = 200, **values: Any) -> HTMLResponse:
    state = load(request, user, document_id)
    acts = actions_for(user, state)
    general = values.get("errors", {}).get("_")
    if general and not values.get("alert") and not acts.get(FORM_OF.get(values.get("err_action", ""), "")):
        values["alert"] = general  # the form is gone now (someone acted meanwhile): say why at the top
    lang = lang_of(request)
    return render(request, "document.html", status=status, doc=state, acts=acts,
                  reviewers=people(request, user.agency_id, R.REVIEWERS),
                  approvers=people(request, user.agency_id, R.LEADERS), who=picker.namer(request, state["agency_id"]),
                  recipients=picker.recipients(request, user.agency_id) if acts.get("issue") else [],
                  kind_label=i18n.kind(state["kind"], lang), history_reader=bool(user.roles & set(R.DOC_HISTORY)),
                  verdicts=[(k, i18n.pick(v, lang)) for k, v in i18n.VERDICTS.items()],
                  meanings=[(k, i18n.pick(MEANINGS[k], lang)) for k in acts.get("meanings", [])],
                  token=token_of(request, user) if acts.get("sign") else None,
                  stamp=stamp_form(request, document_id, acts) if acts.get("sign") else None,
                  acks=acknowledgements.panel(request, user, state),
                  review=periodic_review.panel(request, user, state), **values)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, user: User, document_id: str, ok: str | None = None) -> HTMLResponse:
    return detail(request, user, document_id, ok=ok_message(request, ok))


def command(request: Request, user: Principal, document_id: str, form: FormData, action: str, ok: str,
            run: Callable[[], Any], *, then: str | None = None,
            again: Callable[..., HTMLResponse] | None = None) -> Response:
    """Runs a command; on success goes back to the page (so a reload repeats nothing), else shows why.

    ``again(status, **values)`` renders the page the form was on (the document page unless said otherwise)."""
    ctx = ctx_of(request)
    try:
        state = ctx.uc.visibility.document(user, document_id, DOC_READERS, command=True)
        expected = forms.expected(form)
        if expected is not None and state["version"] != expected:
            raise ConcurrencyConflict("Tài liệu đã được người khác thay đổi trong lúc bạn xem; bạn chưa lưu gì.",
                                      "Someone else changed the document while you were looking; nothing was saved.",
                                      field="If-Match")
        forms.check(form, action)  # every empty or malformed field at once, before the command runs
        run()
    except KNOWN as e:
        status, values = failure(request, action, e)
        if "alert" in values:
            values["changes"] = changes_since(request, document_id, forms.expected(form))
            values["alert"] = i18n.pick(("Tài liệu đã được người khác thay đổi trong lúc bạn xem; bạn chưa lưu gì.",
                                         "Someone else changed the document while you were looking; nothing was "
                                         "saved."), lang_of(request))
            values["form"] = {} if again is None else forms.values(form)  # a reason typed is still worth keeping
        else:
            values["form"] = forms.values(form)
        if again is not None:
            return again(status, **values)
        return detail(request, user, document_id, status, **values)
    return redirect(then or f"/documents/{document_id}?ok={ok}")


@router.post("/documents/{document_id}/drafts", response_class=HTMLResponse)
def create_draft(request: Request, user: User, document_id: str, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        summary_text = forms.text(form, "change_summary")
        if not summary_text:
            raise InvalidInput("Hãy tóm tắt nội dung thay đổi.", "Summarise the change.", field="change_summary")
        ctx.uc.documents.create_draft(user.actor(request_id(request)), document_id,
                                      upload_of(forms.upload(form), request), change_summary=summary_text)
    return command(request, user, document_id, form, "draft", "drafted", run)


@router.post("/documents/{document_id}/versions/{n}/revise", response_class=HTMLResponse)
def revise(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        summary_text = forms.text(form, "change_summary")
        if not summary_text:
            raise InvalidInput("Hãy tóm tắt nội dung sửa đổi.", "Summarise the change.", field="change_summary")
        ctx.uc.documents.revise_draft(user.actor(request_id(request)), document_id, n,
                                      upload_of(forms.upload(form), request), change_summary=summary_text)
    return command(request, user, document_id, form, "revise", "revised", run)


@router.post("/documents/{document_id}/versions/{n}/submit", response_class=HTMLResponse)
def submit(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        approver = forms.text(form, "approver")
        if not approver:
            raise InvalidInput("Hãy chọn người phê duyệt.", "Choose the approver.", field="approver")
        ctx.uc.documents.submit(user.actor(request_id(request)), document_id, n,
                                     reviewers=forms.lines(form, "reviewers"), approver=approver)
    return command(request, user, document_id, form, "submit", "submitted", run)


@router.post("/documents/{document_id}/versions/{n}/review", response_class=HTMLResponse)
def review(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, document_id, form, "review", "reviewed", lambda: ctx.uc.documents.review(
        user.actor(request_id(request)), document_id, n, verdict=forms.text(form, "verdict"),
        comment=forms.text(form, "comment")))


@router.post("/documents/{document_id}/versions/{n}/approve", response_class=HTMLResponse)
def approve(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)
    return command(request, user, document_id, form, "approve", "approved",
                   lambda: ctx.uc.documents.approve(user.actor(request_id(request)), document_id, n))


@router.post("/documents/{document_id}/versions/{n}/reject", response_class=HTMLResponse)
def reject(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        reason = forms.text(form, "reason")
        if not reason:
            raise InvalidInput("Hãy ghi lý do từ chối để người soạn biết cần sửa gì.",
                               "Give the reason, so the author knows what to change.", field="reason")
        ctx.uc.documents.reject(user.actor(request_id(request)), document_id, n, reason=reason)
    return command(request, user, document_id, form, "reject", "rejected", run)


@router.post("/documents/{document_id}/versions/{n}/issue", response_class=HTMLResponse)
def issue(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        distribution = picker.many(form, "distribution")
        if not distribution:
            raise InvalidInput("Hãy chọn nơi nhận (phòng ban hoặc cá nhân).",
                               "Choose the distribution (departments or people).", field="distribution")
        ctx.uc.documents.issue(user.actor(request_id(request)), document_id, n,
                         effective_from=forms.day(form, "effective_from"), distribution=distribution)
    return command(request, user, document_id, form, "issue", "issued", run)


POSITIONS = {"bottom-right": ("Góc dưới bên phải (chỗ ký của văn bản)", "Lower right (the signature block)"),
             "bottom-left": ("Góc dưới bên trái", "Lower left"), "bottom-center": ("Giữa, phía dưới", "Lower middle"),
             "top-right": ("Góc trên bên phải", "Upper right"), "top-left": ("Góc trên bên trái", "Upper left")}


def stamp_form(request: Request, document_id: str, acts: dict[str, Any]) -> dict[str, Any] | None:
    """What the sign form offers about the stamp: the pages (with their size), the presets, the PAdES levels."""
    options = ctx_of(request).uc.signing.stamp_options(document_id, acts["working"])
    if options is None:
        return None  # the sign form says why when it is sent
    lang = lang_of(request)
    default = options["default"]
    return {"pages": options["pages"], "n": options["n"],
            "positions": [(k, i18n.pick(v, lang)) for k, v in POSITIONS.items()],
            "levels": [(level, level + (i18n.pick((" (mặc định)", " (default)"), lang) if level == default else ""))
                       for level in options["levels"]],
            "level": default}


@router.get("/documents/{document_id}/versions/{n}/pages/{page}.png")
def page_image(request: Request, user: User, document_id: str, n: int, page: int) -> Response:
    """Page ``page`` of the version's PDF as a PNG (pdftoppm, 60 dpi), where the leader places the stamp."""
    png = ctx_of(request).uc.signing.page_png(user.actor(request_id(request)), document_id, n, page)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


MEANINGS = {"review": ("Ký xem xét (trước khi phê duyệt)", "Review signature (before approval)"),
            "approval": ("Ký phê duyệt", "Approval signature")}


def token_of(request: Request, user: Principal) -> Any:
    """The PKCS#11 token the server holds for this user (its settings), or None."""
    return ctx_of(request).uc.signing.token_of(user.username)


@router.post("/documents/{document_id}/versions/{n}/sign", response_class=HTMLResponse)
def sign(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    ctx = ctx_of(request)

    def run() -> None:
        meaning = forms.text(form, "meaning") or "approval"
        if meaning not in MEANINGS:
            raise InvalidInput("Hãy chọn ý nghĩa của chữ ký.", "Choose what the signature means.", field="meaning")
        source = forms.text(form, "source") or "p12"
        if source == "pkcs11":
            if token_of(request, user) is None:
                raise InvalidInput("Máy chủ chưa cấu hình thiết bị ký số (PKCS#11) cho tài khoản của bạn; "
                                   "hãy dùng tệp .p12.",
                                   "No PKCS#11 token is configured for you on the server; use a .p12 file.",
                                   field="source")
            p12 = None  # the server's token for this user
        elif source == "p12":
            upload = forms.upload(form, "p12")
            p12 = lambda: read_p12(upload)  # noqa: E731
        else:
            raise InvalidInput("Hãy chọn chứng thư số để ký.", "Choose the certificate to sign with.", field="source")
        stamp = {name: forms.text(form, name) for name in ("page", "box", "position", "style", "level")}
        stamp["images"] = forms.text(form, "images") or "1"
        # the key is used once, for this signature (the use case closes it); the passphrase is never stored
        ctx.uc.signing.sign(user.actor(request_id(request)), document_id, n, p12=p12,
                            passphrase=str(form.get("passphrase", "")), meaning=meaning, stamp=stamp)
    return command(request, user, document_id, form, "sign", "signed", run,
                   then=f"/documents/{document_id}/versions/{n}/signatures?ok=signed")


# ---- withdrawing a version, making the document obsolete -------------------------------------
def reason_of(form: FormData, vi: str, en: str) -> str:
    reason = forms.text(form, "reason")
    if not reason:
        raise InvalidInput(vi, en, field="reason")
    return reason


def ending_page(request: Request, user: Principal, document_id: str, action: str, n: int | None = None,
                status: int = 200, **values: Any) -> HTMLResponse:
    """The page that asks for the reason before a version is withdrawn or the document made obsolete."""
    need(user, *ENDERS)
    state = load(request, user, document_id)
    ver = None
    if n is not None:
        if not 1 <= n <= len(state["versions"]):
            raise PageError(404, f"Không có phiên bản {n}.", f"There is no version {n}.")
        ver = state["versions"][n - 1]
    active = state["obsolete_reason"] is None and state["agency_id"] == user.agency_id
    possible = active and (ver is None or ver["status"] not in ENDED)
    if not possible and status == 200:  # nothing to ask: say why, on the document page
        if not active or ver is None:
            vi, en = "Tài liệu đã bị hủy bỏ; không thể thay đổi.", "The document is obsolete and cannot change."
        else:
            label = i18n.VERSION_STATUS[ver["status"]]
            vi, en = f"Phiên bản {n} đã «{label[0]}».", f"Version {n} is already {label[1].lower()}."
        why = i18n.pick((vi, en), lang_of(request))
        return detail(request, user, document_id, 409, errors={"_": why}, err_action="end")
    return render(request, "document_end.html", status=status, doc=state, ver=ver, action=action, possible=possible,
                  kind_label=i18n.kind(state["kind"], lang_of(request)), **values)


@router.get("/documents/{document_id}/versions/{n}/withdraw", response_class=HTMLResponse)
def withdraw_page(request: Request, user: User, document_id: str, n: int) -> HTMLResponse:
    return ending_page(request, user, document_id, "withdraw", n)


@router.post("/documents/{document_id}/versions/{n}/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, user: User, document_id: str, n: int, form: Form) -> Response:
    need(user, *ENDERS)
    ctx = ctx_of(request)
    return command(request, user, document_id, form, "withdraw", "withdrawn", lambda: ctx.uc.documents.withdraw(
        user.actor(request_id(request)), document_id, n,
        reason=reason_of(form, "Hãy ghi lý do thu hồi; lý do được lưu trong lịch sử tài liệu.",
                         "Give the reason for withdrawing; it is kept in the document's history.")),
        again=lambda status, **values: ending_page(request, user, document_id, "withdraw", n, status, **values))


@router.get("/documents/{document_id}/obsolete", response_class=HTMLResponse)
def obsolete_page(request: Request, user: User, document_id: str) -> HTMLResponse:
    return ending_page(request, user, document_id, "obsolete")


@router.post("/documents/{document_id}/obsolete", response_class=HTMLResponse)
def obsolete(request: Request, user: User, document_id: str, form: Form) -> Response:
    need(user, *ENDERS)
    ctx = ctx_of(request)
    return command(request, user, document_id, form, "obsolete", "obsoleted", lambda: ctx.uc.documents.obsolete(
        user.actor(request_id(request)), document_id,
        reason=reason_of(form, "Hãy ghi lý do hủy bỏ tài liệu; lý do được lưu trong lịch sử.",
                         "Give the reason for making the document obsolete; it is kept in its history.")),
        again=lambda status, **values: ending_page(request, user, document_id, "obsolete", None, status, **values))


# ---- files and signatures -------------------------------------------------------------------
@router.get("/documents/{document_id}/versions/{n}/file")
def version_file(request: Request, user: User, document_id: str, n: int) -> Response:
    return streamed(ctx_of(request).uc.documents.open_file(user.actor(request_id(request)), document_id, n),
                    inline=True)


@router.get("/documents/{document_id}/versions/{n}/signatures", response_class=HTMLResponse)
def signatures(request: Request, user: User, document_id: str, n: int, ok: str | None = None) -> HTMLResponse:
    checked = ctx_of(request).uc.signing.signatures(user.actor(request_id(request)), document_id, n,
                                                     recorded_only=True)
    reports = [(r, indications.describe(r)) for r in checked.reports]  # the same words as the API's report
    return render(request, "signatures.html", doc=checked.document, ver=checked.version, reports=reports,
                  times=indications.SIGNING_TIME, ok=ok_message(request, ok),
                  no_trust_roots=not ctx_of(request).uc.signing.trust_roots_configured())
