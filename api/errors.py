"""The one place where errors become HTTP: RFC 9457 problem+json, Vietnamese first, English beside it.

    LedgerError      -> its http_status (412 only for a stale If-Match; a lost race on save is 409)
    ArchiveError     -> 413 too large, 415 type, 404 missing object, 409 shredded key, 503 storage down,
                        500 only for integrity failures of stored bytes (that is our fault, not the client's)
    SigningError     -> 422 (bad PDF, passphrase, certificate), 503 (TSA/OCSP down), 500 config
    ApiError         -> raised by the API itself (401, 403, 404, 429 ...)
    RequestValidationError -> 422 with one entry per field
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
from ledger.errors import ConcurrencyConflict, LedgerError
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


class ApiError(Exception):
    """An error the API raises itself, with the same shape as the domain's."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message_vi, self.message_en = status, code, message_vi, message_en
        self.field = field
        self.headers = headers or {}


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


def ledger_status(e: LedgerError) -> int:
    if isinstance(e, ConcurrencyConflict) and e.field != "If-Match":
        return 409  # a lost race or a busy database, not a stale If-Match
    return e.http_status


def archive_status(e: ae.ArchiveError) -> int:
    if isinstance(e, ae.FileTooLarge):
        return 413
    if isinstance(e, ae.UnsupportedMediaType):
        return 415
    if isinstance(e, ae.StorageUnavailable):
        return 503
    if isinstance(e, ae.ObjectNotFound):
        return 404
    if isinstance(e, ae.ScopeKeyMissing):
        return 410
    if isinstance(e, ae.InvalidConfiguration) and e.field == "file":
        return 422
    return 500


def signing_status(e: se.SigningError) -> int:
    if isinstance(e, se.NotPdfError):
        return 415
    if isinstance(e, se.TimestampUnavailableError | se.RevocationInfoUnavailableError):
        return 503
    if isinstance(e, se.SigningConfigError | se.SigningFailedError):
        return 500
    return 422


def install(app: FastAPI) -> None:
    """Registers the handlers that turn every error into a problem response."""

    @app.exception_handler(LedgerError)
    async def _ledger(request: Request, e: LedgerError) -> JSONResponse:
        return problem(ledger_status(e), e.code, e.message_vi, e.message_en, field=e.field, request=request)

    @app.exception_handler(ae.ArchiveError)
    async def _archive(request: Request, e: ae.ArchiveError) -> JSONResponse:
        status = archive_status(e)
        if status >= 500:
            log.error("archive error %s on %s", e.code, request.url.path)
        return problem(status, e.code, e.message_vi, e.message_en, field=e.field, request=request,
                       headers={"Retry-After": "30"} if status == 503 else None)

    @app.exception_handler(se.SigningError)
    async def _signing(request: Request, e: se.SigningError) -> JSONResponse:
        status = signing_status(e)
        if status >= 500:
            log.error("signing error %s on %s", e.code, request.url.path)
        return problem(status, e.code, e.message_vi, e.message_en, field=e.field, request=request)

    @app.exception_handler(ApiError)
    async def _api(request: Request, e: ApiError) -> JSONResponse:
        return problem(e.status, e.code, e.message_vi, e.message_en, field=e.field, request=request,
                       headers=e.headers)

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
        incident = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s on %s %s", incident, request.method, request.url.path)
        return problem(500, "internal_error", f"Lỗi hệ thống không mong muốn (mã sự cố {incident}).",
                       f"Unexpected server error (incident {incident}).", request=request)


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


def document_unparsable_bodies(schema: dict[str, Any]) -> None:
    """Every operation that takes a body may answer 400 (a body that does not parse as JSON or multipart)."""
    vi, en = TITLES[400]
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("400", {
                    "description": f"{vi} / {en}",
                    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
