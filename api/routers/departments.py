"""Departments (phòng ban) of an agency, and the agency's approval rules (what department leaders approve)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api import paging
from api import roles as R
from api.department_schemas import (
    AgencyRulesOut,
    AgencyRulesPatch,
    DepartmentCreate,
    DepartmentOut,
    DepartmentPage,
    DepartmentPatch,
)
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, etag
from api.errors import responses
from api.idempotency import IdempotentRoute
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["agencies"], route_class=IdempotentRoute)

Manager = Annotated[Principal, Depends(allow(*R.ACCOUNT_MANAGERS))]
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]
COLS = ["id", "agency_id", "code", "name", "parent_id", "leader", "closed", "version"]


@router.post("/agencies/{agency_id}/departments", status_code=201, response_model=DepartmentOut,
             responses=responses(401, 403, 404, 409, 422), summary="Tạo phòng ban / create a department")
def create_department(ctx: Ctx, agency_id: str, body: DepartmentCreate, p: Manager, rid: RequestId, key: IdemKey,
                      response: Response) -> DepartmentOut:
    state = ctx.uc.departments.create(p.actor(rid), agency_id, code=body.code, name=body.name,
                                      parent_id=body.parent_id, leader=body.leader)
    response.headers.update(etag(state["version"]))
    response.headers["Location"] = f"/api/v1/departments/{state['id']}"
    return DepartmentOut(**state)


@router.get("/agencies/{agency_id}/departments", response_model=DepartmentPage,
            responses=responses(400, 401, 403, 404, 422), summary="Phòng ban của cơ quan / the agency's departments")
def list_departments(ctx: Ctx, agency_id: str, p: Anyone, limit: paging.Limit = 50, cursor: paging.Cursor = None,
                     closed: Annotated[bool, Query(description="Cả phòng ban đã giải thể / include closed")] = False,
                     ) -> DepartmentPage:
    rows, nxt = ctx.uc.departments.page(p.actor(""), agency_id, lambda cur, base, params: paging.page(
        cur, f"SELECT {', '.join(COLS)} {base}", params, ["code"], cursor, limit, COLS), closed=closed)
    return DepartmentPage(items=[DepartmentOut(**dict(r, closed=bool(r["closed"]))) for r in rows], next_cursor=nxt)


@router.get("/departments/{department_id}", response_model=DepartmentOut, responses=responses(401, 403, 404),
            summary="Một phòng ban / one department")
def get_department(ctx: Ctx, department_id: str, p: Anyone, response: Response) -> DepartmentOut:
    state = ctx.uc.departments.get(p.actor(""), department_id)
    response.headers.update(etag(state["version"]))
    return DepartmentOut(**state)


@router.patch("/departments/{department_id}", response_model=DepartmentOut,
              responses=responses(401, 403, 404, 409, 412, 422),
              summary="Đổi tên, đổi lãnh đạo, giải thể phòng ban / rename, change the leader, close")
def patch_department(ctx: Ctx, department_id: str, body: DepartmentPatch, p: Manager, rid: RequestId,
                     expected: IfMatch, key: IdemKey, response: Response) -> DepartmentOut:
    state = ctx.uc.departments.change(p.actor(rid), department_id, name=body.name, leader=body.leader or None,
                                      change_leader="leader" in body.model_fields_set,
                                      close=body.action == "close", reason=body.reason, expected_version=expected)
    response.headers.update(etag(state["version"]))
    return DepartmentOut(**state)


@router.get("/agencies/{agency_id}/rules", response_model=AgencyRulesOut, responses=responses(401, 403, 404),
            summary="Quy tắc phê duyệt của cơ quan / the agency's approval rules")
def get_rules(ctx: Ctx, agency_id: str, p: Anyone, response: Response) -> AgencyRulesOut:
    state = ctx.uc.departments.rules(p.actor(""), agency_id)
    response.headers.update(etag(state["version"]))
    return AgencyRulesOut(**state)


@router.patch("/agencies/{agency_id}/rules", response_model=AgencyRulesOut,
              responses=responses(401, 403, 404, 409, 412, 422),
              summary="Ủy quyền phê duyệt cho lãnh đạo phòng ban; văn thư kiểm soát tài liệu / delegate approval "
                      "to department leaders; let the records controller control documents")
def patch_rules(ctx: Ctx, agency_id: str, body: AgencyRulesPatch, p: Manager, rid: RequestId, expected: IfMatch,
                key: IdemKey, response: Response) -> AgencyRulesOut:
    state = ctx.uc.departments.set_rules(
        p.actor(rid), agency_id, delegated_kinds=body.delegated_kinds,
        records_controller_controls_documents=body.records_controller_controls_documents,
        require_trusted_approval=body.require_trusted_approval, expected_version=expected)
    response.headers.update(etag(state["version"]))
    return AgencyRulesOut(**state)
