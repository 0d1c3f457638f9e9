"""Every QMS process × every step × every role × own/other agency, generated from the declarations.

For each declared process (``ledger.qms.registry.processes()``) and each of its routes (open, list, read,
history, one per step), a fresh case is brought into one of the step's source states by walking the declared
steps from the opening (breadth first), each step taken by someone holding one of its roles, with valid sample
values generated from each field's kind. Then the route is called with every role's token:

- a role the step names, on its own agency → 200 (201 to open); when a rule needs a specific person (the
  one a person field names), the sample names the caller and the call must then succeed;
- a role the step does not name → 403 ``role_required``;
- anything of another agency → 404; not signed in → 401;
- the inspector of the supervising agency reads → 200 and writes → 403 or 404.

The files a step names (``/files`` upload and download) are targets too: uploaded into the case's own scope,
and read back once a step named one.

A new process is covered without a line here. A field kind without a sample generator fails loudly; a process
whose steps need what the generic walk cannot give declares it in the table below, and only that: SAMPLES (a
value per (process, field): a target above its baseline, None for a field the rules refuse), DETOURS (self-loop
steps taken, with their sample values, whenever the walk leaves a state or before a given step) and CLOCK (the
ledger's test clock moved before a step). Every entry must name a declared process, state and step.
"""

from __future__ import annotations

import collections
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute

from ledger.actors import ROLES, Actor
from ledger.qms.declaration import FIELD_KINDS, Field, Process, Step
from ledger.qms.measures import periods
from ledger.qms.registry import processes
from tests.api.conftest import OTHER, OWN, PEOPLE, ROLE_USER
from tests.api.test_role_matrix import ADMIN, QMS, World, guarded_roles, matrix, pki  # noqa: F401
from tests.factories import CERT
from usecases.files import Upload
from usecases.qms import file_roles

# ---- what each process's rules need beyond the generic walk (one table; a new process adds its lines) ------
# (process, field) -> a valid value where the generic sample would not satisfy the step's rules (None: the field
# is left out, e.g. an opportunity's scores on a risk; a callable: (walks, agency) -> the value)
SAMPLES: dict[tuple[str, str], Any] = {
    ("quality_objective", "direction"): "increase",
    ("quality_objective", "baseline"): 80.0,
    ("quality_objective", "target"): 95.0,  # an increase aims above its baseline
    ("quality_objective", "frequency"): "monthly",
    ("quality_objective", "period"): periods("monthly")[0],  # M01: a period of that frequency, begun in January
    ("risk", "kind"): "risk",
    ("risk", "benefit"): None,  # a risk is scored on likelihood × impact only
    ("risk", "effort"): None,
    ("risk", "action_id"): "A1",  # the action its detour adds
    ("nonconformity", "action_id"): "A1",
    ("nonconformity", "result"): "effective",
    # a context is submitted with an issue in every SWOT quadrant: consecutive issues take them in turn
    ("context", "quadrant"): itertools.cycle(("strength", "weakness", "opportunity", "threat")),
    ("context", "item_id"): "V1",  # the issue its detour adds
    ("internal_audit_programme", "line_id"): "P1",  # the line its detour adds
    ("internal_audit", "line_id"): "L1",  # the checklist line its detour adds
    ("internal_audit", "result"): "minor_nc",  # a line a finding may be raised from
    ("internal_audit", "finding_id"): "F1",  # the finding its detour raises
    ("management_review", "chair"): lambda walks, agency, ctx: walks.holder(agency, ("agency_leader",)),  # signs
    ("management_review", "action_id"): "A1",  # the decision its detour adds
    ("management_review", "pack_sha256"): "0" * 64,  # the walk freezes through the ledger (the API computes it)
    ("management_review", "pack_position"): 1,
    ("improvement", "routine"): True,  # a routine proposal: its department's leader handles it too
    # an inspection is of an agency the inspector's agency supervises, concluded by its team lead; a callable
    # sample is called with (walks, agency, ctx)
    ("inspection", "inspected_agency"): lambda walks, agency, ctx: walks.supervised(agency),
    ("inspection", "team_lead"): lambda walks, agency, ctx: walks.holder(agency, ("inspector",)),
    ("conformity_declaration", "supersedes"): None,  # a first declaration (a re-declaration names a published one)
    ("conformity_declaration", "superseded_by"): lambda walks, agency, ctx: walks.redeclaration(agency, ctx),
    ("complaint", "channel"): "phone",  # staff record the other channels; "web" is the public portal's only
    ("complaint", "client"): None,  # the sender's hashed address: set by the public portal only
    ("complaint", "grounds"): "out_of_scope",
    ("complaint", "attachment"): None,  # a file on opening: only the public portal's, stored before it opens
}

# process -> {"leaving STATE": self-loop steps taken before any step leaves STATE,
#             "before STEP": self-loop steps taken before STEP} (each with its sample values, by a holder of its
# roles)
DETOURS: dict[str, dict[str, tuple[str, ...]]] = {
    "risk": {"before complete_action": ("actions",)},  # an open action to complete
    "context": {"leaving draft": ("add_issue",) * 4 + ("add_party",), "before remove_item": ("add_issue",)},
    "nonconformity": {"leaving planned": ("actions", "complete_action"),  # verified: an action of the round done
                      "before complete_action": ("actions",), "before cancel_action": ("actions",)},
    "internal_audit_programme": {"leaving draft": ("add_line",), "before remove_line": ("add_line",)},
    "internal_audit": {"leaving in_progress": ("add_line", "record_line"),  # a checklist with every line done
                       "before record_line": ("add_line",), "before raise_finding": ("add_line", "record_line"),
                       "before link_nc": ("add_line", "record_line", "raise_finding"),
                       "before issue": ("write_report",), "before close": ("acknowledge",)},
    "management_review": {"leaving draft": ("ask",),  # a department asked: the one whose leader then reports
                          "before complete_action": ("actions",), "before cancel_action": ("actions",)},
    "improvement_programme": {"leaving draft": ("plan",)},  # submitted with a plan line
    "inspection": {"before record": ("score",)},  # results are recorded once scored
}

# (process, step) -> the day the test clock is moved to (when it is later than today) before the step
CLOCK: dict[tuple[str, str], Callable[[date], date]] = {
    ("quality_objective", "close"): lambda today: date(today.year, 12, 1),  # closed from 01/12 of its year on
    ("nonconformity", "effectiveness"): lambda today: today + timedelta(days=1),  # a day after the verification
}


# (process, field) -> the state a linked case of a ``ref`` field is walked to (by default: the opening's)
REF_STATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("internal_audit", "programme"): ("approved", "in_force"),  # an audit is planned under an approved programme
}


# (process, field) -> a value computed for the walk (walks, agency, ctx), where it depends on the agency, the signer
# or the person the call names, or needs a case made for it
def _audit_team_department(w: Walks, agency: str, ctx: dict[str, Any]) -> str:
    """The audited department: the sample one, unless someone of the team leads it (they may not audit it)."""
    first = w.department(agency)
    leader = w.holder(agency, ("department_leader",))
    if leader not in (ctx.get("signer"), ctx.get("person")):
        return first
    if agency not in w.departments_led_by_nobody:
        dep = w.w.api.ctx.directory.create_department(ADMIN, agency, code=f"P-KHAC-{w.w.n()}",
                                                      name="Phòng Quản lý Khoa học", leader=None)
        w.departments_led_by_nobody[agency] = str(dep["id"])
    return w.departments_led_by_nobody[agency]


def _audit_nonconformity(w: Walks, agency: str, ctx: dict[str, Any]) -> str:
    """A nonconformity raised from this audit's finding (its ``ref`` names the audit)."""
    audit = w.ledger.case(ctx["case_id"])
    who = w.actor(w.holder(agency, ("iso_secretary",)))
    return str(w.ledger.open_case(who, "nonconformity", values={
        "year": audit["data"]["year"], "department": audit["data"]["department"], "source": "audit_finding",
        "ref": ctx["case_id"], "title": "Phát hiện F1", "description": "Không phù hợp nhẹ tại dòng L1."}))


SAMPLERS: dict[tuple[str, str], Callable[[Walks, str, dict[str, Any]], Any]] = {
    # the year's named auditors: everyone of the agency the walks know (so any caller may sit on a team)
    ("internal_audit_programme", "auditors"): lambda w, agency, ctx: sorted(
        u for u, (_, _, home) in w.people.items() if home == agency),
    # the lead auditor signs the report: the walk's signer; the agency leader (who takes the team's steps in the
    # walks) and the person a call names are auditors
    ("internal_audit", "lead_auditor"): lambda w, agency, ctx: ctx["signer"],
    ("internal_audit", "auditors"): lambda w, agency, ctx: [
        u for u in dict.fromkeys((w.holder(agency, ("agency_leader",)), ctx.get("person"))) if u
        and u != ctx["signer"]] or None,
    ("internal_audit", "department"): _audit_team_department,
    ("internal_audit", "nonconformity"): _audit_nonconformity,
}


# ---- the people and things a walk needs ----------------------------------------------------------------
@dataclass
class Walks:
    """Brings fresh cases of any process into any state, through the ledger, in either agency."""

    w: World
    people: dict[str, tuple[str, list[str], str]] = field(default_factory=lambda: dict(PEOPLE))
    departments: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)
    departments_led_by_nobody: dict[str, str] = field(default_factory=dict)

    @property
    def ledger(self) -> Any:
        return self.w.ledger

    def actor(self, user: str) -> Actor:
        _, roles, agency = self.people[user]
        return Actor(user, agency, frozenset(roles))

    def holder(self, agency: str, roles: tuple[str, ...], prefer: str | None = None) -> str:
        """Someone of ``agency`` holding one of ``roles`` (``prefer`` when they do); created when nobody does."""
        if prefer and self.people[prefer][2] == agency and set(self.people[prefer][1]) & set(roles):
            return prefer
        for role in roles:
            own = ROLE_USER.get(role)
            if own and self.people[own][2] == agency:
                return own
            for user, (_, held, home) in self.people.items():
                if home == agency and role in held and user not in ("kiemtra",):
                    return user
        role = next((r for r in roles if r not in ("admin", "inspector")), roles[0])  # an inspector who inspects
        user = f"{role.replace('_', '-')}-{agency}"
        self.w.api.ctx.directory.create_account(ADMIN, username=user, agency_id=agency, full_name="Người Đi Bước",
                                                roles=[role])
        self.people[user] = ("Người Đi Bước", [role], agency)
        return user

    def department(self, agency: str) -> str:
        """The agency's sample department, led by its department leader (for rules such as ``leader_of``)."""
        if agency not in self.departments:
            leader = self.holder(agency, ("department_leader",))
            dep = self.w.api.ctx.directory.create_department(ADMIN, agency, code=f"P-MAU-{self.w.n()}",
                                                             name="Phòng Kế hoạch – Tài chính", leader=leader)
            self.departments[agency] = str(dep["id"])
        return self.departments[agency]

    def person(self, agency: str) -> str:
        """An active account of the agency that takes no step (so "not by the person named" rules pass)."""
        if agency not in self.persons:
            self.persons[agency] = self.w.account(agency)
            self.people[self.persons[agency]] = ("Người Thử", ["staff"], agency)
        return self.persons[agency]

    def signed_document(self, agency: str, signer: str) -> str:
        """A document of ``agency`` issued with version 1 signed for approval by ``signer``."""
        secretary = self.holder(agency, ("iso_secretary",))
        leader = "agency_leader" in self.people[signer][1]
        doc = self.ledger.register_document(self.actor(secretary), code=f"VB-{self.w.n()}",
                                            title="Văn bản ban hành", kind="procedure" if leader else "form",
                                            department="Văn phòng")
        self.ledger.create_draft(self.actor(secretary), doc, file=self.w.file(doc), change_summary="Lần đầu")
        self.ledger.submit_for_review(self.actor(secretary), doc, 1, reviewers=[], approver=signer)
        self.ledger.approve(self.actor(signer), doc, 1)
        self.ledger.record_signature(self.actor(signer), doc, 1, meaning="approval", signed_file=self.w.file(doc),
                                     certificate=CERT, pades_level="B-B",
                                     signing_time=self.ledger.clock().isoformat(), timestamp_time=None)
        self.ledger.issue(self.actor(secretary), doc, 1, effective_from=self.ledger.today().isoformat(),
                          distribution=["leadership"])
        return doc

    def any_case(self, agency: str) -> str:
        """A case of the agency for ``ref`` fields to link to (of a process that links to none itself)."""
        if agency not in self.cases:
            target = next(p for p in processes() if not any(f.kind in ("ref", "refs") for f in p.opening.fields))
            self.cases[agency] = self.walk(target, agency, (), signer=self.holder(agency, ("agency_leader",)))
        return self.cases[agency]

    def supervised(self, agency: str) -> str:
        """An agency ``agency`` supervises (its inspectors schedule inspections of it), made once."""
        inspected = f"duoc-kiem-tra-{agency}"
        if self.w.api.ctx.directory.find_agency(inspected) is None:
            self.w.api.ctx.directory.create_agency(ADMIN, agency_id=inspected, name="UBND xã Được Kiểm Tra",
                                                   supervised_by=[agency])
        return inspected

    def redeclaration(self, agency: str, ctx: dict[str, Any]) -> str:
        """A published re-declaration of conformity replacing the walk's case (on the walk's signed document)."""
        secretary, leader = self.actor(self.holder(agency, ("iso_secretary",))), self.actor(ctx["signer"])
        doc = ctx["document"]
        new = self.ledger.open_case(secretary, "conformity_declaration", values={
            "year": self.ledger.today().year, "scope": "Quy trình cấp phép\nQuy trình thẩm định", "decision": doc,
            "document": doc, "supersedes": ctx["case_id"], "change_reason": "Phạm vi mở rộng thêm một TTHC."})
        self.ledger.take_step(secretary, new, "submit", values={"decision": doc, "document": doc})
        self.ledger.take_step(leader, new, "publish", values={})
        return str(new)

    # ---- sample values ----------------------------------------------------------------------------
    def case_of(self, name: str, agency: str, year: int) -> str:
        """A case of the process ``name`` the agency opened for ``year`` (a ``ref`` field naming that process
        links to it): the one it has, or a new one walked to its opening state."""
        target = next(p for p in processes() if p.name == name)
        reader = self.actor(self.holder(agency, ("agency_leader",)))
        for row in self.w.api.ctx.uc.qms.listed(reader, agency, target.collection, year=year):
            return str(row["id"])
        assert self.ledger.today().year == year, f"{name}: no case of {year} to link to"
        return self.walk(target, agency, (), signer=self.holder(agency, ("agency_leader",)), fresh=False)

    def case_in(self, name: str, agency: str, states: tuple[str, ...]) -> str:
        """A case of the process ``name`` the agency has in one of ``states`` this year (a ``ref`` field
        REF_STATES names links to it): the one it has, or a new one walked there (a year later if this year's
        case of a keyed process stands elsewhere)."""
        target = next(p for p in processes() if p.name == name)
        reader = self.actor(self.holder(agency, ("agency_leader",)))
        rows = self.w.api.ctx.uc.qms.listed(reader, agency, target.collection, year=self.ledger.today().year)
        for row in rows:
            if row["state"] in states:
                return str(row["id"])
        reach = paths(target)
        state = next(s for s in states if s in reach)
        return self.walk(target, agency, reach[state], signer=self.holder(agency, ("agency_leader",)),
                         fresh=bool(rows))

    def upload(self, process: Process, agency: str, case_id: str) -> dict[str, Any]:
        """A file uploaded into the case's scope (as the ``/files`` route does), by someone who may."""
        who = self.actor(self.holder(agency, file_roles(process)))
        ref = self.w.api.ctx.uc.qms.upload(who, process.collection, case_id,
                                           Upload("Minh chứng quý I.pdf", io.BytesIO(self.w.pdf)))
        return dict(ref.to_dict())

    def value(self, process: Process, f: Field, agency: str, ctx: dict[str, Any]) -> Any:
        if (process.name, f.name) in SAMPLES:
            sample = SAMPLES[(process.name, f.name)]
            if callable(sample):
                return sample(self, agency, ctx)
            return next(sample) if isinstance(sample, Iterator) else sample
        if (process.name, f.name) in SAMPLERS:
            return SAMPLERS[(process.name, f.name)](self, agency, ctx)
        if (process.name, f.name) in REF_STATES:
            return self.case_in(str(f.process), agency, REF_STATES[(process.name, f.name)])
        kind, n = f.kind, self.w.n()
        if kind == "text":
            return f"Mẫu «{f.label[0]}» {n}"[: f.max_len]
        if kind == "long_text":
            return f"Nội dung mẫu của «{f.label[0]}», lần {n}: đo lường được, có thời hạn."
        if kind in ("integer", "number"):
            low = f.minimum if f.minimum is not None else 1
            high = f.maximum if f.maximum is not None else low + 10
            middle = (low + high) / 2
            return int(middle) if kind == "integer" else middle
        if kind == "year":
            ctx["year"] = self.ledger.today().year
            return ctx["year"]
        if kind == "date":
            return self.ledger.today().isoformat()
        if kind == "choice":
            return next(iter(f.choices))
        if kind == "flag":
            return True
        if kind == "person":
            return ctx.get("person") or self.person(agency)
        if kind == "people":
            return [ctx.get("person") or self.person(agency)]
        if kind == "department":
            return self.department(agency)
        if kind == "departments":
            return [self.department(agency)]
        if kind == "file":
            if ctx.get("case_id"):
                ctx["file"] = self.upload(process, agency, ctx["case_id"])
                return ctx["file"]
            return self.w.file(f"qms-{agency}")
        if kind == "document":
            if "document" not in ctx:
                ctx["document"] = self.signed_document(agency, ctx["signer"])
            return ctx["document"]
        if kind == "ref" and f.process:
            return self.case_of(f.process, agency, ctx.get("year") or self.ledger.today().year)
        if kind == "ref":
            return self.any_case(agency)
        if kind == "refs":
            return [self.any_case(agency)]
        raise AssertionError(f"{process.name}.{f.name}: no sample value for the field kind {kind!r}; "
                             "add one to tests/qms/test_qms_role_matrix.py")

    def values(self, process: Process, step: Step, agency: str, ctx: dict[str, Any]) -> dict[str, Any]:
        out = {f.name: self.value(process, f, agency, ctx) for f in step.fields}
        return {k: v for k, v in out.items() if v is not None}

    def request(self, process: Process, step: Step, agency: str, ctx: dict[str, Any]) -> dict[str, Any]:
        body = self.values(process, step, agency, ctx)
        if step.reason:
            body["reason"] = "Lý do mẫu: cần bổ sung."
        return body

    # ---- walking ----------------------------------------------------------------------------------
    def fresh_year(self, process: Process) -> None:
        """A process keyed by a year field is opened once per agency and year: the next walk is a year later."""
        if any(f.kind == "year" for f in process.opening.fields if f.name in process.key):
            self.ledger.clock.advance(days=366)

    def walk(self, process: Process, agency: str, path: tuple[Step, ...], *, signer: str,
             person: str | None = None, then: Step | None = None, fresh: bool = True,
             ctx: dict[str, Any] | None = None) -> str:
        """A new case of ``agency`` moved along ``path`` (steps after the opening), each step by a holder of
        its roles (``signer`` for a step that needs a signature, and for every document it needs), with the
        process's detours and clock moves on the way, and those ``then`` (the step called next) needs."""
        ctx = ctx if ctx is not None else {}
        ctx.update(signer=signer, person=person)
        if fresh:
            self.fresh_year(process)
        opener = self.holder(agency, process.opening.roles, prefer=signer if process.opening.signature else None)
        body = self.request(process, process.opening, agency, ctx)
        reason = body.pop("reason", "")
        case_id = self.ledger.open_case(self.actor(opener), process.name, values=body, reason=reason)
        ctx["case_id"] = case_id
        state = process.opening.target
        assert state is not None
        for step in path:
            self.ready(process, agency, case_id, state, step, ctx)
            self.take(process, agency, case_id, step, ctx)
            state = step.target or state
        if then is not None:
            self.ready(process, agency, case_id, state, then, ctx)
        return case_id

    def take(self, process: Process, agency: str, case_id: str, step: Step, ctx: dict[str, Any]) -> None:
        signer = ctx["signer"]
        who = self.holder(agency, step.roles, prefer=signer if step.signature else None)
        if step.signature:
            assert who == signer, f"{process.name}.{step.name}: {signer} cannot take it ({step.roles})"
        body = self.request(process, step, agency, ctx)
        reason = body.pop("reason", "")
        self.ledger.take_step(self.actor(who), case_id, step.name, values=body, reason=reason)

    def ready(self, process: Process, agency: str, case_id: str, state: str, step: Step,
              ctx: dict[str, Any]) -> None:
        """What ``step`` needs before it is taken in ``state``: the declared detours (before the step, and
        before leaving the state) and the clock move."""
        detours = DETOURS.get(process.name, {})
        names = list(detours.get(f"before {step.name}", ()))
        if step.target not in (None, state):
            names += detours.get(f"leaving {state}", ())
        for name in names:
            loop = process.step(name)
            assert loop is not None and loop.target in (None, state), f"{process.name}.{name}: not a self-loop here"
            self.take(process, agency, case_id, loop, ctx)
        if (process.name, step.name) in CLOCK:
            day = CLOCK[(process.name, step.name)](self.ledger.today())
            if day > self.ledger.today():
                self.ledger.clock.advance(days=(day - self.ledger.today()).days)


def paths(process: Process) -> dict[str, tuple[Step, ...]]:
    """The shortest run of steps from the opening's target to each reachable state (breadth first)."""
    start = process.opening.target
    assert start is not None
    found: dict[str, tuple[Step, ...]] = {start: ()}
    queue = collections.deque([start])
    while queue:
        state = queue.popleft()
        for step in process.available(state):
            target = step.target or state
            if target not in found:
                found[target] = (*found[state], step)
                queue.append(target)
    return found


def path_to(process: Process, step: Step) -> tuple[Step, ...]:
    reachable = paths(process)
    sources = [s for s in step.sources if s in reachable]
    assert sources, f"{process.name}.{step.name}: none of its source states {step.sources} can be reached"
    return min((reachable[s] for s in sources), key=len)


# ---- the routes, generated from the declarations ------------------------------------------------------------
def qms_routes() -> list[tuple[str, APIRoute]]:
    from api.routers import qms

    return [(m, r) for r in qms.router.routes if isinstance(r, APIRoute) for m in sorted(r.methods)]


@dataclass(frozen=True)
class Target:
    """One route of one process: ``step`` for a step's route, ``kind`` open / list / get / history / step /
    upload / file."""

    process: Process
    kind: str
    step: Step | None
    method: str
    route: APIRoute


def targets() -> list[Target]:
    by_name = {r.name: (m, r) for m, r in qms_routes()}
    out = []
    for p in processes():
        for kind in ("open", "list", "get", "history"):
            m, r = by_name[f"{kind}_{p.name}"]
            out.append(Target(p, kind, p.opening if kind == "open" else None, m, r))
        for s in p.steps:
            if not s.opens:
                m, r = by_name[f"{p.name}_{s.name}"]
                out.append(Target(p, "step", s, m, r))
        if file_roles(p):  # a step names files: they are uploaded first, then read back
            for kind, name in (("upload", f"{p.name}_upload"), ("file", f"{p.name}_file")):
                m, r = by_name[name]
                out.append(Target(p, kind, None, m, r))
    return out


TARGETS = targets()


def test_every_field_kind_has_a_sample_value(walks: Walks) -> None:
    for kind in FIELD_KINDS:
        f = Field("x", kind, ("Mẫu", "Sample"), choices={"a": ("A", "A")} if kind == "choice" else {})
        value = walks.value(processes()[0], f, OWN, {"signer": walks.holder(OWN, ("agency_leader",)), "person": None})
        assert value not in (None, "", []), kind


def test_every_table_entry_names_a_declared_process_state_and_step() -> None:
    declared = {p.name: p for p in processes()}
    for name, field_name in SAMPLES:
        assert any(f.name == field_name for s in declared[name].steps for f in s.fields), (name, field_name)
    for name, detours in DETOURS.items():
        p = declared[name]
        for when, loops in detours.items():
            how, what = when.split(" ", 1)
            assert how in ("leaving", "before"), (name, when)
            assert what in (p.states if how == "leaving" else [s.name for s in p.steps]), (name, when)
            assert all(p.step(n) is not None and p.step(n).target is None for n in loops), (name, when)
    for name, step in CLOCK:
        assert declared[name].step(step) is not None, (name, step)
    for name, field_name in (*REF_STATES, *SAMPLERS):
        assert any(f.name == field_name for s in declared[name].steps for f in s.fields), (name, field_name)
    for (name, field_name), states in REF_STATES.items():
        linked = next(f.process for s in declared[name].steps for f in s.fields if f.name == field_name)
        assert linked and set(states) <= set(declared[linked].states), (name, field_name)


def test_every_qms_route_is_one_target_of_this_matrix() -> None:
    covered = [(t.method, t.route.path) for t in TARGETS]
    assert len(covered) == len(set(covered))
    assert set(covered) == QMS  # the general matrix leaves exactly these to this file


# ---- the matrix ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def walks(matrix: World) -> Iterator[Walks]:  # noqa: F811
    yield Walks(matrix)


def _roles(user: str) -> frozenset[str]:
    return frozenset({"admin"}) if user == "admin" else frozenset(PEOPLE[user][1])


def _sees(user: str, agency: str) -> bool:
    if user == "admin":
        return False
    _, roles, home = PEOPLE[user]
    return agency == home or ("inspector" in roles and agency == OWN)  # OWN is supervised by the inspector's


def _signer(walks: Walks, agency: str, user: str | None, step: Step | None) -> str:
    """Who signs the walk's formal document: the caller when the step they take needs their signature."""
    if user and step is not None and step.signature and _roles(user) & set(step.roles):
        return user
    return walks.holder(agency, ("agency_leader",))


def _prepare(walks: Walks, t: Target, agency: str, user: str | None, person: str | None = None
             ) -> tuple[dict[str, str], dict[str, Any]]:
    """(path values, JSON body) for one call: a fresh case in a source state of the step (``user`` None: the
    shared case the refused callers are shown)."""
    p, signer = t.process, _signer(walks, agency, user, t.step)
    ctx: dict[str, Any] = {"signer": signer, "person": person}
    if t.kind in ("open", "list"):
        if t.kind == "open" and user is not None:
            walks.fresh_year(p)
        body = walks.request(p, p.opening, agency, ctx) if t.kind == "open" else None
        return {"agency_id": agency}, body or {}
    if t.kind == "file":  # a file a step named: walk through the first step with a file field
        named = next(s for s in p.steps if not s.opens and any(f.kind == "file" for f in s.fields))
        case_id = walks.walk(p, agency, (*path_to(p, named), named), signer=signer, person=person, ctx=ctx)
        return {"case_id": case_id, "sha256": ctx["file"]["sha256"]}, {}
    path = path_to(p, t.step) if t.step is not None else ()
    case_id = walks.walk(p, agency, path, signer=signer, person=person, then=t.step, ctx=ctx)
    body = walks.request(p, t.step, agency, ctx) if t.step is not None else {}
    return {"case_id": case_id}, body


def _url(route: APIRoute, values: dict[str, str]) -> str:
    path = route.path
    for k, v in values.items():
        path = path.replace("{" + k + "}", v)
    return path


def _call(walks: Walks, t: Target, user: str | None, values: dict[str, str], body: dict[str, Any]) -> Any:
    api = walks.w.api
    headers = api.login(user) if user else {}
    kw: dict[str, Any] = {"json": body} if t.method == "POST" else {}
    if t.kind == "upload":
        kw = {"files": {"file": ("Minh chứng quý I.pdf", io.BytesIO(walks.w.pdf), "application/pdf")}}
    return api.client.request(t.method, _url(t.route, values), headers=headers, **kw)


@pytest.mark.parametrize("t", TARGETS, ids=[f"{t.process.name} {t.kind} {t.step.name if t.step else ''}".strip()
                                             for t in TARGETS])
def test_role_and_agency_matrix_of_every_process_step(walks: Walks, t: Target) -> None:
    allowed = guarded_roles(t.route)
    assert allowed is not None
    if t.step is not None:
        assert allowed == frozenset(t.step.roles), f"the route's guard differs from the step's roles: {allowed}"
    write = t.method == "POST"
    ok = 201 if t.kind in ("open", "upload") else 200
    shared = {a: _prepare(walks, t, a, None) for a in (OWN, OTHER)}
    failures = []
    for role, user in ROLE_USER.items():
        for agency in (OWN, OTHER):
            may, sees = bool(_roles(user) & allowed), _sees(user, agency)
            inspecting = "inspector" in _roles(user) and agency != PEOPLE[user][2]
            fresh = write and may and sees and not inspecting
            values, body = _prepare(walks, t, agency, user) if fresh else shared[agency]
            r = _call(walks, t, user, values, body)
            code = r.json().get("code") if "json" in r.headers.get("content-type", "") else None
            if fresh and r.status_code != ok and code != "role_required":
                # a rule may need this very person (the owner named in a person field): name them, and then
                # the step must succeed
                values, body = _prepare(walks, t, agency, user, person=user)
                r = _call(walks, t, user, values, body)
                code = r.json().get("code") if "json" in r.headers.get("content-type", "") else None
            if not sees:
                want: set[tuple[int, str | None]] = {(404, "not_found")}
            elif inspecting:
                want = {(403, "role_required"), (404, "not_found")} if write else {(ok, None)}
            elif not may:
                want = {(403, "role_required")}
            else:
                want = {(ok, None)}
            got = (r.status_code, code if r.status_code >= 400 else None)
            if got not in want:
                failures.append(f"{ROLES.get(role, (role,))[0]} ({user}) on {agency}: want {sorted(want)}, "
                                f"got {r.status_code} {r.text[:300]}")
    assert not failures, "\n".join(failures)
    values, body = shared[OWN]
    r = _call(walks, t, None, values, body)  # not signed in: 401, never data
    assert r.status_code == 401, r.text
