"""Departments (phòng ban) and who manages them: the province administrator anywhere, an agency administrator
at home; reads for the agency's own people (and the inspectors who supervise it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.actors import Actor
from ledger.department import LEADERSHIP, LEADERSHIP_NAME
from ledger.directory import Directory
from ledger.errors import NotFound

AGENCY = ("cơ quan", "agency")
DEPARTMENT = ("phòng ban", "department")
MANAGERS = ("admin", "agency_admin")


def not_found(what: tuple[str, str]) -> NotFound:
    return NotFound(f"Không tìm thấy {what[0]}.", f"No such {what[1]}.", field="id")


def manages(roles: frozenset[str], home: str, agency_id: str) -> bool:
    """Whether someone with ``roles`` of agency ``home`` administers ``agency_id``'s departments and accounts."""
    return "admin" in roles or ("agency_admin" in roles and home == agency_id)


@dataclass
class Departments:
    """The use cases on departments; ``sees(roles, home, agency_id)`` says whose departments a reader may see."""

    directory: Directory
    sees: Callable[[frozenset[str], str, str], bool]

    # ---- scope ----------------------------------------------------------------------------
    def check_manages(self, actor: Actor, agency_id: str) -> None:
        """404 (never 403) when ``actor`` does not administer ``agency_id``, or when it does not exist."""
        if not manages(actor.roles, actor.agency_id, agency_id) or self.directory.find_agency(agency_id) is None:
            raise not_found(AGENCY)

    def check_sees(self, actor: Actor, agency_id: str) -> None:
        if self.directory.find_agency(agency_id) is None or not (
                manages(actor.roles, actor.agency_id, agency_id) or self.sees(actor.roles, actor.agency_id, agency_id)):
            raise not_found(AGENCY)

    def _visible(self, actor: Actor, department_id: str, *, manage: bool) -> dict[str, Any]:
        dep = self.directory.find_department(department_id)
        if dep is None:
            raise not_found(DEPARTMENT)
        ok = manages(actor.roles, actor.agency_id, dep["agency_id"]) or (
            not manage and self.sees(actor.roles, actor.agency_id, dep["agency_id"]))
        if not ok:
            raise not_found(DEPARTMENT)
        return dep

    # ---- reads ----------------------------------------------------------------------------
    def get(self, actor: Actor, department_id: str) -> dict[str, Any]:
        return self._visible(actor, department_id, manage=False)

    # ---- commands -------------------------------------------------------------------------
    def create(self, actor: Actor, agency_id: str, *, code: str, name: str, parent_id: str | None = None,
               leader: str | None = None) -> dict[str, Any]:
        self.check_manages(actor, agency_id)
        return self.directory.create_department(actor, agency_id, code=code, name=name, parent_id=parent_id,
                                                leader=leader)

    def change(self, actor: Actor, department_id: str, *, name: str | None = None, leader: str | None = None,
               change_leader: bool = False, close: bool = False, reason: str = "",
               expected_version: int | None = None) -> dict[str, Any]:
        """Renames, changes the leader (``change_leader``; None removes them) and/or closes, in that order;
        ``expected_version`` (If-Match) guards the first change."""
        state = self._visible(actor, department_id, manage=True)
        if name is not None:
            state = self.directory.rename_department(actor, department_id, name, expected_version=expected_version)
            expected_version = None
        if change_leader:
            state = self.directory.change_department_leader(actor, department_id, leader,
                                                            expected_version=expected_version)
            expected_version = None
        if close:
            state = self.directory.close_department(actor, department_id, reason=reason,
                                                    expected_version=expected_version)
        return state


def department_label(dep_id: str | None, names: dict[str, str], lang: str = "vi") -> str:
    """The name to show for an account's department: the leadership, a department's name, or none yet."""
    if dep_id == LEADERSHIP:
        return LEADERSHIP_NAME[1] if lang == "en" else LEADERSHIP_NAME[0]
    if not dep_id:
        return "—"
    return names.get(dep_id, dep_id)
