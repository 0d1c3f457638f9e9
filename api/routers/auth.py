"""Signing in: bearer tokens for systems, session cookies with CSRF protection for web pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from api import roles as R
from api.deps import DEVICE_COOKIE, Ctx, address_of, allow, clear_session, same_origin, set_session
from api.errors import ApiError, responses
from api.idempotency import IdempotentRoute
from api.schemas import Me, Session, Token
from api.security import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=IdempotentRoute)

Username = Annotated[str, Form(min_length=1, max_length=100)]
Password = Annotated[str, Form(min_length=1, max_length=200)]


@router.post("/token", response_model=Token, responses=responses(401, 403, 422, 429),
             summary="Đăng nhập, nhận mã truy cập / sign in for a bearer token")
def token(ctx: Ctx, request: Request, username: Username, password: Password) -> Token:
    return Token(access_token=ctx.auth.sign_in(username, password, address_of(request),
                                               device_cookie=request.cookies.get(DEVICE_COOKIE)),
                 expires_in=ctx.auth.tokens.ttl)


@router.post("/session", response_model=Session, responses=responses(401, 403, 422, 429),
             summary="Đăng nhập cho trang web (cookie) / sign in with a session cookie")
def open_session(ctx: Ctx, request: Request, response: Response, username: Username,
                 password: Password) -> Session:
    if not same_origin(request):  # login CSRF: another site signing the browser in as someone else
        raise ApiError(403, "foreign_origin", "Không đăng nhập từ trang của nơi khác.",
                       "Sign-in from another site's page is refused.", field="Origin")
    value = ctx.auth.sign_in(username, password, address_of(request), device_cookie=request.cookies.get(DEVICE_COOKIE))
    csrf = set_session(response, ctx, value)
    return Session(username=username.strip().lower(), csrf_token=csrf, expires_in=ctx.auth.tokens.ttl)


@router.delete("/session", status_code=204, responses=responses(401, 403),
               summary="Đăng xuất: thu hồi mã và xóa cookie / sign out: revokes the token, clears the cookies")
def close_session(ctx: Ctx, response: Response, p: Annotated[Principal, Depends(allow(*R.ALL))]) -> Response:
    ctx.auth.sign_out(p)  # the bearer token or session cookie used here no longer works, in any process
    response = Response(status_code=204)
    clear_session(response)
    return response


@router.get("/me", response_model=Me, responses=responses(401, 403), summary="Tôi là ai / who am I")
def me(p: Annotated[Principal, Depends(allow(*R.ALL))]) -> Me:
    return Me(username=p.username, agency_id=p.agency_id, full_name=p.full_name, roles=sorted(p.roles))
