"""Dependencies shared by the routers: the context, the signed-in principal with its role check, If-Match."""

from __future__ import annotations

import hmac
import ipaddress
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.context import ApiContext
from api.errors import ApiError
from api.schemas import CommandOut
from api.security import Principal, unauthorized
from usecases.outcome import Done

SESSION_COOKIE = "isoledger_session"
CSRF_COOKIE = "isoledger_csrf"
DEVICE_COOKIE = "isoledger_device"  # "this browser has signed in as ...": its attempts are throttled on their own
DEVICE_AGE = 400 * 24 * 3600
CSRF_HEADER = "X-CSRF-Token"
SAFE = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="Mã truy cập từ POST /api/v1/auth/token")
# What a principal whose password is one-time may still do: change it, or sign out.
PASSWORD_CHANGE_ROUTES = {("POST", "/api/v1/auth/password"), ("DELETE", "/api/v1/auth/session")}


# Dependencies that do no I/O are coroutines: FastAPI runs a plain `def` dependency in the thread pool,
# a hop per dependency per request; only the ones that touch the database stay synchronous.
async def get_ctx(request: Request) -> ApiContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


Ctx = Annotated[ApiContext, Depends(get_ctx)]


def authenticate(request: Request, ctx: ApiContext,
                 credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """Bearer token, or the session cookie (then unsafe methods need the CSRF header)."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return ctx.auth.principal(credentials.credentials)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise unauthorized()
    if request.method not in SAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, ctx.auth.tokens.csrf_for(cookie)):
            raise ApiError(403, "csrf_failed", "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF).",
                           "Missing or wrong CSRF token.", field=CSRF_HEADER)
    return ctx.auth.principal(cookie, via_cookie=True)


def password_change_required() -> ApiError:
    return ApiError(403, "password_change_required",
                    "Mật khẩu của bạn là mật khẩu dùng một lần; hãy đổi mật khẩu (POST /api/v1/auth/password) "
                    "trước khi làm việc khác.",
                    "Your password is a one-time password; change it (POST /api/v1/auth/password) before "
                    "anything else.")


def forbidden_role(roles: frozenset[str]) -> ApiError:
    from ledger.actors import ROLES

    names_vi = ", ".join(ROLES[r][0] for r in sorted(roles))
    names_en = ", ".join(ROLES[r][1] for r in sorted(roles))
    return ApiError(403, "role_required", f"Chỉ {names_vi} được thực hiện thao tác này.",
                    f"Only {names_en} may do this.")


def allow(*roles: str) -> Callable[..., Principal]:
    """A dependency: the signed-in principal, if they hold one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    def dependency(request: Request, ctx: Ctx,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
        p = authenticate(request, ctx, credentials)
        if (request.method, request.url.path) not in PASSWORD_CHANGE_ROUTES and \
                ctx.uc.accounts.must_change_password(p.username):
            raise password_change_required()
        if not p.roles & allowed:
            ctx.uc.visibility.check_reachable(p, request.path_params)  # another agency's (or no) resource: 404, not 403
            raise forbidden_role(allowed)
        request.state.principal = p
        return p

    dependency.roles = allowed  # type: ignore[attr-defined]  # read by the role matrix test
    return dependency


def set_session(response: Response, ctx: ApiContext, token: str) -> str:
    """Sets the session cookie (HttpOnly) and its CSRF cookie (read by the page's script); returns the CSRF token."""
    tokens = ctx.auth.tokens
    csrf = tokens.csrf_for(token)
    response.set_cookie(SESSION_COOKIE, token, max_age=tokens.ttl, httponly=True, secure=ctx.secure_cookies,
                        samesite="strict", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=tokens.ttl, httponly=False, secure=ctx.secure_cookies,
                        samesite="strict", path="/")
    response.set_cookie(DEVICE_COOKIE, tokens.device_for(tokens.read(token).user), max_age=DEVICE_AGE, httponly=True,
                        secure=ctx.secure_cookies, samesite="strict", path="/")
    return csrf


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def address_of(request: Request) -> str:
    """The client's address (throttling counts failed sign-ins per account and address).

    ``X-Forwarded-For`` is read only when the peer is one of the configured proxies (ISOLEDGER_TRUSTED_PROXIES):
    the address is then the right-most entry that is not itself a trusted proxy. From anyone else it is ignored.
    """
    peer = request.client.host if request.client else "unknown"
    proxies: frozenset[str] = getattr(request.app.state.ctx, "trusted_proxies", frozenset())
    if peer not in proxies:
        return peer
    for hop in reversed([h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]):
        if hop not in proxies:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from a page of another origin (``Origin`` header, else
    ``Referer``); True without either (a client that is not a browser)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower() != ""


def request_id(request: Request) -> str:
    rid = request.headers.get("X-Request-ID", "")
    return rid if re.fullmatch(r"[A-Za-z0-9._-]{1,64}", rid) else uuid.uuid4().hex


async def _request_id(request: Request) -> str:
    return request_id(request)


RequestId = Annotated[str, Depends(_request_id)]


async def if_match(if_match: Annotated[str | None, Header(alias="If-Match",
                                                     description='ETag đã đọc, ví dụ "7" / the ETag you read')]
             = None) -> int | None:
    """The aggregate version an If-Match header names (None without one); 412 when it names none."""
    if if_match is None or if_match.strip() == "*":
        return None
    m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,12})"?\s*', if_match)
    if not m:
        raise ApiError(412, "precondition_failed", "Giá trị If-Match không khớp phiên bản hiện tại.",
                       "If-Match does not match the current version.", field="If-Match")
    return int(m.group(1))


IfMatch = Annotated[int | None, Depends(if_match)]


async def idempotency_key(key: Annotated[str | None, Header(
        alias="Idempotency-Key", description="Khóa chống lặp / a unique key per intended change",
        max_length=200)] = None) -> str | None:
    return key


IdemKey = Annotated[str | None, Depends(idempotency_key)]


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def command_out(response: Response, done: Done) -> CommandOut:
    """A command's answer: the aggregate's new version, also as its ETag."""
    response.headers.update(etag(done.version))
    return CommandOut(id=done.id, version=done.version, n=done.n, file=done.file_dict())  # type: ignore[arg-type]


def principal_dep(*roles: str) -> Any:
    return Annotated[Principal, Depends(allow(*roles))]
