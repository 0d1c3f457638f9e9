"""A NUL character in a request's path or query string is refused before any route sees it.

No identifier, filter or search of the product can hold one, SQLite keeps it but PostgreSQL refuses it in text
(a 500 there, a silently empty answer here): a NUL in the path is a 404, in a query parameter a 422 naming the
parameter, on both engines alike. Form and JSON bodies are checked by their own validation (every text field
refuses control characters)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            response = None
            query = scope.get("query_string", b"").decode("latin-1")
            if "\x00" in scope["path"]:  # the path as the server decoded it
                response = problem(404, "not_found", "Không tìm thấy.", "Not found.", field="path")
            elif "%00" in query or "\x00" in query:
                name = next((k for k, value in parse_qsl(query, keep_blank_values=True, errors="replace")
                             if "\x00" in k + value), "query").replace("\x00", "")
                response = problem(422, "invalid_text", f"Tham số {name} chứa ký tự NUL, không được phép.",
                                   f"Parameter {name} holds a NUL character, which is not allowed.", field=name,
                                   request=Request(scope))
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
