"""The one place where errors become HTTP: RFC 9457 problem+json, Vietnamese first, English beside it.

Every error of the product is an ``IsoledgerError`` (ledger, archive, signing, settings, and ``ApiError``
here); ``STATUS`` gives the HTTP status of each class, the nearest class in the error's MRO deciding:

    LedgerError      -> 422 input, 404, 403, 409 rule, 412 StaleVersion (If-Match), 409 ConcurrentWrite, 503
    ArchiveError     -> 413 too large, 415 type, 422 a bad file, 404 missing object, 410 shredded key,
                        503 storage down, 500 for the rest (integrity, configuration: our fault, not the client's)
    SigningError     -> 422 (bad PDF, passphrase, certificate, appearance), 503 (TSA/OCSP down), 500 config
    SettingsError    -> 500 (a misconfigured server; the base's entry)
    ApiError         -> raised by the API itself (401, 403, 404, 429 ...): the status it is raised with
    RequestValidationError -> 422 with one entry per field
    a native library's panic (pyo3 PanicException, a BaseException) -> 422: the library refused the input
    the database's connection failing outside the ledger (psycopg, the pool, SQLite locked or full) -> 503
    anything else    -> 500 with a request id, logged; never the exception text
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from archive import errors as ae
from ledger import errors as le
from signing import errors as se

log = logging.getLogger("isoledger.api")
PROBLEM = "application/problem+json"
TYPE_BASE = "https://isoledger.vn/problems/"


class FieldError(BaseModel):
    field: str | None = None
    message: str
    message_en: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem; ``detail`` is Vietnamese, ``detail_en`` English."""

    type: str
    title: str
    status: int
    detail: str
    detail_en: str | None = None
    code: str | None = None
    instance: str | None = None
    errors: list[FieldError] = []


class ApiError(le.IsoledgerError):
    """An error the API raises itself (authentication, throttling, headers): it carries its HTTP status.

    ``ApiError(404, "not_found", "Không tìm thấy.", "Not found.", field="id")``, or keyword-only like
    every IsoledgerError with ``status=``.
    """

    code = "api_error"
    status: int = 400

    def __init__(self, status: int | None = None, *messages: str, code: str | None = None,
                 message_vi: str | None = None, message_en: str | None = None, field: str | None = None,
                 headers: dict[str, str] | None = None, **details: Any) -> None:
        if messages and code is None:  # the older form: status, code, message_vi, message_en
            code, *messages_list = messages
            messages = tuple(messages_list)
        super().__init__(*messages, code=code, message_vi=message_vi, message_en=message_en, field=field,
                         **details)
        if status is not None:
            self.status = status
        self.headers = headers or {}


# The HTTP status of each error class; an error takes the entry of the nearest class in its MRO.
STATUS: dict[type[le.IsoledgerError], int] = {
    le.IsoledgerError: 500,
    le.LedgerError: 400,
    le.InvalidInput: 422,
    le.NotFound: 404,
    le.NotAllowed: 403,
    le.RuleViolation: 409,
    le.ConcurrencyConflict: 409,
    le.StaleVersion: 412,
    le.ConcurrentWrite: 409,
    le.RequestAlreadyApplied: 409,
    le.Unavailable: 503,
    ae.ArchiveError: 500,
    ae.InvalidConfiguration: 500,
    ae.InvalidFileInput: 422,
    ae.StorageUnavailable: 503,
    ae.ObjectNotFound: 404,
    ae.RetentionActive: 500,
    ae.IntegrityError: 500,
    ae.KeyUnavailable: 500,
    ae.ScopeKeyMissing: 410,
    ae.UploadInterrupted: 400,
    ae.FileTooLarge: 413,
    ae.UnsupportedMediaType: 415,
    se.SigningError: 422,
    se.SigningConfigError: 500,
    se.NotPdfError: 415,
    se.SigningFailedError: 500,
    se.TimestampUnavailableError: 503,
    se.RevocationInfoUnavailableError: 503,
}


def status_of(e: le.IsoledgerError) -> int:
    """The HTTP status of ``e``, by its class (an ApiError carries its own)."""
    if isinstance(e, ApiError):
        return e.status
    for cls in type(e).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


# The names the web pages use (api/web/core.py); one mapping behind all of them.
ledger_status = archive_status = signing_status = status_of


def not_found(what_vi: str = "mục", what_en: str = "item") -> ApiError:
    return ApiError(404, "not_found", f"Không tìm thấy {what_vi}.", f"No such {what_en}.", field="id")


TITLES = {400: ("Yêu cầu không hợp lệ", "Bad request"), 401: ("Chưa đăng nhập", "Not signed in"),
          403: ("Không có quyền", "Forbidden"), 404: ("Không tìm thấy", "Not found"),
          405: ("Phương thức không được hỗ trợ", "Method not allowed"),
          409: ("Xung đột dữ liệu", "Conflict"), 412: ("Dữ liệu đã thay đổi", "Precondition failed"),
          413: ("Tệp quá lớn", "Payload too large"), 415: ("Định dạng không được hỗ trợ", "Unsupported media type"),
          422: ("Dữ liệu không hợp lệ", "Unprocessable content"), 428: ("Thiếu điều kiện", "Precondition required"),
          429: ("Quá nhiều yêu cầu", "Too many requests"), 500: ("Lỗi hệ thống", "Internal error"),
          503: ("Dịch vụ tạm thời không sẵn sàng", "Service unavailable")}


def problem(status: int, code: str, message_vi: str, message_en: str, *, field: str | None = None,
            errors: list[dict[str, Any]] | None = None, request: Request | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    title_vi, title_en = TITLES.get(status, ("Lỗi", "Error"))
    if errors is None:
        errors = [{"field": field, "message": message_vi, "message_en": message_en}] if field else []
    body = {"type": TYPE_BASE + code, "title": f"{title_vi} / {title_en}", "status": status, "detail": message_vi,
            "detail_en": message_en, "code": code, "errors": errors}
    if request is not None:
        body["instance"] = request.url.path
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    """Registers the handlers that turn every error into a problem response."""
    app.add_middleware(PanicGuard)

    @app.exception_handler(le.IsoledgerError)
    async def _known(request: Request, e: le.IsoledgerError) -> JSONResponse:
        status = status_of(e)
        if status >= 500:
            log.error("%s %s on %s", type(e).__name__, e.code, request.url.path)
        headers = dict(getattr(e, "headers", None) or {})
        if status == 503:
            headers.setdefault("Retry-After", "30")
        return problem(status, e.code, e.message_vi, e.message_en, field=e.field, request=request,
                       headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, e: RequestValidationError) -> JSONResponse:
        errors = []
        for err in e.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header", "form")]
            field = ".".join(loc) or "body"
            errors.append({"field": field, "message": _vi(err), "message_en": str(err.get("msg", ""))})
        first = errors[0]["field"] if errors else None
        return problem(422, "invalid_input", f"Dữ liệu gửi lên không hợp lệ (trường «{first}»).",
                       f"The request is invalid (field '{first}').", errors=errors, request=request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        vi, en = TITLES.get(e.status_code, ("Lỗi", "Error"))
        return problem(e.status_code, f"http_{e.status_code}", vi + ".", str(e.detail or en), request=request,
                       headers=getattr(e, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, e: Exception) -> JSONResponse:
        if is_database_outage(e):  # the API's own tables (sessions, keys, read models) met the database down
            log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(e).__name__)
            return await _known(request, le.Unavailable())
        incident = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s on %s %s", incident, request.method, request.url.path)
        return problem(500, "internal_error", f"Lỗi hệ thống không mong muốn (mã sự cố {incident}).",
                       f"Unexpected server error (incident {incident}).", request=request)


_SQLITE_OUTAGE = ("locked", "busy", "disk", "full", "unable to open")


def is_database_outage(e: BaseException) -> bool:
    """A failure of the database connection (PostgreSQL restarting or gone, the pool empty, SQLite locked or its
    disk full) anywhere in the exception's chain: the database is down, not the request wrong nor our code."""
    import sqlite3

    import psycopg
    import psycopg_pool
    from eventsourcing.persistence import InterfaceError, OperationalError

    seen: BaseException | None = e
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, psycopg.OperationalError | psycopg.InterfaceError | psycopg_pool.PoolTimeout
                      | OperationalError | InterfaceError):
            return True
        if isinstance(seen, sqlite3.OperationalError) and any(w in str(seen).lower() for w in _SQLITE_OUTAGE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_native_panic(e: BaseException) -> bool:
    """A Rust library's panic surfaced by pyo3 (``pyo3_runtime.PanicException`` derives from BaseException only,
    so ``except Exception`` and Starlette's handlers let it through)."""
    return type(e).__name__ == "PanicException" and not isinstance(e, Exception)


def native_panic(request: Request | None) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error("native library panic %s on %s", incident, request.url.path if request is not None else "?")
    return problem(422, "input_refused_by_native_library",
                   f"Một thư viện không đọc được dữ liệu gửi lên (mã sự cố {incident}).",
                   f"A native library could not read the input (incident {incident}).", field="body",
                   request=request)


class PanicGuard:
    """ASGI middleware: a native panic becomes a problem response instead of a dropped connection."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = False

        async def watching(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except BaseException as e:
            if scope["type"] != "http" or started or not is_native_panic(e):
                raise
            await native_panic(Request(scope))(scope, receive, send)


def _vi(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind == "missing":
        return "Trường này là bắt buộc."
    if "int" in kind:
        return "Phải là số nguyên."
    if "date" in kind:
        return "Ngày không hợp lệ (yyyy-mm-dd)."
    if "bool" in kind:
        return "Phải là true hoặc false."
    if kind == "string_pattern_mismatch":
        return "Không đúng định dạng (không để trống, không chứa ký tự điều khiển; mã chỉ gồm chữ, số, . _ / -)."
    if "too_long" in kind or "too_short" in kind:
        return "Độ dài không hợp lệ."
    return "Giá trị không hợp lệ."


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route may give."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        vi, en = TITLES.get(status, ("Lỗi", "Error"))
        out[status] = {"model": Problem, "description": f"{vi} / {en}",
                       "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return out


CURSOR_DOC = ("Con trỏ trang mờ: gửi lại đúng `next_cursor` của trang trước; sai hoặc hỏng: 400 (cursor) / "
              "an opaque page cursor: send back the previous page's `next_cursor` as is; a wrong one is 400 (cursor)")


def document_problems_and_cursors(schema: dict[str, Any]) -> None:
    """Every error response is problem+json (also on routes whose success is a file), and every cursor says how
    it is used; FastAPI alone documents a 422 as its own JSON and the others beside a plain JSON copy."""
    problem_content = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status).isdigit() and int(status) >= 400:
                    response["content"] = dict(problem_content)
                    vi, en = TITLES.get(int(status), ("Lỗi", "Error"))
                    response.setdefault("description", f"{vi} / {en}")
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "cursor":
                    parameter["description"] = CURSOR_DOC
    for model in schema.get("components", {}).get("schemas", {}).values():
        cursor = model.get("properties", {}).get("next_cursor")
        if isinstance(cursor, dict):
            cursor["description"] = "Con trỏ trang sau (null: hết) / the next page's cursor (null: the last page)"


def document_unparsable_bodies(schema: dict[str, Any]) -> None:
    """Every operation that takes a body may answer 400 (a body that does not parse as JSON or multipart)."""
    vi, en = TITLES[400]
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("400", {
                    "description": f"{vi} / {en}",
                    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
