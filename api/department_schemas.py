"""Request and response bodies of the departments and agency-rules routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import CODE, OPTIONAL_TEXT, TEXT


class DepartmentCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=CODE, examples=["P-KHTC"])
    name: str = Field(min_length=1, max_length=300, pattern=TEXT, examples=["Phòng Kế hoạch – Tài chính"])
    parent_id: str | None = Field(default=None, max_length=100, description="Phòng ban cấp trên / parent department")
    leader: str | None = Field(default=None, max_length=100, json_schema_extra={"x-person": "account"},
                               description="Tên đăng nhập của lãnh đạo phòng ban / the leader's username")


class DepartmentPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=300, pattern=TEXT)
    leader: str | None = Field(default=None, max_length=100, json_schema_extra={"x-person": "account"},
                               description="Lãnh đạo mới; null để bỏ trống / the new leader; null for none")
    action: Literal["close"] | None = Field(default=None, description="close: giải thể / close the department")
    reason: str = Field(default="", max_length=500, pattern=OPTIONAL_TEXT)


class DepartmentOut(BaseModel):
    id: str
    agency_id: str
    code: str
    name: str
    parent_id: str | None
    leader: str | None
    closed: bool
    version: int


class DepartmentPage(BaseModel):
    items: list[DepartmentOut]
    next_cursor: str | None


class AgencyRulesOut(BaseModel):
    agency_id: str
    delegated_kinds: list[str] = Field(description="Loại tài liệu lãnh đạo phòng ban được phê duyệt / kinds "
                                                   "department leaders may approve")
    records_controller_controls_documents: bool
    require_trusted_approval: bool = Field(default=False, description="Chữ ký phê duyệt phải có chuỗi chứng thư "
                                           "đến chứng thư gốc tin cậy / approval signatures must chain to a trust root")
    version: int


class AgencyRulesPatch(BaseModel):
    delegated_kinds: list[str] | None = Field(default=None, max_length=20)
    records_controller_controls_documents: bool | None = None
    require_trusted_approval: bool | None = None
