"""Records (hồ sơ): open, add files, close, holds, loans, retention and destruction, history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from api import paging
from api import roles as R
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, command_out
from api.errors import responses
from api.files import FILE_TYPES, streamed, upload_of
from api.idempotency import IdempotentRoute
from api.schemas import (
    OPTIONAL_TEXT,
    TEXT,
    USERNAME,
    AccessGrant,
    AccessRevoke,
    Borrow,
    Close,
    CommandOut,
    DestructionApproval,
    Extend,
    History,
    LoanPage,
    PersonText,
    Reason,
    RecordCreate,
    RecordOut,
    RecordPage,
    Return,
    person_text,
    plain,
)
from api.security import Principal
from ledger.people import from_key
from ledger.vocabulary import Role

router = APIRouter(prefix="/api/v1", tags=["records"], route_class=IdempotentRoute)

Reader = Annotated[Principal, Depends(allow(*R.RECORD_READERS))]
Oversight = Annotated[Principal, Depends(allow(*R.RECORD_OVERSIGHT))]
Controller = Annotated[Principal, Depends(allow(Role.RECORDS_CONTROLLER))]
AgencyLeader = Annotated[Principal, Depends(allow(Role.AGENCY_LEADER))]
Grantor = Annotated[Principal, Depends(allow(*R.GRANTORS))]
CMD = responses(400, 401, 403, 404, 409, 412, 422)
UPLOAD = responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503)
RecStatus = Literal["open", "closed", "destroyed", "all"]
RECORD_COLS = ["id", "agency_id", "code", "title", "series", "confidentiality", "retention_years", "closed_on",
               "retention_ends_on", "on_hold", "on_loan", "destruction", "files", "version", "updated_at"]
LOAN_COLS = ["record_id", "seq", "agency_id", "borrower", "purpose", "due_on", "approved_by", "borrowed_on",
             "returned_on", "received_by"]


def cursor_page(columns: list[str], keys: list[str], cursor: str | None, limit: int, prefix: str = "") -> Any:
    """The API's paging of a register: ``limit`` rows after ``cursor``, ordered by ``keys``."""
    select = ", ".join(prefix + c for c in columns)
    return lambda cur, base, params: paging.page(cur, f"SELECT {select} {base}", params,
                                                 [prefix + k for k in keys], cursor, limit, columns)


@router.post("/agencies/{agency_id}/records", status_code=201, response_model=CommandOut, responses=CMD,
             summary="Lập hồ sơ / open a record")
def open_record(ctx: Ctx, agency_id: str, body: RecordCreate, p: Controller, rid: RequestId, key: IdemKey,
                response: Response) -> CommandOut:
    done = ctx.uc.records.open(p.actor(rid), agency_id, code=body.code, title=body.title, series=body.series,
                               retention_years=body.retention_years, legal_basis=body.legal_basis,
                               confidentiality=body.confidentiality)
    response.headers["Location"] = f"/api/v1/records/{done.id}"
    return command_out(response, done)


@router.get("/agencies/{agency_id}/records", response_model=RecordPage,
            responses=responses(400, 401, 403, 404, 422), summary="Danh mục hồ sơ / list of records")
def list_records(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId,
                 q: Annotated[str | None, Query(max_length=200)] = None,
                 series: Annotated[str | None, Query(max_length=200, pattern=OPTIONAL_TEXT)] = None,
                 status: RecStatus = "all",
                 limit: paging.Limit = 50, cursor: paging.Cursor = None) -> RecordPage:
    rows, nxt = ctx.uc.registers.records(p.actor(rid), agency_id,
                                         cursor_page([*RECORD_COLS, "sort_key"], ["sort_key"], cursor, limit),
                                         status=status, series=series, q=q)
    return RecordPage(items=rows, next_cursor=nxt)


@router.get("/records/{record_id}", response_model=RecordOut, responses=responses(401, 403, 404),
            summary="Hồ sơ / one record")
def get_record(ctx: Ctx, record_id: str, p: Reader, rid: RequestId, response: Response) -> dict[str, Any]:
    shown = ctx.uc.records.get(p.actor(rid), record_id)
    response.headers["ETag"] = f'"{shown["version"]}"'
    return shown


@router.post("/records/{record_id}/files", status_code=201, response_model=CommandOut, responses=UPLOAD,
             summary="Thêm tệp vào hồ sơ (multipart) / add a file")
def add_file(ctx: Ctx, request: Request, record_id: str, p: Controller, rid: RequestId, expected: IfMatch,
             key: IdemKey, response: Response, file: Annotated[UploadFile, File()],
             description: Annotated[str, Form(max_length=1000, pattern=OPTIONAL_TEXT)] = "") -> CommandOut:
    return command_out(response, ctx.uc.records.add_file(p.actor(rid), record_id, upload_of(file, request),
                                                         description=description, expected_version=expected))


@router.get("/records/{record_id}/files/{index}", response_class=StreamingResponse,
            responses={200: FILE_TYPES, **responses(401, 403, 404, 410, 503)},
            summary="Tải tệp thứ index (từ 1) của hồ sơ; hồ sơ mật: ghi nhận lượt xem trước khi gửi / download a "
                    "record's file (a confidential record's read is recorded first)")
def get_file(ctx: Ctx, record_id: str, index: int, p: Reader, rid: RequestId) -> StreamingResponse:
    return streamed(ctx.uc.records.open_file(p.actor(rid), record_id, index))


@router.post("/records/{record_id}/close", response_model=CommandOut, responses=CMD,
             summary="Kết thúc hồ sơ / close")
def close(ctx: Ctx, record_id: str, p: Controller, rid: RequestId, expected: IfMatch, key: IdemKey,
          response: Response, body: Close | None = None) -> CommandOut:
    return command_out(response, ctx.uc.records.close(p.actor(rid), record_id, closed_on=body.closed_on if body else
                                                      None, expected_version=expected))


@router.post("/records/{record_id}/holds", response_model=CommandOut, responses=CMD,
             summary="Phong tỏa / place a legal hold")
def place_hold(ctx: Ctx, record_id: str, body: Reason, p: Controller, rid: RequestId, expected: IfMatch,
               key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.place_hold(p.actor(rid), record_id, reason=body.reason,
                                                           expected_version=expected))


@router.post("/records/{record_id}/holds/release", response_model=CommandOut, responses=CMD,
             summary="Gỡ phong tỏa / release the hold")
def release_hold(ctx: Ctx, record_id: str, p: Controller, rid: RequestId, expected: IfMatch, key: IdemKey,
                 response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.release_hold(p.actor(rid), record_id, expected_version=expected))


@router.post("/records/{record_id}/loans", response_model=CommandOut, responses=CMD,
             summary="Cho mượn / lend")
def lend(ctx: Ctx, record_id: str, body: Borrow, p: Controller, rid: RequestId, expected: IfMatch, key: IdemKey,
         response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.lend(
        p.actor(rid), record_id, borrower=plain(body.borrower), purpose=body.purpose, due_on=body.due_on,
        approved_by=body.approved_by, expected_version=expected))


@router.post("/records/{record_id}/loans/current/extend", response_model=CommandOut, responses=CMD,
             summary="Gia hạn mượn / extend the loan")
def extend(ctx: Ctx, record_id: str, body: Extend, p: Controller, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.extend_loan(p.actor(rid), record_id, due_on=body.due_on,
                                                            expected_version=expected))


@router.post("/records/{record_id}/loans/current/return", response_model=CommandOut, responses=CMD,
             summary="Nhận lại hồ sơ / take back")
def take_back(ctx: Ctx, record_id: str, body: Return, p: Controller, rid: RequestId, expected: IfMatch,
              key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.take_back(p.actor(rid), record_id, received_by=body.received_by,
                                                          note=body.note, expected_version=expected))


@router.get("/agencies/{agency_id}/loans", response_model=LoanPage, responses=responses(400, 401, 403, 404, 422),
            summary="Hồ sơ đang cho mượn / loans (overdue=true: quá hạn)")
def list_loans(ctx: Ctx, agency_id: str, p: Oversight, rid: RequestId, overdue: bool = False, current: bool = True,
               limit: paging.Limit = 50, cursor: paging.Cursor = None) -> LoanPage:
    rows, nxt = ctx.uc.registers.loans(p.actor(rid), agency_id,
                                       cursor_page(LOAN_COLS, ["due_on", "record_id", "seq"], cursor, limit, "l."),
                                       current=current, overdue=overdue)
    today = ctx.uc.registers.today().isoformat()
    items = [dict(r, borrower=from_key(r["borrower"]), overdue=r["returned_on"] is None and r["due_on"] < today)
             for r in rows]
    return LoanPage(items=items, next_cursor=nxt)  # type: ignore[arg-type]


@router.get("/agencies/{agency_id}/retention/due", response_model=RecordPage,
            responses=responses(400, 401, 403, 404, 422),
            summary="Hồ sơ đã hết thời hạn bảo quản / records whose retention has ended")
def retention_due(ctx: Ctx, agency_id: str, p: Oversight, rid: RequestId, limit: paging.Limit = 50,
                  cursor: paging.Cursor = None) -> RecordPage:
    rows, nxt = ctx.uc.registers.retention_due(p.actor(rid), agency_id, cursor_page(
        RECORD_COLS, ["retention_ends_on", "id"], cursor, limit))
    return RecordPage(items=rows, next_cursor=nxt)


@router.post("/records/{record_id}/destruction/propose", response_model=CommandOut, responses=CMD,
             summary="Đề nghị hủy / propose destruction")
def propose(ctx: Ctx, record_id: str, body: Reason, p: Controller, rid: RequestId, expected: IfMatch,
            key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.propose_destruction(p.actor(rid), record_id, reason=body.reason,
                                                                    expected_version=expected))


@router.post("/records/{record_id}/destruction/approve", response_model=CommandOut, responses=CMD,
             summary="Phê duyệt hủy / approve destruction")
def approve_destruction(ctx: Ctx, record_id: str, body: DestructionApproval, p: AgencyLeader, rid: RequestId,
                        expected: IfMatch, key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.approve_destruction(
        p.actor(rid), record_id, decision_no=body.decision_no, decided_by=body.decided_by, council=plain(body.council),
        expected_version=expected))


@router.post("/records/{record_id}/destruction/execute", response_model=CommandOut, responses=UPLOAD,
             summary="Thực hiện hủy (multipart: biên bản hủy) / execute destruction with its minutes")
def execute_destruction(ctx: Ctx, request: Request, record_id: str, p: Controller, rid: RequestId,
                        expected: IfMatch, key: IdemKey, response: Response,
                        minutes_file: Annotated[UploadFile, File(description="Biên bản hủy / minutes")],
                        executed_by: Annotated[str, Form(min_length=1, max_length=100, pattern=TEXT,
                                                         json_schema_extra={"x-person": "account"})],
                        witnesses: Annotated[list[PersonText], Form(
                            min_length=1, max_length=20, json_schema_extra={"x-person": "account-or-external"},
                            description="Mỗi người một trường: tên đăng nhập, hoặc người ngoài cơ quan dạng JSON "
                                        "{\"external\": {\"name\", \"organisation\"}} / one field per witness: a "
                                        "username, or an outsider as JSON")],
                        method: Annotated[Literal["crypto_shredding", "shredding", "burning", "pulping"],
                                          Form()] = "crypto_shredding") -> CommandOut:
    return command_out(response, ctx.uc.records.execute_destruction(
        p.actor(rid), record_id, upload_of(minutes_file, request), executed_by=executed_by,
        witnesses=[person_text(w, "witnesses") for w in witnesses], method=method, expected_version=expected))


@router.post("/records/{record_id}/access-grants", response_model=CommandOut, responses=CMD,
             summary="Cấp quyền xem tệp hồ sơ mật / grant access to a confidential record's files")
def grant_access(ctx: Ctx, record_id: str, body: AccessGrant, p: Grantor, rid: RequestId, expected: IfMatch,
                 key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.grant_access(
        p.actor(rid), record_id, grantee=body.grantee, reason=body.reason, until=body.until,
        expected_version=expected))


@router.post("/records/{record_id}/access-grants/{grantee}/revoke", response_model=CommandOut, responses=CMD,
             summary="Thu hồi quyền xem tệp hồ sơ mật / revoke a grant")
def revoke_access(ctx: Ctx, record_id: str, grantee: Annotated[str, Path(max_length=63, pattern=USERNAME)],
                  body: AccessRevoke, p: Grantor, rid: RequestId, expected: IfMatch, key: IdemKey,
                  response: Response) -> CommandOut:
    return command_out(response, ctx.uc.records.revoke_access(p.actor(rid), record_id, grantee=grantee,
                                                              reason=body.reason, expected_version=expected))


@router.get("/records/{record_id}/history", response_model=History, responses=responses(401, 403, 404, 422),
            summary="Lịch sử hồ sơ / events and the state as of a time")
def history(ctx: Ctx, record_id: str, p: Oversight, rid: RequestId, as_of: datetime | None = None) -> History:
    return History(**ctx.uc.history.of(p.actor(rid), "records", record_id, as_of))
