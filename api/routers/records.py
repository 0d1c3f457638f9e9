"""Records (hồ sơ): open, add files, close, holds, loans, retention and destruction, history."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from api import paging
from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, etag
from api.errors import ApiError, responses
from api.files import download, store_upload
from api.idempotency import IdempotentRoute
from api.routers.documents import FILE_TYPES, history_of
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
    Name,
    Reason,
    RecordCreate,
    RecordOut,
    RecordPage,
    Return,
)
from ledger.application import Ledger
from ledger.files import FileKind, file_scope
from ledger.record import Record
from projections.text import search_pattern

router = APIRouter(prefix="/api/v1", tags=["records"], route_class=IdempotentRoute)
REC = ("hồ sơ", "record")
AGENCY = ("cơ quan", "agency")

Reader = Annotated[Principal, Depends(allow(*R.RECORD_READERS))]
Oversight = Annotated[Principal, Depends(allow(*R.RECORD_OVERSIGHT))]
Controller = Annotated[Principal, Depends(allow("records_controller"))]
AgencyLeader = Annotated[Principal, Depends(allow("agency_leader"))]
Grantor = Annotated[Principal, Depends(allow(*R.GRANTORS))]
CMD = responses(400, 401, 403, 404, 409, 412, 422)
UPLOAD = responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503)
RecStatus = Literal["open", "closed", "destroyed", "all"]


def run(ctx: ApiContext, record_id: str, response: Response, command: Any, *, file: Any = None) -> CommandOut:
    command()
    ctx.after_command()
    version = ctx.ledger.current_version(record_id)
    response.headers.update(etag(version))
    return CommandOut(id=record_id, version=version, file=file.to_dict() if file is not None else None)


def own(ctx: ApiContext, p: Principal, record_id: str) -> dict[str, Any]:
    return ctx.record(p, record_id, frozenset(R.RECORD_READERS), command=True)


@router.post("/agencies/{agency_id}/records", status_code=201, response_model=CommandOut, responses=CMD,
             summary="Lập hồ sơ / open a record")
def open_record(ctx: Ctx, agency_id: str, body: RecordCreate, p: Controller, rid: RequestId, key: IdemKey,
                response: Response) -> CommandOut:
    ctx.check_own(p, agency_id, AGENCY)
    rec_id = ctx.ledger.open_record(p.actor(rid), code=body.code, title=body.title, series=body.series,
                                    retention_years=body.retention_years, legal_basis=body.legal_basis,
                                    confidentiality=body.confidentiality)
    response.headers["Location"] = f"/api/v1/records/{rec_id}"
    return run(ctx, rec_id, response, lambda: None)


RECORD_COLS = ["id", "agency_id", "code", "title", "series", "confidentiality", "retention_years", "closed_on",
               "retention_ends_on", "on_hold", "on_loan", "destruction", "files", "version", "updated_at"]


@router.get("/agencies/{agency_id}/records", response_model=RecordPage,
            responses=responses(400, 401, 403, 404, 422), summary="Danh mục hồ sơ / list of records")
def list_records(ctx: Ctx, agency_id: str, p: Reader, q: Annotated[str | None, Query(max_length=200)] = None,
                 series: Annotated[str | None, Query(max_length=200)] = None, status: RecStatus = "all",
                 limit: paging.Limit = 50, cursor: paging.Cursor = None) -> RecordPage:
    ctx.check_visible(p, agency_id, frozenset(R.RECORD_READERS), AGENCY)
    ctx.fresh()
    sql = f"SELECT {', '.join(RECORD_COLS)} FROM records WHERE agency_id=?"
    params: list[Any] = [agency_id]
    if status == "open":
        sql += " AND closed_on IS NULL AND (destruction IS NULL OR destruction <> 'executed')"
    elif status == "closed":
        sql += " AND closed_on IS NOT NULL AND (destruction IS NULL OR destruction <> 'executed')"
    elif status == "destroyed":
        sql += " AND destruction = 'executed'"
    if series:
        sql += " AND series=?"
        params.append(series)
    if q:
        sql += " AND search LIKE ?"
        params.append(search_pattern(q))
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, sql, params, ["code"], cursor, limit, RECORD_COLS)
    return RecordPage(items=rows, next_cursor=nxt)  # type: ignore[arg-type]


@router.get("/records/{record_id}", response_model=RecordOut, responses=responses(401, 403, 404),
            summary="Hồ sơ / one record")
def get_record(ctx: Ctx, record_id: str, p: Reader, rid: RequestId, response: Response) -> dict[str, Any]:
    state = ctx.record(p, record_id, frozenset(R.RECORD_READERS))
    response.headers.update(etag(state["version"]))
    return as_seen_by(state, ctx.ledger.file_access(p.actor(rid), record_id))


def as_seen_by(state: dict[str, Any], access: str | None) -> dict[str, Any]:
    """The record as someone whose file access is ``access`` sees it: without ``access`` (a confidential record,
    not theirs to read), each file is only its size, type and hash — no name, no description, no bytes."""
    shown = dict(state, file_access=access)
    if access is None:
        shown["files"] = [{"withheld": True, "description": None,
                           "file": {k: f["file"][k] for k in ("sha256", "size", "media_type")}}
                          for f in state["files"]]
    return shown


@router.post("/records/{record_id}/files", status_code=201, response_model=CommandOut, responses=UPLOAD,
             summary="Thêm tệp vào hồ sơ (multipart) / add a file")
def add_file(ctx: Ctx, request: Request, record_id: str, p: Controller, rid: RequestId, expected: IfMatch,
             key: IdemKey, response: Response, file: Annotated[UploadFile, File()],
             description: Annotated[str, Form(max_length=1000, pattern=OPTIONAL_TEXT)] = "") -> CommandOut:
    own(ctx, p, record_id)
    ref = store_upload(ctx.archive, file, file_scope(FileKind.RECORD, record_id), request)  # files, then facts
    return run(ctx, record_id, response, lambda: ctx.ledger.add_file(
        p.actor(rid), record_id, file=ref.to_dict(), description=description, expected_version=expected), file=ref)


@router.get("/records/{record_id}/files/{index}", response_class=StreamingResponse,
            responses={200: FILE_TYPES, **responses(401, 403, 404, 410, 503)},
            summary="Tải tệp thứ index (từ 1) của hồ sơ; hồ sơ mật: ghi nhận lượt xem trước khi gửi / download a "
                    "record's file (a confidential record's read is recorded first)")
def get_file(ctx: Ctx, record_id: str, index: int, p: Reader, rid: RequestId) -> StreamingResponse:
    return serve_file(ctx, p, rid, record_id, index, READERS)


READERS = frozenset(R.RECORD_READERS)


def serve_file(ctx: ApiContext, p: Principal, rid: str, record_id: str, index: int, roles: frozenset[str], *,
               inline: bool = False) -> StreamingResponse:
    """A record's file: who may not read it is refused before the archive is touched; a confidential record's
    read is saved as an event once the object opened and before any byte is sent (no event, no bytes)."""
    state = ctx.record(p, record_id, roles)
    if state["destroyed"] or not 1 <= index <= len(state["files"]):
        raise ApiError(404, "no_such_file", "Không có tệp này trong hồ sơ.", "No such file in the record.",
                       field="index")
    ledger: Ledger = ctx.ledger
    actor = p.actor(rid)
    ledger.check_file_access(actor, record_id)
    record_read = (lambda: ledger.read_record_file(actor, record_id, index)) if state["confidentiality"] == \
        "confidential" else None
    return download(ctx.archive, state["files"][index - 1]["file"], record_id, inline=inline,
                    before_serving=record_read)


@router.post("/records/{record_id}/close", response_model=CommandOut, responses=CMD,
             summary="Kết thúc hồ sơ / close")
def close(ctx: Ctx, record_id: str, p: Controller, rid: RequestId, expected: IfMatch, key: IdemKey,
          response: Response, body: Close | None = None) -> CommandOut:
    own(ctx, p, record_id)
    closed_on = body.closed_on if body else None
    return run(ctx, record_id, response, lambda: ctx.ledger.close_record(
        p.actor(rid), record_id, closed_on=closed_on, expected_version=expected))


@router.post("/records/{record_id}/holds", response_model=CommandOut, responses=CMD,
             summary="Phong tỏa / place a legal hold")
def place_hold(ctx: Ctx, record_id: str, body: Reason, p: Controller, rid: RequestId, expected: IfMatch,
               key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.place_hold(
        p.actor(rid), record_id, reason=body.reason, expected_version=expected))


@router.post("/records/{record_id}/holds/release", response_model=CommandOut, responses=CMD,
             summary="Gỡ phong tỏa / release the hold")
def release_hold(ctx: Ctx, record_id: str, p: Controller, rid: RequestId, expected: IfMatch, key: IdemKey,
                 response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response,
               lambda: ctx.ledger.release_hold(p.actor(rid), record_id, expected_version=expected))


@router.post("/records/{record_id}/loans", response_model=CommandOut, responses=CMD,
             summary="Cho mượn / lend")
def lend(ctx: Ctx, record_id: str, body: Borrow, p: Controller, rid: RequestId, expected: IfMatch, key: IdemKey,
         response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.lend(
        p.actor(rid), record_id, borrower=body.borrower, purpose=body.purpose, due_on=body.due_on,
        approved_by=body.approved_by, expected_version=expected))


@router.post("/records/{record_id}/loans/current/extend", response_model=CommandOut, responses=CMD,
             summary="Gia hạn mượn / extend the loan")
def extend(ctx: Ctx, record_id: str, body: Extend, p: Controller, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.extend_loan(
        p.actor(rid), record_id, due_on=body.due_on, expected_version=expected))


@router.post("/records/{record_id}/loans/current/return", response_model=CommandOut, responses=CMD,
             summary="Nhận lại hồ sơ / take back")
def take_back(ctx: Ctx, record_id: str, body: Return, p: Controller, rid: RequestId, expected: IfMatch,
              key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.take_back(
        p.actor(rid), record_id, received_by=body.received_by, note=body.note, expected_version=expected))


LOAN_COLS = ["record_id", "seq", "agency_id", "borrower", "purpose", "due_on", "approved_by", "borrowed_on",
             "returned_on", "received_by"]


@router.get("/agencies/{agency_id}/loans", response_model=LoanPage, responses=responses(400, 401, 403, 404, 422),
            summary="Hồ sơ đang cho mượn / loans (overdue=true: quá hạn)")
def list_loans(ctx: Ctx, agency_id: str, p: Oversight, overdue: bool = False, current: bool = True,
               limit: paging.Limit = 50, cursor: paging.Cursor = None) -> LoanPage:
    ctx.check_visible(p, agency_id, frozenset(R.RECORD_OVERSIGHT), AGENCY)
    ctx.fresh()
    today = ctx.ledger.today().isoformat()
    sql = f"SELECT {', '.join(LOAN_COLS)} FROM loans WHERE agency_id=?"
    params: list[Any] = [agency_id]
    if current or overdue:
        sql += " AND returned_on IS NULL"
    if overdue:
        sql += " AND due_on < ?"
        params.append(today)
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, sql, params, ["due_on", "record_id", "seq"], cursor, limit, LOAN_COLS)
    items = [dict(r, overdue=r["returned_on"] is None and r["due_on"] < today) for r in rows]
    return LoanPage(items=items, next_cursor=nxt)  # type: ignore[arg-type]


@router.get("/agencies/{agency_id}/retention/due", response_model=RecordPage,
            responses=responses(400, 401, 403, 404, 422),
            summary="Hồ sơ đã hết thời hạn bảo quản / records whose retention has ended")
def retention_due(ctx: Ctx, agency_id: str, p: Oversight, limit: paging.Limit = 50,
                  cursor: paging.Cursor = None) -> RecordPage:
    ctx.check_visible(p, agency_id, frozenset(R.RECORD_OVERSIGHT), AGENCY)
    ctx.fresh()
    sql = (f"SELECT {', '.join(RECORD_COLS)} FROM records WHERE agency_id=? AND retention_ends_on IS NOT NULL "
           "AND retention_ends_on <= ? AND (destruction IS NULL OR destruction <> 'executed')")
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, sql, [agency_id, ctx.ledger.today().isoformat()], ["retention_ends_on", "id"],
                                cursor, limit, RECORD_COLS)
    return RecordPage(items=rows, next_cursor=nxt)  # type: ignore[arg-type]


@router.post("/records/{record_id}/destruction/propose", response_model=CommandOut, responses=CMD,
             summary="Đề nghị hủy / propose destruction")
def propose(ctx: Ctx, record_id: str, body: Reason, p: Controller, rid: RequestId, expected: IfMatch,
            key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.propose_destruction(
        p.actor(rid), record_id, reason=body.reason, expected_version=expected))


@router.post("/records/{record_id}/destruction/approve", response_model=CommandOut, responses=CMD,
             summary="Phê duyệt hủy / approve destruction")
def approve_destruction(ctx: Ctx, record_id: str, body: DestructionApproval, p: AgencyLeader, rid: RequestId,
                        expected: IfMatch, key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.approve_destruction(
        p.actor(rid), record_id, decision_no=body.decision_no, decided_by=body.decided_by, council=body.council,
        expected_version=expected))


@router.post("/records/{record_id}/destruction/execute", response_model=CommandOut, responses=UPLOAD,
             summary="Thực hiện hủy (multipart: biên bản hủy) / execute destruction with its minutes")
def execute_destruction(ctx: Ctx, request: Request, record_id: str, p: Controller, rid: RequestId,
                        expected: IfMatch, key: IdemKey, response: Response,
                        minutes_file: Annotated[UploadFile, File(description="Biên bản hủy / minutes")],
                        executed_by: Annotated[str, Form(min_length=1, max_length=200, pattern=TEXT)],
                        witnesses: Annotated[list[Name], Form(min_length=1, max_length=20)],
                        method: Annotated[Literal["crypto_shredding", "shredding", "burning", "pulping"],
                                          Form()] = "crypto_shredding") -> CommandOut:
    own(ctx, p, record_id)
    actor = p.actor(rid)
    ledger: Ledger = ctx.ledger
    # Rehearse the command on a copy first: shredding cannot be undone if the ledger then refused it.
    trial: Record = copy.deepcopy(ledger._get(Record, record_id))
    known = sorted({f["file"]["sha256"] for f in trial.files})
    if expected is not None and trial.version != expected:
        ledger._change(Record, record_id, expected, lambda r: None)  # raises the 412
    dummy = {"key": "scopes/x/" + "0" * 64, "sha256": "0" * 64, "size": 0, "media_type": "application/pdf",
             "filename": "x"}
    trial.destroy(actor, executed_by=executed_by, witnesses=witnesses, method=method, minutes_file=dummy,
                  erased_hashes=known, today=ledger.today())
    minutes = store_upload(ctx.archive, minutes_file, file_scope(FileKind.EVIDENCE, record_id), request)
    erased = ctx.archive.destroy_scope(file_scope(FileKind.RECORD, record_id))
    erased_known = sorted(set(erased) & set(known))
    return run(ctx, record_id, response, lambda: ledger.record_destruction(
        actor, record_id, executed_by=executed_by, witnesses=witnesses, method=method,
        minutes_file=minutes.to_dict(), erased_hashes=erased_known, expected_version=expected), file=minutes)


@router.post("/records/{record_id}/access-grants", response_model=CommandOut, responses=CMD,
             summary="Cấp quyền xem tệp hồ sơ mật / grant access to a confidential record's files")
def grant_access(ctx: Ctx, record_id: str, body: AccessGrant, p: Grantor, rid: RequestId, expected: IfMatch,
                 key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.grant_record_access(
        p.actor(rid), record_id, grantee=body.grantee, reason=body.reason, until=body.until,
        expected_version=expected))


@router.post("/records/{record_id}/access-grants/{grantee}/revoke", response_model=CommandOut, responses=CMD,
             summary="Thu hồi quyền xem tệp hồ sơ mật / revoke a grant")
def revoke_access(ctx: Ctx, record_id: str, grantee: Annotated[str, Path(max_length=63, pattern=USERNAME)],
                  body: AccessRevoke, p: Grantor, rid: RequestId, expected: IfMatch, key: IdemKey,
                  response: Response) -> CommandOut:
    own(ctx, p, record_id)
    return run(ctx, record_id, response, lambda: ctx.ledger.revoke_record_access(
        p.actor(rid), record_id, grantee=grantee, reason=body.reason, expected_version=expected))


@router.get("/records/{record_id}/history", response_model=History, responses=responses(401, 403, 404, 422),
            summary="Lịch sử hồ sơ / events and the state as of a time")
def history(ctx: Ctx, record_id: str, p: Oversight, as_of: datetime | None = None) -> History:
    ctx.record(p, record_id, frozenset(R.RECORD_OVERSIGHT))
    return history_of(ctx, record_id, as_of)
