"""Sign in and out, the language switch, the home page per role, and the public page (công khai)."""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.deps import DEVICE_COOKIE, address_of, clear_session, request_id, set_session
from api.errors import ApiError
from api.security import Principal
from api.web import i18n
from api.web.core import (
    LANG_COOKIE,
    PageError,
    WebRoute,
    agency_in_view,
    ctx_of,
    form_data,
    lang_of,
    redirect,
    render,
    safe_next,
    signed_in,
    vndate,
)
from api.web.people import namer
from ledger.vocabulary import DestructionStatus, Role

router = APIRouter(route_class=WebRoute, include_in_schema=False)
User = Annotated[Principal, Depends(signed_in)]


LOGIN_COOKIE = "isoledger_login"
LOGIN_TTL = 2 * 3600  # a sign-in form is good for two hours
LOGIN_REFUSED = ("Biểu mẫu đăng nhập đã hết hạn hoặc thiếu mã chống giả mạo (CSRF), nên chưa đăng nhập. "
                 "Hãy nhập lại tên đăng nhập và mật khẩu trên biểu mẫu này.",
                 "The sign-in form has expired or lacks its anti-forgery (CSRF) token, so you are not signed in. "
                 "Enter your username and password again on this form.")


def _login_pair(request: Request, nonce: str, issued: int) -> tuple[str, str]:
    """(cookie, form field) of a pre-session token: the cookie is signed and dated, the field derives from it."""
    tokens = ctx_of(request).auth.tokens
    cookie = f"{nonce}.{issued}.{tokens.csrf_for(f'login-cookie|{nonce}|{issued}')}"
    return cookie, tokens.csrf_for(f"login-form|{nonce}|{issued}")


def _login_cookie(request: Request) -> tuple[str, int] | None:
    """The nonce and time of a valid, unexpired pre-session cookie, or None."""
    parts = request.cookies.get(LOGIN_COOKIE, "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    nonce, issued = parts[0], int(parts[1])
    if not 0 <= time.time() - issued <= LOGIN_TTL:
        return None
    expected, _ = _login_pair(request, nonce, issued)
    return (nonce, issued) if hmac.compare_digest(request.cookies.get(LOGIN_COOKIE, ""), expected) else None


def login_form(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    """The sign-in page with a pre-session CSRF token (double submit: a signed cookie and a hidden field).

    SameSite=Strict already keeps other sites' posts from carrying the session; this also refuses a forged
    sign-in (login CSRF: being signed in, unknowingly, as someone else)."""
    held = _login_cookie(request)
    if held is None or time.time() - held[1] > LOGIN_TTL - 600:  # a fresh one when it has < 10 minutes left
        held = (secrets.token_urlsafe(16), int(time.time()))
    cookie, field = _login_pair(request, *held)
    response = render(request, "login.html", status=status, login_csrf=field, **values)
    response.set_cookie(LOGIN_COOKIE, cookie, max_age=LOGIN_TTL, httponly=True, secure=ctx_of(request).secure_cookies,
                        samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", ok: str | None = None) -> HTMLResponse:  # noqa: A002
    done = i18n.DONE.get(ok or "")
    return login_form(request, next=safe_next(next), ok=i18n.pick(done, lang_of(request)) if done else None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    ctx = ctx_of(request)
    errors: dict[str, str] = {}
    en = lang_of(request) == "en"
    held = _login_cookie(request)
    sent = str(form.get("csrf", ""))
    if held is None or not sent or not hmac.compare_digest(sent, _login_pair(request, *held)[1]):
        return login_form(request, 403, errors={"_": LOGIN_REFUSED[1] if en else LOGIN_REFUSED[0]},
                          form={"username": username}, next=target)
    if not username.strip():
        errors["username"] = "Enter your username." if en else "Hãy nhập tên đăng nhập."
    if not password:
        errors["password"] = "Enter your password." if en else "Hãy nhập mật khẩu."
    if not errors:
        try:
            from starlette.concurrency import run_in_threadpool

            token = await run_in_threadpool(lambda: ctx.auth.sign_in(
                username, password, address_of(request), device_cookie=request.cookies.get(DEVICE_COOKIE)))
        except ApiError as e:
            errors[e.field or "password"] = e.message_en if en else e.message_vi
        else:
            response = redirect(target)
            set_session(response, ctx, token)
            response.delete_cookie(LOGIN_COOKIE, path="/login")
            return response
    return login_form(request, status=401 if "password" in errors else 422, errors=errors,
                      form={"username": username}, next=target)


@router.post("/logout")
def logout(request: Request, user: User, form: Annotated[FormData, Depends(form_data)]) -> Response:
    ctx_of(request).auth.sign_out(user)  # the session token is revoked, not only forgotten by this browser
    response = redirect("/login?ok=signed_out")
    clear_session(response)
    return response


@router.get("/lang/{code}")
def language(code: str, next: str = "/") -> Response:  # noqa: A002
    if code not in i18n.LANGS:
        raise PageError(404, "Không có ngôn ngữ này.", "No such language.")
    response = redirect(safe_next(next))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


def _tasks(request: Request, p: Principal) -> list[dict[str, Any]]:
    ctx, lang = ctx_of(request), lang_of(request)
    out = []
    for t in ctx.uc.registers.inbox(p.actor(request_id(request))):
        out.append({"task": t["task"], "url": f"/documents/{t['document_id']}#v{t['n']}",
                    "text": f"{i18n.label(i18n.TASKS, t['task'], lang)}: {t['code']} — {t['title']} "
                            f"({i18n.pick(('phiên bản', 'version'), lang)} {t['n']})",
                    "note": vndate(t["since"])})
    return out


def home_boxes(request: Request, p: Principal) -> list[dict[str, Any]]:
    ctx, lang = ctx_of(request), lang_of(request)
    _ = i18n.chooser(lang)
    tasks = _tasks(request, p)
    boxes = []

    def box(title: str, items: list[dict[str, Any]], more: str | None = None) -> None:
        boxes.append({"title": title, "items": items, "more": more})

    if p.roles & {Role.ISO_SECRETARY, Role.STAFF, Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER} or tasks:
        box(_("Dự thảo cần hoàn thiện", "Drafts to finish"), [t for t in tasks if t["task"] in ("submit", "revise")])
        box(_("Chờ bạn xem xét", "Waiting for your review"), [t for t in tasks if t["task"] == "review"])
    if p.roles & {Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER}:
        box(_("Chờ bạn phê duyệt", "Waiting for your approval"), [t for t in tasks if t["task"] == "approve"])
        box(_("Chờ bạn ký số", "Waiting for your signature"), [t for t in tasks if t["task"] == "sign"])
    if Role.ISO_SECRETARY in p.roles:
        box(_("Chờ ban hành", "Ready to issue"), [t for t in tasks if t["task"] == "issue"])
    if p.roles & {Role.RECORDS_CONTROLLER, Role.AGENCY_LEADER, Role.INTERNAL_AUDITOR}:
        soon = (ctx.uc.registers.today() + timedelta(days=7)).isoformat()
        current, due = ctx.uc.registers.due(p.agency_id)
        loans = [r for r in current if r["due_on"] <= soon]
        who = namer(request, p.agency_id)
        box(_("Hồ sơ mượn sắp đến hạn hoặc quá hạn", "Loans due soon or overdue"),
            [{"url": f"/records/{r['record_id']}", "text": f"{r['code']} — {r['title']} ({who(r['borrower'])})",
              "note": (_("Quá hạn từ ", "Overdue since ") if r["overdue"] else _("Hạn trả ", "Due ")) +
              vndate(r["due_on"]), "note_class": "overdue" if r["overdue"] else "warn"} for r in loans], "/loans")
        box(_("Hồ sơ hết thời hạn bảo quản, chờ hủy", "Records due for destruction"),
            [{"url": f"/records/{r['id']}", "text": f"{r['code']} — {r['title']}",
              "note": _("hết hạn ", "ended ") + vndate(r["retention_ends_on"]) +
              (_(" · đang phong tỏa", " · on legal hold") if r["on_hold"] else "") +
              (_(" · đã đề nghị hủy", " · proposed") if r["destruction"] == DestructionStatus.PROPOSED else "") +
              (_(" · đã duyệt hủy", " · approved") if r["destruction"] == DestructionStatus.APPROVED else "")}
             for r in due], "/records?status=due")
    if Role.AGENCY_LEADER in p.roles:
        proposals = ctx.uc.registers.proposals(p.agency_id)
        box(_("Đề nghị hủy hồ sơ chờ bạn duyệt", "Destruction proposals to decide"),
            [{"url": f"/records/{i}", "text": f"{c} — {t}"} for i, c, t in proposals])
    qms = qms_waiting(request, p)
    takers = {r for process in ctx.uc.qms.processes() for s in process.steps for r in s.roles} - {Role.INSPECTOR}
    if qms or p.roles & takers:  # an inspector's box shows only when an inspection waits on them
        box(_("Việc QMS chờ xử lý", "QMS steps waiting for you"), qms, "/qms")
    if Role.INTERNAL_AUDITOR in p.roles:
        box(_("Kiểm tra lịch sử và tính toàn vẹn", "Check histories and integrity"),
            [{"url": f"/audit?agency={p.agency_id}", "text": ctx.uc.accounts.agency_name(p.agency_id)}], "/audit")
    return boxes


def qms_waiting(request: Request, p: Principal) -> list[dict[str, Any]]:
    """The QMS cases waiting on a step ``p`` may take (``uc.qms.waiting_on``), oldest first."""
    lang = lang_of(request)
    out = []
    for w in ctx_of(request).uc.qms.waiting_on(p.actor(request_id(request))):
        process = ctx_of(request).uc.qms.process(w["collection"])
        steps = ", ".join(i18n.pick(process.step(s).label, lang) for s in w["steps"])
        out.append({"url": f"/qms/{w['collection']}/{w['id']}",
                    "text": f"{w['title']} — {i18n.pick(w['state_label'], lang)}: {steps}",
                    "note": vndate(w["since"])})
    return out


def supervised(request: Request, p: Principal) -> list[dict[str, Any]]:
    """What an inspector can do: each agency they supervise, with its counts and the pages to open there."""
    if Role.INSPECTOR not in p.roles:
        return []
    ctx = ctx_of(request)
    if request.query_params.get("agency"):
        agency_in_view(request, p, frozenset({Role.INSPECTOR}))  # 404 for an agency they do not supervise
    out = []
    for a in ctx.uc.visibility.supervised_by(p.agency_id):
        loans, due = ctx.uc.registers.due(a)
        out.append({"id": a, "name": ctx.uc.accounts.agency_name(a), **ctx.uc.registers.counts(a),
                    "loans": len(loans), "overdue": sum(1 for r in loans if r["overdue"]), "due": len(due)})
    return out


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: User) -> HTMLResponse:
    lang = lang_of(request)
    roles = ", ".join(i18n.role(r, lang) for r in sorted(user.roles))
    return render(request, "home.html", boxes=home_boxes(request, user), roles_label=roles,
                  supervised=supervised(request, user))


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, user: User) -> HTMLResponse:
    _ = i18n.chooser(lang_of(request))
    items = _tasks(request, user) + qms_waiting(request, user)
    watched = supervised(request, user)
    boxes = [{"title": _("Việc cần làm", "Inbox"), "items": items}] if items or not watched else []
    return render(request, "home.html", boxes=boxes, supervised=watched,
                  roles_label=_("Mọi việc đang chờ bạn, cũ nhất trước.", "Everything waiting for you, oldest first.")
                  if boxes else _("Thanh tra không có việc chờ duyệt; đây là các cơ quan bạn giám sát.",
                                  "Inspectors have nothing to approve; here are the agencies you supervise."))


@router.get("/cong-khai/{agency_id}", response_class=HTMLResponse)
def public_page(request: Request, agency_id: str,
                q: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    def every(cur: Any, base: str, params: list[Any]) -> list[dict[str, Any]]:
        cur.execute(f"SELECT id, code, title, kind, in_force, effective_from {base} ORDER BY sort_key LIMIT 500",
                    tuple(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    uc = ctx_of(request).uc
    agency, items = uc.registers.public(agency_id, every, q=q)
    return render(request, "public.html", name=agency["name"], agency_id=agency_id, items=items, q=q,
                  checkpoint=published(uc),
                  conformity=uc.conformity.published(agency_id))


def published(uc: Any) -> dict[str, Any] | None:
    """The latest signed checkpoint as the public page shows it (for outsiders to keep), or None."""
    found = uc.evidence.published()
    if found is None:
        return None
    return {**found, "made_at": _vn_minute(found["made_at"]),
            "stamped": _vn_minute(found["stamped"]) if found["stamped"] else None}


def _vn_minute(iso: str) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time, of a UTC ISO 8601 instant."""
    from datetime import datetime

    from api.web.core import VN

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(VN).strftime("%d/%m/%Y %H:%M")
