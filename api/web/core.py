"""What every page shares: templates, language, dates in Vietnam's time, the signed-in user, CSRF, errors."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from api.context import ApiContext, Principal
from api.deps import CSRF_COOKIE, SESSION_COOKIE
from api.errors import ApiError, archive_status, ledger_status, signing_status
from api.web import i18n
from archive import errors as ae
from ledger.errors import LedgerError
from signing import errors as se

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LANG_COOKIE = "isoledger_lang"
HERE = Path(__file__).parent


class LoginRequired(Exception):
    """No valid session: the page sends the browser to the sign-in page."""


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


def filesize(n: Any) -> str:
    size = float(n or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return str(n)


ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(vndate=vndate, vntime=vntime, filesize=filesize, tojson=lambda v: json.dumps(v))


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
        return ctx_of(request).principal(cookie, via_cookie=True)
    except ApiError:
        return None


def signed_in(request: Request) -> Principal:
    """A dependency: the user of the session cookie, or a redirect to the sign-in page."""
    p = user_of(request)
    if p is None:
        raise LoginRequired()
    request.state.principal = p
    return p


def need(p: Principal, *roles: str) -> None:
    if not p.roles & set(roles):
        names_vi = ", ".join(i18n.role(r, "vi") for r in roles)
        names_en = ", ".join(i18n.role(r, "en") for r in roles)
        raise PageError(403, f"Trang này dành cho: {names_vi}.", f"This page is for: {names_en}.")


def csrf_token(request: Request) -> str:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return ctx_of(request).tokens.csrf_for(cookie) if cookie else ""


async def form_data(request: Request) -> FormData:
    """A dependency: the submitted form, refused unless it carries the session's CSRF token."""
    form = await request.form(max_files=20, max_fields=200)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    sent = str(form.get("csrf", "") or request.headers.get("X-CSRF-Token", ""))
    if not cookie or not sent or not hmac.compare_digest(sent, ctx_of(request).tokens.csrf_for(cookie)):
        await form.close()
        raise PageError(403, "Biểu mẫu đã hết hạn hoặc thiếu mã chống giả mạo (CSRF). Hãy tải lại trang và thử lại.",
                        "The form has expired or lacks its anti-forgery (CSRF) token. Reload the page and retry.")
    return form


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    p = getattr(request.state, "principal", None) or user_of(request)
    agency = None
    if p is not None:
        found = ctx_of(request).directory.find_agency(p.agency_id)
        agency = found["name"] if found else p.agency_id
    values.setdefault("errors", {})
    values.setdefault("form", {})
    html = ENV.get_template(template).render(
        request=request, lang=lang, _=i18n.chooser(lang),
        can=lambda *roles: bool(p and p.roles & set(roles)), i18n=i18n, user=p, agency_name=agency,
        csrf=csrf_token(request), path=request.url.path, next_url=quote(str(request.url.path)), **values)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def message_of(e: Exception) -> tuple[int, str, str, str | None]:
    """(status, Vietnamese, English, field) of any error the services raise."""
    if isinstance(e, LedgerError):
        return ledger_status(e), e.message_vi, e.message_en, e.field
    if isinstance(e, ae.ArchiveError):
        return archive_status(e), e.message_vi, e.message_en, e.field
    if isinstance(e, se.SigningError):
        return signing_status(e), e.message_vi, e.message_en, e.field
    if isinstance(e, ApiError):
        return e.status, e.message_vi, e.message_en, e.field
    raise e


KNOWN = (LedgerError, ae.ArchiveError, se.SigningError, ApiError)


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


def set_session(response: Response, ctx: ApiContext, token: str) -> None:
    csrf = ctx.tokens.csrf_for(token)
    response.set_cookie(SESSION_COOKIE, token, max_age=ctx.tokens.ttl, httponly=True, secure=ctx.secure_cookies,
                        samesite="strict", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=ctx.tokens.ttl, httponly=False, secure=ctx.secure_cookies,
                        samesite="strict", path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def safe_next(url: str | None) -> str:
    """Only a local path: never send the browser to another site after signing in."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url
