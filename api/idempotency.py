"""Idempotency-Key: a repeated key returns the first response and applies nothing twice.

The key is claimed (a 'pending' row) before the command runs and the response stored after it, in the
API's own table, per user, for 24 hours. The command's events carry the claim's request id, written in
their own transaction (ledger.requests). When the process running it stops (kill -9, a crash), the key is
taken over once that process's heartbeat is gone (api.store.GONE_AFTER): the retry runs the command if
nothing of it was written, or answers 409 ``request_already_applied`` if it was (never twice). A replay
needs a session that is valid now (not signed out, not ended by a password change or a lock). A second
request with the key while the first runs gets 409; with the key of another method, path, query or body
(a SHA-256 of them, the body hashed as it streams in), 422. Stored responses keep no secret: a generated
password in the first answer is null in the replay. Server errors release the key (keeping its request
id) so the client may retry."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.errors import is_native_panic, native_panic, problem
from api.store import Claim
from ledger.requests import RequestAlreadyApplied, writing_for

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REPLAYED_HEADERS = ("etag", "location", "content-type")
SECRETS = frozenset({"initial_password", "one_time_password", "password", "access_token", "csrf_token"})
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _owner(request: Request) -> str | None:
    """Who signs this request in, now (a token signed out, ended or of a locked account is nobody)."""
    ctx = request.app.state.ctx
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else request.cookies.get("isoledger_session")
    if not token:
        return None
    return ctx.auth.session_valid(token)  # type: ignore[no-any-return]


async def _fingerprint(request: Request) -> tuple[str, Any]:
    """A SHA-256 of the request line and the body, and the body spooled (in memory up to 1 MiB, then a temporary
    file) so that the route reads it as it came; the middleware (api.limits) has capped its size already. A
    multipart body is hashed without its boundary (a client draws a new one for every request)."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}\n".encode())
    boundary = _boundary(request.headers.get("content-type", ""))
    keep = max(len(boundary) - 1, 0)
    carry = b""
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    async for chunk in request.stream():
        spool.write(chunk)
        carry += chunk
        if boundary:
            carry = carry.replace(boundary, b"")
        cut = max(len(carry) - keep, 0)
        digest.update(carry[:cut])
        carry = carry[cut:]
    digest.update(carry)
    spool.seek(0)

    async def replayed() -> Any:
        chunk = spool.read(64 * 1024)
        return {"type": "http.request", "body": chunk, "more_body": len(chunk) == 64 * 1024}

    request._receive = replayed  # the route reads the spooled body (Starlette reads through _receive)
    request._stream_consumed = False
    return digest.hexdigest(), spool


def _boundary(content_type: str) -> bytes:
    main, _, rest = content_type.partition(";")
    if main.strip().lower() != "multipart/form-data":
        return b""
    for param in rest.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    return b""


def _redacted(body: bytes) -> str:
    """The response body to store: JSON with every secret field nulled."""
    text = body.decode("utf-8")
    try:
        value = json.loads(text)
    except ValueError:
        return text

    def clean(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (None if k in SECRETS else clean(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v
    return json.dumps(clean(value), ensure_ascii=False)


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
            owner = await run_in_threadpool(_owner, request)
            if owner is None:
                return await handler(request)  # not signed in now: the handler answers 401, nothing is replayed
            store = request.app.state.ctx.store
            fingerprint, spool = await _fingerprint(request)
            try:
                return await self._with_key(handler, request, store, owner, key, fingerprint)
            finally:
                spool.close()

        return wrapped

    async def _with_key(self, handler: Callable[[Request], Coroutine[Any, Any, Response]], request: Request,
                        store: Any, owner: str, key: str, fingerprint: str) -> Response:
        path = request.url.path
        stored = await run_in_threadpool(functools.partial(store.reserve, owner, key, request.method, path, fingerprint,
                                                           instance=request.app.state.instance))
        if not isinstance(stored, Claim):
            if (stored.method, stored.path) != (request.method, path) or (
                    stored.fingerprint and stored.fingerprint != fingerprint):
                return problem(422, "idempotency_key_reused",
                               "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                               "This Idempotency-Key was used for a different request.", field="Idempotency-Key")
            if stored.state != "done":
                return problem(409, "request_in_progress", "Yêu cầu với Idempotency-Key này đang được xử lý.",
                               "A request with this Idempotency-Key is still in progress.",
                               field="Idempotency-Key", headers={"Retry-After": "1"})
            headers = dict(stored.headers, **{"Idempotent-Replayed": "true"})
            return Response(stored.body or b"", status_code=stored.status or 200, headers=headers)
        response = await self._run(handler, request, store, owner, key, stored)
        body = getattr(response, "body", None)
        transient = response.status_code in (429, 503) or b'"database_busy"' in bytes(body or b"")
        if response.status_code >= 500 or body is None or transient:  # the client may retry with the key
            await run_in_threadpool(store.release, owner, key)
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS}
        try:
            await run_in_threadpool(store.complete, owner, key, response.status_code, headers, _redacted(bytes(body)))
        except Exception:  # noqa: BLE001 - the answer is sent; a retry finds the command applied (its request id)
            await run_in_threadpool(store.release, owner, key)
        return response

    @staticmethod
    async def _run(handler: Callable[[Request], Coroutine[Any, Any, Response]], request: Request, store: Any,
                   owner: str, key: str, claim: Claim) -> Response:
        """The handler's response, its events marked with the claim's request; a claim taken over from a stopped
        process whose command was written answers that it was (its first answer died with the process)."""
        ledger = request.app.state.ctx.ledger
        if claim.retried and await run_in_threadpool(ledger.request_recorded, claim.request):
            return await _handled(request, RequestAlreadyApplied())
        try:
            with writing_for(claim.request):
                return await handler(request)
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
            return response


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
