"""The record (hồ sơ): files kept as evidence, lent and returned, destroyed when retention ends."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import event

from ledger import validation as v
from ledger.actors import Actor
from ledger.aggregate import LedgerAggregate
from ledger.errors import InvalidInput, RuleViolation

CONFIDENTIALITY = {"public": "Công khai", "internal": "Nội bộ", "confidential": "Mật"}
METHODS = ("crypto_shredding", "shredding", "burning", "pulping")
MAX_RETENTION_YEARS = 100


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

    # ---- commands -------------------------------------------------------------------------
    @classmethod
    def open(cls, actor: Actor, *, id: UUID, code: str, title: str, series: str,  # noqa: A002
             retention_years: int | None, legal_basis: str, confidentiality: str = "internal") -> Record:
        meta = actor.meta("records_controller")
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

    def lend(self, actor: Actor, *, borrower: str, purpose: str, due_on: date | str, approved_by: str,
             today: date) -> None:
        meta = self._meta(actor)
        if self.loan is not None:
            raise RuleViolation(f"Hồ sơ đang được {self.loan['borrower']} mượn, hạn trả "
                                f"{_vn(self.loan['due_on'])}.",
                                f"The record is on loan to {self.loan['borrower']} until {self.loan['due_on']}.",
                                code="already_on_loan")
        due = v.iso_date(due_on, "due_on")
        if due < today:
            raise InvalidInput("Hạn trả không được trước hôm nay.", "due_on cannot be in the past.", field="due_on")
        self._borrowed(borrower=v.text(borrower, "borrower", max_len=200), purpose=v.text(purpose, "purpose"),
                       due_on=due.isoformat(), approved_by=v.text(approved_by, "approved_by", max_len=200),
                       borrowed_on=today.isoformat(), meta=meta)

    def extend_loan(self, actor: Actor, *, due_on: date | str) -> None:
        meta = self._meta(actor)
        loan = self._current_loan()
        due = v.iso_date(due_on, "due_on")
        if due <= date.fromisoformat(loan["due_on"]):
            raise InvalidInput("Hạn mới phải sau hạn hiện tại.", "The new due date must be after the current one.",
                               field="due_on")
        self._loan_extended(due_on=due.isoformat(), meta=meta)

    def take_back(self, actor: Actor, *, received_by: str, note: str = "", today: date) -> None:
        meta = self._meta(actor)
        self._current_loan()
        self._returned(received_by=v.text(received_by, "received_by", max_len=200),
                       note=v.text(note, "note", max_len=2000, required=False), returned_on=today.isoformat(),
                       meta=meta)

    def propose_destruction(self, actor: Actor, *, reason: str, today: date) -> None:
        meta = self._meta(actor)
        if self.destruction is not None:
            raise RuleViolation("Hồ sơ đã được đề nghị hủy.", "Destruction is already proposed.",
                                code="destruction_already_proposed")
        self._check_destroyable(today)
        self._destruction_proposed(reason=v.text(reason, "reason", max_len=2000), meta=meta)

    def approve_destruction(self, actor: Actor, *, decision_no: str, decided_by: str, council: list[str]) -> None:
        meta = actor.meta("agency_leader")
        self.check_same_agency(meta)
        self._check_not_destroyed()
        if self.destruction is None or self.destruction["status"] != "proposed":
            raise RuleViolation("Chưa có đề nghị hủy chờ phê duyệt.", "No destruction proposal awaits approval.",
                                code="no_destruction_proposal")
        self._destruction_approved(decision_no=v.text(decision_no, "decision_no", max_len=100),
                                   decided_by=v.text(decided_by, "decided_by", max_len=200),
                                   council=v.user_ids(council, "council", at_least=1), meta=meta)

    def destroy(self, actor: Actor, *, executed_by: str, witnesses: list[str], method: str, minutes_file: Any,
                erased_hashes: list[str], today: date) -> None:
        meta = self._meta(actor)
        if self.destruction is None or self.destruction["status"] != "approved":
            raise RuleViolation("Chưa có quyết định hủy được phê duyệt.", "There is no approved destruction decision.",
                                code="destruction_not_approved")
        self._check_destroyable(today)
        known = {f["file"]["sha256"] for f in self.files}
        erased = list(erased_hashes)
        if not set(erased) <= known:
            raise InvalidInput("Danh sách tệp đã xóa có mã băm không thuộc hồ sơ.",
                               "erased_hashes names files that are not in this record.", field="erased_hashes")
        self._destroyed(executed_by=v.text(executed_by, "executed_by", max_len=200),
                        witnesses=v.user_ids(witnesses, "witnesses", at_least=1),
                        method=v.choice(method, "method", METHODS), minutes_file=v.file_ref(minutes_file,
                                                                                            "minutes_file"),
                        erased_hashes=erased, meta=meta)

    # ---- checks ---------------------------------------------------------------------------
    def _meta(self, actor: Actor) -> dict[str, str]:
        meta = actor.meta("records_controller")
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
            raise RuleViolation(f"Hồ sơ đang được {self.loan['borrower']} mượn.",
                                f"The record is on loan to {self.loan['borrower']}.", code="on_loan")

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
        self.destruction = {"status": "proposed", "reason": reason}

    @event("DestructionApproved")
    def _destruction_approved(self, decision_no: str, decided_by: str, council: list[str],
                              meta: dict[str, str]) -> None:
        assert self.destruction is not None
        self.destruction.update(status="approved", decision_no=decision_no, decided_by=decided_by,
                                council=list(council))

    @event("Destroyed")
    def _destroyed(self, executed_by: str, witnesses: list[str], method: str, minutes_file: dict[str, Any],
                   erased_hashes: list[str], meta: dict[str, str]) -> None:
        assert self.destruction is not None
        self.destruction.update(status="executed", executed_by=executed_by, witnesses=list(witnesses),
                                method=method, minutes_file=minutes_file, erased_hashes=list(erased_hashes))
        self.destroyed = True


def _vn(iso: str) -> str:
    """dd/mm/yyyy, as Vietnamese users write dates."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
