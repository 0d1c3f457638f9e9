"""Passwords over HTTP: an administrator resets an account's to a one-time password; everyone changes their own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from api import roles as R
from api.deps import Ctx, IdemKey, RequestId, allow
from api.errors import responses
from api.idempotency import IdempotentRoute
from api.security import Principal

router = APIRouter(prefix="/api/v1", tags=["agencies"], route_class=IdempotentRoute)
Manager = Annotated[Principal, Depends(allow(*R.ACCOUNT_MANAGERS))]
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]


class PasswordReset(BaseModel):
    username: str
    one_time_password: str | None = Field(description="Chỉ trả về một lần (null khi phát lại theo Idempotency-Key: "
                                                      "không lưu) / returned once (null in an Idempotency-Key replay: "
                                                      "never stored); to be changed at next sign-in")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200,
                              description="Ít nhất 12 ký tự, khác tên đăng nhập, không phổ biến / at least 12 "
                                          "characters, not the username, not a common password")


@router.post("/users/{user_id}/password-reset", response_model=PasswordReset,
             responses=responses(401, 403, 404, 422),
             summary="Đặt lại mật khẩu dùng một lần / reset to a one-time password")
def reset_password(ctx: Ctx, user_id: str, p: Manager, rid: RequestId, key: IdemKey) -> PasswordReset:
    one_time = ctx.uc.accounts.reset_password(p.actor(rid), user_id)
    return PasswordReset(username=user_id, one_time_password=one_time)


@router.post("/auth/password", status_code=204, responses=responses(401, 403, 422),
             summary="Đổi mật khẩu của mình / change your own password")
def change_password(ctx: Ctx, body: PasswordChange, p: Anyone, rid: RequestId, key: IdemKey) -> Response:
    """Also ends every other session of the caller (this token keeps working); recorded as PasswordChanged."""
    ctx.uc.accounts.change_own_password(p.actor(rid), current=body.current_password, new=body.new_password,
                                        session=p.session)
    return Response(status_code=204)
