"""The traceability page (/qms/traceability?clause=9.2 or ?case=<id>): every QMS case linked to a clause or a case,
both ways and transitively, over ``uc.traceability``; a table indented by how far each case is from the start."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import roles as R
from api.web import i18n, qms_display
from api.web.core import WebRoute, agency_in_view, ctx_of, lang_of, need, render
from api.web.home import User
from api.web.qms import rid
from ledger.qms.actions import actions_of

router = APIRouter(route_class=WebRoute, include_in_schema=False)
WAYS = {"start": ("Điểm xuất phát", "Start"), "up": ("Mục được tham chiếu", "Referred to"),
        "down": ("Mục tham chiếu đến", "Refers to it")}
ACTION_STATES = {"open": ("đang mở", "open"), "done": ("đã xong", "done"), "cancelled": ("đã huỷ", "cancelled")}


def item_row(item: dict[str, Any], names: qms_display.Names, lang: str) -> dict[str, Any]:
    """One traced case as the table shows it: where it stands, its actions and the items naming the clause."""
    actions = [f"{a.get('id', '')} {a.get('action', '')} — {names.person(a.get('owner', ''), lang).text} "
               f"({i18n.pick(ACTION_STATES.get(str(a.get('status')), (str(a.get('status')),) * 2), lang)})"
               for a in actions_of({"actions": item["actions"]})]
    lines = ["§" + str(x["clause"]) + " · " + qms_display.plain(
        {k: v for k, v in x.items() if k not in ("clause", "key", "by", "at", "seq", "role")}, lang)
             for x in item["clause_items"]]
    return {**item, "way": i18n.pick(WAYS[item["direction"]], lang),
            "process_text": i18n.pick(item["process_label"], lang),
            "state_text": i18n.pick(item["state_label"], lang) if item["state_label"] else item["state"],
            "action_texts": actions, "lines": lines,
            "derived_rows": qms_display.derived_rows(item["derived"], lang),
            "url": f"/qms/{item['collection']}/{item['id']}" if item["collection"] else None}


@router.get("/qms/traceability", response_class=HTMLResponse)
def traceability_page(request: Request, user: User,
                      clause: Annotated[str | None, Query(max_length=20)] = None,
                      case: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    need(user, *R.MEMBERS)
    agency = agency_in_view(request, user, R.MEMBERS)
    uc, lang = ctx_of(request).uc, lang_of(request)
    actor = user.actor(rid(request))
    choices = uc.qms.choices(actor, agency)
    names = qms_display.Names.of(choices)
    clause, case = (clause or "").strip() or None, (case or "").strip() or None
    trace = uc.traceability.trace(actor, agency, clause=clause, case_id=case) if clause or case else None
    clauses = sorted({p.clause for p in uc.qms.processes()}, key=lambda c: [int(x) for x in c.split(".")])
    return render(request, "qms_traceability.html", trace=trace, clause=clause or "", case=case or "",
                  rows=[item_row(i, names, lang) for i in trace["items"]] if trace else [],
                  clauses=clauses, cases=choices["cases"],
                  process_labels={p.name: i18n.pick(p.label, lang) for p in uc.qms.processes()})
