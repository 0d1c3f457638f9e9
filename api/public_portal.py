"""The public disclosure portal's answers (Điều 4.1): assembled from public reads only, cacheable (strong ETag,
If-None-Match → 304, Cache-Control: public), one page per agency and a province index (routes: api/routers/public.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from api import paging
from api.seed import HOME_AGENCY
from api.web import i18n
from api.web.core import ENV
from ledger.document import KINDS
from ledger.record import CONFIDENTIALITY
from ledger.tthc import FIGURE_LABELS, LEVELS
from usecases.tthc import PROC_COLUMNS, document_id

MAX_AGE = 60  # seconds a browser or a proxy may reuse an answer without asking again
DOC_COLUMNS = ["id", "code", "title", "kind", "department", "in_force", "effective_from"]
RECENT_MONTHS = 6  # the months of figures the agency page shows per procedure (the JSON has them all)


def lang_of(request: Request) -> str:
    """The portal's language comes from the address (``?lang=en``), never a cookie: every answer is cacheable."""
    return "en" if request.query_params.get("lang") == "en" else "vi"


def cached(request: Request, ctx: Any, make: Callable[[], Response]) -> Response:
    """``make()``'s answer with a strong ETag and Cache-Control; 304 (nothing rendered) when the caller's
    If-None-Match already holds that ETag."""
    tag = ctx.uc.disclosure.tag(request.url.path, str(request.url.query))
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={MAX_AGE}"}
    held = request.headers.get("if-none-match", "")
    if held.strip() == "*" or tag in (t.strip().removeprefix("W/") for t in held.split(",")):
        return Response(status_code=304, headers=headers)
    response = make()
    response.headers.update(headers)
    return response


def json_answer(data: Any) -> JSONResponse:
    return JSONResponse(data)


def page(template: str, request: Request, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    other = "vi" if lang == "en" else "en"
    query = {k: v for k, v in request.query_params.items() if k != "lang"} | ({"lang": "en"} if other == "en" else {})
    switch = request.url.path + (f"?{urlencode(query)}" if query else "")
    html = ENV.get_template(template).render(lang=lang, _=i18n.chooser(lang), i18n=i18n, pick=i18n.pick,
                                             switch_url=switch, other_lang=other, path=request.url.path,
                                             lang_q="?lang=en" if lang == "en" else "", **values)
    return HTMLResponse(html)


# ---- what is public ---------------------------------------------------------------------------------
def index(ctx: Any, q: str | None) -> dict[str, Any]:
    agencies = ctx.uc.disclosure.agencies(q, hidden=frozenset({HOME_AGENCY}))  # the administrators' home
    return {"q": q or "", "items": [{**a, "url": f"/public/agencies/{a['agency_id']}",
                                     "api_url": f"/api/v1/public/agencies/{a['agency_id']}"} for a in agencies]}


def procedures(ctx: Any, agency_id: str, limit: int = 500, cursor: str | None = None) -> dict[str, Any]:
    def read(cur: Any, base: str, params: list[Any]) -> Any:
        return paging.page(cur, f"SELECT {', '.join(PROC_COLUMNS)} {base}", params, ["code"], cursor, limit,
                           PROC_COLUMNS)

    _, (rows, nxt), figures = ctx.uc.tthc.listed(None, agency_id, read, public=True)
    in_force = {d["code"] for d in documents(ctx, agency_id, 500, None)["items"]}

    def governing(code: str | None) -> dict[str, Any] | None:
        """The governing QMS document's code, and its file while a version of it is in force."""
        if not code:
            return None
        url = f"/api/v1/public/documents/{document_id(agency_id, code)}/file" if code in in_force else None
        return {"code": code, "file_url": url}

    items = [{"code": r["code"], "name": r["name"], "field": r["field"], "level": r["level"],
              "level_label": list(LEVELS.get(r["level"], (r["level"], r["level"]))),
              "document": governing(r["document"]),
              "figures": [{"period": p, **{k: f[k] for k in FIGURE_LABELS}} for p, f in figures[r["id"]].items()]}
             for r in rows]
    return {"agency_id": agency_id, "items": items, "next_cursor": nxt}


def documents(ctx: Any, agency_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    agency, (rows, nxt) = ctx.uc.registers.public(agency_id, lambda cur, base, params: paging.page(
        cur, f"SELECT {', '.join(DOC_COLUMNS)} {base}", params, ["code"], cursor, limit, DOC_COLUMNS))
    items = [dict(r, file_url=f"/api/v1/public/documents/{r['id']}/file") for r in rows]
    return {"agency_id": agency_id, "agency_name": agency["name"], "items": items, "next_cursor": nxt}


def disclosure(ctx: Any, agency_id: str, *, doc_cursor: str | None = None) -> dict[str, Any]:
    """Everything the agency discloses, as the page and its JSON twin show it."""
    uc = ctx.uc.disclosure
    agency = uc.agency(agency_id)
    docs = documents(ctx, agency_id, 100, doc_cursor)
    return {
        "agency_id": agency_id, "agency_name": agency["name"],
        "procedures": procedures(ctx, agency_id)["items"],
        "procedure_totals": ctx.uc.tthc.totals(agency_id),
        "processes": uc.cases(agency_id),
        "documents": docs["items"], "documents_next_cursor": docs["next_cursor"],
        "records": [{k: r[k] for k in ("code", "title", "series", "closed_on", "files")}
                    for r in uc.records(agency_id)],
        "sections": uc.sections(agency_id),
    }


def agency_page(request: Request, ctx: Any, agency_id: str, cursor: str | None) -> HTMLResponse:
    data = disclosure(ctx, agency_id, doc_cursor=cursor)
    periods = sorted({f["period"] for p in data["procedures"] for f in p["figures"]})[-RECENT_MONTHS:]
    return page("public_agency.html", request, d=data, kinds=KINDS, confidentiality=CONFIDENTIALITY,
                levels=LEVELS, figure_labels=FIGURE_LABELS, periods=periods, period_label=_period,
                json_dumps=lambda v: json.dumps(v, ensure_ascii=False))


def index_page(request: Request, ctx: Any, q: str | None) -> HTMLResponse:
    return page("public_index.html", request, d=index(ctx, q))


def _period(period: str) -> str:
    """2026-03 → 03/2026."""
    return f"{period[5:7]}/{period[:4]}"
