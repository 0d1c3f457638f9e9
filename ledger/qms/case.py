"""A case: one instance of a declared QMS process (this year's policy, one objective, one risk...) as events.

Every step is one ``StepTaken`` event carrying the step's name, the state before and after, the checked
values and the reason, with actor, role and agency in its metadata and its place in the hash chain, like
every other event. The resulting state is written into the event, so a later change to a declaration
never rewrites what happened; the data is rebuilt by the step's declared effect, which is pure.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger.actors import ROLES, Actor
from ledger.aggregate import LedgerAggregate, _timestamp
from ledger.errors import NotAllowed, RuleViolation
from ledger.qms.declaration import Applied, Process, Step, Taking, World
from ledger.qms.fields import check_values, normalise_reason
from ledger.qms.registry import process_named
from ledger.vocabulary import VersionStatus


def case_uuid(agency_id: str, process: Process, key_values: Mapping[str, Any]) -> UUID | None:
    """A keyed process's case id derives from (agency, process, key), so a key is used once per agency."""
    if not process.key:
        return None
    key = "|".join(str(key_values[k]) for k in process.key)
    return uuid5(NAMESPACE_URL, f"isoledger:case:{agency_id}:{process.name}:{key}")


class Case(LedgerAggregate):
    """A running QMS process of one agency; ``state`` is where it stands, ``data`` what its steps recorded."""

    @classmethod
    def open(cls, actor: Actor, process: Process, *, values: Mapping[str, Any], reason: str = "",
             world: World, id: UUID | None = None) -> Case:  # noqa: A002
        step = process.opening
        checked, meta = _check(actor, process, step, None, {}, values, reason, world, actor.agency_id)
        created: Case = cls._create(
            cast(Any, cls).CaseOpened, id=id or case_uuid(actor.agency_id, process, checked),
            agency_id=actor.agency_id, process=process.name, step=step.name, state=step.target,
            values=checked, reason=normalise_reason(reason, step.reason), meta=meta,
            timestamp=_timestamp(cast(Any, cls).CaseOpened))
        return created

    def take(self, actor: Actor, step_name: str, *, values: Mapping[str, Any], reason: str = "",
             world: World) -> None:
        process = process_named(self.process)
        step = process.step(step_name)
        if step is None or step.opens:
            raise RuleViolation(f"«{process.label[0]}» không có bước «{step_name}».",
                                f"A {process.label[1].lower()} has no step '{step_name}'.", field="step",
                                code="no_such_step")
        if actor.agency_id != self.agency_id:
            raise NotAllowed("Bạn không thuộc cơ quan quản lý mục này.",
                             "You do not belong to the agency that owns this item.", code="other_agency")
        if self.state not in step.sources:
            allowed = ", ".join(process.states[s][0] for s in step.sources)
            allowed_en = ", ".join(process.states[s][1] for s in step.sources)
            raise RuleViolation(
                f"Không thể «{step.label[0]}» khi đang ở trạng thái «{process.states[self.state][0]}» "
                f"(chỉ khi: {allowed}).",
                f"Cannot '{step.label[1]}' while {process.states[self.state][1].lower()} (only when: {allowed_en}).",
                code="wrong_state", state=self.state, step=step.name)
        checked, meta = _check(actor, process, step, self.state, self.data, values, reason, world, self.agency_id,
                               case_id=str(self.id))
        self._step_taken(process=process.name, step=step.name, from_state=self.state,
                         to_state=step.target_for(checked) or self.state, values=checked,
                         reason=normalise_reason(reason, step.reason), meta=meta,
                         timestamp=_timestamp(cast(Any, type(self)).StepTaken))

    # ---- events ---------------------------------------------------------------------------
    @event("CaseOpened")
    def __init__(self, agency_id: str, process: str, step: str, state: str, values: dict[str, Any], reason: str,
                 meta: dict[str, str], timestamp: datetime) -> None:
        self.agency_id = agency_id
        self.process = process
        self.state = state
        self.data: dict[str, Any] = {}
        self.trail: list[dict[str, Any]] = []
        self._apply_step(step, values, reason, meta, timestamp, 1)

    @event("StepTaken")
    def _step_taken(self, process: str, step: str, from_state: str, to_state: str, values: dict[str, Any],
                    reason: str, meta: dict[str, str], timestamp: datetime) -> None:
        self.state = to_state
        self._apply_step(step, values, reason, meta, timestamp, self.version + 1)  # version moves after apply

    def _apply_step(self, step_name: str, values: dict[str, Any], reason: str, meta: dict[str, str],
                    timestamp: datetime, seq: int) -> None:
        at = timestamp.isoformat()
        step = process_named(self.process).step(step_name)
        applied = Applied(values=copy.deepcopy(values), user_id=meta["user_id"], role=meta["role"], at=at, seq=seq)
        if step is not None:
            step.effect(self.data, applied)
        self.trail.append({"step": step_name, "state": self.state, "by": meta["user_id"], "role": meta["role"],
                           "at": at, "reason": reason, "seq": seq})


def _check(actor: Actor, process: Process, step: Step, state: str | None, data: Mapping[str, Any],
           values: Mapping[str, Any], reason: str, world: World, agency_id: str,
           case_id: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    meta = actor.meta(*step.roles)
    checked = check_values(step.fields, values, agency_id=agency_id, world=world)
    normalise_reason(reason, step.reason)
    taking = Taking(actor=actor, role=meta["role"], state=state, data=data, values=checked, world=world,
                    case_id=case_id)
    for rule in step.rules:
        rule(taking)
    if step.signature:
        _check_signature(process, step, taking)
    return checked, meta


def _check_signature(process: Process, step: Step, taking: Taking) -> None:
    """The case's formal document (``document`` in the data or the step's values) must carry a signature of
    meaning ``step.signature`` by the actor on its latest version that is approved or issued."""
    doc_id = taking.values.get("document") or taking.data.get("document")
    meaning_vi = "ký phê duyệt" if step.signature == "approval" else "ký xem xét"
    doc = taking.world.document(str(doc_id)) if doc_id else None
    if doc is None:
        raise RuleViolation(f"Cần văn bản chính thức đã {meaning_vi} trước khi «{step.label[0]}».",
                            f"A formal document signed ({step.signature}) is needed before '{step.label[1]}'.",
                            field="document", code="signature_required")
    for ver in reversed(doc.get("versions", [])):
        if ver.get("status") in (VersionStatus.APPROVED, VersionStatus.ISSUED) and any(
                s.get("meaning") == step.signature and s.get("signer") == taking.actor.user_id
                for s in ver.get("signatures", [])):
            return
    raise RuleViolation(
        f"Văn bản «{doc.get('code')}» chưa được {ROLES[taking.role][0].lower()} {taking.actor.user_id} {meaning_vi}.",
        f"Document {doc.get('code')} has no {step.signature} signature by {taking.actor.user_id} yet.",
        field="document", code="signature_required")


def case_state(case: Case, today: Any) -> dict[str, Any]:
    """The case as plain values, with the process's derived status for ``today``."""
    process = process_named(case.process)
    return {"id": str(case.id), "agency_id": case.agency_id, "process": case.process, "state": case.state,
            "title": process.title(case.data), "data": case.data, "derived": process.derive(case.data, today),
            "trail": case.trail, "version": case.version, "final": case.state in process.final}
