"""What every page shares: templates, language, dates in Vietnam's time, the signed-in user, CSRF, errors."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.datastructures import FormData

from api.context import ApiContext
from api.deps import SESSION_COOKIE
from api.errors import ApiError, archive_status, ledger_status, signing_status
from api.security import Principal
from api.web import forms, i18n
from archive.errors import ArchiveError
from ledger import numbers
from ledger.errors import LedgerError
from ledger.vocabulary import Role
from signing import errors as se

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LANG_COOKIE = "isoledger_lang"
HERE = Path(__file__).parent


class LoginRequired(Exception):
    """No valid session: the page sends the browser to the sign-in page."""


class PasswordChangeRequired(Exception):
    """The user signed in with a one-time password: every page but the password page sends them there."""


class PageError(Exception):
    """A page that cannot be shown: rendered as a plain Vietnamese (or English) error page."""

    def __init__(self, status: int, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status, self.message_vi, self.message_en = status, message_vi, message_en


def not_found() -> PageError:
    return PageError(404, "Không tìm thấy trang hoặc mục bạn yêu cầu.", "The page or item was not found.")


# ---- formatting -----------------------------------------------------------------------------
def _moment(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def vndate(value: Any) -> str:
    """dd/mm/yyyy; a date string stays the calendar date it names, an instant is read in Vietnam's time."""
    if value in (None, ""):
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if len(text) == 10:
        try:
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return text
    moment = _moment(value)
    if moment is None:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN)
    return moment.strftime("%d/%m/%Y")


def vntime(value: Any) -> str:
    """dd/mm/yyyy HH:MM:SS in Asia/Ho_Chi_Minh."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN)
    return moment.strftime("%d/%m/%Y %H:%M:%S")


@pass_context
def filesize(page: Context, n: Any) -> str:
    size = float(n or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{numbers.number(size, _lang(page), 1)} {unit}"
        size /= 1024
    return str(n)


def _lang(page: Context) -> str:
    return "en" if page.get("lang") == "en" else "vi"


def _figure(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@pass_context
def number(page: Context, value: Any, places: int | None = None) -> Any:
    """``{{ x|number }}``: a figure written the page language's way (ledger.numbers); anything else as it is."""
    return numbers.number(value, _lang(page), places) if _figure(value) else value


@pass_context
def percent(page: Context, value: Any, places: int = 1) -> Any:
    """``{{ 87.5|percent }}``: «87,5 %» on a Vietnamese page, "87.5%" on an English one."""
    return numbers.percent(value, _lang(page), places) if _figure(value) else value


@pass_context
def ratio(page: Context, part: Any, whole: Any, places: int = 1) -> str:
    """``{{ on_time|ratio(solved) }}``: ``part`` of ``whole`` as a percentage, "—" when there is no whole."""
    return numbers.ratio(part, whole, _lang(page), places) if _figure(part) and _figure(whole) else "—"


ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(vndate=vndate, vntime=vntime, filesize=filesize, tojson=lambda v: json.dumps(v),
                   number=number, percent=percent, ratio=ratio)
ENV.globals.update(i18n=i18n, forms=forms)


# ---- who and which language -----------------------------------------------------------------
def ctx_of(request: Request) -> ApiContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def user_of(request: Request) -> Principal | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return ctx_of(request).auth.principal(cookie, via_cookie=True)
    except ApiError:
        return None


def signed_in(request: Request) -> Principal:
    """A dependency: the user of the session cookie, or a redirect to the sign-in page."""
    p = user_of(request)
    if p is None:
        raise LoginRequired()
    if request.url.path not in ("/account/password", "/logout") and ctx_of(request).uc.accounts.must_change_password(
            p.username):
        raise PasswordChangeRequired()
    request.state.principal = p
    return p


def need(p: Principal, *roles: str) -> None:
    if not p.roles & set(roles):
        names_vi = ", ".join(i18n.role(r, "vi") for r in roles)
        names_en = ", ".join(i18n.role(r, "en") for r in roles)
        raise PageError(403, f"Trang này dành cho: {names_vi}.", f"This page is for: {names_en}.")


def csrf_token(request: Request) -> str:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return ctx_of(request).auth.tokens.csrf_for(cookie) if cookie else ""


async def form_data(request: Request) -> FormData:
    """A dependency: the submitted form, refused unless it carries the session's CSRF token."""
    form = await request.form(max_files=20, max_fields=200)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    sent = str(form.get("csrf", "") or request.headers.get("X-CSRF-Token", ""))
    if not cookie or not sent or not hmac.compare_digest(sent, ctx_of(request).auth.tokens.csrf_for(cookie)):
        await form.close()
        raise PageError(403, "Biểu mẫu đã hết hạn hoặc thiếu mã chống giả mạo (CSRF). Hãy tải lại trang và thử lại.",
                        "The form has expired or lacks its anti-forgery (CSRF) token. Reload the page and retry.")
    return form


# ---- which agency a page shows ---------------------------------------------------------------
EVERY_ROLE = frozenset(Role) - {Role.AGENCY_ADMIN, Role.SERVICE_ACCOUNT}
SECTIONS = ("documents", "records", "loans", "audit", "qms")


def agency_in_view(request: Request, p: Principal, roles: tuple[str, ...] | frozenset[str]) -> str:
    """The agency a list page shows: ``?agency=`` when ``p`` may read it there (else 404), otherwise their own,
    or for an inspector the first agency they supervise. The pages' links keep it (see ``render``)."""
    visible = ctx_of(request).uc.visibility.visible_agencies(p, frozenset(roles))
    asked = request.query_params.get("agency")
    if asked:
        if asked not in visible:
            raise PageError(404, "Không tìm thấy cơ quan, hoặc bạn không được xem cơ quan này.",
                            "No such agency, or not one you may see.")
        chosen = asked
    else:
        chosen = visible[0] if visible else p.agency_id
    request.state.agency = chosen
    return chosen


def _agency_shown(request: Request, p: Principal | None, values: dict[str, Any]) -> str | None:
    """The agency the page is about: chosen by ``agency_in_view``, or that of the document or record shown."""
    chosen = getattr(request.state, "agency", None)
    if chosen:
        return str(chosen)
    for key in ("doc", "rec", "state"):
        item = values.get(key)
        if isinstance(item, dict) and item.get("agency_id"):
            return str(item["agency_id"])
    asked = request.query_params.get("agency")  # a page that checks the parameter itself (the audit page)
    if p is not None and asked and ctx_of(request).uc.visibility.sees(p, asked):
        return asked
    return None


def _switcher(request: Request, p: Principal, shown: str | None) -> dict[str, Any] | None:
    """An inspector's choice of agency in the header: the agencies they may read, by name."""
    if Role.INSPECTOR not in p.roles:
        return None
    ctx, lang = ctx_of(request), lang_of(request)
    options = []
    for a in ctx.uc.visibility.visible_agencies(p, EVERY_ROLE):
        name = ctx.uc.accounts.agency_name(a)
        options.append((a, name + (i18n.pick((" (cơ quan của bạn)", " (your agency)"), lang)
                                   if a == p.agency_id else "")))
    section = request.url.path.strip("/").split("/")[0]
    return {"options": options, "chosen": shown or (options[0][0] if options else ""),
            "action": f"/{section}" if section in SECTIONS else "/"}


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    p = getattr(request.state, "principal", None) or user_of(request)
    agency = None
    shown = _agency_shown(request, p, values)
    bell = None
    if p is not None:
        agency = ctx_of(request).uc.accounts.agency_name(p.agency_id)
        from api.web.notifications import unread_of  # the pages build on this module
        bell = unread_of(request, p)

    def in_view(url: str) -> str:
        """``url`` keeping the agency shown, when it is not the user's own (an inspector's supervised one)."""
        if p is None or not shown or shown == p.agency_id:
            return url
        return url + ("&" if "?" in url else "?") + urlencode({"agency": shown})

    values.setdefault("errors", {})
    values.setdefault("form", {})
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")  # the language switch keeps it
    html = ENV.get_template(template).render(
        request=request, lang=lang, _=i18n.chooser(lang),
        can=lambda *roles: bool(p and p.roles & set(roles)), i18n=i18n, user=p, agency_name=agency,
        in_view=in_view, label_of=lambda action, name: forms.label(action, name, lang),
        agency_shown=shown if p is not None and shown != p.agency_id else None,
        switcher=_switcher(request, p, shown) if p is not None else None,
        csrf=csrf_token(request), path=request.url.path, next_url=quote(here), bell=bell, **values)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def message_of(e: Exception) -> tuple[int, str, str, str | None]:
    """(status, Vietnamese, English, field) of any error the services raise."""
    if isinstance(e, LedgerError):
        return ledger_status(e), e.message_vi, e.message_en, e.field
    if isinstance(e, ArchiveError):
        return archive_status(e), e.message_vi, e.message_en, e.field
    if isinstance(e, se.SigningError):
        return signing_status(e), e.message_vi, e.message_en, e.field
    if isinstance(e, ApiError):
        return e.status, e.message_vi, e.message_en, e.field
    raise e


KNOWN = (LedgerError, ArchiveError, se.SigningError, ApiError)


def error_page(request: Request, status: int, vi: str, en: str) -> HTMLResponse:
    return render(request, "error.html", status=status, message=vi if lang_of(request) == "vi" else en)


class WebRoute(APIRoute):
    """Every page's errors become a page: a redirect to sign in, or a plain message; never a stack trace."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return redirect(f"/login?next={quote(target)}")
            except PasswordChangeRequired:
                return redirect("/account/password")
            except PageError as e:
                return error_page(request, e.status, e.message_vi, e.message_en)
            except RequestValidationError:
                return error_page(request, 422, "Địa chỉ hoặc dữ liệu gửi lên không hợp lệ.",
                                  "The address or the submitted data is invalid.")
            except KNOWN as e:
                status, vi, en, _ = message_of(e)
                if status == 401:
                    return redirect(f"/login?next={quote(request.url.path)}")
                return error_page(request, status, vi, en)

        return route


def safe_next(url: str | None) -> str:
    """Only a local path: never send the browser to another site after signing in."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url
