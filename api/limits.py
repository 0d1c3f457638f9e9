"""Request bodies: who may send one and how large, decided from the headers before a byte of the body is read.

An ASGI middleware. For every POST, PUT, PATCH and DELETE:

* an API route that needs a signed-in user answers 401 at once when the request carries no valid session
  (bearer token or cookie), whatever body follows;
* the body's cap is chosen by route and type: 1 MiB for JSON and plain forms, 10 MiB for the PNG image routes,
  the archive's upload limit (ISOLEDGER_MAX_UPLOAD_SIZE, plus 1 MiB of form) for routes that take a file, and
  64 KiB for anyone not signed in (the sign-in forms; a page's larger form sent once its session has ended is
  sent to the sign-in page, 303);
* a declared ``Content-Length`` above the cap is a 413 at once; a body that grows past it while it is read
  (chunked, or a length that lied) stops there with 413.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import params
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MiB = 1024 * 1024
JSON_CAP = FORM_CAP = 1 * MiB
IMAGE_CAP = 10 * MiB
ANONYMOUS_CAP = 64 * 1024


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when the body passes its cap (an HTTPException, so every layer answers 413)."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, f"The request body is larger than {cap} bytes.")
        self.cap = cap


def _too_large(cap: int) -> Any:
    return problem(413, "body_too_large", f"Nội dung gửi lên vượt quá giới hạn {cap:,} byte của thao tác này."
                   .replace(",", "."), f"The request body exceeds this operation's limit of {cap:,} bytes.",
                   field="Content-Length")


def _needs_sign_in(dependant: Any) -> bool:
    """Whether a route's dependencies include the signed-in principal (api.deps.allow marks it with ``roles``)."""
    return any(getattr(d.call, "roles", None) is not None or _needs_sign_in(d) for d in dependant.dependencies)


def _takes_file(route: APIRoute) -> bool:
    return any(isinstance(p.field_info, params.File) for p in route.dependant.body_params)


class BodyLimits:
    """``routes``: the API's routes (their own paths, with the router's prefix); other paths are web pages."""

    def __init__(self, app: ASGIApp, *, upload_cap: int, routes: list[APIRoute]) -> None:
        self.app = app
        self.upload_cap = upload_cap + FORM_CAP
        self._routes = [(route, _needs_sign_in(route.dependant), IMAGE_CAP if route.path.endswith("-image")
                         else self.upload_cap if _takes_file(route) else FORM_CAP) for route in routes]

    def _route(self, scope: Scope) -> tuple[bool, bool, int]:
        """(an API route, it needs a signed-in user, its multipart cap) of the route ``scope`` goes to."""
        path, method = scope["path"], scope["method"]
        if not path.startswith("/api/"):
            return False, False, self.upload_cap  # a web page (its forms may carry a file)
        for route, needs_sign_in, cap in self._routes:
            if method in route.methods and route.path_regex.match(path):
                return True, needs_sign_in, cap
        return True, False, FORM_CAP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        api, needs_sign_in, multipart_cap = self._route(scope)
        token = _token(request)
        ctx = scope["app"].state.ctx
        signed_in = token is not None and await run_in_threadpool(ctx.auth.session_valid, token) is not None
        if api and needs_sign_in and not signed_in:
            await problem(401, "not_authenticated", "Bạn chưa đăng nhập.", "Not signed in.",
                          headers={"WWW-Authenticate": "Bearer"}, request=request)(scope, receive, send)
            return
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        cap = ANONYMOUS_CAP if not signed_in else multipart_cap if kind == "multipart/form-data" else JSON_CAP
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            if not declared.isdigit():
                await problem(400, "bad_content_length", "Content-Length không hợp lệ.", "Invalid Content-Length.",
                              field="Content-Length", request=request)(scope, receive, send)
            elif not api and not signed_in:  # a page's form sent after its session ended: sign in again
                await RedirectResponse("/login?" + urlencode({"next": scope["path"]}), 303)(scope, receive, send)
            else:
                await _too_large(cap)(scope, receive, send)
            return
        await self._counted(scope, receive, send, cap)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge(cap)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as e:
            if started:
                raise
            await _too_large(e.cap)(scope, receive, send)


def _token(request: Request) -> str | None:
    from api.deps import SESSION_COOKIE

    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE) or None
