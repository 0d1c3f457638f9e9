"""Agencies and their people (the province's system administrator manages them)."""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Response, UploadFile

from api import paging
from api import roles as R
from api.admin_cases import accounts
from api.context import Principal
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, etag
from api.errors import ApiError, not_found, responses
from api.idempotency import IdempotentRoute
from api.schemas import (
    AgencyCreate,
    AgencyOut,
    AgencyPage,
    StampImageOut,
    UserCreate,
    UserOut,
    UserPage,
    UserPatch,
)
from ledger.files import FileRef
from usecases.departments import manages

router = APIRouter(prefix="/api/v1", tags=["agencies"], route_class=IdempotentRoute)
AGENCY = ("cơ quan", "agency")
USER = ("tài khoản", "user")

Admin = Annotated[Principal, Depends(allow("admin"))]
Manager = Annotated[Principal, Depends(allow(*R.ACCOUNT_MANAGERS))]  # the agency administrator: own agency only
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]
UserReader = Annotated[Principal, Depends(allow(*R.USER_READERS))]
SignatureOwner = Annotated[Principal, Depends(allow("admin", *R.LEADERS))]
SealKeeper = Annotated[Principal, Depends(allow("admin", "agency_leader", "records_controller"))]
PNG_FILE = {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}


def _visible(ctx: Ctx, p: Principal) -> list[str] | None:
    """None = every agency (the administrator)."""
    if "admin" in p.roles:
        return None
    own = [p.agency_id] if "agency_admin" in p.roles else []
    return own + [a for a in ctx.visible_agencies(p, frozenset(R.MEMBERS)) if a not in own]


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
def create_user(ctx: Ctx, agency_id: str, body: UserCreate, p: Manager, rid: RequestId, key: IdemKey,
                response: Response) -> UserOut:
    state, one_time = accounts(ctx.directory, ctx.passwords, ctx.store).create(
        p.actor(rid), agency_id, username=body.username, full_name=body.full_name, roles=list(body.roles),
        email=body.email, department=body.department, password=body.password)
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    response.headers["Location"] = f"/api/v1/users/{state['username']}"
    return UserOut(**state, initial_password=one_time)


@router.get("/agencies/{agency_id}/users", response_model=UserPage, responses=responses(400, 401, 403, 404, 422),
            summary="Tài khoản của cơ quan / the agency's accounts")
def list_users(ctx: Ctx, agency_id: str, p: UserReader, limit: paging.Limit = 50,
               cursor: paging.Cursor = None) -> UserPage:
    if not manages(p.roles, p.agency_id, agency_id):
        ctx.check_visible(p, agency_id, frozenset(R.USER_READERS), AGENCY)
    ctx.agency(agency_id)
    ctx.fresh()
    cols = ["username", "agency_id", "full_name", "roles", "email", "status", "version", "department"]
    with ctx.db.transaction(write=False) as cur:
        rows, nxt = paging.page(cur, f"SELECT {', '.join(cols)} FROM users WHERE agency_id=?", [agency_id],
                                ["username"], cursor, limit, cols)
    return UserPage(items=[UserOut(**dict(r, roles=json.loads(r["roles"]))) for r in rows], next_cursor=nxt)


@router.patch("/users/{user_id}", response_model=UserOut, responses=responses(401, 403, 404, 409, 412, 422),
              summary="Đổi tên, thư điện tử, phòng ban, vai trò; khóa, mở khóa, vô hiệu hóa / change name, e-mail, "
                      "department, roles; lock, unlock, deactivate")
def patch_user(ctx: Ctx, user_id: str, body: UserPatch, p: Manager, rid: RequestId, expected: IfMatch,
               key: IdemKey, response: Response) -> UserOut:
    state = accounts(ctx.directory, ctx.passwords, ctx.store).change(
        p.actor(rid), user_id, full_name=body.full_name, email=body.email, department=body.department,
        roles=None if body.roles is None else list(body.roles), action=body.action, reason=body.reason,
        password=body.password, expected_version=expected)
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    return UserOut(**state)


# ---- signature and seal images (drawn on the Decree 30 stamp) ------------------------------------
def _checked_png(upload: UploadFile, field: str) -> bytes:
    from signing.images import MAX_BYTES, check_png

    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApiError(413, "file_too_large", f"Ảnh lớn hơn {MAX_BYTES // 1024} KiB.",
                       f"The image is larger than {MAX_BYTES // 1024} KiB.", field=field)
    return check_png(data, field).data


def _png(ctx: Ctx, file: dict[str, Any] | None, scope: str) -> Response:
    if not file:
        raise not_found("ảnh", "image")
    ref = FileRef.from_dict(file)
    return Response(ctx.archive.read_bytes(ref, scope), media_type="image/png",
                    headers={"ETag": f'"{ref.sha256}"', "Cache-Control": "private, max-age=300"})


def _own_account(ctx: Ctx, p: Principal, user_id: str, *, read: bool = False) -> dict[str, Any]:
    account = ctx.directory.find_account(user_id)
    if account is None or not ("admin" in p.roles or account["agency_id"] == p.agency_id
                               or (read and ctx.sees(p, account["agency_id"]))):
        raise not_found(*USER)
    return account


@router.put("/users/{user_id}/signature-image", response_model=StampImageOut,
            responses=responses(401, 403, 404, 409, 412, 413, 422),
            summary="Tải lên ảnh chữ ký của lãnh đạo (PNG nền trong suốt) / upload a leader's signature image")
def put_signature_image(ctx: Ctx, user_id: str, p: SignatureOwner, rid: RequestId, expected: IfMatch, key: IdemKey,
                        response: Response, file: Annotated[UploadFile, File(
                            description="PNG nền trong suốt, tối đa 512 KiB và 2 triệu điểm ảnh")]) -> StampImageOut:
    from signing.version import account_scope

    _own_account(ctx, p, user_id)
    data = _checked_png(file, "signature_image")
    ref = ctx.archive.put(io.BytesIO(data), file.filename or "chu-ky.png", account_scope(user_id))
    state = ctx.directory.set_signature_image(p.actor(rid), user_id, file=ref.to_dict(), expected_version=expected)
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    return StampImageOut(file=ref.to_dict(), version=state["version"])  # type: ignore[arg-type]


@router.get("/users/{user_id}/signature-image", response_class=Response, responses={200: PNG_FILE,
            **responses(401, 403, 404)}, summary="Ảnh chữ ký đang dùng / the signature image on file")
def get_signature_image(ctx: Ctx, user_id: str, p: Anyone) -> Response:
    from signing.version import account_scope

    return _png(ctx, _own_account(ctx, p, user_id, read=True).get("signature_image"), account_scope(user_id))


def _own_agency(ctx: Ctx, p: Principal, agency_id: str, *, read: bool = False) -> dict[str, Any]:
    if not ("admin" in p.roles or agency_id == p.agency_id or (read and ctx.sees(p, agency_id))):
        raise not_found(*AGENCY)
    return ctx.agency(agency_id)


@router.put("/agencies/{agency_id}/seal-image", response_model=StampImageOut,
            responses=responses(401, 403, 404, 409, 412, 413, 422),
            summary="Tải lên ảnh con dấu của cơ quan (PNG nền trong suốt) / upload the agency's seal image")
def put_seal_image(ctx: Ctx, agency_id: str, p: SealKeeper, rid: RequestId, expected: IfMatch, key: IdemKey,
                   response: Response, file: Annotated[UploadFile, File(
                       description="PNG nền trong suốt, tối đa 512 KiB và 2 triệu điểm ảnh")]) -> StampImageOut:
    from signing.version import agency_scope

    _own_agency(ctx, p, agency_id)
    data = _checked_png(file, "seal_image")
    ref = ctx.archive.put(io.BytesIO(data), file.filename or "con-dau.png", agency_scope(agency_id))
    state = ctx.directory.set_seal_image(p.actor(rid), agency_id, file=ref.to_dict(), expected_version=expected)
    ctx.after_command()
    response.headers.update(etag(state["version"]))
    return StampImageOut(file=ref.to_dict(), version=state["version"])  # type: ignore[arg-type]


@router.get("/agencies/{agency_id}/seal-image", response_class=Response, responses={200: PNG_FILE,
            **responses(401, 403, 404)}, summary="Ảnh con dấu đang dùng / the seal image on file")
def get_seal_image(ctx: Ctx, agency_id: str, p: Anyone) -> Response:
    from signing.version import agency_scope

    return _png(ctx, _own_agency(ctx, p, agency_id, read=True).get("seal_image"), agency_scope(agency_id))
