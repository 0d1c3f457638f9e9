"""Signing in: bearer tokens for systems, session cookies with CSRF protection for web pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from api import roles as R
from api.context import Principal
from api.deps import CSRF_COOKIE, SESSION_COOKIE, Ctx, allow
from api.errors import ApiError, responses
from api.idempotency import IdempotentRoute
from api.schemas import Me, Session, Token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=IdempotentRoute)

Username = Annotated[str, Form(min_length=1, max_length=100)]
Password = Annotated[str, Form(min_length=1, max_length=200)]


def authenticate(ctx: Ctx, request: Request, username: str, password: str) -> str:
    address = request.client.host if request.client else "unknown"
    username = username.strip().lower()
    ctx.throttle.check(username, address)
    account = ctx.directory.find_account(username)
    hashed = ctx.store.password_hash(username) if account else None
    if not ctx.passwords.verify(hashed, password) or account is None:
        ctx.throttle.failed(username, address)
        raise ApiError(401, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.",
                       "Wrong username or password.", field="password")
    if account["status"] != "active":
        raise ApiError(403, "account_inactive", "Tài khoản đang bị khóa hoặc đã bị vô hiệu hóa.",
                       "The account is locked or deactivated.", field="username")
    ctx.throttle.succeeded(username)
    return ctx.tokens.issue(username)


@router.post("/token", response_model=Token, responses=responses(401, 403, 422, 429),
             summary="Đăng nhập, nhận mã truy cập / sign in for a bearer token")
def token(ctx: Ctx, request: Request, username: Username, password: Password) -> Token:
    return Token(access_token=authenticate(ctx, request, username, password), expires_in=ctx.tokens.ttl)


@router.post("/session", response_model=Session, responses=responses(401, 403, 422, 429),
             summary="Đăng nhập cho trang web (cookie) / sign in with a session cookie")
def open_session(ctx: Ctx, request: Request, response: Response, username: Username,
                 password: Password) -> Session:
    value = authenticate(ctx, request, username, password)
    csrf = ctx.tokens.csrf_for(value)
    response.set_cookie(SESSION_COOKIE, value, max_age=ctx.tokens.ttl, httponly=True, secure=ctx.secure_cookies,
                        samesite="strict", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=ctx.tokens.ttl, httponly=False, secure=ctx.secure_cookies,
                        samesite="strict", path="/")
    return Session(username=username.strip().lower(), csrf_token=csrf, expires_in=ctx.tokens.ttl)


@router.delete("/session", status_code=204, responses=responses(401, 403),
               summary="Đăng xuất: thu hồi mã và xóa cookie / sign out: revokes the token, clears the cookies")
def close_session(ctx: Ctx, response: Response, p: Annotated[Principal, Depends(allow(*R.ALL))]) -> Response:
    ctx.sign_out(p)  # the bearer token or session cookie used here no longer works, in any process
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me, responses=responses(401, 403), summary="Tôi là ai / who am I")
def me(p: Annotated[Principal, Depends(allow(*R.ALL))]) -> Me:
    return Me(username=p.username, agency_id=p.agency_id, full_name=p.full_name, roles=sorted(p.roles))
