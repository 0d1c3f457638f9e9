"""Who may see what: an agency's own people, the inspectors of the agencies that supervise it; else 404."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ledger.document import Document
from ledger.errors import LedgerError, NotFound
from ledger.qms.registry import process_named
from ledger.record import Record
from ledger.vocabulary import Role
from usecases.deps import Deps

What = tuple[str, str]  # (Vietnamese, English) name of what is looked for
AGENCY: What = ("cơ quan", "agency")
DOCUMENT: What = ("tài liệu", "document")
RECORD: What = ("hồ sơ", "record")
USER: What = ("tài khoản", "user")
DEPARTMENT: What = ("phòng ban", "department")


class Who(Protocol):
    """Anyone acting or reading: an ``Actor`` of the ledger, or the API's signed-in principal."""

    @property
    def agency_id(self) -> str: ...

    @property
    def roles(self) -> frozenset[str]: ...


def not_found(what: What) -> NotFound:
    return NotFound(f"Không tìm thấy {what[0]}.", f"No such {what[1]}.", field="id")


class Visibility:
    """The one policy of which agency's data a caller reads, used by every use case and entry point."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def supervised_by(self, agency_id: str) -> list[str]:
        """Agencies that ``agency_id`` supervises (its inspectors may read them)."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT agency_id FROM agency_supervisors WHERE supervisor_id=? ORDER BY agency_id",
                        (agency_id,))
            return [r[0] for r in cur.fetchall()]

    def visible_agencies(self, who: Who, roles: frozenset[str]) -> list[str]:
        """The agencies whose data ``who`` may read with something open to ``roles``."""
        out = []
        if (who.roles & roles) - {Role.INSPECTOR}:
            out.append(who.agency_id)
        if Role.INSPECTOR in who.roles and Role.INSPECTOR in roles:
            out.extend(a for a in self.supervised_by(who.agency_id) if a not in out)
        return out

    def check_visible(self, who: Who, agency_id: str, roles: frozenset[str], what: What = AGENCY) -> None:
        """404 unless ``who`` may read ``agency_id``'s data (never a 403 that reveals it exists)."""
        if agency_id == who.agency_id and (who.roles & roles) - {Role.INSPECTOR}:
            return
        if Role.INSPECTOR in who.roles and Role.INSPECTOR in roles and agency_id in self.supervised_by(who.agency_id):
            return
        raise not_found(what)

    def sees(self, who: Who, agency_id: str) -> bool:
        """Whether ``agency_id`` is ``who``'s own agency or one their inspectors supervise."""
        return agency_id == who.agency_id or (Role.INSPECTOR in who.roles
                                             and agency_id in self.supervised_by(who.agency_id))

    @staticmethod
    def check_own(who: Who, agency_id: str, what: What = AGENCY) -> None:
        """Commands act only within the caller's own agency."""
        if agency_id != who.agency_id:
            raise not_found(what)

    def check_reachable(self, who: Who, params: Mapping[str, Any]) -> None:
        """404 when ``params`` name something that does not exist or belongs to an agency ``who`` cannot see.

        Checked before a role refusal, so a 403 never confirms that another agency's resource exists.
        """
        ledger, directory = self.deps.ledger, self.deps.directory
        if "case_id" in params:  # a case is read by its agency's people, or shared with another agency (Process)
            case = _state_of(ledger.case, str(params["case_id"]))
            if case is None or not (self.sees(who, case["agency_id"]) or self.shares(who, case)):
                raise not_found(("mục", "item"))
            return
        finders: tuple[tuple[str, What, Callable[[str], str | None]], ...] = (
            ("document_id", DOCUMENT, lambda i: _agency_of(ledger.document, i)),
            ("record_id", RECORD, lambda i: _agency_of(ledger.record, i)),
            ("case_id", ("mục", "item"), lambda i: _agency_of(ledger.case, i)),
            ("department_id", DEPARTMENT, lambda i: (directory.find_department(i) or {}).get("agency_id")),
            ("user_id", USER, lambda i: (directory.find_account(i) or {}).get("agency_id")),
            ("agency_id", AGENCY, lambda i: i if directory.find_agency(i) is not None else None),
            ("position", ("sự kiện", "event"), lambda i: self.agency_of_event(int(i)) if i.isdigit() else None),
            ("notification_id", ("thông báo", "notification"), self.agency_of_notification),
            ("webhook_id", ("webhook", "webhook"),
             lambda i: self._owner("SELECT owner_agency FROM webhooks WHERE id=?", i)),
            ("delivery_id", ("lần gửi", "delivery"), lambda i: self._owner(
                "SELECT w.owner_agency FROM webhook_deliveries d JOIN webhooks w ON w.id=d.webhook_id WHERE d.id=?",
                i)),
        )
        for name, what, find in finders:
            if name in params:
                agency = find(str(params[name]))
                if agency is None or not self.sees(who, agency):
                    raise not_found(what)
                return

    def reads_case(self, who: Who, case: Mapping[str, Any], roles: frozenset[str]) -> bool:
        """Whether ``who`` reads ``case``: as any of its agency's data (``check_visible``), as one of its agency's
        people who take the process's steps (an inspector of the supervising agency reads its inspections), or as
        one of the agency the process shares the case with (the inspected agency's leader and ISO secretary)."""
        process = process_named(str(case["process"]))
        if case["agency_id"] == who.agency_id and who.roles & {r for s in process.steps for r in s.roles}:
            return True
        if self.shares(who, case):
            return True
        try:
            self.check_visible(who, str(case["agency_id"]), roles)
        except NotFound:
            return False
        return True

    @staticmethod
    def shares(who: Who, case: Mapping[str, Any]) -> bool:
        """Whether the case's process shares it with ``who``'s agency and role (``Process.shared_with``)."""
        process = process_named(str(case["process"]))
        return process.shared_agency(case.get("data") or {}) == who.agency_id and bool(
            who.roles & set(process.shared_roles))

    def check_case(self, who: Who, case: Mapping[str, Any], roles: frozenset[str], what: What) -> None:
        """404 unless ``who`` reads ``case`` (``reads_case``)."""
        if not self.reads_case(who, case, roles):
            raise not_found(what)

    def agency_of_event(self, position: int) -> str | None:
        """The agency of the event at notification ``position`` (None when there is none)."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT agency_id FROM audit WHERE position=?", (position,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def _owner(self, sql: str, key: str) -> str | None:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(sql, (key,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def agency_of_notification(self, note_id: str) -> str | None:
        """The agency a notification is about (None when there is none)."""
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT agency_id FROM notifications WHERE id=?", (note_id,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def document(self, who: Who, document_id: str, roles: frozenset[str], *, command: bool = False
                 ) -> dict[str, Any]:
        """The document now, if ``who`` may read it with ``roles`` (or act on it: ``command``); else 404."""
        return self._aggregate(who, document_id, roles, command, self.deps.ledger.document, DOCUMENT)

    def record(self, who: Who, record_id: str, roles: frozenset[str], *, command: bool = False) -> dict[str, Any]:
        """The record now, if ``who`` may read it with ``roles`` (or act on it: ``command``); else 404."""
        return self._aggregate(who, record_id, roles, command, self.deps.ledger.record, RECORD)

    def check_own_document(self, who: Who, document_id: str) -> None:
        """404 unless the document exists and is of ``who``'s own agency (a command's check: no state read)."""
        self._check_own_aggregate(who, Document, document_id, DOCUMENT)

    def check_own_record(self, who: Who, record_id: str) -> None:
        """404 unless the record exists and is of ``who``'s own agency (a command's check: no state read)."""
        self._check_own_aggregate(who, Record, record_id, RECORD)

    def _check_own_aggregate(self, who: Who, cls: type[Any], aggregate_id: str, what: What) -> None:
        try:
            agency = self.deps.ledger.agency_of(cls, aggregate_id)
        except NotFound:
            raise not_found(what) from None
        self.check_own(who, agency, what)

    def _aggregate(self, who: Who, aggregate_id: str, roles: frozenset[str], command: bool,
                   load: Callable[[str], dict[str, Any]], what: What) -> dict[str, Any]:
        try:
            state = load(aggregate_id)
        except NotFound:
            raise not_found(what) from None
        if command:
            self.check_own(who, state["agency_id"], what)
        else:
            self.check_visible(who, state["agency_id"], roles, what)
        return state

    def agency(self, agency_id: str) -> dict[str, Any]:
        """The agency, or 404."""
        found = self.deps.directory.find_agency(agency_id)
        if found is None:
            raise not_found(AGENCY)
        return found


def _state_of(load: Callable[[str], dict[str, Any]], aggregate_id: str) -> dict[str, Any] | None:
    try:
        return load(aggregate_id)
    except LedgerError:
        return None


def _agency_of(load: Callable[[str], dict[str, Any]], aggregate_id: str) -> str | None:
    try:
        return str(load(aggregate_id)["agency_id"])
    except LedgerError:
        return None
