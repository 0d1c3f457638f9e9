"""The department (phòng ban) of an agency: code, name, parent, leader, and its lifecycle as events."""

from __future__ import annotations

from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger import validation as v
from ledger.actors import ADMINS, Actor
from ledger.aggregate import LedgerAggregate
from ledger.errors import NotAllowed, RuleViolation
from ledger.vocabulary import Role

LEADERSHIP = "leadership"  # an account's department when it sits in the agency's leadership (Ban lãnh đạo)
LEADERSHIP_NAME = ("Ban lãnh đạo", "Agency leadership")


def department_uuid(agency_id: str, code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"isoledger:department:{agency_id}:{code}")


def admin_meta(actor: Actor, agency_id: str) -> dict[str, str]:
    """Metadata for an administrative act on ``agency_id``: the province administrator acts on any agency,
    an agency administrator on its own only."""
    meta = actor.meta(*ADMINS)
    if meta["role"] == Role.AGENCY_ADMIN and actor.agency_id != agency_id:
        raise NotAllowed("Quản trị cơ quan chỉ quản lý cơ quan của mình.",
                         "An agency administrator manages their own agency only.", code="other_agency")
    return meta


class Department(LedgerAggregate):
    """One department of one agency; its id derives from (agency, code), so a code is used once per agency."""

    @classmethod
    def create(cls, actor: Actor, *, agency_id: str, code: str, name: str, parent_id: str | None,
               leader: str | None) -> Department:
        meta = admin_meta(actor, agency_id)
        code = v.code(code)
        created: Department = cls._create(
            cast(Any, cls).DepartmentCreated, id=department_uuid(agency_id, code), agency_id=agency_id, code=code,
            name=v.text(name, "name", max_len=300), parent_id=parent_id, leader=leader, meta=meta)
        return created

    def rename(self, actor: Actor, name: str) -> None:
        meta = self._admin(actor)
        name = v.text(name, "name", max_len=300)
        if name == self.name:
            raise RuleViolation("Tên phòng ban không đổi.", "The name is unchanged.", field="name", code="unchanged")
        self._renamed(name=name, meta=meta)

    def change_leader(self, actor: Actor, leader: str | None) -> None:
        meta = self._admin(actor)
        if leader == self.leader:
            raise RuleViolation("Lãnh đạo phòng ban không đổi.", "The leader is unchanged.", field="leader",
                                code="unchanged")
        self._leader_changed(leader=leader, meta=meta)

    def close(self, actor: Actor, reason: str) -> None:
        meta = self._admin(actor)
        self._closed(reason=v.text(reason, "reason", max_len=500, required=False), meta=meta)

    def _admin(self, actor: Actor) -> dict[str, str]:
        meta = admin_meta(actor, self.agency_id)
        if self.closed:
            raise RuleViolation("Phòng ban đã giải thể; không thể thay đổi.",
                                "The department is closed and cannot change.", code="department_closed")
        return meta

    @event("DepartmentCreated")
    def __init__(self, agency_id: str, code: str, name: str, parent_id: str | None, leader: str | None,
                 meta: dict[str, str]) -> None:
        self.agency_id = agency_id
        self.code = code
        self.name = name
        self.parent_id = parent_id
        self.leader = leader
        self.closed = False

    @event("DepartmentRenamed")
    def _renamed(self, name: str, meta: dict[str, str]) -> None:
        self.name = name

    @event("DepartmentLeaderChanged")
    def _leader_changed(self, leader: str | None, meta: dict[str, str]) -> None:
        self.leader = leader

    @event("DepartmentClosed")
    def _closed(self, reason: str, meta: dict[str, str]) -> None:
        self.closed = True


def department_state(dep: Department) -> dict[str, Any]:
    return {"id": str(dep.id), "agency_id": dep.agency_id, "code": dep.code, "name": dep.name,
            "parent_id": dep.parent_id, "leader": dep.leader, "closed": dep.closed, "version": dep.version}
