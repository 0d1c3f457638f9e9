"""Agencies and their people (the province's system administrator manages them)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Response, UploadFile

from api import paging
from api import roles as R
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, etag
from api.errors import responses
from api.files import read_limited
from api.idempotency import IdempotentRoute
from api.schemas import (
    AgencyCreate,
    AgencyOut,
    AgencyPage,
    AgencyPatch,
    StampImageOut,
    UserCreate,
    UserOut,
    UserPage,
    UserPatch,
)
from api.security import Principal
from ledger.files import FileRef
from ledger.vocabulary import Role

router = APIRouter(prefix="/api/v1", tags=["agencies"], route_class=IdempotentRoute)

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
Manager = Annotated[Principal, Depends(allow(*R.ACCOUNT_MANAGERS))]  # the agency administrator: own agency only
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]
UserReader = Annotated[Principal, Depends(allow(*R.USER_READERS))]
SignatureOwner = Annotated[Principal, Depends(allow(Role.ADMIN, *R.LEADERS))]
SealKeeper = Annotated[Principal, Depends(allow(Role.ADMIN, Role.AGENCY_LEADER, Role.RECORDS_CONTROLLER))]
PNG_FILE = {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}
AGENCY_COLS = ["agency_id", "name", "supervised_by", "version", "level"]
USER_COLS = ["username", "agency_id", "full_name", "roles", "email", "status", "version", "department"]


@router.post("/agencies", status_code=201, response_model=AgencyOut, responses=responses(401, 403, 404, 409, 422),
             summary="Tạo cơ quan / create an agency")
def create_agency(ctx: Ctx, body: AgencyCreate, p: Admin, rid: RequestId, key: IdemKey,
                  response: Response) -> AgencyOut:
    state = ctx.uc.accounts.create_agency(p.actor(rid), agency_id=body.agency_id, name=body.name,
                                          supervised_by=body.supervised_by, level=body.level)
    response.headers.update(etag(state["version"]))
    response.headers["Location"] = f"/api/v1/agencies/{state['agency_id']}"
    return AgencyOut(**state)


@router.patch("/agencies/{agency_id}", response_model=AgencyOut, responses=responses(401, 403, 404, 409, 412, 422),
              summary="Đổi tên, cấp, cơ quan giám sát / change an agency's name, level, supervisors")
def patch_agency(ctx: Ctx, agency_id: str, body: AgencyPatch, p: Admin, rid: RequestId, expected: IfMatch,
                 key: IdemKey, response: Response) -> AgencyOut:
    state = ctx.uc.accounts.update_agency(p.actor(rid), agency_id, name=body.name, supervised_by=body.supervised_by,
                                          level=body.level, expected_version=expected)
    response.headers.update(etag(state["version"]))
    return AgencyOut(**state)


@router.get("/agencies", response_model=AgencyPage, responses=responses(400, 401, 403, 422),
            summary="Danh sách cơ quan được xem / agencies visible to you")
def list_agencies(ctx: Ctx, p: Anyone, rid: RequestId, limit: paging.Limit = 50,
                  cursor: paging.Cursor = None) -> AgencyPage:
    rows, nxt = ctx.uc.accounts.agencies(p.actor(rid), lambda cur, base, params: paging.page(
        cur, f"SELECT {', '.join(AGENCY_COLS)} {base}", params, ["agency_id"], cursor, limit, AGENCY_COLS))
    items = [AgencyOut(**dict(r, supervised_by=json.loads(r["supervised_by"]))) for r in rows]
    return AgencyPage(items=items, next_cursor=nxt)


@router.get("/agencies/{agency_id}", response_model=AgencyOut, responses=responses(401, 403, 404),
            summary="Thông tin cơ quan / one agency")
def get_agency(ctx: Ctx, agency_id: str, p: Anyone, rid: RequestId, response: Response) -> AgencyOut:
    state = ctx.uc.accounts.agency(p.actor(rid), agency_id)
    response.headers.update(etag(state["version"]))
    return AgencyOut(**state)


@router.post("/agencies/{agency_id}/users", status_code=201, response_model=UserOut,
             responses=responses(401, 403, 404, 409, 422), summary="Tạo tài khoản / create an account")
def create_user(ctx: Ctx, agency_id: str, body: UserCreate, p: Manager, rid: RequestId, key: IdemKey,
                response: Response) -> UserOut:
    state, generated = ctx.uc.accounts.create(
        p.actor(rid), agency_id, username=body.username, full_name=body.full_name, roles=list(body.roles),
        email=body.email, department=body.department, password=body.password)
    response.headers.update(etag(state["version"]))
    response.headers["Location"] = f"/api/v1/users/{state['username']}"
    return UserOut(**state, initial_password=generated)


@router.get("/agencies/{agency_id}/users", response_model=UserPage, responses=responses(400, 401, 403, 404, 422),
            summary="Tài khoản của cơ quan / the agency's accounts")
def list_users(ctx: Ctx, agency_id: str, p: UserReader, rid: RequestId, limit: paging.Limit = 50,
               cursor: paging.Cursor = None) -> UserPage:
    rows, nxt = ctx.uc.accounts.accounts(p.actor(rid), agency_id, lambda cur, base, params: paging.page(
        cur, f"SELECT {', '.join(USER_COLS)} {base}", params, ["username"], cursor, limit, USER_COLS))
    return UserPage(items=[UserOut(**dict(r, roles=json.loads(r["roles"]))) for r in rows], next_cursor=nxt)


@router.patch("/users/{user_id}", response_model=UserOut, responses=responses(401, 403, 404, 409, 412, 422),
              summary="Đổi tên, thư điện tử, phòng ban, vai trò; khóa, mở khóa, vô hiệu hóa / change name, e-mail, "
                      "department, roles; lock, unlock, deactivate")
def patch_user(ctx: Ctx, user_id: str, body: UserPatch, p: Manager, rid: RequestId, expected: IfMatch,
               key: IdemKey, response: Response) -> UserOut:
    state = ctx.uc.accounts.change(
        p.actor(rid), user_id, full_name=body.full_name, email=body.email, department=body.department,
        roles=None if body.roles is None else list(body.roles), action=body.action, reason=body.reason,
        password=body.password, expected_version=expected)
    response.headers.update(etag(state["version"]))
    return UserOut(**state)


# ---- signature and seal images (drawn on the Decree 30 stamp) ------------------------------------
def _png_upload(upload: UploadFile, field: str) -> bytes:
    from signing.images import MAX_BYTES

    return read_limited(upload, MAX_BYTES, field, f"Ảnh lớn hơn {MAX_BYTES // 1024} KiB.",
                        f"The image is larger than {MAX_BYTES // 1024} KiB.")


def _png(ref: FileRef, data: bytes) -> Response:
    return Response(data, media_type="image/png",
                    headers={"ETag": f'"{ref.sha256}"', "Cache-Control": "private, max-age=300"})


@router.put("/users/{user_id}/signature-image", response_model=StampImageOut,
            responses=responses(401, 403, 404, 409, 412, 413, 422),
            summary="Tải lên ảnh chữ ký của lãnh đạo (PNG nền trong suốt) / upload a leader's signature image")
def put_signature_image(ctx: Ctx, user_id: str, p: SignatureOwner, rid: RequestId, expected: IfMatch, key: IdemKey,
                        response: Response, file: Annotated[UploadFile, File(
                            description="PNG nền trong suốt, tối đa 512 KiB và 2 triệu điểm ảnh")]) -> StampImageOut:
    ref, state = ctx.uc.accounts.set_signature_image(
        p.actor(rid), user_id, lambda: _png_upload(file, "signature_image"), file.filename, expected_version=expected)
    response.headers.update(etag(state["version"]))
    return StampImageOut(file=ref.to_dict(), version=state["version"])  # type: ignore[arg-type]


@router.get("/users/{user_id}/signature-image", response_class=Response, responses={200: PNG_FILE,
            **responses(401, 403, 404)}, summary="Ảnh chữ ký đang dùng / the signature image on file")
def get_signature_image(ctx: Ctx, user_id: str, p: Anyone, rid: RequestId) -> Response:
    return _png(*ctx.uc.accounts.signature_image(p.actor(rid), user_id))


@router.put("/agencies/{agency_id}/seal-image", response_model=StampImageOut,
            responses=responses(401, 403, 404, 409, 412, 413, 422),
            summary="Tải lên ảnh con dấu của cơ quan (PNG nền trong suốt) / upload the agency's seal image")
def put_seal_image(ctx: Ctx, agency_id: str, p: SealKeeper, rid: RequestId, expected: IfMatch, key: IdemKey,
                   response: Response, file: Annotated[UploadFile, File(
                       description="PNG nền trong suốt, tối đa 512 KiB và 2 triệu điểm ảnh")]) -> StampImageOut:
    ref, state = ctx.uc.accounts.set_seal_image(p.actor(rid), agency_id, lambda: _png_upload(file, "seal_image"),
                                                file.filename, expected_version=expected)
    response.headers.update(etag(state["version"]))
    return StampImageOut(file=ref.to_dict(), version=state["version"])  # type: ignore[arg-type]


@router.get("/agencies/{agency_id}/seal-image", response_class=Response, responses={200: PNG_FILE,
            **responses(401, 403, 404)}, summary="Ảnh con dấu đang dùng / the seal image on file")
def get_seal_image(ctx: Ctx, agency_id: str, p: Anyone, rid: RequestId) -> Response:
    return _png(*ctx.uc.accounts.seal_image(p.actor(rid), agency_id))
