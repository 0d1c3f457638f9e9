"""Complaints and feedback from the public, without signing in: the intake (API and web form), the tracking page,
and the answered complaints the agency published, anonymised.

    GET  /api/v1/public/agencies/{agency_id}/complaints/form-token   a fill-time token for a client of the API
    POST /api/v1/public/agencies/{agency_id}/complaints              send one (JSON, or multipart with a file)
    GET  /api/v1/public/agencies/{agency_id}/complaints              the published ones
    GET  /api/v1/public/complaints/{code}                            one's status by its tracking code
    GET|POST /public/agencies/{agency_id}/complaints                 the web form and the published ones
    GET  /public/complaints/{code}                                   the tracking page

The abuse guard (``api.limits.PublicGuard``) has no captcha: sends per hashed address and per agency are
rate-limited, a hidden ``website`` field (a honeypot) must stay empty, the form's signed token must be older than
a person takes to fill it in, lengths are capped, and the same content sent again within a day answers 202 with
the earlier tracking code instead of opening a second case.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import address_of, request_id
from api.errors import ApiError, responses
from api.files import declared_size
from api.limits import PublicGuard
from api.web.core import WebRoute, lang_of, message_of, render
from ledger.errors import InvalidInput, LedgerError
from ledger.qms.processes.complaints import KINDS, PUBLIC_PORTAL
from usecases.files import Upload
from usecases.public_complaints import PublicComplaints

router = APIRouter(tags=["public"])
pages = APIRouter(route_class=WebRoute, include_in_schema=False)  # the web pages: errors become pages

AgencyId = Annotated[str, Path(max_length=100)]
Code = Annotated[str, Path(max_length=40)]
# field -> (Vietnamese label, English label, required, the longest text the public may send)
FIELDS: dict[str, tuple[str, str, bool, int]] = {
    "kind": ("Loại", "Kind", True, 20),
    "subject": ("Tiêu đề", "Subject", True, 200),
    "content": ("Nội dung", "Content", True, 4000),
    "sender_name": ("Họ tên", "Name", True, 200),
    "sender_contact": ("Điện thoại hoặc thư điện tử", "Phone or e-mail", False, 200),
    "procedure": ("Thủ tục hành chính liên quan", "Administrative procedure concerned", False, 300),
    "department": ("Phòng ban liên quan", "Department concerned", False, 100),
}
FORM_ONLY = ("form_token", "website")  # the guard's: checked here, never stored
MIN_CONTENT = 10


class Receipt(BaseModel):
    code: str
    duplicate: bool
    status_url: str
    api_url: str


class FormToken(BaseModel):
    form_token: str
    min_fill_seconds: float


class PublicComplaint(BaseModel):
    kind: str | None
    kind_label: str
    received_on: str | None
    subject: str
    content: str
    answer: str
    answered_on: str | None
    published_on: str | None


class PublishedPage(BaseModel):
    agency_id: str
    agency_name: str
    items: list[PublicComplaint]


class Status(BaseModel):
    code: str
    agency_id: str
    agency_name: str
    state: str
    state_label: list[str]
    kind: str | None
    received_on: str | None
    answered: bool
    answer: str | None
    answered_on: str | None


def _uc(request: Request) -> PublicComplaints:
    found: PublicComplaints = request.app.state.ctx.uc.public_complaints
    return found


def _guard(request: Request) -> PublicGuard:
    guard: PublicGuard = request.app.state.public_guard
    return guard


# ---- reading what the public sent -----------------------------------------------------------
def checked(raw: dict[str, Any]) -> dict[str, Any]:
    """The fields of a send, each a string within its cap (422 naming the field otherwise); unknown ones refused."""
    unknown = sorted(set(raw) - set(FIELDS) - set(FORM_ONLY) - {"attachment"})
    if unknown:
        raise InvalidInput(f"Trường «{unknown[0][:50]}» không thuộc biểu mẫu.",
                           f"'{unknown[0][:50]}' is not a field of the form.", field=unknown[0][:50])
    out: dict[str, Any] = {}
    for name, (vi, en, required, cap) in FIELDS.items():
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise InvalidInput(f"Hãy nhập «{vi}».", f"'{en}' is required.", field=name)
            continue
        if not isinstance(value, str):
            raise InvalidInput(f"«{vi}» phải là văn bản.", f"'{en}' must be text.", field=name)
        if len(value) > cap:
            raise InvalidInput(f"«{vi}» dài quá {cap} ký tự.", f"'{en}' is longer than {cap} characters.", field=name)
        if "\x00" in value:
            raise InvalidInput(f"«{vi}» chứa ký tự không hợp lệ.", f"'{en}' holds an invalid character.", field=name)
        out[name] = value.strip()
    if out["kind"] not in KINDS:
        raise InvalidInput("Hãy chọn: phản ánh, khiếu nại hoặc góp ý.", "Choose feedback, complaint or suggestion.",
                           field="kind")
    if len(out["content"]) < MIN_CONTENT:
        raise InvalidInput(f"Nội dung cần ít nhất {MIN_CONTENT} ký tự.",
                           f"The content needs at least {MIN_CONTENT} characters.", field="content")
    return out


def _honeypot(raw: dict[str, Any]) -> None:
    if raw.get("website"):
        raise InvalidInput("Không gửi được: ô «Trang web» phải để trống.",
                           "Not sent: the 'website' box must be left empty.", field="website", code="honeypot")


async def _read(request: Request) -> tuple[dict[str, Any], UploadFile | None]:
    """The send's fields and its one optional attachment, from JSON, a multipart or a plain form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            sent = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "bad_json", "Nội dung gửi lên không phải JSON hợp lệ.", "The body is not valid JSON.",
                           field="body") from None
        if not isinstance(sent, dict):
            raise InvalidInput("Nội dung gửi lên phải là một đối tượng JSON.", "The body must be a JSON object.",
                               field="body")
        return sent, None
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise ApiError(415, "unsupported_media_type", "Hãy gửi JSON hoặc biểu mẫu (multipart/form-data).",
                       "Send JSON or a form (multipart/form-data).", field="Content-Type")
    try:
        form = await request.form(max_files=1, max_fields=20)
    except Exception:  # noqa: BLE001 - Starlette's parser refuses a malformed or oversized form in several ways
        raise InvalidInput("Biểu mẫu gửi lên không hợp lệ.", "The form is malformed.", field="body") from None
    raw: dict[str, Any] = {}
    attachment: UploadFile | None = None
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name != "attachment":
                raise InvalidInput("Chỉ nhận một tệp, ở ô «Tệp đính kèm».", "One file only, as 'attachment'.",
                                   field=name[:50])
            if value.filename:
                attachment = value
        elif name in raw:
            raise InvalidInput(f"Trường «{name[:50]}» bị gửi hai lần.", f"'{name[:50]}' is sent twice.",
                               field=name[:50])
        else:
            raw[name] = value
    return raw, attachment


async def _submit(request: Request, agency_id: str) -> tuple[str, bool]:
    uc, guard = _uc(request), _guard(request)
    await run_in_threadpool(uc.agency, agency_id)  # an unknown agency: 404 before anything else
    client = guard.client(address_of(request))
    await run_in_threadpool(guard.count, client, agency_id)
    raw, attachment = await _read(request)
    _honeypot(raw)
    guard.check_token(agency_id, raw.get("form_token") if isinstance(raw.get("form_token"), str) else None)
    values = checked(raw)
    upload = Upload(attachment.filename, attachment.file, declared_size(request)) if attachment else None
    return await run_in_threadpool(uc.submit, agency_id, values, client=client, request_id=request_id(request),
                                   attachment=upload)


def _receipt(code: str, created: bool) -> dict[str, Any]:
    return {"code": code, "duplicate": not created, "status_url": f"/public/complaints/{code}",
            "api_url": f"/api/v1/public/complaints/{code}"}


# ---- the API ---------------------------------------------------------------------------------
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "additionalProperties": False, "required": [
        "kind", "subject", "content", "sender_name", "form_token"], "properties": {
        **{n: {"type": "string", "maxLength": f[3]} for n, f in FIELDS.items()},
        "kind": {"type": "string", "enum": list(KINDS)},
        "form_token": {"type": "string", "maxLength": 200}, "website": {"type": "string", "maxLength": 0}}}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        **{n: {"type": "string", "maxLength": f[3]} for n, f in FIELDS.items()},
        "form_token": {"type": "string"}, "website": {"type": "string"},
        "attachment": {"type": "string", "format": "binary", "description": "PDF, JPEG hoặc PNG, tối đa 5 MB"}}}}}}}


@router.get("/api/v1/public/agencies/{agency_id}/complaints/form-token", response_model=FormToken,
            responses=responses(404, 422), summary="Mã biểu mẫu gửi phản ánh / a complaint form's token")
def form_token(request: Request, agency_id: AgencyId) -> dict[str, Any]:
    _uc(request).agency(agency_id)
    guard = _guard(request)
    return {"form_token": guard.form_token(agency_id), "min_fill_seconds": guard.min_fill}


@router.post("/api/v1/public/agencies/{agency_id}/complaints", status_code=201, response_model=Receipt,
             responses={202: {"model": Receipt, "description": "Đã nhận trước đó / already received"},
                        **responses(400, 404, 413, 415, 422, 429)}, openapi_extra=BODY,
             summary="Gửi phản ánh, khiếu nại, góp ý (không cần đăng nhập) / send a complaint, no sign-in")
async def submit(request: Request, agency_id: AgencyId) -> Response:
    code, created = await _submit(request, agency_id)
    return JSONResponse(_receipt(code, created), status_code=201 if created else 202,
                        headers={"Location": f"/api/v1/public/complaints/{code}"})


@router.get("/api/v1/public/agencies/{agency_id}/complaints", response_model=PublishedPage,
            responses=responses(404, 422), summary="Phản ánh đã trả lời được công khai / published answers")
def published(request: Request, agency_id: AgencyId) -> dict[str, Any]:
    return _uc(request).published(agency_id)


@router.get("/api/v1/public/complaints/{code}", response_model=Status, responses=responses(404, 422),
            summary="Tình trạng phản ánh theo mã theo dõi / a complaint's status by tracking code")
def status(request: Request, code: Code) -> dict[str, Any]:
    return _uc(request).status(code)


# ---- the pages -------------------------------------------------------------------------------
def _page(request: Request, agency_id: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    uc = _uc(request)
    agency = uc.agency(agency_id)
    return render(request, "public_complaints.html", status=status_code, agency=agency, agency_id=agency_id,
                  kinds=KINDS, departments=uc.departments(agency_id), published=uc.published(agency_id)["items"],
                  form_token=_guard(request).form_token(agency_id), **values)


@pages.get("/public/agencies/{agency_id}/complaints", response_class=HTMLResponse)
def form_page(request: Request, agency_id: AgencyId) -> HTMLResponse:
    return _page(request, agency_id)


@pages.post("/public/agencies/{agency_id}/complaints", response_class=HTMLResponse)
async def form_sent(request: Request, agency_id: AgencyId) -> Response:
    try:
        code, created = await _submit(request, agency_id)
    except (LedgerError, ApiError) as e:
        status_code, vi, en, field = message_of(e)
        if status_code == 404:
            raise
        lang_vi = lang_of(request) != "en"
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and k not in FORM_ONLY}
        return await run_in_threadpool(_page, request, agency_id, status_code, form=form,
                                       errors={field or "_": vi if lang_vi else en})
    return RedirectResponse(f"/public/complaints/{code}?{'sent' if created else 'again'}=1", 303)


@pages.get("/public/complaints", response_class=HTMLResponse)
def track(code: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The tracking form's answer: the page of that code."""
    return RedirectResponse(f"/public/complaints/{quote(code.strip(), safe='')}", 303)


@pages.get("/public/complaints/{code}", response_class=HTMLResponse)
def status_page(request: Request, code: Code) -> HTMLResponse:
    found = _uc(request).status(code)
    return render(request, "public_complaint_status.html", c=found, sent="sent" in request.query_params,
                  again="again" in request.query_params)


__all__ = ["PUBLIC_PORTAL", "pages", "router"]
