"""How a QMS process is declared: its states, its steps (who may take each, what each needs) and its deadlines.

A process (the quality policy, an objective, a risk, an audit, a nonconformity...) is data, not code: one
``Process`` value names its states and its ``Step``s; ``ledger.qms.case.Case`` runs any of them, and the
API, the pages and the diagrams in docs/qms.md are derived from the same declaration, so they cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from ledger.actors import Actor

Label = tuple[str, str]  # (Vietnamese, English)

# The kinds of value a step's field may take (see ledger.qms.fields for how each is checked).
FIELD_KINDS = ("text", "long_text", "integer", "number", "date", "year", "choice", "person", "people", "department",
               "departments", "file", "document", "flag", "ref", "refs")


@dataclass(frozen=True)
class Field:
    """One input of a step: ``kind`` is one of FIELD_KINDS; ``choices`` for a choice; ``external`` lets a person
    field name someone outside the agency (name and organisation); ``process`` the process a ``ref``/``refs``
    field links to (None: a case of any process)."""

    name: str
    kind: str
    label: Label
    required: bool = True
    choices: Mapping[str, Label] = field(default_factory=dict)
    external: bool = False
    max_len: int = 500
    minimum: float | None = None
    maximum: float | None = None
    process: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"{self.name}: unknown field kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"{self.name}: a choice needs choices")


class World(Protocol):
    """What a step's rule may look up beyond the case itself (the ledger provides it)."""

    def today(self) -> date: ...

    def department(self, department_id: str) -> dict[str, Any] | None: ...

    def account(self, username: str) -> dict[str, Any] | None: ...

    def document(self, document_id: str) -> dict[str, Any] | None: ...

    def case(self, case_id: str) -> dict[str, Any] | None: ...

    def agency(self, agency_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Taking:
    """A step being taken: who, on which case (its state and data before the step), with which checked values."""

    actor: Actor
    role: str
    state: str | None
    data: Mapping[str, Any]
    values: Mapping[str, Any]
    world: World
    case_id: str | None = None  # None while the case is being opened


@dataclass(frozen=True)
class Applied:
    """What the event of a step carries, handed to the step's effect on replay (pure: no lookups)."""

    values: Mapping[str, Any]
    user_id: str
    role: str
    at: str  # ISO 8601 UTC of the event
    seq: int  # the case's version after this event


Rule = Callable[[Taking], None]  # raises RuleViolation / NotAllowed to refuse, in Vietnamese and English
Effect = Callable[[dict[str, Any], Applied], None]  # changes the case's data in place


def merge(data: dict[str, Any], applied: Applied) -> None:
    """The default effect: the step's values overwrite the case's data of the same names."""
    data.update(applied.values)


@dataclass(frozen=True)
class Step:
    """One transition. ``sources`` are the states it may start from (empty for the step that opens a case);
    ``target`` None keeps the state (e.g. entering a measurement). ``roles`` may take it (the first one the
    actor holds is recorded). ``signature`` ("review" or "approval") requires the case's formal document
    (field ``document``) to carry such a signature by the actor. ``reason`` makes a reason mandatory."""

    name: str
    label: Label
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    fields: tuple[Field, ...] = ()
    signature: str | None = None
    reason: bool = False
    rules: tuple[Rule, ...] = ()
    effect: Effect = merge
    hint: Label | None = None  # shown on the page beside the step's form
    # (field, value -> state): for those values of that field the step leads there instead of ``target``
    # (an ineffective effectiveness check reopens a nonconformity; an effective one does not)
    branch: tuple[str, Mapping[str, str]] | None = None

    @property
    def opens(self) -> bool:
        return not self.sources

    def target_for(self, values: Mapping[str, Any]) -> str | None:
        """The state the step leads to with these checked values: ``branch``'s for its field's value, else
        ``target`` (None: the state stays)."""
        if self.branch is not None:
            name, targets = self.branch
            value = values.get(name)
            if isinstance(value, str) and value in targets:
                return targets[value]
        return self.target


@dataclass(frozen=True)
class Deadline:
    """By when, each year, a case of the process should have reached ``state`` (e.g. objectives approved by 28/02)."""

    state: str
    month: int
    day: int
    label: Label


@dataclass(frozen=True)
class Process:
    """A QMS process: ``name`` (stable, stored in events), ``collection`` (its path in the API and pages),
    its states with labels, the steps, which states are final, the deadlines, and ``derive`` — status values
    computed from the data (never typed in), shown and projected beside the state."""

    name: str
    collection: str
    label: Label
    clause: str  # the TCVN ISO 9001:2015 clause, e.g. "6.2"
    states: Mapping[str, Label]
    steps: tuple[Step, ...]
    final: tuple[str, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    key: tuple[str, ...] = ()  # fields of the opening step that identify a case (unique per agency)
    title: Callable[[Mapping[str, Any]], str] = lambda data: str(data.get("title", ""))
    derive: Callable[[Mapping[str, Any], date], dict[str, Any]] = lambda data, today: {}
    department_field: str | None = "department"  # the data field naming the department the case belongs to
    # a data field naming another agency whose people with ``shared_roles`` read the case, read-only (an
    # inspection lives in the supervising agency and is read by the inspected one)
    shared_with: str | None = None
    shared_roles: tuple[str, ...] = ()
    # The public disclosure portal (Điều 4.1): the states in which a case is public, and the data fields it shows
    # there (never people's contacts: a person field is shown by name only).
    published: tuple[str, ...] = ()
    public_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: a step name is used twice")
        openers = [s for s in self.steps if s.opens]
        if len(openers) != 1:
            raise ValueError(f"{self.name}: exactly one step opens a case")
        for s in self.steps:
            branched = tuple(s.branch[1].values()) if s.branch else ()
            for state in (*s.sources, *((s.target,) if s.target else ()), *branched):
                if state not in self.states:
                    raise ValueError(f"{self.name}.{s.name}: unknown state {state!r}")
            if s.opens and s.target is None:
                raise ValueError(f"{self.name}.{s.name}: the opening step needs a target state")
            if s.branch and s.branch[0] not in {f.name for f in s.fields}:
                raise ValueError(f"{self.name}.{s.name}: branch field {s.branch[0]!r} is not a field of the step")
        if self.shared_with is not None and self.shared_with not in {f.name for f in openers[0].fields}:
            raise ValueError(f"{self.name}: shared_with {self.shared_with!r} is not a field of the opening step")
        for k in self.key:
            if k not in {f.name for f in openers[0].fields}:
                raise ValueError(f"{self.name}: key field {k!r} is not a field of the opening step")
        for state in self.published:
            if state not in self.states:
                raise ValueError(f"{self.name}: published state {state!r} is not a state")

    @property
    def opening(self) -> Step:
        return next(s for s in self.steps if s.opens)

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def shared_agency(self, data: Mapping[str, Any]) -> str | None:
        """The other agency that reads a case of this process (``shared_with``), or None."""
        value = data.get(self.shared_with) if self.shared_with else None
        return str(value) if value else None

    def available(self, state: str | None) -> list[Step]:
        """The steps that may start from ``state`` (whoever takes them)."""
        return [s for s in self.steps if not s.opens and state in s.sources]
