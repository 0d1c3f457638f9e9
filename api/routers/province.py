"""The province's yearly QMS calendar: the plan, each agency's calendar, the dashboard, and the QMS-status reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.answers import json_answer
from api.deps import Ctx, IfMatch, RequestId, allow, etag
from api.errors import responses
from api.security import Principal
from ledger.vocabulary import AgencyLevel, Role
from usecases import reports
from usecases.province import CALENDAR_READERS

router = APIRouter(prefix="/api/v1", tags=["province"])
ProvinceUser = Annotated[Principal, Depends(allow(Role.ADMIN, Role.INSPECTOR))]
Reader = Annotated[Principal, Depends(allow(*CALENDAR_READERS))]
Year = Annotated[int, Query(ge=2000, le=2100, description="Năm / the year")]
READ = responses(401, 403, 404, 422)
CMD = responses(401, 403, 404, 409, 412, 422)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    steps: list[dict[str, Any]] | None = Field(default=None, max_length=30, description=(
        "Các bước (để trống: kế hoạch mẫu) / the steps (empty: the default template), each {key, label: [vi, en], "
        "month, day, roles, after, working_days, done: {subject, states, every, skip, none_is_done}}"))


class PlanRevision(BaseModel):
    year: int = Field(ge=2000, le=2100)
    steps: list[dict[str, Any]] = Field(min_length=1, max_length=30)
    reason: str = Field(min_length=1, max_length=1000)


class GuidanceIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    day: date = Field(description="Ngày ban hành văn bản hướng dẫn mới / the day the new guidance was issued")
    title: str = Field(min_length=1, max_length=500)


def _plan_out(response: Response, plan: dict[str, Any]) -> dict[str, Any]:
    response.headers.update(etag(plan["version"]))
    return plan


@router.get("/province/plan", responses=READ, summary="Kế hoạch HTQLCL của năm / the year's QMS plan")
def get_plan(ctx: Ctx, year: Year, p: Reader, rid: RequestId, response: Response) -> dict[str, Any]:
    return _plan_out(response, ctx.uc.province.plan(p.actor(rid), year))


@router.post("/province/plan", status_code=201, responses=CMD,
             summary="Ban hành kế hoạch HTQLCL của năm / issue the year's QMS plan")
def issue_plan(ctx: Ctx, body: PlanIn, p: ProvinceUser, rid: RequestId, response: Response) -> dict[str, Any]:
    plan = ctx.uc.province.issue_plan(p.actor(rid), body.year, steps=body.steps, title=body.title)
    response.headers["Location"] = f"/api/v1/province/plan?year={body.year}"
    return _plan_out(response, plan)


@router.put("/province/plan/steps", responses=CMD,
            summary="Sửa đổi các bước của kế hoạch / revise the plan's steps")
def revise_plan(ctx: Ctx, body: PlanRevision, p: ProvinceUser, rid: RequestId, expected: IfMatch,
                response: Response) -> dict[str, Any]:
    return _plan_out(response, ctx.uc.province.revise_plan(p.actor(rid), body.year, steps=body.steps,
                                                           reason=body.reason, expected_version=expected))


@router.post("/province/plan/guidance", responses=CMD,
             summary="Ghi nhận văn bản hướng dẫn mới (hạn tính theo ngày làm việc) / record new guidance")
def record_guidance(ctx: Ctx, body: GuidanceIn, p: ProvinceUser, rid: RequestId, expected: IfMatch,
                    response: Response) -> dict[str, Any]:
    return _plan_out(response, ctx.uc.province.record_guidance(p.actor(rid), body.year, day=body.day,
                                                               title=body.title, expected_version=expected))


@router.get("/province/dashboard", responses=READ, response_model=dict[str, Any],
            summary="Bảng theo dõi của tỉnh: mọi cơ quan × mọi bước / every agency × every step")
def dashboard(ctx: Ctx, p: ProvinceUser, rid: RequestId, year: Year,
              level: Annotated[AgencyLevel | None, Query()] = None,
              supervisor: Annotated[str | None, Query(max_length=63)] = None) -> Response:
    return json_answer(ctx.uc.province.dashboard(p.actor(rid), year, level=level, supervisor=supervisor))


@router.get("/province/calendar/{agency_id}", responses=READ,
            summary="Lịch HTQLCL của một cơ quan / one agency's QMS calendar")
def agency_calendar(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId, year: Year) -> dict[str, Any]:
    return ctx.uc.province.calendar(p.actor(rid), agency_id, year)


def _title(year: int, name: str | None = None) -> str:
    where = name or "các cơ quan trong tỉnh"
    return f"Tình hình áp dụng, duy trì HTQLCL theo TCVN ISO 9001:2015 năm {year} của {where}"


def _file(content: bytes, media: str, name: str) -> Response:
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                        "Cache-Control": "no-store"})


@router.get("/province/reports/qms-status.xlsx", response_class=Response, responses=READ,
            summary="Báo cáo tình hình HTQLCL của tỉnh (Excel) / the province's QMS-status report")
def province_xlsx(ctx: Ctx, p: ProvinceUser, rid: RequestId, year: Year,
                  level: Annotated[AgencyLevel | None, Query()] = None) -> Response:
    board = ctx.uc.province.dashboard(p.actor(rid), year, level=level)
    return _file(reports.xlsx(board, _title(year)), XLSX, f"htqlcl-{year}.xlsx")


@router.get("/province/reports/qms-status.pdf", response_class=Response, responses=READ,
            summary="Báo cáo tình hình HTQLCL của tỉnh (PDF) / the province's QMS-status report")
def province_pdf(ctx: Ctx, p: ProvinceUser, rid: RequestId, year: Year,
                 level: Annotated[AgencyLevel | None, Query()] = None) -> Response:
    board = ctx.uc.province.dashboard(p.actor(rid), year, level=level)
    content = reports.pdf(board, _title(year), p.full_name, ctx.uc.accounts.agency_name(p.agency_id))
    return _file(content, "application/pdf", f"htqlcl-{year}.pdf")


@router.get("/agencies/{agency_id}/reports/qms-status.xlsx", response_class=Response, responses=READ,
            summary="Báo cáo tình hình HTQLCL của cơ quan (Excel) / the agency's QMS-status report")
def agency_xlsx(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId, year: Year) -> Response:
    board = ctx.uc.province.calendar(p.actor(rid), agency_id, year)
    return _file(reports.xlsx(board, _title(year, board["agency"]["name"])), XLSX, f"htqlcl-{agency_id}-{year}.xlsx")


@router.get("/agencies/{agency_id}/reports/qms-status.pdf", response_class=Response, responses=READ,
            summary="Báo cáo tình hình HTQLCL của cơ quan (PDF) / the agency's QMS-status report")
def agency_pdf(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId, year: Year) -> Response:
    board = ctx.uc.province.calendar(p.actor(rid), agency_id, year)
    return _file(reports.pdf(board, _title(year, board["agency"]["name"]), p.full_name,
                             ctx.uc.accounts.agency_name(p.agency_id)), "application/pdf",
                 f"htqlcl-{agency_id}-{year}.pdf")
