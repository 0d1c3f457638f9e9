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
        cap = (public_upload_cap(scope["path"], kind) or ANONYMOUS_CAP) if not signed_in else \
            multipart_cap if kind == "multipart/form-data" else JSON_CAP
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


# ---- the public's sends (no sign-in): caps by route, rate limits, the form's fill-time token -----------------
PUBLIC_UPLOAD_CAP = 5 * MiB + ANONYMOUS_CAP  # a complaint's one attachment (5 MiB) and its form
PUBLIC_UPLOADS = ("/api/v1/public/agencies/", "/public/agencies/")  # + {agency_id}/complaints: may carry a file


def public_upload_cap(path: str, kind: str) -> int | None:
    """The cap of an anonymous multipart send to a complaint intake (the API's or the public form's), else None."""
    if kind == "multipart/form-data" and path.startswith(PUBLIC_UPLOADS) and path.endswith("/complaints"):
        return PUBLIC_UPLOAD_CAP
    return None


class PublicGuard:
    """Keeps the public's complaint intake usable without a captcha: sends counted per (hashed) address and per
    agency in a sliding window, in the API's table of attempts (``api_login_failures``, subjects ``pc:…``, so every
    process of the API sees the same counts, as for sign-ins); and a signed token from the form page that says when
    the form was shown, so a send faster than a person fills the form in (or with a forged or stale token) is
    refused."""

    def __init__(self, store: Any, tokens: Any, *, per_address: int = 10, per_agency: int = 200,
                 window: float = 3600.0, min_fill: float = 3.0, max_fill: float = 4 * 3600.0,
                 clock: Any = None) -> None:
        import time

        self.store, self.tokens = store, tokens
        self.per_address, self.per_agency, self.window = per_address, per_agency, window
        self.min_fill, self.max_fill = min_fill, max_fill
        self.clock = clock or time.time

    def client(self, address: str) -> str:
        """The address as events keep it: keyed-hashed (HMAC of the server's key), never raw."""
        return "h:" + self.tokens.csrf_for(f"complaint-client|{address}")[:32]

    def count(self, client: str, agency_id: str) -> None:
        """Counts one send; 429 with Retry-After once the address or the agency has sent its share this window."""
        from api.errors import ApiError

        now = self.clock()
        subjects = {f"pc:a:{client}": self.per_address, f"pc:g:{agency_id}": self.per_agency}
        recent = self.store.recent_failures(list(subjects), now - self.window)
        for subject, limit in subjects.items():
            times = recent[subject]
            if len(times) >= limit:
                wait = max(1, int(times[len(times) - limit] + self.window - now) + 1)
                raise ApiError(429, "too_many_complaints", f"Đã gửi quá nhiều phản ánh; hãy thử lại sau {wait} giây.",
                               f"Too many complaints sent; retry in {wait} seconds.", field=None,
                               headers={"Retry-After": str(wait)})
        with self.store.db.transaction() as cur:  # only this guard's rows: the sign-in throttle prunes its own
            cur.execute("DELETE FROM api_login_failures WHERE substr(subject, 1, 3)='pc:' AND at <= ?",
                        (now - self.window,))
        self.store.add_failures(list(subjects), now, prune_before=0.0)

    def form_token(self, agency_id: str) -> str:
        """A token the form page carries: when it was shown, for which agency, signed."""
        import secrets

        issued, nonce = int(self.clock()), secrets.token_hex(8)
        return f"{issued}.{nonce}.{self.tokens.csrf_for(f'complaint-form|{agency_id}|{issued}|{nonce}')}"

    def check_token(self, agency_id: str, token: str | None) -> None:
        """422 naming ``form_token`` when the token is missing, forged, for another agency, stale, or too fresh."""
        import hmac

        from ledger.errors import InvalidInput

        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[0].isdigit() or len(token or "") > 200 or not hmac.compare_digest(
                parts[2], self.tokens.csrf_for(f"complaint-form|{agency_id}|{parts[0]}|{parts[1]}")):
            raise InvalidInput("Biểu mẫu không hợp lệ; hãy tải lại trang và gửi lại.",
                               "The form is not valid; reload the page and send it again.", field="form_token",
                               code="bad_form_token")
        age = self.clock() - int(parts[0])
        if age < self.min_fill:
            raise InvalidInput("Biểu mẫu được gửi quá nhanh; hãy kiểm tra lại nội dung rồi gửi.",
                               "The form was sent too quickly; check what you wrote, then send it.",
                               field="form_token", code="too_fast")
        if age > self.max_fill:
            raise InvalidInput("Biểu mẫu đã hết hạn; hãy tải lại trang và gửi lại.",
                               "The form has expired; reload the page and send it again.", field="form_token",
                               code="form_expired")
