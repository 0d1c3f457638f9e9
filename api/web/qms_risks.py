"""The risk heat map page of an agency or one of its departments (/qms/risks/heatmap?department_id=), over the
QMS and department use cases; the SVG is drawn on the server (api/web/heatmap.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api import roles as R
from api.web import heatmap
from api.web.core import PageError, WebRoute, agency_in_view, ctx_of, lang_of, render
from api.web.documents import request_id
from api.web.home import User
from ledger.qms.matrix import matrix_named, matrix_on
from ledger.qms.processes.risks import latest

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/qms/risks/heatmap", response_class=HTMLResponse)
def risk_heatmap(request: Request, user: User,
                 department_id: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    agency = agency_in_view(request, user, R.MEMBERS)
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(request_id(request))

    def read(cur: Any, base: str, params: list[Any]) -> list[tuple[str, str]]:
        cur.execute(f"SELECT id, name {base} ORDER BY code", params)
        return [(str(i), str(n)) for i, n in cur.fetchall()]

    departments = uc.departments.page(actor, agency, read)
    names = dict(departments)
    if department_id and department_id not in names:
        raise PageError(404, "Không tìm thấy phòng ban.", "No such department.")
    cases = [c for c in uc.qms.listed(actor, agency, "risks", department_id=department_id or None)
             if c["state"] not in uc.qms.process("risks").final and c["data"].get("kind") == "risk"]
    matrix = matrix_on("risk", uc.registers.today())
    where = names[department_id] if department_id else uc.accounts.agency_name(agency)
    title = (f"Bản đồ nhiệt rủi ro — {where}", f"Risk heat map — {where}")[lang == "en"]
    svg = heatmap.risk_svg(heatmap.cells_of(cases), matrix, title=title, lang=lang, heading=where)
    rows = []
    for c in cases:
        now = latest(c["data"])
        rows.append({"title": c["title"], "department": names.get(c.get("department_id") or "", ""),
                     "cell": (now["likelihood"], now["impact"]) if now else None,
                     "level": matrix_named(now["matrix"]).labels[now["level"]][lang == "en"] if now else None,
                     "matrix": now["matrix"] if now else None, "state": c["state"],
                     "overdue": c["derived"]["overdue_actions"], "reassess": c["derived"]["reassessment_due"]})
    return render(request, "qms_risks_heatmap.html", svg=Markup(svg), departments=departments,
                  chosen=department_id or "", rows=rows, title=title)
