"""Auditor and inspector pages: timelines with hashes, the state on a past date, integrity, CSV and PDF exports,
and the evidence bundle."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api import roles as R
from api.security import Principal
from api.web import export, forms, i18n, paging
from api.web.core import VN, PageError, WebRoute, ctx_of, lang_of, need, render, vndate, vntime
from api.web.documents import describe, request_id
from api.web.home import User
from api.web.people import namer
from ledger.errors import InvalidInput
from ledger.vocabulary import Role

router = APIRouter(route_class=WebRoute, include_in_schema=False)
KINDS = {"documents": ("Document", frozenset(R.DOC_HISTORY)), "records": ("Record", frozenset(R.RECORD_OVERSIGHT))}
AUDITORS = (Role.INTERNAL_AUDITOR, Role.INSPECTOR, Role.ADMIN)
CONFIDENTIAL_EXPORT = frozenset({Role.RECORDS_CONTROLLER, Role.AGENCY_LEADER})  # as the API's record evidence route


def as_of_moment(day: str | None, at_time: str | None, at: str | None) -> datetime | None:
    """The instant to replay to: an exact event time (``at``), or a date (end of that day) and optional time."""
    from usecases.history import within_calendar

    try:
        if at:
            moment = datetime.fromisoformat(at)
            return within_calendar(moment if moment.tzinfo else moment.replace(tzinfo=VN), "at")
        if not day:
            return None
        d = forms.parse_day(day)  # dd/mm/yyyy (or yyyy-mm-dd), hh:mm on the 24-hour clock, in Vietnam time
        t = forms.parse_time(at_time, ("Giờ", "Time")) if at_time else time(23, 59, 59, 999999)
        return within_calendar(datetime.combine(d, t, tzinfo=VN), "day")
    except InvalidInput as e:
        raise PageError(422, e.message_vi, e.message_en) from None
    except ValueError:
        raise PageError(422, "Ngày hoặc giờ không hợp lệ; hãy nhập ngày/tháng/năm và giờ:phút (24 giờ).",
                        "Invalid date or time; type day/month/year and hours:minutes (24-hour).") from None


def load(request: Request, user: Principal, kind: str, aggregate_id: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise PageError(404, "Không tìm thấy trang.", "No such page.")
    return ctx_of(request).uc.history.load(user.actor(request_id(request)), kind, aggregate_id)  # type: ignore[arg-type]


def timeline(request: Request, state: dict[str, Any], moment: datetime | None) -> list[dict[str, Any]]:
    lang = lang_of(request)
    out = []
    for ev in ctx_of(request).uc.history.events(state["id"]):
        at = datetime.fromisoformat(ev["timestamp"])
        out.append({"version": ev["version"], "at": ev["timestamp"], "type": ev["type"],
                    "label": i18n.label(i18n.EVENTS, ev["type"], lang), "actor": ev["meta"].get("user_id", ""),
                    "role": i18n.role(ev["meta"].get("role", ""), lang) if ev["meta"].get("role") else "",
                    "summary": describe(ev, lang), "hash": ev["hash"], "prev_hash": ev["prev_hash"],
                    "future": moment is not None and at > moment})
    return out


@router.get("/documents/{aggregate_id}/history", response_class=HTMLResponse)
@router.get("/records/{aggregate_id}/history", response_class=HTMLResponse)
def history_page(request: Request, user: User, aggregate_id: str,
                 day: Annotated[str | None, Query(max_length=10)] = None,
                 at_time: Annotated[str | None, Query(max_length=8)] = None,
                 at: Annotated[str | None, Query(max_length=40)] = None,
                 start: Annotated[int | None, Query(ge=1)] = None) -> HTMLResponse:
    kind = request.url.path.split("/")[1]
    state = load(request, user, kind, aggregate_id)
    uc = ctx_of(request).uc
    moment = as_of_moment(day, at_time, at)
    then = uc.history.state_at(aggregate_id, moment) if moment else state
    chain = uc.verification.chain(aggregate_id)
    files_checked, found = uc.verification.files(state)
    en = lang_of(request) == "en"
    problems = [{"name": f["name"], "problem": f["problem_en"] if en else f["problem_vi"]} for f in found]
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "start"])
    events, pager = paging.numbered(request, timeline(request, state, moment), start, paging.TIMELINE_PAGE)
    return render(request, "history.html", kind=kind, state=state, then=then, moment=moment,
                  who=namer(request, state["agency_id"]),
                  events=events, pager=pager, chain=chain, files_checked=files_checked,
                  file_problems=problems, day=(moment.astimezone(VN).date().isoformat() if moment else ""),
                  at_time=at_time or "", export_query=("?" + query) if query else "",
                  may_export=may_export(user, kind, state))


def may_export(user: Principal, kind: str, state: dict[str, Any]) -> bool:
    """Whoever may read the history may take its evidence bundle, except a confidential record's (it holds the
    record's files): only its records controller and the agency leader."""
    return not (kind == "records" and state.get("confidentiality") == "confidential"
                and not user.roles & CONFIDENTIAL_EXPORT)


@router.get("/documents/{aggregate_id}/evidence.zip")
@router.get("/records/{aggregate_id}/evidence.zip")
def evidence_bundle(request: Request, user: User, aggregate_id: str) -> StreamingResponse:
    """The evidence bundle of the API (the evidence use case), built into a spooled file and streamed."""
    import tempfile

    from api.files import content_disposition

    kind = request.url.path.split("/")[1]
    state = load(request, user, kind, aggregate_id)
    if not may_export(user, kind, state):
        raise PageError(403, "Hồ sơ mật: chỉ người kiểm soát hồ sơ và lãnh đạo cơ quan được tải gói chứng cứ có tệp "
                        "của hồ sơ.", "A confidential record's evidence bundle holds its files: only the records "
                        "controller and the agency leader may download it.")
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    try:
        ctx_of(request).uc.evidence.bundle(user.actor(request_id(request)), kind,  # type: ignore[arg-type]
                                           aggregate_id, spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)

    def chunks() -> Any:
        try:
            while block := spool.read(1 << 20):
                yield block
        finally:
            spool.close()

    return StreamingResponse(chunks(), media_type="application/zip", headers={
        "Content-Length": str(size),
        "Content-Disposition": content_disposition(f"Chung cu - {state.get('code') or state['id']}.zip")})


def _rows(request: Request, state: dict[str, Any], moment: datetime | None) -> tuple[list[str], list[list[Any]]]:
    _ = i18n.chooser(lang_of(request))
    header = [_("Phiên bản sự kiện", "Event no."), _("Thời điểm (giờ Việt Nam)", "Time (Vietnam)"),
              _("Người thực hiện", "Actor"), _("Vai trò", "Role"), _("Sự kiện", "Event"), _("Nội dung", "What"),
              _("Mã băm SHA-256", "SHA-256 hash"), _("Mã băm trước", "Previous hash")]
    rows = [[e["version"], vntime(e["at"]), e["actor"], e["role"], e["label"], e["summary"], e["hash"],
             e["prev_hash"]] for e in timeline(request, state, moment) if not e["future"]]
    return header, rows


def _export_name(state: dict[str, Any], ext: str) -> str:
    return f"lich-su-{state['code']}.{ext}"


@router.get("/documents/{aggregate_id}/history.csv")
@router.get("/records/{aggregate_id}/history.csv")
def history_csv(request: Request, user: User, aggregate_id: str, day: str | None = None,
                at_time: str | None = None, at: str | None = None) -> Response:
    kind = request.url.path.split("/")[1]
    state = load(request, user, kind, aggregate_id)
    header, rows = _rows(request, state, as_of_moment(day, at_time, at))
    return Response(export.to_csv(header, rows), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(_export_name(state, 'csv'))}"})


@router.get("/documents/{aggregate_id}/history.pdf")
@router.get("/records/{aggregate_id}/history.pdf")
def history_pdf(request: Request, user: User, aggregate_id: str, day: str | None = None,
                at_time: str | None = None, at: str | None = None) -> Response:
    kind = request.url.path.split("/")[1]
    state = load(request, user, kind, aggregate_id)
    moment = as_of_moment(day, at_time, at)
    header, rows = _rows(request, state, moment)
    _ = i18n.chooser(lang_of(request))
    title = (f"{_('Lịch sử', 'History of')} {state['code']} — {state['title']}"
             + (f" ({_('đến', 'up to')} {vntime(moment.isoformat())})" if moment else "")
             + f"\n{_('Xuất lúc', 'Exported')} {vntime(datetime.now(VN).isoformat())}")
    pdf = export.to_pdf(title, header, rows)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(_export_name(state, 'pdf'))}"})


@router.get("/audit", response_class=HTMLResponse)
def audit_home(request: Request, user: User, agency: Annotated[str | None, Query(max_length=63)] = None,
               verify: bool = False) -> HTMLResponse:
    need(user, *AUDITORS)
    ctx = ctx_of(request)
    visible = ctx.uc.visibility.visible_agencies(user, frozenset(AUDITORS))
    if Role.ADMIN in user.roles and agency:
        visible = [*visible, agency]
    agency = agency or (visible[0] if visible else None)
    if agency is not None and agency not in visible:
        raise PageError(404, "Không tìm thấy cơ quan.", "No such agency.")
    docs: list[Any] = []
    recs: list[Any] = []
    if agency:
        docs, recs = ctx.uc.registers.everything(agency)
    report = None
    if verify and agency:  # the check the API's GET /audit/verify makes, the same use case
        report = ctx.uc.verification.check_ledger(user.actor(request_id(request)), agency_id=agency).to_dict()
    names = [(a, ctx.uc.accounts.agency_name(a)) for a in visible]
    return render(request, "audit.html", agencies=names, agency=agency, docs=docs, recs=recs, report=report)


__all__ = ["router", "vndate"]
