"""Who acts: the user, the agency they belong to, their roles, and the request they came with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ledger.errors import NotAllowed
from ledger.vocabulary import Role

ROLES: dict[str, tuple[str, str]] = {
    Role.ADMIN: ("Quản trị hệ thống", "System administrator"),
    Role.AGENCY_ADMIN: ("Quản trị cơ quan", "Agency administrator"),
    Role.ISO_SECRETARY: ("Thư ký ISO", "ISO secretary (document controller)"),
    Role.AGENCY_LEADER: ("Lãnh đạo cơ quan", "Agency leader"),
    Role.DEPARTMENT_LEADER: ("Lãnh đạo phòng ban", "Department leader"),
    Role.RECORDS_CONTROLLER: ("Người kiểm soát hồ sơ", "Records controller"),
    Role.STAFF: ("Công chức", "Staff"),
    Role.INTERNAL_AUDITOR: ("Đánh giá viên nội bộ", "Internal auditor"),
    Role.INSPECTOR: ("Cán bộ kiểm tra", "Inspector"),
    Role.SERVICE_ACCOUNT: ("Tài khoản tích hợp hệ thống", "Service account (integration)"),  # reads the feed only
}
LEADERS = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
ADMINS = (Role.ADMIN, Role.AGENCY_ADMIN)  # the province's administrator, and an agency's own (its agency only)


@dataclass(frozen=True)
class Actor:
    """A signed-in user acting within one agency."""

    user_id: str
    agency_id: str
    roles: frozenset[str]
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        unknown = set(self.roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")

    def meta(self, *allowed: str) -> dict[str, str]:
        """The event metadata for acting in the first of ``allowed`` roles this user holds."""
        for role in allowed:
            if role in self.roles:
                return {"user_id": self.user_id, "role": role, "agency_id": self.agency_id,
                        "request_id": self.request_id}
        names_vi = ", ".join(ROLES[r][0] for r in allowed)
        names_en = ", ".join(ROLES[r][1] for r in allowed)
        raise NotAllowed(f"Chỉ {names_vi} được thực hiện thao tác này.",
                         f"Only {names_en} may do this.", code="role_required")
