"""Agencies and their people (the province's system administrator manages them)."""

from __future__ import annotations

import json
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api import paging
from api import roles as R
from api.context import Principal
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, etag
from api.errors import not_found, responses
from api.idempotency import IdempotentRoute
from api.schemas import AgencyCreate, AgencyOut, AgencyPage, UserCreate, UserOut, UserPage, UserPatch

router = APIRouter(prefix="/api/v1", tags=["agencies"], route_class=IdempotentRoute)
AGENCY = ("cơ quan", "agency")
USER = ("tài khoản", "user")

Admin = Annotated[Principal, Depends(allow("admin"))]
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]
UserReader = Annotated[Principal, Depends(allow(*R.USER_READERS))]


def _visible(ctx: Ctx, p: Principal) -> list[str] | None:
    """None = every agency (the administrator)."""
    if "admin" in p.roles:
        return None
    return ctx.visible_agencies(p, frozenset(R.MEMBERS))


@router.post("/agencies", status_code=201, response_model=AgencyOut, responses=responses(401, 403, 404, 409, 422),
             summary="Tạo cơ quan / create an agency")
def create_agency(ctx: Ctx, body: AgencyCreate, p: Admin, rid: RequestId, key: IdemKey,
                  response: Response) -> AgencyOut:
    state = ctx.directory.create_agency(p.actor(rid), agency_id=body.agency_id, name=body.name,
                                        supervised_by=body.supervised_by)
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    response.headers["Location"] = f"/api/v1/agencies/{state['agency_id']}"
    return AgencyOut(**state)


@router.get("/agencies", response_model=AgencyPage, responses=responses(400, 401, 403, 422),
            summary="Danh sách cơ quan được xem / agencies visible to you")
def list_agencies(ctx: Ctx, p: Anyone, limit: paging.Limit = 50, cursor: paging.Cursor = None) -> AgencyPage:
    ctx.fresh()
    visible = _visible(ctx, p)
    sql, params = "SELECT agency_id, name, supervised_by, version FROM agencies WHERE 1=1", []
    if visible is not None:
        visible = visible or [""]
        sql += f" AND agency_id IN ({','.join('?' * len(visible))})"
        params = list(visible)
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, sql, params, ["agency_id"], cursor, limit,
                                ["agency_id", "name", "supervised_by", "version"])
    items = [AgencyOut(**dict(r, supervised_by=json.loads(r["supervised_by"]))) for r in rows]
    return AgencyPage(items=items, next_cursor=nxt)


@router.get("/agencies/{agency_id}", response_model=AgencyOut, responses=responses(401, 403, 404),
            summary="Thông tin cơ quan / one agency")
def get_agency(ctx: Ctx, agency_id: str, p: Anyone, response: Response) -> AgencyOut:
    visible = _visible(ctx, p)
    if visible is not None and agency_id not in visible:
        raise not_found(*AGENCY)
    state = ctx.agency(agency_id)
    response.headers.update(etag(state["version"]))
    return AgencyOut(**state)


@router.post("/agencies/{agency_id}/users", status_code=201, response_model=UserOut,
             responses=responses(401, 403, 404, 409, 422), summary="Tạo tài khoản / create an account")
def create_user(ctx: Ctx, agency_id: str, body: UserCreate, p: Admin, rid: RequestId, key: IdemKey,
                response: Response) -> UserOut:
    ctx.agency(agency_id)
    password = body.password or secrets.token_urlsafe(12)
    hashed = ctx.passwords.hash(password)
    state = ctx.directory.create_account(p.actor(rid), username=body.username, agency_id=agency_id,
                                         full_name=body.full_name, roles=list(body.roles), email=body.email)
    ctx.store.set_password_hash(state["username"], hashed)
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    response.headers["Location"] = f"/api/v1/users/{state['username']}"
    return UserOut(**state, initial_password=None if body.password else password)


@router.get("/agencies/{agency_id}/users", response_model=UserPage, responses=responses(400, 401, 403, 404, 422),
            summary="Tài khoản của cơ quan / the agency's accounts")
def list_users(ctx: Ctx, agency_id: str, p: UserReader, limit: paging.Limit = 50,
               cursor: paging.Cursor = None) -> UserPage:
    if "admin" not in p.roles:
        ctx.check_visible(p, agency_id, frozenset(R.USER_READERS), AGENCY)
    ctx.agency(agency_id)
    ctx.fresh()
    cols = ["username", "agency_id", "full_name", "roles", "email", "status", "version"]
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, f"SELECT {', '.join(cols)} FROM users WHERE agency_id=?", [agency_id],
                                ["username"], cursor, limit, cols)
    return UserPage(items=[UserOut(**dict(r, roles=json.loads(r["roles"]))) for r in rows], next_cursor=nxt)


@router.patch("/users/{user_id}", response_model=UserOut, responses=responses(401, 403, 404, 409, 412, 422),
              summary="Đổi vai trò, khóa, mở khóa, vô hiệu hóa / change roles, lock, unlock, deactivate")
def patch_user(ctx: Ctx, user_id: str, body: UserPatch, p: Admin, rid: RequestId, expected: IfMatch,
               key: IdemKey, response: Response) -> UserOut:
    if ctx.directory.find_account(user_id) is None:
        raise not_found(*USER)
    actor = p.actor(rid)
    state = ctx.directory.account(user_id)
    if body.roles is not None:
        state = ctx.directory.change_roles(actor, user_id, list(body.roles), expected_version=expected)
        expected = None
    if body.action == "lock":
        state = ctx.directory.lock(actor, user_id, reason=body.reason, expected_version=expected)
    elif body.action == "unlock":
        state = ctx.directory.unlock(actor, user_id, expected_version=expected)
    elif body.action == "deactivate":
        state = ctx.directory.deactivate(actor, user_id, reason=body.reason, expected_version=expected)
    if body.password is not None:
        ctx.store.set_password_hash(user_id, ctx.passwords.hash(body.password))
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    return UserOut(**state)
