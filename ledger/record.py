"""The record (hồ sơ): files kept as evidence, lent and returned, destroyed when retention ends."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import event

from ledger import validation as v
from ledger.actors import Actor
from ledger.aggregate import LedgerAggregate
from ledger.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from ledger.people import AgencyRules, label, unchecked
from ledger.vocabulary import AccountStatus, DestructionStatus, Role

CONFIDENTIALITY = {"public": "Công khai", "internal": "Nội bộ", "confidential": "Mật"}
METHODS = ("crypto_shredding", "shredding", "burning", "pulping")
MAX_RETENTION_YEARS = 100
# Who reads records at all (the register, a record, its files) in their own agency.
READER_ROLES = (Role.RECORDS_CONTROLLER, Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER,
                Role.INTERNAL_AUDITOR, Role.INSPECTOR)
# Who reads a confidential ("Mật") record's files by their role, and decides who else may (access grants).
CONFIDENTIAL_ROLES = (Role.RECORDS_CONTROLLER, Role.AGENCY_LEADER)


def retention_ends_on(closed_on: str | None, years: int | None) -> date | None:
    """The first day the record may be destroyed; None while open or when kept permanently."""
    if closed_on is None or years is None:
        return None
    closed = date.fromisoformat(closed_on)
    try:
        return closed.replace(year=closed.year + years)
    except ValueError:  # 29 February
        return closed.replace(year=closed.year + years, day=28)


class Record(LedgerAggregate):
    """One hồ sơ of one agency."""

    # Defaults for records (and their snapshots) from before access grants existed; never changed in place.
    # (not annotated: eventsourcing would make them dataclass fields)
    grants = cast("dict[str, dict[str, Any]]", {})  # grantee -> their grant (confidential records only)
    confidential_reads = 0

    # ---- commands -------------------------------------------------------------------------
    @classmethod
    def open(cls, actor: Actor, *, id: UUID, code: str, title: str, series: str,  # noqa: A002
             retention_years: int | None, legal_basis: str, confidentiality: str = "internal") -> Record:
        meta = actor.meta(Role.RECORDS_CONTROLLER)
        if retention_years is not None and (
            isinstance(retention_years, bool) or not isinstance(retention_years, int)
            or not 1 <= retention_years <= MAX_RETENTION_YEARS
        ):
            raise InvalidInput(f"Thời hạn bảo quản là số năm từ 1 đến {MAX_RETENTION_YEARS}, hoặc vĩnh viễn.",
                               f"Retention is 1 to {MAX_RETENTION_YEARS} years, or permanent.",
                               field="retention_years")
        created: Record = cls._create(cast(Any, cls).Opened, id=id, agency_id=actor.agency_id, code=code,
                                      title=v.text(title, "title"),
                   series=v.text(series, "series", max_len=200), retention_years=retention_years,
                   legal_basis=v.text(legal_basis, "legal_basis", max_len=500),
                   confidentiality=v.choice(confidentiality, "confidentiality", CONFIDENTIALITY), meta=meta)
        return created

    def add_file(self, actor: Actor, *, file: Any, description: str = "") -> None:
        meta = self._meta(actor)
        self._check_open()
        self._file_added(file=v.file_ref(file), description=v.text(description, "description", max_len=1000,
                                                                    required=False), meta=meta)

    def close(self, actor: Actor, *, closed_on: date | str, today: date) -> None:
        meta = self._meta(actor)
        self._check_open()
        closed = v.iso_date(closed_on, "closed_on")
        if closed > today:
            raise InvalidInput("Ngày kết thúc hồ sơ không được sau hôm nay.", "closed_on cannot be in the future.",
                               field="closed_on")
        ends = retention_ends_on(closed.isoformat(), self.retention_years)
        self._closed(closed_on=closed.isoformat(), retention_ends_on=ends.isoformat() if ends else None, meta=meta)

    def place_hold(self, actor: Actor, *, reason: str) -> None:
        meta = self._meta(actor)
        if self.hold is not None:
            raise RuleViolation("Hồ sơ đang bị phong tỏa.", "The record is already under legal hold.",
                                code="already_held")
        self._hold_placed(reason=v.text(reason, "reason", max_len=2000), meta=meta)

    def release_hold(self, actor: Actor) -> None:
        meta = self._meta(actor)
        if self.hold is None:
            raise RuleViolation("Hồ sơ không bị phong tỏa.", "The record is not under legal hold.", code="not_held")
        self._hold_released(meta=meta)

    def lend(self, actor: Actor, *, borrower: Any, purpose: str, due_on: date | str, approved_by: str,
             today: date, people: AgencyRules | None = None) -> None:
        meta = self._meta(actor)
        if self.loan is not None:
            raise RuleViolation(f"Hồ sơ đang được {label(self.loan['borrower'])} mượn, hạn trả "
                                f"{_vn(self.loan['due_on'])}.",
                                f"The record is on loan to {label(self.loan['borrower'])} until "
                                f"{self.loan['due_on']}.", code="already_on_loan")
        due = v.iso_date(due_on, "due_on")
        if due < today:
            raise InvalidInput("Hạn trả không được trước hôm nay.", "due_on cannot be in the past.", field="due_on")
        people = people or unchecked(self.agency_id)
        self._borrowed(borrower=people.pick("lend", "borrower", borrower), purpose=v.text(purpose, "purpose"),
                       due_on=due.isoformat(), approved_by=people.pick("lend", "approved_by", approved_by),
                       borrowed_on=today.isoformat(), meta=meta)

    def extend_loan(self, actor: Actor, *, due_on: date | str) -> None:
        meta = self._meta(actor)
        loan = self._current_loan()
        due = v.iso_date(due_on, "due_on")
        if due <= date.fromisoformat(loan["due_on"]):
            raise InvalidInput("Hạn mới phải sau hạn hiện tại.", "The new due date must be after the current one.",
                               field="due_on")
        self._loan_extended(due_on=due.isoformat(), meta=meta)

    def take_back(self, actor: Actor, *, received_by: str, note: str = "", today: date,
                  people: AgencyRules | None = None) -> None:
        meta = self._meta(actor)
        self._current_loan()
        people = people or unchecked(self.agency_id)
        self._returned(received_by=people.pick("return", "received_by", received_by),
                       note=v.text(note, "note", max_len=2000, required=False), returned_on=today.isoformat(),
                       meta=meta)

    def propose_destruction(self, actor: Actor, *, reason: str, today: date) -> None:
        meta = self._meta(actor)
        if self.destruction is not None:
            raise RuleViolation("Hồ sơ đã được đề nghị hủy.", "Destruction is already proposed.",
                                code="destruction_already_proposed")
        self._check_destroyable(today)
        self._destruction_proposed(reason=v.text(reason, "reason", max_len=2000), meta=meta)

    def approve_destruction(self, actor: Actor, *, decision_no: str, decided_by: str, council: list[Any],
                            people: AgencyRules | None = None) -> None:
        meta = actor.meta(Role.AGENCY_LEADER)
        self.check_same_agency(meta)
        self._check_not_destroyed()
        if self.destruction is None or self.destruction["status"] != DestructionStatus.PROPOSED:
            raise RuleViolation("Chưa có đề nghị hủy chờ phê duyệt.", "No destruction proposal awaits approval.",
                                code="no_destruction_proposal")
        people = people or unchecked(self.agency_id)
        self._destruction_approved(decision_no=v.text(decision_no, "decision_no", max_len=100),
                                   decided_by=people.pick("approve_destruction", "decided_by", decided_by),
                                   council=people.pick("approve_destruction", "council", council), meta=meta)

    def destroy(self, actor: Actor, *, executed_by: str, witnesses: list[Any], method: str, minutes_file: Any,
                erased_hashes: list[str], today: date, people: AgencyRules | None = None) -> None:
        meta = self._meta(actor)
        if self.destruction is None or self.destruction["status"] != DestructionStatus.APPROVED:
            raise RuleViolation("Chưa có quyết định hủy được phê duyệt.", "There is no approved destruction decision.",
                                code="destruction_not_approved")
        self._check_destroyable(today)
        known = {f["file"]["sha256"] for f in self.files}
        erased = list(erased_hashes)
        if not set(erased) <= known:
            raise InvalidInput("Danh sách tệp đã xóa có mã băm không thuộc hồ sơ.",
                               "erased_hashes names files that are not in this record.", field="erased_hashes")
        people = people or unchecked(self.agency_id)
        self._destroyed(executed_by=people.pick("execute_destruction", "executed_by", executed_by),
                        witnesses=people.pick("execute_destruction", "witnesses", witnesses),
                        method=v.choice(method, "method", METHODS), minutes_file=v.file_ref(minutes_file,
                                                                                            "minutes_file"),
                        erased_hashes=erased, meta=meta)

    # ---- confidentiality --------------------------------------------------------------------
    def grant_access(self, actor: Actor, *, grantee: dict[str, Any], reason: str, until: date | str | None,
                     today: date) -> None:
        """Lets one more account of the agency read this confidential record's files (``grantee`` is the
        account as the directory holds it: username, agency_id, roles, status)."""
        meta = self._grant_meta(actor)
        username = str(grantee.get("username", ""))
        if grantee.get("agency_id") != self.agency_id or grantee.get("status") != AccountStatus.ACTIVE:
            raise InvalidInput(f"Tài khoản {username} không phải tài khoản đang hoạt động của cơ quan.",
                               f"{username} is not an active account of this agency.", field="grantee")
        roles = set(grantee.get("roles") or ())
        if not roles & set(READER_ROLES):
            raise InvalidInput(f"Tài khoản {username} không có vai trò được xem hồ sơ (Công chức không mở được "
                               "danh mục hồ sơ).", f"{username} holds no role that reads records.",
                               field="grantee")
        if roles & set(CONFIDENTIAL_ROLES):
            raise InvalidInput(f"Tài khoản {username} đã được xem tệp hồ sơ mật theo vai trò.",
                               f"{username} already reads confidential files by role.", field="grantee")
        if self.active_grant(username, today) is not None:
            raise RuleViolation(f"Tài khoản {username} đã được cấp quyền xem hồ sơ này.",
                                f"{username} already has access to this record.", code="already_granted")
        ends = None
        if until is not None and until != "":
            ends = v.iso_date(until, "until")
            if ends < today:
                raise InvalidInput("Ngày hết quyền không được trước hôm nay.", "until cannot be in the past.",
                                   field="until")
        self._access_granted(grantee=username, granted_by=meta["user_id"],
                             reason=v.text(reason, "reason", max_len=2000),
                             until=ends.isoformat() if ends else None, granted_on=today.isoformat(), meta=meta)

    def revoke_access(self, actor: Actor, *, grantee: str, reason: str, today: date) -> None:
        meta = self._grant_meta(actor)
        if self.active_grant(grantee, today) is None:
            raise RuleViolation(f"Tài khoản {grantee} không có quyền xem hồ sơ này để thu hồi.",
                                f"{grantee} has no access to this record to revoke.", code="not_granted")
        self._access_revoked(grantee=grantee, revoked_by=meta["user_id"],
                             reason=v.text(reason, "reason", max_len=2000), meta=meta)

    def read_file(self, actor: Actor, index: int, *, today: date) -> dict[str, Any]:
        """The file ref of the ``index``-th file (from 1); a confidential record's read is recorded first."""
        if self.destroyed or not 1 <= index <= len(self.files):
            raise NotFound("Không có tệp này trong hồ sơ.", "No such file in the record.", field="index")
        ref: dict[str, Any] = self.files[index - 1]["file"]
        if not self.confidential:
            return ref
        basis = self.check_may_read(actor, today)
        role = next(r for r in (*CONFIDENTIAL_ROLES, *READER_ROLES, *sorted(actor.roles)) if r in actor.roles)
        self._confidential_file_read(sha256=ref["sha256"], filename=ref["filename"], index=index,
                                     reader=actor.user_id, role=role, basis=basis, meta=actor.meta(role))
        return ref

    def check_may_read(self, actor: Actor, today: date) -> str:
        """Why ``actor`` may read the files ("open", "role", "grant"); NotAllowed if they may not."""
        basis = self.read_basis(actor, today)
        if basis is not None:
            return basis
        if actor.agency_id != self.agency_id:
            raise NotAllowed("Hồ sơ mật: tệp của hồ sơ mật không được cung cấp cho cán bộ của cơ quan khác, kể cả "
                             "cán bộ kiểm tra; hãy đề nghị cơ quan cung cấp theo quy định.",
                             "Confidential record: its files are never shown to another agency's staff, inspectors "
                             "included; ask the agency to provide them as the rules require.",
                             code="confidential_record")
        raise NotAllowed("Hồ sơ mật: chỉ người kiểm soát hồ sơ, lãnh đạo cơ quan và người được cấp quyền được xem "
                         "tệp.", "Confidential record: only the records controller, the agency leader and accounts "
                         "granted access may read its files.", code="confidential_record")

    @property
    def confidential(self) -> bool:
        return self.confidentiality == "confidential"

    def read_basis(self, actor: Actor, today: date) -> str | None:
        """Why ``actor`` may read this record's files: "role", "grant", "open" (not confidential) or None."""
        if not self.confidential:
            return "open"
        if actor.agency_id != self.agency_id:
            return None  # never another agency's inspector: grants are for accounts of the agency itself
        if actor.roles & set(CONFIDENTIAL_ROLES):
            return "role"
        return "grant" if self.active_grant(actor.user_id, today) is not None else None

    def active_grant(self, username: str, today: date) -> dict[str, Any] | None:
        grant = self.grants.get(username)
        if grant is None or (grant["until"] is not None and grant["until"] < today.isoformat()):
            return None
        return grant

    # ---- checks ---------------------------------------------------------------------------
    def _grant_meta(self, actor: Actor) -> dict[str, str]:
        meta = actor.meta(*CONFIDENTIAL_ROLES)
        self.check_same_agency(meta)
        self._check_not_destroyed()
        if not self.confidential:
            raise RuleViolation("Hồ sơ không phải hồ sơ mật; ai xem được hồ sơ đều xem được tệp.",
                                "The record is not confidential; everyone who sees it reads its files.",
                                code="not_confidential")
        return meta

    def _meta(self, actor: Actor) -> dict[str, str]:
        meta = actor.meta(Role.RECORDS_CONTROLLER)
        self.check_same_agency(meta)
        self._check_not_destroyed()
        return meta

    def _check_not_destroyed(self) -> None:
        if self.destroyed:
            raise RuleViolation("Hồ sơ đã bị hủy; không thể thao tác thêm.",
                                "The record has been destroyed; nothing more can be done with it.",
                                code="record_destroyed")

    def _check_open(self) -> None:
        if self.closed_on is not None:
            raise RuleViolation(f"Hồ sơ đã kết thúc ngày {_vn(self.closed_on)}.",
                                f"The record was closed on {self.closed_on}.", code="record_closed")

    def _current_loan(self) -> dict[str, Any]:
        if self.loan is None:
            raise RuleViolation("Hồ sơ không đang được cho mượn.", "The record is not on loan.", code="not_on_loan")
        return self.loan

    def _check_destroyable(self, today: date) -> None:
        if self.retention_years is None:
            raise RuleViolation("Hồ sơ bảo quản vĩnh viễn, không được hủy.",
                                "The record is kept permanently and cannot be destroyed.", code="permanent")
        ends = retention_ends_on(self.closed_on, self.retention_years)
        if ends is None:
            raise RuleViolation("Hồ sơ chưa kết thúc nên chưa tính thời hạn bảo quản.",
                                "The record is still open; retention has not started.", code="record_open")
        if today < ends:
            raise RuleViolation(f"Chưa hết thời hạn bảo quản (đến {_vn(ends.isoformat())}).",
                                f"The retention period runs until {ends.isoformat()}.", code="retention_running")
        if self.hold is not None:
            raise RuleViolation(f"Hồ sơ đang bị phong tỏa: {self.hold}.", f"The record is under legal hold: "
                                f"{self.hold}.", code="legal_hold")
        if self.loan is not None:
            raise RuleViolation(f"Hồ sơ đang được {label(self.loan['borrower'])} mượn.",
                                f"The record is on loan to {label(self.loan['borrower'])}.", code="on_loan")

    # ---- events ---------------------------------------------------------------------------
    @event("Opened")
    def __init__(self, agency_id: str, code: str, title: str, series: str, retention_years: int | None,
                 legal_basis: str, confidentiality: str, meta: dict[str, str]) -> None:
        self.agency_id = agency_id
        self.code = code
        self.title = title
        self.series = series
        self.retention_years = retention_years
        self.legal_basis = legal_basis
        self.confidentiality = confidentiality
        self.files: list[dict[str, Any]] = []
        self.closed_on: str | None = None
        self.hold: str | None = None
        self.loan: dict[str, Any] | None = None
        self.loans_count = 0
        self.destruction: dict[str, Any] | None = None
        self.destroyed = False

    @event("FileAdded")
    def _file_added(self, file: dict[str, Any], description: str, meta: dict[str, str]) -> None:
        self.files.append({"file": file, "description": description})

    @event("Closed")
    def _closed(self, closed_on: str, retention_ends_on: str | None, meta: dict[str, str]) -> None:
        self.closed_on = closed_on

    @event("LegalHoldPlaced")
    def _hold_placed(self, reason: str, meta: dict[str, str]) -> None:
        self.hold = reason

    @event("LegalHoldReleased")
    def _hold_released(self, meta: dict[str, str]) -> None:
        self.hold = None

    @event("Borrowed")
    def _borrowed(self, borrower: str, purpose: str, due_on: str, approved_by: str, borrowed_on: str,
                  meta: dict[str, str]) -> None:
        self.loan = {"borrower": borrower, "purpose": purpose, "due_on": due_on, "approved_by": approved_by,
                     "borrowed_on": borrowed_on}
        self.loans_count += 1

    @event("LoanExtended")
    def _loan_extended(self, due_on: str, meta: dict[str, str]) -> None:
        assert self.loan is not None
        self.loan["due_on"] = due_on

    @event("Returned")
    def _returned(self, received_by: str, note: str, returned_on: str, meta: dict[str, str]) -> None:
        self.loan = None

    @event("DestructionProposed")
    def _destruction_proposed(self, reason: str, meta: dict[str, str]) -> None:
        self.destruction = {"status": DestructionStatus.PROPOSED, "reason": reason}

    @event("DestructionApproved")
    def _destruction_approved(self, decision_no: str, decided_by: str, council: list[str],
                              meta: dict[str, str]) -> None:
        assert self.destruction is not None
        self.destruction.update(status=DestructionStatus.APPROVED, decision_no=decision_no, decided_by=decided_by,
                                council=list(council))

    @event("Destroyed")
    def _destroyed(self, executed_by: str, witnesses: list[str], method: str, minutes_file: dict[str, Any],
                   erased_hashes: list[str], meta: dict[str, str]) -> None:
        assert self.destruction is not None
        self.destruction.update(status=DestructionStatus.EXECUTED, executed_by=executed_by, witnesses=list(witnesses),
                                method=method, minutes_file=minutes_file, erased_hashes=list(erased_hashes))
        self.destroyed = True

    @event("AccessGranted")
    def _access_granted(self, grantee: str, granted_by: str, reason: str, until: str | None, granted_on: str,
                        meta: dict[str, str]) -> None:
        self.grants = dict(self.grants, **{grantee: {"grantee": grantee, "granted_by": granted_by,
                                                     "reason": reason, "until": until, "granted_on": granted_on}})

    @event("AccessRevoked")
    def _access_revoked(self, grantee: str, revoked_by: str, reason: str, meta: dict[str, str]) -> None:
        self.grants = {k: g for k, g in self.grants.items() if k != grantee}

    @event("ConfidentialFileRead")
    def _confidential_file_read(self, sha256: str, filename: str, index: int, reader: str, role: str, basis: str,
                                meta: dict[str, str]) -> None:
        self.confidential_reads += 1


def _vn(iso: str) -> str:
    """dd/mm/yyyy, as Vietnamese users write dates."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
