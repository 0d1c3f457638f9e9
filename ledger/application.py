"""The ledger application: commands in, plain values and ids out; time-travel over any aggregate."""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, PersistenceError

from ledger import validation as v
from ledger.actors import Actor
from ledger.aggregate import LedgerAggregate
from ledger.approval import DEFAULT_DELEGATED
from ledger.clock import override
from ledger.config import APP_NAME, eventsourcing_env, is_postgres
from ledger.department import Department
from ledger.document import CONTROLLERS, SECRETARY, Document
from ledger.errors import ConcurrentWrite, InvalidInput, NotFound, RuleViolation, StaleVersion, Unavailable
from ledger.people import AgencyRules
from ledger.qms.case import Case, case_state
from ledger.qms.registry import process_named
from ledger.record import Record, retention_ends_on
from ledger.tthc import IMPORTERS, Procedure, Row, TthcImport, import_id, procedure_id
from ledger.vocabulary import AccountStatus

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A = TypeVar("A", bound=LedgerAggregate)
SNAPSHOT_INTERVAL = 50


def _parse_id(value: str | UUID, kind: str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(f"Không tìm thấy {kind}.", f"No such {kind}.", field="id") from None


def _available(method: Callable[..., Any]) -> Callable[..., Any]:
    """Maps the persistence layer's failures (busy, locked, pool exhausted, server gone) to Unavailable."""
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except IntegrityError:
            raise
        except PersistenceError as e:
            raise Unavailable("Cơ sở dữ liệu đang bận hoặc không truy cập được, xin thử lại sau ít giây.",
                              "The database is busy or unreachable; retry in a few seconds.") from e
    return wrapper


def guarded(cls: type) -> type:
    """Applies _available to every public method of the application class."""
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_") and not isinstance(member, staticmethod | classmethod):
            setattr(cls, name, _available(member))
    return cls


@guarded
class Ledger(Application[UUID]):
    """Documents and records of every agency, as chains of immutable events."""

    name = APP_NAME
    log_section_size = 1000
    snapshotting_intervals = {Document: SNAPSHOT_INTERVAL, Record: SNAPSHOT_INTERVAL, Case: SNAPSHOT_INTERVAL}

    def __init__(self, database_url: str, *, create_tables: bool = True,
                 clock: Callable[[], datetime] | None = None) -> None:
        env = eventsourcing_env(database_url, create_tables=create_tables)
        env["AGGREGATE_CACHE_MAXSIZE"] = "5000"
        super().__init__(env=env)
        self.database_url = database_url
        self.clock = clock or (lambda: datetime.now(UTC))
        # SQLite has one writer at a time: queueing commands here, rather than in SQLite's busy loop,
        # keeps the connection pool free for readers when many requests write at once.
        self.write_lock: AbstractContextManager[Any] = nullcontext() if is_postgres(database_url) else \
            threading.RLock()
        self._batching = threading.local()  # the aggregates a batch() of this thread has changed, unsaved
        self._agencies: dict[tuple[type, UUID], str] = {}  # an aggregate's agency never changes
        self._saved = threading.local()  # (id, version) of this thread's last command, for its answer

    def today(self) -> date:
        """Today's date in Vietnam, which is what retention and loan dates mean."""
        clock = override() or self.clock
        return clock().astimezone(VN).date()

    # ---- documents -----------------------------------------------------------------------
    def register_document(self, actor: Actor, *, code: str, title: str, kind: str, department: str) -> str:
        code = v.code(code)
        doc = Document.register(actor, id=self._unique_id("document", actor.agency_id, code), code=code,
                                title=title, kind=kind, department=department,
                                controllers=self._rules(actor.agency_id).controllers)
        self._save_new(doc, f"Mã tài liệu {doc.code} đã được dùng trong cơ quan.",
                       f"Document code {doc.code} is already used in this agency.")
        return str(doc.id)

    def create_draft(self, actor: Actor, document_id: str, *, file: Any, change_summary: str,
                     expected_version: int | None = None) -> int:
        n: int = self._change(Document, document_id, expected_version,
                              lambda d: d.create_draft(actor, file=file, change_summary=change_summary,
                                                       controllers=self._rules(d.agency_id).controllers))
        return n

    def revise_draft(self, actor: Actor, document_id: str, n: int, *, file: Any, change_summary: str,
                     expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version,
                     lambda d: d.revise(actor, n, file=file, change_summary=change_summary))

    def submit_for_review(self, actor: Actor, document_id: str, n: int, *, reviewers: list[str], approver: str,
                          expected_version: int | None = None) -> None:
        def submit(d: Document) -> None:
            rules = self._rules(d.agency_id)
            d.submit(actor, n, reviewers=reviewers, approver=approver, controllers=rules.controllers, people=rules)

        self._change(Document, document_id, expected_version, submit)

    def review(self, actor: Actor, document_id: str, n: int, *, verdict: str, comment: str = "",
               expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version,
                     lambda d: d.review(actor, n, verdict=verdict, comment=comment))

    def approve(self, actor: Actor, document_id: str, n: int, *, expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version,
                     lambda d: d.approve(actor, n, delegated=self._rules(d.agency_id).delegated))

    def reject(self, actor: Actor, document_id: str, n: int, *, reason: str,
               expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version,
                     lambda d: d.reject(actor, n, reason=reason, delegated=self._rules(d.agency_id).delegated))

    def record_signature(self, actor: Actor, document_id: str, n: int, *, meaning: str, signed_file: Any,
                         certificate: dict[str, str], pades_level: str, signing_time: str,
                         timestamp_time: str | None = None, expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version, lambda d: d.sign(
            actor, n, meaning=meaning, signed_file=signed_file, certificate=certificate, pades_level=pades_level,
            signing_time=signing_time, timestamp_time=timestamp_time, delegated=self._rules(d.agency_id).delegated))

    def issue(self, actor: Actor, document_id: str, n: int, *, effective_from: date | str,
              distribution: list[str], expected_version: int | None = None) -> None:
        def issue(d: Document) -> None:
            rules = self._rules(d.agency_id)
            d.issue(actor, n, effective_from=effective_from, distribution=distribution, today=self.today(),
                    controllers=rules.controllers, people=rules)

        self._change(Document, document_id, expected_version, issue)

    def withdraw(self, actor: Actor, document_id: str, n: int, *, reason: str,
                 expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version,
                     lambda d: d.withdraw(actor, n, reason=reason, today=self.today()))

    def obsolete(self, actor: Actor, document_id: str, *, reason: str, expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version, lambda d: d.obsolete(actor, reason=reason))

    def acknowledge(self, actor: Actor, document_id: str, n: int) -> None:
        """``actor`` has read and understood version ``n``; retried when others acknowledge at the same moment."""
        self._retrying(document_id, lambda d: d.acknowledge(actor, n))

    def remind_acknowledgement(self, actor: Actor, document_id: str, n: int, *, users: list[str]) -> None:
        self._retrying(document_id, lambda d: d.remind_acknowledgement(
            actor, n, users=users, controllers=self._rules(d.agency_id).controllers))

    def set_review_period(self, actor: Actor, document_id: str, *, months: int,
                          expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version, lambda d: d.set_review_period(
            actor, months=months, controllers=self._rules(d.agency_id).controllers))

    def confirm_unchanged(self, actor: Actor, document_id: str, *, comment: str,
                          expected_version: int | None = None) -> None:
        self._change(Document, document_id, expected_version, lambda d: d.confirm_unchanged(
            actor, comment=comment, controllers=self._rules(d.agency_id).controllers))

    def _retrying(self, document_id: str, command: Callable[[Document], Any], attempts: int = 5) -> None:
        """A change that does not depend on what the caller read: a concurrent write is retried, not refused."""
        for attempt in range(attempts):
            try:
                self._change(Document, document_id, None, command)
                return
            except ConcurrentWrite:
                if attempt == attempts - 1:
                    raise

    # ---- records --------------------------------------------------------------------------
    def open_record(self, actor: Actor, *, code: str, title: str, series: str, retention_years: int | None,
                    legal_basis: str, confidentiality: str = "internal") -> str:
        code = v.code(code)
        rec = Record.open(actor, id=self._unique_id("record", actor.agency_id, code), code=code, title=title,
                          series=series, retention_years=retention_years, legal_basis=legal_basis,
                          confidentiality=confidentiality)
        self._save_new(rec, f"Mã hồ sơ {rec.code} đã được dùng trong cơ quan.",
                       f"Record code {rec.code} is already used in this agency.")
        return str(rec.id)

    def add_file(self, actor: Actor, record_id: str, *, file: Any, description: str = "",
                 expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version, lambda r: r.add_file(actor, file=file,
                                                                                description=description))

    def close_record(self, actor: Actor, record_id: str, *, closed_on: date | str | None = None,
                     expected_version: int | None = None) -> None:
        today = self.today()
        self._change(Record, record_id, expected_version,
                     lambda r: r.close(actor, closed_on=closed_on or today, today=today))

    def place_hold(self, actor: Actor, record_id: str, *, reason: str, expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version, lambda r: r.place_hold(actor, reason=reason))

    def release_hold(self, actor: Actor, record_id: str, *, expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version, lambda r: r.release_hold(actor))

    def lend(self, actor: Actor, record_id: str, *, borrower: Any, purpose: str, due_on: date | str,
             approved_by: str, expected_version: int | None = None) -> None:
        """``borrower``: an account of the agency, or ``{"external": {"name", "organisation"}}``."""
        self._change(Record, record_id, expected_version, lambda r: r.lend(
            actor, borrower=borrower, purpose=purpose, due_on=due_on, approved_by=approved_by, today=self.today(),
            people=self._rules(r.agency_id)))

    def extend_loan(self, actor: Actor, record_id: str, *, due_on: date | str,
                    expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version, lambda r: r.extend_loan(actor, due_on=due_on))

    def take_back(self, actor: Actor, record_id: str, *, received_by: str, note: str = "",
                  expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version,
                     lambda r: r.take_back(actor, received_by=received_by, note=note, today=self.today(),
                                           people=self._rules(r.agency_id)))

    def propose_destruction(self, actor: Actor, record_id: str, *, reason: str,
                            expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version,
                     lambda r: r.propose_destruction(actor, reason=reason, today=self.today()))

    def approve_destruction(self, actor: Actor, record_id: str, *, decision_no: str, decided_by: str,
                            council: list[Any], expected_version: int | None = None) -> None:
        """``council``: accounts of the agency or outsiders (``{"external": {"name", "organisation"}}``)."""
        self._change(Record, record_id, expected_version, lambda r: r.approve_destruction(
            actor, decision_no=decision_no, decided_by=decided_by, council=council, people=self._rules(r.agency_id)))

    def record_destruction(self, actor: Actor, record_id: str, *, executed_by: str, witnesses: list[Any],
                           method: str, minutes_file: Any, erased_hashes: list[str],
                           expected_version: int | None = None) -> None:
        """``witnesses``: accounts of the agency or outsiders (``{"external": {"name", "organisation"}}``)."""
        self._change(Record, record_id, expected_version, lambda r: r.destroy(
            actor, executed_by=executed_by, witnesses=witnesses, method=method, minutes_file=minutes_file,
            erased_hashes=erased_hashes, today=self.today(), people=self._rules(r.agency_id)))

    def rehearse_destruction(self, actor: Actor, record_id: str, *, executed_by: str, witnesses: list[Any],
                             method: str, expected_version: int | None = None) -> list[str]:
        """Whether ``record_destruction`` would be accepted now, tried on a copy that is never saved (shredding
        the files cannot be undone if the ledger then refused the event); the hashes of the record's files."""
        trial = copy.deepcopy(self._get(Record, record_id))
        if expected_version is not None and trial.version != expected_version:
            raise StaleVersion(current=trial.version, expected=expected_version)
        known = sorted({f["file"]["sha256"] for f in trial.files})
        stand_in = {"key": "scopes/x/" + "0" * 64, "sha256": "0" * 64, "size": 0, "media_type": "application/pdf",
                    "filename": "x"}
        trial.destroy(actor, executed_by=executed_by, witnesses=witnesses, method=method, minutes_file=stand_in,
                      erased_hashes=known, today=self.today(), people=self._rules(trial.agency_id))
        return known

    def grant_record_access(self, actor: Actor, record_id: str, *, grantee: str, reason: str,
                            until: date | str | None = None, expected_version: int | None = None) -> None:
        """Lets ``grantee`` (an active account of the record's agency) read a confidential record's files."""
        account = self._account_facts(v.text(grantee, "grantee", max_len=100))
        self._change(Record, record_id, expected_version, lambda r: r.grant_access(
            actor, grantee=account, reason=reason, until=until, today=self.today()))

    def revoke_record_access(self, actor: Actor, record_id: str, *, grantee: str, reason: str,
                             expected_version: int | None = None) -> None:
        self._change(Record, record_id, expected_version, lambda r: r.revoke_access(
            actor, grantee=grantee, reason=reason, today=self.today()))

    def read_record_file(self, actor: Actor, record_id: str, index: int) -> dict[str, Any]:
        """The ref of a record's ``index``-th file; for a confidential record the read is an event, saved
        before this returns (if it cannot be saved, this raises and the caller serves nothing)."""
        rec = self._get(Record, record_id)
        if not rec.confidential:
            return rec.read_file(actor, index, today=self.today())
        ref: dict[str, Any] = self._change(Record, record_id, None,
                                           lambda r: r.read_file(actor, index, today=self.today()))
        return ref

    def file_access(self, actor: Actor, record_id: str) -> str | None:
        """Why ``actor`` may read the record's files ("open", "role", "grant"), or None if they may not."""
        return self._get(Record, record_id).read_basis(actor, self.today())

    def check_file_access(self, actor: Actor, record_id: str) -> str:
        """As ``file_access``, but NotAllowed (saying why) when they may not."""
        return self._get(Record, record_id).check_may_read(actor, self.today())

    # ---- QMS processes (ledger/qms) -------------------------------------------------------------
    def open_case(self, actor: Actor, process: str, *, values: dict[str, Any], reason: str = "",
                  case_id: UUID | None = None) -> str:
        """Opens a case of the declared ``process`` by its opening step; a keyed process refuses a second case
        with the same key (e.g. a second quality policy for one year). ``case_id``: the id chosen beforehand (its
        files stored first, in its scope), for a process without a key."""
        declared = process_named(process)
        case = Case.open(actor, declared, values=values, reason=reason, world=_World(self, actor.agency_id),
                         id=case_id)
        key = ", ".join(str(case.data.get(k)) for k in declared.key)
        self._save_new(case, f"Đã có «{declared.label[0]}» {key} trong cơ quan.",
                       f"This agency already has a {declared.label[1].lower()} {key}.", field=declared.key[0]
                       if declared.key else "id")
        return str(case.id)

    def take_step(self, actor: Actor, case_id: str, step: str, *, values: dict[str, Any], reason: str = "",
                  expected_version: int | None = None) -> int:
        """Takes ``step`` of the case's process; returns the case's new version."""
        def take(c: Case) -> int:
            c.take(actor, step, values=values, reason=reason, world=_World(self, actor.agency_id))
            return c.version

        n: int = self._change(Case, case_id, expected_version, take)
        return n

    def case(self, case_id: str) -> dict[str, Any]:
        """The case now, with its process's derived status for today."""
        return case_state(self._get(Case, case_id), self.today())

    def _rules(self, agency_id: str) -> AgencyRules:
        """The agency's approval delegation and document control, with its accounts to check people against."""
        from ledger.directory import Agency, agency_uuid  # the directory builds on this module

        try:
            agency: Any = self._read_only(agency_uuid(agency_id))
        except AggregateNotFoundError:
            agency = None
        if not isinstance(agency, Agency):
            return AgencyRules(agency_id, DEFAULT_DELEGATED, SECRETARY, None)
        controllers = CONTROLLERS if agency.records_controller_controls_documents else SECRETARY
        return AgencyRules(agency_id, tuple(agency.delegated_kinds), controllers, self._account_facts,
                           self._department_facts)

    def _read_only(self, uid: UUID) -> Any:
        """The aggregate as the cache holds it, not a copy: for the rules' lookups of facts, which copy what they
        keep (copying took a fifth of a bulk build's time, more than writing its events). The cache holds
        committed state only (it is fast-forwarded from the log; commands change copies)."""
        return self.repository.get(uid, deepcopy_from_cache=False)

    def _department_facts(self, department_id: str) -> dict[str, Any] | None:
        try:
            dep: Any = self._read_only(UUID(department_id))
        except (ValueError, AggregateNotFoundError):
            return None
        return {"agency_id": dep.agency_id, "closed": dep.closed} if isinstance(dep, Department) else None

    def _account_facts(self, username: str) -> dict[str, Any]:
        from ledger.directory import Account, account_uuid  # the directory builds on this module

        try:
            acc: Any = self._read_only(account_uuid(username))
        except AggregateNotFoundError:
            return {"username": username}
        if not isinstance(acc, Account):
            return {"username": username}
        return {"username": acc.username, "agency_id": acc.agency_id, "roles": list(acc.roles),
                "status": acc.status, "department": acc.department}

    # ---- reads ----------------------------------------------------------------------------
    def document(self, document_id: str) -> dict[str, Any]:
        """The document now: ``in_force`` is the version in force today (Vietnam date)."""
        return state_of(self._get(Document, document_id), self.today())

    def record(self, record_id: str) -> dict[str, Any]:
        return state_of(self._get(Record, record_id), self.today())

    def current_version(self, aggregate_id: str) -> int:
        """The version of a document or record (its number of events), read without rebuilding it; right after
        this thread's command on it, the version that command saved (no second read)."""
        uid = _parse_id(aggregate_id, "mục")
        saved, self._saved.last = getattr(self._saved, "last", None), None
        if saved is not None and saved[0] == uid:
            return int(saved[1])
        last = self.recorder.select_events(uid, desc=True, limit=1)
        if not last:
            raise NotFound()
        return int(last[0].originator_version)

    def agency_of(self, cls: type[LedgerAggregate], aggregate_id: str) -> str:
        """The agency a document or record belongs to (NotFound if there is no such ``cls``): fixed when it was
        registered, so read once per process, not once more per command."""
        uid = _parse_id(aggregate_id, "tài liệu" if cls is Document else "hồ sơ")
        found = self._agencies.get((cls, uid))
        if found is None:
            found = str(self._get(cls, str(uid)).agency_id)
            if len(self._agencies) >= 200_000:
                self._agencies.clear()
            self._agencies[(cls, uid)] = found
        return found

    def files_of_record(self, record_id: str) -> list[dict[str, Any]]:
        return [f["file"] for f in self._get(Record, record_id).files]

    def state_at(self, aggregate_id: str, *, version: int | None = None,
                 as_of: datetime | None = None) -> dict[str, Any] | None:
        """The aggregate as it was at ``version`` or at instant ``as_of`` (None if it did not exist yet); a
        document's ``in_force`` is then the version in force on the Vietnam date of ``as_of`` (else today)."""
        uid = _parse_id(aggregate_id, "mục")
        day = self.today()
        if as_of is not None:
            if as_of.tzinfo is None:
                raise InvalidInput("Thời điểm phải có múi giờ.", "as_of needs a time zone.", field="as_of")
            day = as_of.astimezone(VN).date()
            version = self.version_at(uid, as_of)
            if version == 0:
                return None
        try:
            agg: LedgerAggregate = self.repository.get(uid, version=version)
        except AggregateNotFoundError:
            raise NotFound() from None
        return state_of(agg, day)

    def version_at(self, aggregate_id: UUID, as_of: datetime) -> int:
        """The number of events of an aggregate that had happened by ``as_of`` (0 if none)."""
        found = 0
        for ev in self.events.get(aggregate_id, desc=True):
            if cast(Any, ev).timestamp <= as_of:
                return ev.originator_version
            found += 1
        if found == 0:
            raise NotFound()
        return 0

    def history(self, aggregate_id: str, *, as_of: datetime | None = None) -> list[dict[str, Any]]:
        """Every event of an aggregate (up to ``as_of``), oldest first, as plain dicts."""
        uid = _parse_id(aggregate_id, "mục")
        out = []
        for ev in self.events.get(uid):
            if as_of is not None and cast(Any, ev).timestamp > as_of:
                break
            out.append(event_dict(ev))
        if not out and as_of is None:
            raise NotFound()
        return out

    @classmethod
    def document_id(cls, agency_id: str, code: str) -> str:
        """The id of ``agency_id``'s document ``code`` (whether it is registered or not)."""
        return str(cls._unique_id("document", agency_id, code))

    # ---- plumbing -------------------------------------------------------------------------
    @staticmethod
    def _unique_id(kind: str, agency_id: str, code: str) -> UUID:
        # The id derives from (agency, code), so a second registration of a code collides on version 1.
        return uuid5(NAMESPACE_URL, f"isoledger:{kind}:{agency_id}:{code}")

    def _save_new(self, aggregate: LedgerAggregate, msg_vi: str, msg_en: str, field: str = "code") -> None:
        self._saved.last = None
        pending = self._pending()
        if pending is not None:
            if aggregate.id in pending:
                raise RuleViolation(msg_vi, msg_en, field=field, code="duplicate_code")
            pending[aggregate.id] = aggregate
            return
        try:
            with self.write_lock:
                self.save(aggregate)
        except IntegrityError:
            raise RuleViolation(msg_vi, msg_en, field=field, code="duplicate_code") from None
        self._saved.last = (aggregate.id, aggregate.version)

    def _get(self, cls: type[A], aggregate_id: str) -> A:
        kind = {Document: "tài liệu", Record: "hồ sơ", Case: "mục"}.get(cls, "mục")
        uid = _parse_id(aggregate_id, kind)
        pending = self._pending()
        try:
            agg: LedgerAggregate = pending[uid] if pending is not None and uid in pending else self.repository.get(uid)
        except AggregateNotFoundError:
            raise NotFound(f"Không tìm thấy {kind}.", f"No such {cls.__name__.lower()}.", field="id") from None
        if not isinstance(agg, cls):
            raise NotFound(f"Không tìm thấy {kind}.", f"No such {cls.__name__.lower()}.", field="id")
        return agg

    def _change(self, cls: type[A], aggregate_id: str, expected_version: int | None,
                command: Callable[[A], Any]) -> Any:
        with self.write_lock:
            return self._change_now(cls, aggregate_id, expected_version, command)

    def _change_now(self, cls: type[A], aggregate_id: str, expected_version: int | None,
                    command: Callable[[A], Any]) -> Any:
        self._saved.last = None
        agg = self._get(cls, aggregate_id)
        if expected_version is not None and agg.version != expected_version:
            raise StaleVersion(current=agg.version, expected=expected_version)
        result = command(agg)
        pending = self._pending()
        if pending is not None:
            pending[agg.id] = agg
            return result
        try:
            self.save(agg)
        except IntegrityError:
            raise ConcurrentWrite() from None
        self._saved.last = (agg.id, agg.version)
        return result

    # ---- bulk loading ---------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Commands of this thread inside the block run as always (the same checks, every event sealed into its
        aggregate's hash chain) and are saved together when it ends: one transaction for all their events,
        snapshots taken as usual. How a large history is loaded (bench/province.py). If the block raises,
        nothing of it is saved; a code taken twice makes the whole batch fail (RuleViolation)."""
        if self._pending() is not None:
            raise RuntimeError("batches do not nest")
        pending: dict[UUID, LedgerAggregate] = {}
        self._batching.pending = pending
        try:
            yield
        finally:
            self._batching.pending = None
        if pending:
            try:
                with self.write_lock:
                    self.save(*pending.values())
            except IntegrityError:
                raise RuleViolation("Một mã trong lô đã được dùng.", "A code in the batch is already used.",
                                    field="code", code="duplicate_code") from None

    # ---- requests (ledger.requests) ------------------------------------------------------------
    def request_recorded(self, request: str) -> bool:
        """Whether events written under ``writing_for(request)`` are in the log (the request was applied)."""
        return bool(self.recorder.request_recorded(request))  # type: ignore[attr-defined]

    def forget_requests(self, before: float) -> int:
        """Forgets the request marks recorded before ``before`` (Unix time), far older than any key kept."""
        return int(self.recorder.forget_requests(before))  # type: ignore[attr-defined]

    def _pending(self) -> dict[UUID, LedgerAggregate] | None:
        return getattr(self._batching, "pending", None)

    # ---- administrative procedures (ledger/tthc.py) -------------------------------------------
    def import_procedures(self, actor: Actor, rows: list[Row], *, sha256: str, filename: str, fmt: str,
                          progress: Callable[[int], None] | None = None) -> dict[str, int]:
        """Records what the one-stop system's feed ``rows`` (checked, one per procedure and month) change in the
        actor's agency, in one batch: all of it or nothing. Rows saying what the ledger already holds add no
        event; when nothing changes, nothing at all is recorded. Returns the counts of each kind of change."""
        meta = actor.meta(*IMPORTERS)
        source = {"sha256": v.text(sha256, "sha256", max_len=64), "filename": v.text(filename, "filename")}
        changes = {"listed": 0, "amended": 0, "reported": 0, "corrected": 0}
        with self.batch():
            pending = self._pending()
            assert pending is not None
            loaded: dict[UUID, Procedure] = {}  # each procedure read once, however many months the file has
            for done_rows, row in enumerate(rows, start=1):
                if progress is not None and done_rows % 500 == 0:
                    progress(500)
                pid = procedure_id(actor.agency_id, row.code)
                agg = loaded.get(pid)
                if agg is None:
                    try:
                        agg = self._get(Procedure, str(pid))
                    except NotFound:
                        agg = Procedure.listed(meta, row, source)
                        changes["listed"] += 1
                    loaded[pid] = agg
                for kind in agg.take(meta, row, source):
                    changes[kind] += 1
                if agg.pending_events:  # something to save
                    pending[pid] = agg
            if any(changes.values()):
                summary = {**source, "format": fmt, "rows": len(rows), "changes": changes}
                try:
                    done = self._get(TthcImport, str(import_id(actor.agency_id, source["sha256"])))
                    done.again(meta, summary)
                except NotFound:
                    done = TthcImport.first(meta, summary)
                pending[done.id] = done
        if progress is not None:
            progress(len(rows) % 500)
        return changes


_PRIVATE = {"_pending_events", "_id", "_version", "_created_on", "_modified_on"}


def state_of(agg: LedgerAggregate, day: date) -> dict[str, Any]:
    """A plain-dict view of an aggregate on ``day``: for a document, ``in_force`` is the version in force that
    day, ``upcoming`` the version issued but not yet in force (None if none), ``in_force_on`` the day itself."""
    state = {k: v for k, v in agg.__dict__.items() if k not in _PRIVATE}
    state.update(id=str(agg.id), type=type(agg).__name__, version=agg.version,
                 created_on=agg.created_on.isoformat(), modified_on=agg.modified_on.isoformat())
    if isinstance(agg, Document):
        state.update(in_force=agg.in_force_on(day), upcoming=agg.upcoming_on(day), in_force_on=day.isoformat())
    if isinstance(agg, Case):
        return case_state(agg, day) | {"type": "Case", "created_on": state["created_on"],
                                        "modified_on": state["modified_on"]}
    if isinstance(agg, Record):
        ends = retention_ends_on(agg.closed_on, agg.retention_years)
        state["retention_ends_on"] = ends.isoformat() if ends else None
        state["grants"] = dict(agg.grants)
        state["confidential_reads"] = agg.confidential_reads
    return state


def event_dict(ev: Any) -> dict[str, Any]:
    """An event as plain values: type, version, time, actor metadata, hash chain and payload."""
    body = {k: v for k, v in ev.__dict__.items()
            if k not in ("originator_id", "originator_version", "timestamp", "meta", "prev_hash", "hash",
                         "originator_topic")}
    return {"aggregate_id": str(ev.originator_id), "version": ev.originator_version, "type": type(ev).__name__,
            "timestamp": ev.timestamp.isoformat(), "meta": ev.meta, "prev_hash": ev.prev_hash, "hash": ev.hash,
            "data": body}


class _World:
    """What a QMS step's rules may look up, read from the ledger itself (the directory's aggregates included)."""

    def __init__(self, ledger: Ledger, agency_id: str) -> None:
        self.ledger, self.agency_id = ledger, agency_id

    def today(self) -> date:
        return self.ledger.today()

    def _aggregate(self, uid: UUID | str) -> Any:
        try:
            return self.ledger.repository.get(uid if isinstance(uid, UUID) else UUID(str(uid)))
        except (AggregateNotFoundError, ValueError):
            return None

    def department(self, department_id: str) -> dict[str, Any] | None:
        from ledger.department import Department, department_state

        dep = self._aggregate(department_id)
        return department_state(dep) if isinstance(dep, Department) else None

    def account(self, username: str) -> dict[str, Any] | None:
        """The account's facts; where the agency is not in the directory (a ledger used on its own, as
        ``AgencyRules`` says) anyone named is taken as one of its active people."""
        if self.ledger._rules(self.agency_id).facts is None:
            return {"username": username, "agency_id": self.agency_id, "status": AccountStatus.ACTIVE, "roles": []}
        facts = self.ledger._account_facts(username)
        return facts if "agency_id" in facts else None

    def document(self, document_id: str) -> dict[str, Any] | None:
        doc = self._aggregate(document_id)
        return state_of(doc, self.today()) if isinstance(doc, Document) else None

    def case(self, case_id: str) -> dict[str, Any] | None:
        found = self._aggregate(case_id)
        return case_state(found, self.today()) if isinstance(found, Case) else None

    def agency(self, agency_id: str) -> dict[str, Any] | None:
        """An agency of the directory: its id, name and the agencies that supervise it (None: no such agency)."""
        from ledger.directory import Agency, agency_uuid  # the directory builds on this module

        found = self._aggregate(agency_uuid(agency_id))
        if not isinstance(found, Agency):
            return None
        return {"agency_id": found.agency_id, "name": found.name, "supervised_by": list(found.supervised_by)}
