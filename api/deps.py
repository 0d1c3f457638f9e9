"""Dependencies shared by the routers: the context, the signed-in principal with its role check, If-Match."""

from __future__ import annotations

import hmac
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.context import ApiContext, Principal, forbidden_role
from api.errors import ApiError
from api.security import unauthorized

SESSION_COOKIE = "isoledger_session"
CSRF_COOKIE = "isoledger_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="Mã truy cập từ POST /api/v1/auth/token")


# Dependencies that do no I/O are coroutines: FastAPI runs a plain `def` dependency in the thread pool,
# a hop per dependency per request; only the ones that touch the database stay synchronous.
async def get_ctx(request: Request) -> ApiContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


Ctx = Annotated[ApiContext, Depends(get_ctx)]


def authenticate(request: Request, ctx: ApiContext,
                 credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """Bearer token, or the session cookie (then unsafe methods need the CSRF header)."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return ctx.principal(credentials.credentials)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise unauthorized()
    if request.method not in SAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, ctx.tokens.csrf_for(cookie)):
            raise ApiError(403, "csrf_failed", "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF).",
                           "Missing or wrong CSRF token.", field=CSRF_HEADER)
    return ctx.principal(cookie, via_cookie=True)


def allow(*roles: str) -> Callable[..., Principal]:
    """A dependency: the signed-in principal, if they hold one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    def dependency(request: Request, ctx: Ctx,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
        p = authenticate(request, ctx, credentials)
        if not p.roles & allowed:
            ctx.check_reachable(p, request.path_params)  # another agency's (or no) resource: 404, not 403
            raise forbidden_role(allowed)
        request.state.principal = p
        return p

    dependency.roles = allowed  # type: ignore[attr-defined]  # read by the role matrix test
    return dependency


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


def principal_dep(*roles: str) -> Any:
    return Annotated[Principal, Depends(allow(*roles))]
