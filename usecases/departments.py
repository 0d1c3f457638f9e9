"""Departments (phòng ban) and who manages them: the province administrator anywhere, an agency administrator
at home; reads for the agency's own people (and the inspectors who supervise it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ledger.actors import Actor
from ledger.department import LEADERSHIP, LEADERSHIP_NAME
from ledger.directory import Directory
from ledger.vocabulary import Role
from usecases.deps import Deps
from usecases.visibility import AGENCY, DEPARTMENT, Visibility, not_found

T = TypeVar("T")
Read = Callable[[Any, str, list[Any]], T]
MANAGERS = (Role.ADMIN, Role.AGENCY_ADMIN)
COLUMNS = "id, agency_id, code, name, parent_id, leader, closed, version"


def manages(roles: frozenset[str], home: str, agency_id: str) -> bool:
    """Whether someone with ``roles`` of agency ``home`` administers ``agency_id``'s departments and accounts."""
    return Role.ADMIN in roles or (Role.AGENCY_ADMIN in roles and home == agency_id)


class Departments:
    """The use cases on departments and an agency's approval rules; readers are the agency's own people and the
    inspectors of the agencies that supervise it (``Visibility.sees``)."""

    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    @property
    def directory(self) -> Directory:
        return self.deps.directory

    def sees(self, roles: frozenset[str], home: str, agency_id: str) -> bool:
        return home == agency_id or (Role.INSPECTOR in roles and agency_id in self.visibility.supervised_by(home))

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

    def history(self, actor: Actor, department_id: str) -> list[Any]:
        """The department's events, oldest first, if ``actor`` may see it."""
        return self.deps.ledger.history(self.get(actor, department_id)["id"])

    def page(self, actor: Actor, agency_id: str, read: Read[T], *, closed: bool = False) -> T:
        """The agency's departments (closed ones too with ``closed``) through ``read(cursor, base, params)``."""
        self.check_sees(actor, agency_id)
        return self._read(agency_id, read, closed=closed)

    def listed(self, actor: Actor, agency_id: str, *, closed: bool = True) -> list[dict[str, Any]]:
        """The agency's departments by code, for someone who administers it."""
        self.check_manages(actor, agency_id)

        def read(cur: Any, base: str, params: list[Any]) -> list[dict[str, Any]]:
            cur.execute(f"SELECT {COLUMNS} {base} ORDER BY code", params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        return self._read(agency_id, read, closed=closed)

    def _read(self, agency_id: str, read: Read[T], *, closed: bool) -> T:
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            return read(cur, "FROM departments WHERE agency_id=?" + ("" if closed else " AND closed=0"), [agency_id])

    def rules(self, actor: Actor, agency_id: str) -> dict[str, Any]:
        """The agency (its approval rules among its state), for anyone who may see its departments."""
        self.check_sees(actor, agency_id)
        return self.visibility.agency(agency_id)

    def managed_agency(self, actor: Actor, agency_id: str) -> dict[str, Any]:
        """The agency, if ``actor`` administers it (404 otherwise)."""
        self.check_manages(actor, agency_id)
        return self.visibility.agency(agency_id)

    def set_rules(self, actor: Actor, agency_id: str, *, delegated_kinds: Any = None,
                  records_controller_controls_documents: Any = None, require_trusted_approval: Any = None,
                  expected_version: int | None = None) -> dict[str, Any]:
        """Which kinds department leaders approve, and whether the records controller controls documents."""
        self.check_manages(actor, agency_id)
        state = self.directory.set_agency_rules(
            actor, agency_id, delegated_kinds=delegated_kinds,
            records_controller_controls_documents=records_controller_controls_documents,
            require_trusted_approval=require_trusted_approval, expected_version=expected_version)
        self.deps.projections.after_command()
        return state

    # ---- commands -------------------------------------------------------------------------
    def create(self, actor: Actor, agency_id: str, *, code: str, name: str, parent_id: str | None = None,
               leader: str | None = None) -> dict[str, Any]:
        self.check_manages(actor, agency_id)
        state = self.directory.create_department(actor, agency_id, code=code, name=name, parent_id=parent_id,
                                                 leader=leader)
        self.deps.projections.after_command()
        return state

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
        self.deps.projections.after_command()
        return state


def department_label(dep_id: str | None, names: dict[str, str], lang: str = "vi") -> str:
    """The name to show for an account's department: the leadership, a department's name, or none yet."""
    if dep_id == LEADERSHIP:
        return LEADERSHIP_NAME[1] if lang == "en" else LEADERSHIP_NAME[0]
    if not dep_id:
        return "—"
    return names.get(dep_id, dep_id)
