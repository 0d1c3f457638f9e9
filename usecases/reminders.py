"""Reminders that depend on the day: loans due in 3 days or overdue, retention ended; once per thing, whoever runs.

``run(today)`` is what the server's scheduled job and ``isoledger remind`` (cron) do. Each reminder's id names
what it is about and the date that makes it due (the loan's due date, the record's retention end), inserted with
ON CONFLICT DO NOTHING: running twice a day, or in two processes at once, tells each person once. A lease row
(``leases``) lets one process at a time run the job; the others skip it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.errors import LedgerError
from ledger.vocabulary import Role
from projections import queries
from projections.outbox import NOTE_COLS
from usecases.deps import Deps
from usecases.notifications import Notifications

DUE_SOON_DAYS = 3
REVIEW_NOTICE_DAYS = 30  # a document's periodic review: 30 days before, and on the date
SYSTEM = "isoledger"  # the actor of a reminder: the product itself


@dataclass(frozen=True)
class Reminded:
    day: str
    loan_due: int = 0
    loan_overdue: int = 0
    retention_ended: int = 0
    review_due_soon: int = 0
    review_due: int = 0
    ran: bool = True  # False: another process holds the lease

    @property
    def total(self) -> int:
        return self.loan_due + self.loan_overdue + self.retention_ended + self.review_due_soon + self.review_due


class Reminders:
    def __init__(self, deps: Deps, notifications: Notifications) -> None:
        self.deps, self.notifications = deps, notifications
        self.holder = uuid.uuid4().hex

    # ---- one process at a time ------------------------------------------------------------
    def acquire(self, name: str, seconds: float) -> bool:
        """Takes (or renews) the lease ``name`` for ``seconds``; False while another holder's is unexpired."""
        now = self.deps.ledger.clock()
        lock = " FOR UPDATE" if self.deps.db.postgres else ""
        with self.deps.db.transaction() as cur:
            cur.execute(f"SELECT holder, until FROM leases WHERE name=?{lock}", (name,))
            row = cur.fetchone()
            if row is not None and row[0] != self.holder and row[1] > now.isoformat():
                return False
            cur.execute("DELETE FROM leases WHERE name=?", (name,))
            cur.execute("INSERT INTO leases VALUES (?, ?, ?)",
                        (name, self.holder, (now + timedelta(seconds=seconds)).isoformat()))
        return True

    def release(self, name: str) -> None:
        with self.deps.db.transaction() as cur:
            cur.execute("DELETE FROM leases WHERE name=? AND holder=?", (name, self.holder))

    # ---- the job ------------------------------------------------------------------------
    def run_scheduled(self, today: date | None = None, *, lease: float = 600.0) -> Reminded:
        """``run`` under the lease ``remind`` (another process running it: nothing done, ``ran`` False)."""
        day = today or self.deps.ledger.today()
        if not self.acquire("remind", lease):
            return Reminded(day.isoformat(), ran=False)
        try:
            return self.run(day)
        finally:
            self.release("remind")

    def run(self, today: date | None = None) -> Reminded:
        """Tells who must be told today; a reminder already given is not given again."""
        day = today or self.deps.ledger.today()
        self.deps.projections.fresh()
        rows: list[tuple[Any, ...]] = []
        for agency_id in self._agencies():
            controllers = self._people(agency_id, Role.RECORDS_CONTROLLER)
            for loan in queries.loans(self.deps.db, agency_id, today=day):
                due = date.fromisoformat(loan["due_on"])
                if due < day:
                    kind = "loan_overdue"
                elif due <= day + timedelta(days=DUE_SOON_DAYS):
                    kind = "loan_due"
                else:
                    continue
                borrower = [loan["borrower"]] if self._is_account(agency_id, loan["borrower"]) else []
                rows += self._tell(kind, agency_id, loan["record_id"], f"{loan['seq']}:{loan['due_on']}",
                                   f"{loan['code']} — {loan['title']}", borrower + controllers,
                                   due_on=loan["due_on"], borrower=loan["borrower"])
            for rec in queries.retention_due(self.deps.db, agency_id, today=day):
                rows += self._tell("retention_ended", agency_id, rec["id"], rec["retention_ends_on"],
                                   f"{rec['code']} — {rec['title']}", controllers,
                                   retention_ends_on=rec["retention_ends_on"])
            rows += self._reviews(agency_id, day)
        added = self._insert(rows)
        kinds = ("loan_due", "loan_overdue", "retention_ended", "review_due_soon", "review_due")
        return Reminded(day.isoformat(), **{k: added.get(k, 0) for k in kinds})  # type: ignore[arg-type]

    def _reviews(self, agency_id: str, day: date) -> list[tuple[Any, ...]]:
        """Documents due for their periodic review within 30 days (once per due date), and on the date (once)."""
        soon = (day + timedelta(days=REVIEW_NOTICE_DAYS)).isoformat()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT p.document_id, p.due_on, d.code, d.title FROM periodic_reviews p JOIN documents d ON "
                        "d.id=p.document_id WHERE p.agency_id=? AND p.due_on IS NOT NULL AND p.due_on <= ? AND "
                        "d.status='active'", (agency_id, soon))
            due = cur.fetchall()
        owners = self._people(agency_id, Role.ISO_SECRETARY)
        rows: list[tuple[Any, ...]] = []
        at = self.deps.ledger.clock().isoformat()
        for document_id, due_on, code, title in due:
            kind = "review_due" if due_on <= day.isoformat() else "review_due_soon"
            row = {"subject": "document", "agency_id": agency_id, "aggregate_id": document_id, "data": "{}"}
            data = json.dumps({"due_on": due_on}, ensure_ascii=False)
            for user in owners:
                account = self.notifications.account(user)
                if account is None or not self.notifications.may_see(account, row):
                    continue
                rows.append((f"remind:{kind}:{document_id}:{due_on}:{user}", user, agency_id, kind, "document",
                             document_id, None, f"{code} — {title}", SYSTEM, at, None, data, None, "pending", 0, None,
                             None, None, None))
        return rows

    def _tell(self, kind: str, agency_id: str, record_id: str, because: str, title: str, users: list[str],
              **data: Any) -> list[tuple[Any, ...]]:
        confidential = self._confidential(record_id)
        at = self.deps.ledger.clock().isoformat()
        out = []
        for user in dict.fromkeys(users):
            account = self.notifications.account(user)
            row = {"subject": "record", "agency_id": agency_id, "aggregate_id": record_id,
                   "data": json.dumps({**data, "confidential": confidential}, ensure_ascii=False)}
            if account is None or not self.notifications.may_see(account, row):
                continue  # never someone who may not see the record
            out.append((f"remind:{kind}:{record_id}:{because}:{user}", user, agency_id, kind, "record", record_id,
                        None, title, SYSTEM, at, None, row["data"], None, "pending", 0, None, None, None, None))
        return out

    def _insert(self, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        added: dict[str, int] = {}
        with self.deps.db.transaction() as cur:
            for row in rows:
                cur.execute(f"INSERT INTO notifications ({', '.join(NOTE_COLS)}) VALUES "
                            f"({','.join('?' * len(NOTE_COLS))}) ON CONFLICT DO NOTHING", row)
                changed: Any = getattr(cur, "raw", cur)
                if changed.rowcount == 1:
                    added[row[3]] = added.get(row[3], 0) + 1
        return added

    # ---- what it needs to know ----------------------------------------------------------------
    def _agencies(self) -> list[str]:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT agency_id FROM agencies ORDER BY agency_id")
            return [r[0] for r in cur.fetchall()]

    def _people(self, agency_id: str, role: str) -> list[str]:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT username, roles FROM users WHERE agency_id=? AND status='active' ORDER BY username",
                        (agency_id,))
            return [u for u, r in cur.fetchall() if role in json.loads(r)]

    def _is_account(self, agency_id: str, username: str) -> bool:
        try:
            found = self.deps.directory.find_account(username)
        except LedgerError:  # a borrower named by a text that is no username
            return False
        return found is not None and found["agency_id"] == agency_id

    def _confidential(self, record_id: str) -> bool:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT confidentiality FROM records WHERE id=?", (record_id,))
            row = cur.fetchone()
        return row is not None and row[0] == "confidential"

