"""Who approves which kind of document (Điều 4.3 and 9.3 of the province's rules), and what an agency delegates."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ledger.errors import InvalidInput, NotAllowed
from ledger.vocabulary import Role

# Approval and the approval signature of these belong to the agency leader alone; they cannot be delegated.
RESERVED = ("context_analysis", "quality_policy", "quality_objectives", "audit_programme", "management_review",
            "improvement_programme")
# What department leaders approve unless the agency says otherwise: the working documents of a department.
# The internal audit plan (kế hoạch đánh giá nội bộ) goes to the agency leader by default; the agency may delegate it.
DEFAULT_DELEGATED = ("procedure", "form", "instruction", "regulation", "other")


def delegable(kinds: Collection[str]) -> tuple[str, ...]:
    """The kinds an agency may delegate to its department leaders."""
    return tuple(k for k in kinds if k not in RESERVED)


def check_delegated(values: Any, kinds: Collection[str], field: str = "delegated_kinds") -> list[str]:
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise InvalidInput(f"«{field}» phải là danh sách.", f"'{field}' must be a list.", field=field)
    out = []
    for kind in values:
        if kind in RESERVED:
            raise InvalidInput(f"Loại tài liệu «{kind}» do lãnh đạo cơ quan phê duyệt; không thể ủy quyền.",
                               f"Documents of kind '{kind}' are approved by the agency leader; they cannot be "
                               "delegated.", field=field)
        if kind not in kinds:
            raise InvalidInput(f"Không có loại tài liệu «{kind}».", f"There is no document kind '{kind}'.",
                               field=field)
        if kind not in out:
            out.append(str(kind))
    return sorted(out)


def may_approve(roles: Collection[str], kind: str, delegated: Collection[str]) -> bool:
    """Whether someone holding ``roles`` may approve (and sign for approval) a document of ``kind``."""
    return Role.AGENCY_LEADER in roles or (Role.DEPARTMENT_LEADER in roles and kind in delegated)


def check_approving_role(role: str, kind: str, delegated: Collection[str], label: str) -> None:
    """Refuses a department leader acting on a kind the agency has not delegated (NotAllowed)."""
    if role == Role.AGENCY_LEADER or (role == Role.DEPARTMENT_LEADER and kind in delegated):
        return
    raise NotAllowed(f"«{label}» do lãnh đạo cơ quan phê duyệt và ký phê duyệt; lãnh đạo phòng ban chỉ ký xem xét.",
                     f"Documents of this kind ({kind}) are approved and signed for approval by the agency leader; "
                     "department leaders sign for review only.", code="approval_reserved")
