"""Controlled documents: register, draft, review, approve, sign, issue, withdraw; files and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from api import paging
from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, etag
from api.errors import ApiError, not_found, responses
from api.files import download, store_upload
from api.idempotency import IdempotentRoute
from api.schemas import (
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
from ledger.files import FileKind, file_scope
from projections import queries

router = APIRouter(prefix="/api/v1", tags=["documents"], route_class=IdempotentRoute)
DOC = ("tài liệu", "document")
FILE_TYPES = {"content": {"application/pdf": {}, "application/octet-stream": {}},
              "description": "Các byte của tệp, đã kiểm tra SHA-256 / the verified bytes"}

Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
Secretary = Annotated[Principal, Depends(allow(*R.DOC_CONTROLLERS))]  # records controller: if the agency says so
Leader = Annotated[Principal, Depends(allow(*R.LEADERS))]
Reviser = Annotated[Principal, Depends(allow(*R.REVISERS))]
ReviewerP = Annotated[Principal, Depends(allow(*R.REVIEWERS))]
Withdrawer = Annotated[Principal, Depends(allow("iso_secretary", "agency_leader"))]
HistoryReader = Annotated[Principal, Depends(allow(*R.DOC_HISTORY))]
N = Annotated[int, Query(ge=1, le=10_000)]
CMD = responses(400, 401, 403, 404, 409, 412, 422)
UPLOAD = responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503)
DocStatus = Literal["in_force", "upcoming", "pending", "obsolete", "all"]


def run(ctx: ApiContext, p: Principal, document_id: str, response: Response, command: Callable[[], Any],
        *, n: int | None = None, file: Any = None) -> CommandOut:
    """Runs a document command within the caller's agency; answers the new version as ETag."""
    result = command()
    ctx.after_command()
    version = ctx.ledger.current_version(document_id)
    response.headers.update(etag(version))
    return CommandOut(id=document_id, version=version, n=n if n is not None else result,
                      file=file.to_dict() if file is not None else None)


def own(ctx: ApiContext, p: Principal, document_id: str) -> dict[str, Any]:
    return ctx.document(p, document_id, frozenset(R.MEMBERS), command=True)


@router.post("/agencies/{agency_id}/documents", status_code=201, response_model=CommandOut, responses=CMD,
             summary="Đăng ký tài liệu / register a document")
def register(ctx: Ctx, agency_id: str, body: DocumentCreate, p: Secretary, rid: RequestId, key: IdemKey,
             response: Response) -> CommandOut:
    ctx.check_own(p, agency_id, ("cơ quan", "agency"))
    doc_id = ctx.ledger.register_document(p.actor(rid), code=body.code, title=body.title, kind=body.kind,
                                          department=body.department)
    response.headers["Location"] = f"/api/v1/documents/{doc_id}"
    return run(ctx, p, doc_id, response, lambda: None)


@router.get("/agencies/{agency_id}/documents", response_model=DocumentPage,
            responses=responses(400, 401, 403, 404, 422), summary="Sổ đăng ký tài liệu / register of documents")
def list_documents(ctx: Ctx, agency_id: str, p: Reader, status: DocStatus = "in_force",
                   kind: Annotated[str | None, Query(max_length=40)] = None,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   limit: paging.Limit = 50, cursor: paging.Cursor = None) -> DocumentPage:
    ctx.check_visible(p, agency_id, frozenset(R.MEMBERS), ("cơ quan", "agency"))
    ctx.fresh()
    cols = ["id", "agency_id", "code", "title", "kind", "department", "status", "in_force", "effective_from",
            "upcoming", "upcoming_from", "latest", "version", "updated_at"]
    base, params = queries.register_where(agency_id, ctx.ledger.today(), status=status, kind=kind, q=q)
    sql = f"SELECT {', '.join(cols)} {base}"
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, sql, params, ["code"], cursor, limit, cols)
    return DocumentPage(items=rows, next_cursor=nxt)  # type: ignore[arg-type]


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=responses(401, 403, 404),
            summary="Trạng thái hiện tại của tài liệu / current state")
def get_document(ctx: Ctx, document_id: str, p: Reader, response: Response) -> dict[str, Any]:
    state = ctx.document(p, document_id, frozenset(R.MEMBERS))
    response.headers.update(etag(state["version"]))
    return state


@router.post("/documents/{document_id}/versions", status_code=201, response_model=CommandOut, responses=UPLOAD,
             summary="Tạo dự thảo mới (multipart) / new draft version")
def create_version(ctx: Ctx, request: Request, document_id: str, p: Secretary, rid: RequestId,
                   expected: IfMatch, key: IdemKey, response: Response, file: Annotated[UploadFile, File()],
                   change_summary: Annotated[str, Form(min_length=1, max_length=2000, pattern=TEXT)]) -> CommandOut:
    own(ctx, p, document_id)
    ref = store_upload(ctx.archive, file, file_scope(FileKind.VERSION, document_id), request)  # files, then facts
    return run(ctx, p, document_id, response, lambda: ctx.ledger.create_draft(
        p.actor(rid), document_id, file=ref.to_dict(), change_summary=change_summary, expected_version=expected),
        file=ref)


@router.post("/documents/{document_id}/versions/{n}/revise", response_model=CommandOut, responses=UPLOAD,
             summary="Sửa dự thảo (multipart) / revise a draft")
def revise(ctx: Ctx, request: Request, document_id: str, n: int, p: Reviser, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response, file: Annotated[UploadFile, File()],
           change_summary: Annotated[str, Form(min_length=1, max_length=2000, pattern=TEXT)]) -> CommandOut:
    own(ctx, p, document_id)
    ref = store_upload(ctx.archive, file, file_scope(FileKind.VERSION, document_id), request)
    return run(ctx, p, document_id, response, lambda: ctx.ledger.revise_draft(
        p.actor(rid), document_id, n, file=ref.to_dict(), change_summary=change_summary,
        expected_version=expected), n=n, file=ref)


@router.post("/documents/{document_id}/versions/{n}/submit", response_model=CommandOut, responses=CMD,
             summary="Trình xem xét và phê duyệt / submit for review")
def submit(ctx: Ctx, document_id: str, n: int, body: Submit, p: Secretary, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, document_id)
    return run(ctx, p, document_id, response, lambda: ctx.ledger.submit_for_review(
        p.actor(rid), document_id, n, reviewers=body.reviewers, approver=body.approver,
        expected_version=expected), n=n)


@router.post("/documents/{document_id}/versions/{n}/reviews", response_model=CommandOut, responses=CMD,
             summary="Cho ý kiến xem xét / review")
def review(ctx: Ctx, document_id: str, n: int, body: Review, p: ReviewerP, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, document_id)
    return run(ctx, p, document_id, response, lambda: ctx.ledger.review(
        p.actor(rid), document_id, n, verdict=body.verdict, comment=body.comment, expected_version=expected), n=n)


@router.post("/documents/{document_id}/versions/{n}/approve", response_model=CommandOut, responses=CMD,
             summary="Phê duyệt / approve")
def approve(ctx: Ctx, document_id: str, n: int, p: Leader, rid: RequestId, expected: IfMatch, key: IdemKey,
            response: Response) -> CommandOut:
    own(ctx, p, document_id)
    return run(ctx, p, document_id, response,
               lambda: ctx.ledger.approve(p.actor(rid), document_id, n, expected_version=expected), n=n)


@router.post("/documents/{document_id}/versions/{n}/reject", response_model=CommandOut, responses=CMD,
             summary="Từ chối / reject")
def reject(ctx: Ctx, document_id: str, n: int, body: Reason, p: Leader, rid: RequestId, expected: IfMatch,
           key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, document_id)
    return run(ctx, p, document_id, response, lambda: ctx.ledger.reject(
        p.actor(rid), document_id, n, reason=body.reason, expected_version=expected), n=n)


@router.post("/documents/{document_id}/versions/{n}/issue", response_model=CommandOut, responses=CMD,
             summary="Ban hành / issue")
def issue(ctx: Ctx, document_id: str, n: int, body: Issue, p: Secretary, rid: RequestId, expected: IfMatch,
          key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, document_id)
    return run(ctx, p, document_id, response, lambda: ctx.ledger.issue(
        p.actor(rid), document_id, n, effective_from=body.effective_from, distribution=body.distribution,
        expected_version=expected), n=n)


@router.post("/documents/{document_id}/versions/{n}/withdraw", response_model=CommandOut, responses=CMD,
             summary="Thu hồi / withdraw")
def withdraw(ctx: Ctx, document_id: str, n: int, body: Reason, p: Withdrawer, rid: RequestId, expected: IfMatch,
             key: IdemKey, response: Response) -> CommandOut:
    own(ctx, p, document_id)
    return run(ctx, p, document_id, response, lambda: ctx.ledger.withdraw(
        p.actor(rid), document_id, n, reason=body.reason, expected_version=expected), n=n)


def version_of(state: dict[str, Any], n: int) -> dict[str, Any]:
    if not 1 <= n <= len(state["versions"]):
        raise ApiError(404, "no_such_version", f"Không có phiên bản {n}.", f"There is no version {n}.", field="n")
    return state["versions"][n - 1]  # type: ignore[no-any-return]


@router.get("/documents/{document_id}/versions/{n}/file", response_class=StreamingResponse,
            responses={200: FILE_TYPES, **responses(401, 403, 404, 410, 503)},
            summary="Tải tệp (đã kiểm tra SHA-256) / download the verified bytes")
def get_file(ctx: Ctx, document_id: str, n: int, p: Reader) -> StreamingResponse:
    state = ctx.document(p, document_id, frozenset(R.MEMBERS))
    return download(ctx.archive, version_of(state, n)["file"], file_scope(FileKind.VERSION, document_id))


@router.get("/documents/{document_id}/history", response_model=History, responses=responses(401, 403, 404, 422),
            summary="Lịch sử và trạng thái tại một thời điểm / events and the state as of a time")
def history(ctx: Ctx, document_id: str, p: HistoryReader, as_of: datetime | None = None) -> History:
    ctx.document(p, document_id, frozenset(R.DOC_HISTORY))
    return history_of(ctx, document_id, as_of)


def history_of(ctx: ApiContext, aggregate_id: str, as_of: datetime | None) -> History:
    if as_of is not None and as_of.tzinfo is None:
        raise ApiError(422, "invalid_input", "Thời điểm phải có múi giờ, ví dụ 2026-03-02T09:00:00+07:00.",
                       "as_of needs a time zone, e.g. 2026-03-02T09:00:00+07:00.", field="as_of")
    events = ctx.ledger.history(aggregate_id, as_of=as_of)
    state = ctx.ledger.state_at(aggregate_id, as_of=as_of) if as_of is not None else ctx.ledger.state_at(
        aggregate_id)
    return History(as_of=as_of.isoformat() if as_of else None, state=state, events=events)  # type: ignore[arg-type]


__all__ = ["router", "not_found"]
