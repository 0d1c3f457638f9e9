"""Idempotency-Key: a repeated key returns the first response and applies nothing twice.

The key is claimed (a 'pending' row) before the command runs and the response stored after it, in the
API's own table, per user. A second request with the key while the first runs gets 409; with the key
of another method or path, 422. Server errors release the key so the client may retry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.errors import ApiError, is_native_panic, native_panic, problem

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REPLAYED_HEADERS = ("etag", "location", "content-type")
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _owner(request: Request) -> str | None:
    ctx = request.app.state.ctx
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else request.cookies.get("isoledger_session")
    if not token:
        return None
    try:
        return str(ctx.tokens.read(token).user)
    except ApiError:
        return None


async def _handled(request: Request, exc: Exception) -> Response:
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        if cls in handlers:
            return await handlers[cls](request, exc)  # type: ignore[no-any-return]
    raise exc


class IdempotentRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not (self.methods & UNSAFE):
            return handler

        async def wrapped(request: Request) -> Response:
            key = request.headers.get("idempotency-key")
            if key is None:
                return await handler(request)
            if not _KEY.match(key):
                return problem(422, "invalid_idempotency_key", "Idempotency-Key không hợp lệ (1–200 ký tự ASCII).",
                               "Idempotency-Key must be 1-200 visible ASCII characters.", field="Idempotency-Key")
            owner = _owner(request)
            if owner is None:
                return await handler(request)  # not signed in: the handler answers 401
            store = request.app.state.ctx.store
            path = request.url.path
            stored = await run_in_threadpool(store.reserve, owner, key, request.method, path)
            if stored is not None:
                if (stored.method, stored.path) != (request.method, path):
                    return problem(422, "idempotency_key_reused",
                                   "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                                   "This Idempotency-Key was used for a different request.", field="Idempotency-Key")
                if stored.state != "done":
                    return problem(409, "request_in_progress", "Yêu cầu với Idempotency-Key này đang được xử lý.",
                                   "A request with this Idempotency-Key is still in progress.",
                                   field="Idempotency-Key", headers={"Retry-After": "1"})
                headers = dict(stored.headers, **{"Idempotent-Replayed": "true"})
                return Response(stored.body or b"", status_code=stored.status or 200, headers=headers)
            try:
                response = await handler(request)
            except BaseException as exc:  # noqa: BLE001 - converted by the app's own handlers, then stored
                try:
                    if is_native_panic(exc):
                        response = native_panic(request)
                    elif isinstance(exc, Exception):
                        response = await _handled(request, exc)
                    else:
                        raise
                except BaseException:
                    await run_in_threadpool(store.release, owner, key)
                    raise
            body = getattr(response, "body", None)
            transient = response.status_code in (429, 503) or b'"database_busy"' in bytes(body or b"")
            if response.status_code >= 500 or body is None or transient:  # the client may retry with the key
                await run_in_threadpool(store.release, owner, key)
                return response
            headers = {k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS}
            await run_in_threadpool(store.complete, owner, key, response.status_code, headers,
                                    bytes(body).decode("utf-8"))
            return response

        return wrapped


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
