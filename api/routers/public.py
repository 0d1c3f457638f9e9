"""Public disclosure (công khai): documents in force, without signing in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, StreamingResponse
from jinja2 import Environment, select_autoescape

from api import paging
from api.deps import Ctx
from api.errors import responses
from api.files import FILE_TYPES, streamed
from api.schemas import PublicPage
from ledger.document import KINDS

router = APIRouter(tags=["public"])

_PAGE = Environment(autoescape=select_autoescape(default=True)).from_string("""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Tài liệu đang có hiệu lực — {{ name }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>{{ name }}</h1><h2>Tài liệu hệ thống quản lý chất lượng đang có hiệu lực</h2>
<table><thead><tr><th>Mã</th><th>Tên tài liệu</th><th>Loại</th><th>Phiên bản</th><th>Hiệu lực từ</th>
<th>Tệp</th></tr></thead><tbody>
{% for d in items %}<tr><td>{{ d.code }}</td><td>{{ d.title }}</td><td>{{ kinds.get(d.kind, (d.kind,))[0] }}</td>
<td>{{ d.in_force }}</td><td>{{ vndate(d.effective_from) }}</td><td><a href="{{ d.file_url }}">Tải về</a></td></tr>
{% else %}<tr><td colspan="6">Chưa có tài liệu nào được công bố.</td></tr>{% endfor %}
</tbody></table>{% if next_cursor %}<p><a href="?cursor={{ next_cursor }}">Trang sau →</a></p>{% endif %}
</body></html>""")


COLUMNS = ["id", "code", "title", "kind", "department", "in_force", "effective_from"]


def _in_force(ctx: Ctx, agency_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    agency, (rows, nxt) = ctx.uc.registers.public(agency_id, lambda cur, base, params: paging.page(
        cur, f"SELECT {', '.join(COLUMNS)} {base}", params, ["code"], cursor, limit, COLUMNS))
    items = [dict(r, file_url=f"/api/v1/public/documents/{r['id']}/file") for r in rows]
    return {"agency_id": agency_id, "agency_name": agency["name"], "items": items, "next_cursor": nxt}


@router.get("/api/v1/public/agencies/{agency_id}/documents", response_model=PublicPage,
            responses=responses(400, 404, 422), summary="Tài liệu đang có hiệu lực (công khai) / in force, public")
def public_documents(ctx: Ctx, agency_id: str, limit: paging.Limit = 50, cursor: paging.Cursor = None
                     ) -> dict[str, Any]:
    return _in_force(ctx, agency_id, limit, cursor)


@router.get("/public/agencies/{agency_id}", response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}}, "description": "Trang công khai / public page"},
                       **responses(400, 404, 422)},
            summary="Trang công khai tài liệu / public web page")
def public_page(ctx: Ctx, agency_id: str, cursor: Annotated[str | None, Query(max_length=500)] = None
                ) -> HTMLResponse:
    data = _in_force(ctx, agency_id, 100, cursor)
    return HTMLResponse(_PAGE.render(name=data["agency_name"], items=data["items"],
                                     next_cursor=data["next_cursor"], kinds=KINDS, vndate=_vndate))


def _vndate(iso: str | None) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


@router.get("/api/v1/public/documents/{document_id}/file", response_class=StreamingResponse,
            responses={200: FILE_TYPES, **responses(404, 410, 503)},
            summary="Tệp của phiên bản đang có hiệu lực / the file of the version in force")
def public_file(ctx: Ctx, document_id: str) -> StreamingResponse:
    return streamed(ctx.uc.documents.open_public_file(document_id), inline=True)
