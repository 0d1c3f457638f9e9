"""The people a command names, checked against the agency's accounts: who may review and who may approve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.approval import may_approve
from ledger.document import KINDS
from ledger.errors import InvalidInput

Facts = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class AgencyRules:
    """An agency's rules for documents; ``facts`` looks an account up (None when the agency is not in the
    directory, as in a ledger used on its own: then people are not checked)."""

    agency_id: str
    delegated: tuple[str, ...]
    controllers: tuple[str, ...]
    facts: Facts | None

    def member(self, username: Any, field: str) -> dict[str, Any]:
        """The account ``username`` if it is an active account of the agency (422 naming ``field`` if not)."""
        if self.facts is None:
            return {"username": username}
        acc = self.facts(str(username))
        if acc.get("agency_id") != self.agency_id:
            raise InvalidInput(f"«{username}» không phải tài khoản của cơ quan.",
                               f"'{username}' is not an account of this agency.", field=field)
        if acc.get("status") != "active":
            raise InvalidInput(f"Tài khoản «{username}» không còn hoạt động.",
                               f"The account '{username}' is no longer active.", field=field)
        return acc

    def check_people(self, kind: str, reviewers: Any, approver: Any) -> None:
        """Reviewers are the agency's active accounts; the approver is one who may approve ``kind``."""
        if self.facts is None:
            return
        for reviewer in reviewers if isinstance(reviewers, list | tuple) else []:
            self.member(reviewer, "reviewers")
        if not isinstance(approver, str) or not approver.strip():
            return  # the document's own check names the missing approver
        acc = self.member(approver.strip(), "approver")
        if not may_approve(acc.get("roles", ()), kind, self.delegated):
            label_vi, label_en = KINDS[kind][0], KINDS[kind][1].lower()
            if "department_leader" in acc.get("roles", ()):
                vi = (f"«{approver}» là lãnh đạo phòng ban; «{label_vi}» do lãnh đạo cơ quan phê duyệt "
                      "(cơ quan chưa ủy quyền loại tài liệu này cho lãnh đạo phòng ban).")
                en = (f"'{approver}' is a department leader; a {label_en} is approved by the agency leader "
                      "(the agency has not delegated this kind to department leaders).")
            else:
                vi = f"«{approver}» không có quyền phê duyệt «{label_vi}»; hãy chọn lãnh đạo cơ quan."
                en = f"'{approver}' may not approve a {label_en}; choose the agency leader."
            raise InvalidInput(vi, en, field="approver", code="approver_not_allowed")
