"""Security headers on every response: a strict Content-Security-Policy and no framing for pages, nosniff and
the referrer policy everywhere, and no caching of a record's files (they may be confidential); OPTIONS answers
with the methods a path allows."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load only what this server serves: no inline script or style, no plug-ins, no other site, never framed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
RECORD_FILES = re.compile(r"^(/api/v1)?/records/[^/]+/(files/[^/]+|evidence(\.zip)?)$")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = bool(RECORD_FILES.match(scope["path"]))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = CSP
                    headers["X-Frame-Options"] = "DENY"
                else:  # a document's PDF is shown in a frame of its own page, and nowhere else
                    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                if no_store and message.get("status", 200) < 300:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


class AllowedMethods:
    """``OPTIONS <path>``: 204 with ``Allow`` naming the methods of every route of that path (404 for none)."""

    def __init__(self, app: ASGIApp, *, routes: list[APIRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        methods = {m for r in self.routes if r.path_regex.match(scope["path"]) for m in r.methods}
        if not methods:
            await self.app(scope, receive, send)
            return
        allowed = sorted(methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set()))
        await Response(status_code=204, headers={"Allow": ", ".join(allowed)})(scope, receive, send)
