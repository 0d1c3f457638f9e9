"""Public disclosure (công khai, Điều 4.1), without signing in: the province's index of agencies, each agency's
portal (procedures and their figures, published QMS cases, documents in force, public records) and JSON twins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from api import paging
from api import public_portal as portal
from api.deps import Ctx
from api.errors import responses
from api.files import FILE_TYPES, streamed
from api.schemas import PublicPage

router = APIRouter(tags=["public"])
HTML = {200: {"content": {"text/html": {}}, "description": "Trang công khai / public page"},
        304: {"description": "Không đổi từ lần trước (If-None-Match) / not modified"}}
JSON_304 = {304: {"description": "Không đổi từ lần trước (If-None-Match) / not modified"}}
Search = Annotated[str | None, Query(max_length=200, description="tìm không cần dấu / accents optional")]
Lang = Annotated[str | None, Query(pattern="^(vi|en)$", description="vi (mặc định) hoặc en")]


@router.get("/api/v1/public/agencies/{agency_id}/documents", response_model=PublicPage,
            responses={**JSON_304, **responses(400, 404, 422)},
            summary="Tài liệu đang có hiệu lực (công khai) / in force, public")
def public_documents(ctx: Ctx, request: Request, agency_id: str, limit: paging.Limit = 50,
                     cursor: paging.Cursor = None) -> Response:
    return portal.cached(request, ctx, lambda: portal.json_answer(portal.documents(ctx, agency_id, limit, cursor)))


@router.get("/public/agencies/{agency_id}", response_class=HTMLResponse, responses={**HTML, **responses(400, 404, 422)},
            summary="Trang công khai của cơ quan / an agency's public page")
def public_page(ctx: Ctx, request: Request, agency_id: str, lang: Lang = None,
                cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return portal.cached(request, ctx, lambda: portal.agency_page(request, ctx, agency_id, cursor))


@router.get("/public", response_class=HTMLResponse, responses={**HTML, **responses(422)},
            summary="Công khai: các cơ quan trong tỉnh / the province's agencies, public")
def public_index(ctx: Ctx, request: Request, q: Search = None, lang: Lang = None) -> Response:
    return portal.cached(request, ctx, lambda: portal.index_page(request, ctx, q))


@router.get("/api/v1/public/agencies", responses={**JSON_304, **responses(422)},
            summary="Các cơ quan trong tỉnh (công khai) / the province's agencies, public")
def public_agencies(ctx: Ctx, request: Request, q: Search = None) -> Response:
    return portal.cached(request, ctx, lambda: portal.json_answer(portal.index(ctx, q)))


@router.get("/api/v1/public/agencies/{agency_id}", responses={**JSON_304, **responses(400, 404, 422)},
            summary="Những gì cơ quan công khai / everything an agency discloses")
def public_agency(ctx: Ctx, request: Request, agency_id: str) -> Response:
    return portal.cached(request, ctx, lambda: portal.json_answer(portal.disclosure(ctx, agency_id)))


@router.get("/api/v1/public/agencies/{agency_id}/procedures", responses={**JSON_304, **responses(400, 404, 422)},
            summary="Thủ tục hành chính và số liệu giải quyết (công khai) / procedures and their figures, public")
def public_procedures(ctx: Ctx, request: Request, agency_id: str, limit: paging.Limit = 100,
                      cursor: paging.Cursor = None) -> Response:
    def answer() -> Response:
        ctx.uc.disclosure.agency(agency_id)
        return portal.json_answer(portal.procedures(ctx, agency_id, limit, cursor))

    return portal.cached(request, ctx, answer)


@router.get("/api/v1/public/documents/{document_id}/file", response_class=StreamingResponse,
            responses={200: FILE_TYPES, **responses(404, 410, 503)},
            summary="Tệp của phiên bản đang có hiệu lực / the file of the version in force")
def public_file(ctx: Ctx, document_id: str) -> StreamingResponse:
    return streamed(ctx.uc.documents.open_public_file(document_id), inline=True)
