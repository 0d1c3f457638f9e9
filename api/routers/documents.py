"""Controlled documents: register, draft, review, approve, sign, issue, withdraw; files and history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from api import paging
from api import roles as R
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, command_out, etag
from api.errors import responses
from api.files import FILE_TYPES, streamed, upload_of
from api.idempotency import IdempotentRoute
from api.schemas import (
    OPTIONAL_TEXT,
    TEXT,
    CommandOut,
    DocumentCreate,
    DocumentOut,
    DocumentPage,
    History,
    Issue,
    Reason,
    Review,
    Submit,
)
from api.security import Principal
from ledger.vocabulary import Role

router = APIRouter(prefix="/api/v1", tags=["documents"], route_class=IdempotentRoute)

Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
Secretary = Annotated[Principal, Depends(allow(*R.DOC_CONTROLLERS))]  # records controller: if the agency says so
Leader = Annotated[Principal, Depends(allow(*R.LEADERS))]
Reviser = Annotated[Principal, Depends(allow(*R.REVISERS))]
ReviewerP = Annotated[Principal, Depends(allow(*R.REVIEWERS))]
Withdrawer = Annotated[Principal, Depends(allow(Role.ISO_SECRETARY, Role.AGENCY_LEADER))]
HistoryReader = Annotated[Principal, Depends(allow(*R.DOC_HISTORY))]
N = Annotated[int, Query(ge=1, le=10_000)]
CMD = responses(400, 401, 403, 404, 409, 412, 422)
UPLOAD = responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503)
DocStatus = Literal["in_force", "upcoming", "pending", "obsolete", "all"]
COLUMNS = ["id", "agency_id", "code", "title", "kind", "department", "status", "in_force", "effective_from",
           "upcoming", "upcoming_from", "latest", "version", "updated_at"]
PAGED = [*COLUMNS, "sort_key"]  # the register's order: the code, or a search's rank then the code


@router.post("/agencies/{agency_id}/documents", status_code=201, response_model=CommandOut, responses=CMD,
             summary="Đăng ký tài liệu / register a document")
def register(ctx: Ctx, agency_id: str, body: DocumentCreate, p: Secretary, rid: RequestId, key: IdemKey,
             response: Response) -> CommandOut:
    done = ctx.uc.documents.register(p.actor(rid), agency_id, code=body.code, title=body.title, kind=body.kind,
                                     department=body.department)
    response.headers["Location"] = f"/api/v1/documents/{done.id}"
    return command_out(response, done)


@router.get("/agencies/{agency_id}/documents", response_model=DocumentPage,
            responses=responses(400, 401, 403, 404, 422), summary="Sổ đăng ký tài liệu / register of documents")
def list_documents(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId, status: DocStatus = "in_force",
                   kind: Annotated[str | None, Query(max_length=40, pattern=OPTIONAL_TEXT)] = None,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   limit: paging.Limit = 50, cursor: paging.Cursor = None) -> DocumentPage:
    rows, nxt = ctx.uc.registers.documents(
        p.actor(rid), agency_id, lambda cur, base, params: paging.page(
            cur, f"SELECT {', '.join(PAGED)} {base}", params, ["sort_key"], cursor, limit, PAGED),
        status=status, kind=kind, q=q)
    return DocumentPage(items=rows, next_cursor=nxt)


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=responses(401, 403, 404),
            summary="Trạng thái hiện tại của tài liệu / current state")
def get_document(ctx: Ctx, document_id: str, p: Reader, rid: RequestId, response: Response) -> dict[str, Any]:
    state = ctx.uc.documents.get(p.actor(rid), document_id)
    response.headers.update(etag(state["version"]))
    return state


@router.post("/documents/{document_id}/versions", status_code=201, response_model=CommandOut, responses=UPLOAD,
             summary="Tạo dự thảo mới (multipart) / new draft version")
def create_version(ctx: Ctx, request: Request, document_id: str, p: Secretary, rid: RequestId,
                   expected: IfMatch, key: IdemKey, response: Response, file: Annotated[UploadFile, File()],
                   change_summary: Annotated[str, Form(min_length=1, max_length=2000, pattern=TEXT)]) -> CommandOut:
    return command_out(response, ctx.uc.documents.create_draft(
        p.actor(rid), document_id, upload_of(file, request), change_summary=change_summary,
        expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/revise", response_model=CommandOut, responses=UPLOAD,
             summary="Sửa dự thảo (multipart) / revise a draft")
def revise(ctx: Ctx, request: Request, document_id: str, n: int, p: Reviser, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response, file: Annotated[UploadFile, File()],
           change_summary: Annotated[str, Form(min_length=1, max_length=2000, pattern=TEXT)]) -> CommandOut:
    return command_out(response, ctx.uc.documents.revise_draft(
        p.actor(rid), document_id, n, upload_of(file, request), change_summary=change_summary,
        expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/submit", response_model=CommandOut, responses=CMD,
             summary="Trình xem xét và phê duyệt / submit for review")
def submit(ctx: Ctx, document_id: str, n: int, body: Submit, p: Secretary, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.documents.submit(p.actor(rid), document_id, n, reviewers=body.reviewers,
                                                         approver=body.approver, expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/reviews", response_model=CommandOut, responses=CMD,
             summary="Cho ý kiến xem xét / review")
def review(ctx: Ctx, document_id: str, n: int, body: Review, p: ReviewerP, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.documents.review(p.actor(rid), document_id, n, verdict=body.verdict,
                                                         comment=body.comment, expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/approve", response_model=CommandOut, responses=CMD,
             summary="Phê duyệt / approve")
def approve(ctx: Ctx, document_id: str, n: int, p: Leader, rid: RequestId, expected: IfMatch, key: IdemKey,
            response: Response) -> CommandOut:
    return command_out(response, ctx.uc.documents.approve(p.actor(rid), document_id, n, expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/reject", response_model=CommandOut, responses=CMD,
             summary="Từ chối / reject")
def reject(ctx: Ctx, document_id: str, n: int, body: Reason, p: Leader, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.documents.reject(p.actor(rid), document_id, n, reason=body.reason,
                                                         expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/issue", response_model=CommandOut, responses=CMD,
             summary="Ban hành / issue")
def issue(ctx: Ctx, document_id: str, n: int, body: Issue, p: Secretary, rid: RequestId, expected: IfMatch,
          key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.documents.issue(
        p.actor(rid), document_id, n, effective_from=body.effective_from, distribution=body.distribution,
        expected_version=expected))


@router.post("/documents/{document_id}/versions/{n}/withdraw", response_model=CommandOut, responses=CMD,
             summary="Thu hồi / withdraw")
def withdraw(ctx: Ctx, document_id: str, n: int, body: Reason, p: Withdrawer, rid: RequestId, expected: IfMatch,
             key: IdemKey, response: Response) -> CommandOut:
    return command_out(response, ctx.uc.documents.withdraw(p.actor(rid), document_id, n, reason=body.reason,
                                                           expected_version=expected))


@router.get("/documents/{document_id}/versions/{n}/file", response_class=StreamingResponse,
            responses={200: FILE_TYPES, **responses(401, 403, 404, 410, 503)},
            summary="Tải tệp (đã kiểm tra SHA-256) / download the verified bytes")
def get_file(ctx: Ctx, document_id: str, n: int, p: Reader, rid: RequestId) -> StreamingResponse:
    return streamed(ctx.uc.documents.open_file(p.actor(rid), document_id, n))


@router.get("/documents/{document_id}/history", response_model=History, responses=responses(401, 403, 404, 422),
            summary="Lịch sử và trạng thái tại một thời điểm / events and the state as of a time")
def history(ctx: Ctx, document_id: str, p: HistoryReader, rid: RequestId, as_of: datetime | None = None) -> History:
    return History(**ctx.uc.history.of(p.actor(rid), "documents", document_id, as_of))
