"""The read models' tables and how each event changes them (write-only SQL, so PostgreSQL can pipeline)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger import people
from ledger.document import KINDS
from ledger.qms.registry import process_named
from ledger.vocabulary import PENDING, DestructionStatus, DocumentStatus, VersionStatus
from projections.db import delete_owned, insert_rows, select_owned
from projections.text import words

TABLES = ("documents", "versions", "inbox", "records", "loans", "record_grants", "audit")
# Raised whenever a view's columns change: views made under another number are dropped and rebuilt from the log.
SCHEMA_VERSION = 7  # 3: departments, users' department; 4: QMS cases; 5: outbox, acknowledgements, periodic
# reviews; 6: full-text search (projections/search.py); 7: agencies' level, the calendar's facts

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS projection_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, code TEXT NOT NULL, title TEXT NOT NULL,
        kind TEXT NOT NULL, department TEXT NOT NULL, requires_signature INTEGER NOT NULL,
        status TEXT NOT NULL, issued INTEGER, issued_from TEXT, replaces INTEGER, replaces_from TEXT,
        latest INTEGER NOT NULL,
        search TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS documents_agency ON documents (agency_id, code)",
    """CREATE TABLE IF NOT EXISTS versions (
        document_id TEXT NOT NULL, n INTEGER NOT NULL, agency_id TEXT NOT NULL, status TEXT NOT NULL,
        author TEXT NOT NULL, filename TEXT NOT NULL, sha256 TEXT NOT NULL, change_summary TEXT NOT NULL,
        approver TEXT, reviewer_count INTEGER NOT NULL, reviews_done INTEGER NOT NULL,
        signed INTEGER NOT NULL, effective_from TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (document_id, n))""",
    """CREATE TABLE IF NOT EXISTS inbox (
        user_id TEXT NOT NULL, document_id TEXT NOT NULL, n INTEGER NOT NULL, task TEXT NOT NULL,
        agency_id TEXT NOT NULL, since TEXT NOT NULL, PRIMARY KEY (user_id, document_id, n, task))""",
    """CREATE TABLE IF NOT EXISTS records (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, code TEXT NOT NULL, title TEXT NOT NULL,
        series TEXT NOT NULL, confidentiality TEXT NOT NULL, retention_years INTEGER, closed_on TEXT,
        retention_ends_on TEXT, on_hold INTEGER NOT NULL, on_loan INTEGER NOT NULL, destruction TEXT,
        files INTEGER NOT NULL, search TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS records_agency ON records (agency_id, code)",
    "CREATE INDEX IF NOT EXISTS records_retention ON records (agency_id, retention_ends_on)",
    """CREATE TABLE IF NOT EXISTS loans (
        record_id TEXT NOT NULL, seq INTEGER NOT NULL, agency_id TEXT NOT NULL, borrower TEXT NOT NULL,
        purpose TEXT NOT NULL, due_on TEXT NOT NULL, approved_by TEXT NOT NULL, borrowed_on TEXT NOT NULL,
        returned_on TEXT, received_by TEXT, PRIMARY KEY (record_id, seq))""",
    "CREATE INDEX IF NOT EXISTS loans_open ON loans (agency_id, returned_on, due_on)",
    """CREATE TABLE IF NOT EXISTS record_grants (
        record_id TEXT NOT NULL, seq INTEGER NOT NULL, agency_id TEXT NOT NULL, grantee TEXT NOT NULL,
        granted_by TEXT NOT NULL, reason TEXT NOT NULL, until TEXT, granted_at TEXT NOT NULL, revoked_at TEXT,
        revoked_by TEXT, reads INTEGER NOT NULL, PRIMARY KEY (record_id, seq))""",
    "CREATE INDEX IF NOT EXISTS record_grants_grantee ON record_grants (grantee, revoked_at)",
    """CREATE TABLE IF NOT EXISTS audit (
        position BIGINT PRIMARY KEY, aggregate_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,
        event_type TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, agency_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL, summary TEXT NOT NULL, hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_aggregate ON audit (aggregate_id, version)",
    "CREATE INDEX IF NOT EXISTS audit_agency ON audit (agency_id, position)",
]


@dataclass(frozen=True)
class Ev:
    """A decoded event as the projections see it."""

    position: int
    aggregate_id: str
    version: int
    kind: str
    type: str
    f: dict[str, Any]
    at: str  # the event's time, ISO 8601 UTC


Exec = Callable[[str, tuple[Any, ...]], Any]

# A document row keeps the version most recently issued (``issued``, from ``issued_from``) and the one it
# replaces (``replaces``, in force until ``issued_from``): which of them is in force depends on the day the
# register is read, so projections/queries.py picks at read time (a row never holds "now").
DOC_COLS = ("id", "agency_id", "code", "title", "kind", "department", "requires_signature", "status", "issued",
            "issued_from", "replaces", "replaces_from", "latest", "search", "version", "updated_at")
VER_COLS = ("document_id", "n", "agency_id", "status", "author", "filename", "sha256", "change_summary", "approver",
            "reviewer_count", "reviews_done", "signed", "effective_from", "updated_at")
INBOX_COLS = ("user_id", "document_id", "n", "task", "agency_id", "since")
REC_COLS = ("id", "agency_id", "code", "title", "series", "confidentiality", "retention_years", "closed_on",
            "retention_ends_on", "on_hold", "on_loan", "destruction", "files", "search", "version", "updated_at")
LOAN_COLS = ("record_id", "seq", "agency_id", "borrower", "purpose", "due_on", "approved_by", "borrowed_on",
             "returned_on", "received_by")
GRANT_COLS = ("record_id", "seq", "agency_id", "grantee", "granted_by", "reason", "until", "granted_at",
              "revoked_at", "revoked_by", "reads")
AUDIT_COLS = ("position", "aggregate_id", "version", "kind", "event_type", "actor", "role", "agency_id",
              "occurred_at", "summary", "hash")
# table -> (columns, the column that names the aggregate a row belongs to)
OWNED = {"documents": (DOC_COLS, "id"), "versions": (VER_COLS, "document_id"), "inbox": (INBOX_COLS, "document_id"),
         "records": (REC_COLS, "id"), "loans": (LOAN_COLS, "record_id"),
         "record_grants": (GRANT_COLS, "record_id")}


class Page:
    """The rows of every aggregate a page of events touches, loaded in bulk, changed in memory, written back.

    Handlers are plain Python over these rows, so a page costs a handful of bulk statements whatever
    its length (instead of several statements per event), on SQLite and PostgreSQL alike."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, dict[int, dict[str, Any]]] = {}
        self.inbox: dict[str, dict[tuple[str, int, str], dict[str, Any]]] = {}
        self.records: dict[str, dict[str, Any]] = {}
        self.loans: dict[str, dict[int, dict[str, Any]]] = {}
        self.grants: dict[str, dict[int, dict[str, Any]]] = {}
        self.audit: list[tuple[Any, ...]] = []

    # ---- bulk I/O ---------------------------------------------------------------------------
    def load(self, cur: Any, doc_ids: list[str], rec_ids: list[str]) -> None:
        for row in _select(cur, "documents", doc_ids):
            self.docs[row["id"]] = row
        for d in doc_ids:
            self.versions.setdefault(d, {})
            self.inbox.setdefault(d, {})
        for row in _select(cur, "versions", doc_ids):
            self.versions[row["document_id"]][row["n"]] = row
        for row in _select(cur, "inbox", doc_ids):
            self.inbox[row["document_id"]][(row["user_id"], row["n"], row["task"])] = row
        for row in _select(cur, "records", rec_ids):
            self.records[row["id"]] = row
        for r in rec_ids:
            self.loans.setdefault(r, {})
        for row in _select(cur, "loans", rec_ids):
            self.loans[row["record_id"]][row["seq"]] = row
        for r in rec_ids:
            self.grants.setdefault(r, {})
        for row in _select(cur, "record_grants", rec_ids):
            self.grants[row["record_id"]][row["seq"]] = row

    def save(self, cur: Any, doc_ids: list[str], rec_ids: list[str]) -> None:
        children = {"documents": [self.docs[d] for d in doc_ids if d in self.docs],
                    "versions": [v for d in doc_ids for v in self.versions[d].values()],
                    "inbox": [t for d in doc_ids for t in self.inbox[d].values()],
                    "records": [self.records[r] for r in rec_ids if r in self.records],
                    "loans": [loan for r in rec_ids for loan in self.loans[r].values()],
                    "record_grants": [g for r in rec_ids for g in self.grants[r].values()]}
        for table, rows in children.items():
            cols, owner = OWNED[table]
            delete_owned(cur, table, owner, doc_ids if table in ("documents", "versions", "inbox") else rec_ids)
            insert_rows(cur, table, cols, [tuple(row[c] for c in cols) for row in rows])
        insert_rows(cur, "audit", AUDIT_COLS, self.audit)

    # ---- inbox ------------------------------------------------------------------------------
    def task(self, e: Ev, user: str | None, n: int, task: str) -> None:
        doc = self.docs[e.aggregate_id]
        if user:
            self.inbox[e.aggregate_id].setdefault((user, n, task), {
                "user_id": user, "document_id": e.aggregate_id, "n": n, "task": task,
                "agency_id": doc["agency_id"], "since": e.at})

    def clear(self, e: Ev, n: int, *tasks: str) -> None:
        box = self.inbox[e.aggregate_id]
        for key in [k for k in box if k[1] == n and (not tasks or k[2] in tasks)]:
            del box[key]


def apply_page(cur: Any, events: list[Ev]) -> None:
    """Applies a page of events to the document, record, inbox, loan and audit views."""
    doc_ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Document"))
    rec_ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Record"))
    page = Page()
    page.load(cur, doc_ids, rec_ids)
    for e in events:
        m = e.f["meta"]
        page.audit.append((e.position, e.aggregate_id, e.version, e.kind, e.type, m["user_id"], m["role"],
                           m["agency_id"], e.at, summary(e), e.f["hash"]))
        handler = HANDLERS.get((e.kind, e.type))
        if handler is None:
            continue
        handler(page, e)
        row = page.docs.get(e.aggregate_id) if e.kind == "Document" else page.records.get(e.aggregate_id)
        if row is not None:
            row["version"], row["updated_at"] = e.version, e.at
    page.save(cur, doc_ids, rec_ids)


def _select(cur: Any, table: str, ids: list[str]) -> list[dict[str, Any]]:
    cols, owner = OWNED[table]
    return [dict(zip(cols, row, strict=True)) for row in select_owned(cur, table, cols, owner, ids)]


# ---- documents --------------------------------------------------------------------------------
def _registered(p: Page, e: Ev) -> None:
    f = e.f
    p.docs[e.aggregate_id] = {
        "id": e.aggregate_id, "agency_id": f["agency_id"], "code": f["code"], "title": f["title"], "kind": f["kind"],
        "department": f["department"], "requires_signature": int(KINDS[f["kind"]][2]), "status": DocumentStatus.ACTIVE,
        "issued": None, "issued_from": None, "replaces": None, "replaces_from": None, "latest": 0,
        "search": words(f"{f['code']} {f['title']}"),
        "version": e.version, "updated_at": e.at}


def _ver(p: Page, e: Ev, n: int | None = None) -> dict[str, Any]:
    ver = p.versions[e.aggregate_id][e.f["version"] if n is None else n]
    ver["updated_at"] = e.at
    return ver


def _draft_created(p: Page, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    p.versions[e.aggregate_id][n] = {
        "document_id": e.aggregate_id, "n": n, "agency_id": p.docs[e.aggregate_id]["agency_id"],
        "status": VersionStatus.DRAFT,
        "author": f["meta"]["user_id"], "filename": f["file"]["filename"], "sha256": f["file"]["sha256"],
        "change_summary": f["change_summary"], "approver": None, "reviewer_count": 0, "reviews_done": 0,
        "signed": 0, "effective_from": None, "updated_at": e.at}
    p.docs[e.aggregate_id]["latest"] = n
    p.task(e, f["meta"]["user_id"], n, "submit")


def _draft_revised(p: Page, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    ver = _ver(p, e)
    ver.update(status=VersionStatus.DRAFT, filename=f["file"]["filename"], sha256=f["file"]["sha256"],
               change_summary=f["change_summary"], reviews_done=0, signed=0)
    p.clear(e, n, "revise")
    p.task(e, ver["author"], n, "submit")


def _submitted(p: Page, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    _ver(p, e).update(status=VersionStatus.SUBMITTED, approver=f["approver"], reviewer_count=len(f["reviewers"]),
                      reviews_done=0)
    p.clear(e, n)
    for reviewer in f["reviewers"]:
        p.task(e, reviewer, n, "review")
    if not f["reviewers"]:
        p.task(e, f["approver"], n, "approve")


def _reviewed(p: Page, e: Ev) -> None:
    n = e.f["version"]
    ver = _ver(p, e)
    ver["reviews_done"] += 1
    p.inbox[e.aggregate_id].pop((e.f["reviewer"], n, "review"), None)
    if ver["reviews_done"] == ver["reviewer_count"]:
        p.task(e, ver["approver"], n, "approve")


def _set_status(status: str) -> Callable[[Page, Ev], None]:
    def handler(p: Page, e: Ev) -> None:
        _ver(p, e)["status"] = status
        p.clear(e, e.f["version"])
    return handler


def _approved(p: Page, e: Ev) -> None:
    n = e.f["version"]
    _set_status(VersionStatus.APPROVED)(p, e)
    ver = p.versions[e.aggregate_id][n]
    if p.docs[e.aggregate_id]["requires_signature"]:
        p.task(e, ver["approver"], n, "sign")
    else:
        p.task(e, ver["author"], n, "issue")


def _rejected(p: Page, e: Ev) -> None:
    _set_status(VersionStatus.REJECTED)(p, e)
    p.task(e, p.versions[e.aggregate_id][e.f["version"]]["author"], e.f["version"], "revise")


def _signed(p: Page, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    ver = _ver(p, e)
    ver.update(filename=f["signed_file"]["filename"], sha256=f["signed_file"]["sha256"], signed=ver["signed"] + 1)
    if f["meaning"] == "approval":
        p.clear(e, n, "sign")
        p.task(e, ver["author"], n, "issue")


def _issued(p: Page, e: Ev) -> None:
    _set_status(VersionStatus.ISSUED)(p, e)
    _ver(p, e)["effective_from"] = e.f["effective_from"]
    p.docs[e.aggregate_id].update(issued=e.f["version"], issued_from=e.f["effective_from"], replaces=None,
                                  replaces_from=None)


def _superseded(p: Page, e: Ev) -> None:
    ver = _ver(p, e, e.f["previous_version"])
    ver["status"] = VersionStatus.SUPERSEDED
    p.docs[e.aggregate_id].update(replaces=ver["n"], replaces_from=ver["effective_from"])


def _withdrawn(p: Page, e: Ev) -> None:
    _set_status(VersionStatus.WITHDRAWN)(p, e)
    doc = p.docs[e.aggregate_id]
    if doc["issued"] == e.f["version"]:
        doc.update(issued=None, issued_from=None, replaces=None, replaces_from=None)


def _reinstated(p: Page, e: Ev) -> None:
    ver = _ver(p, e)
    ver["status"] = VersionStatus.ISSUED
    p.docs[e.aggregate_id].update(issued=ver["n"], issued_from=ver["effective_from"])


def _obsoleted(p: Page, e: Ev) -> None:
    p.docs[e.aggregate_id].update(status=DocumentStatus.OBSOLETE, issued=None, issued_from=None, replaces=None,
                                  replaces_from=None)
    for ver in p.versions[e.aggregate_id].values():
        if ver["status"] in (VersionStatus.ISSUED, *PENDING):
            ver.update(status=VersionStatus.WITHDRAWN, updated_at=e.at)
    p.inbox[e.aggregate_id].clear()


# ---- records ----------------------------------------------------------------------------------
def _opened(p: Page, e: Ev) -> None:
    f = e.f
    p.records[e.aggregate_id] = {
        "id": e.aggregate_id, "agency_id": f["agency_id"], "code": f["code"], "title": f["title"],
        "series": f["series"], "confidentiality": f["confidentiality"], "retention_years": f["retention_years"],
        "closed_on": None, "retention_ends_on": None, "on_hold": 0, "on_loan": 0, "destruction": None, "files": 0,
        "search": words(f"{f['code']} {f['title']} {f['series']}"), "version": e.version, "updated_at": e.at}


def _record(**values: Any) -> Callable[[Page, Ev], None]:
    def handler(p: Page, e: Ev) -> None:
        p.records[e.aggregate_id].update(values)
    return handler


def _file_added(p: Page, e: Ev) -> None:
    p.records[e.aggregate_id]["files"] += 1


def _closed(p: Page, e: Ev) -> None:
    p.records[e.aggregate_id].update(closed_on=e.f["closed_on"], retention_ends_on=e.f["retention_ends_on"])


def _borrowed(p: Page, e: Ev) -> None:
    f, rec = e.f, p.records[e.aggregate_id]
    rec["on_loan"] = 1
    loans = p.loans[e.aggregate_id]
    seq = len(loans) + 1
    loans[seq] = {"record_id": e.aggregate_id, "seq": seq, "agency_id": rec["agency_id"],
                  "borrower": people.key(f["borrower"]), "purpose": f["purpose"], "due_on": f["due_on"],
                  "approved_by": f["approved_by"],
                  "borrowed_on": f["borrowed_on"], "returned_on": None, "received_by": None}


def _access_granted(p: Page, e: Ev) -> None:
    f, grants = e.f, p.grants[e.aggregate_id]
    for g in _open_grants(p, e, f["grantee"]):  # an expired grant renewed
        g.update(revoked_at=e.at, revoked_by=f["granted_by"])
    seq = len(grants) + 1
    grants[seq] = {"record_id": e.aggregate_id, "seq": seq, "agency_id": p.records[e.aggregate_id]["agency_id"],
                   "grantee": f["grantee"], "granted_by": f["granted_by"], "reason": f["reason"], "until": f["until"],
                   "granted_at": e.at, "revoked_at": None, "revoked_by": None, "reads": 0}


def _access_revoked(p: Page, e: Ev) -> None:
    for g in _open_grants(p, e, e.f["grantee"]):
        g.update(revoked_at=e.at, revoked_by=e.f["revoked_by"])


def _confidential_file_read(p: Page, e: Ev) -> None:
    if e.f["basis"] == "grant":
        for g in _open_grants(p, e, e.f["reader"]):
            g["reads"] += 1


def _open_grants(p: Page, e: Ev, grantee: str) -> list[dict[str, Any]]:
    return [g for g in p.grants[e.aggregate_id].values() if g["grantee"] == grantee and g["revoked_at"] is None]


def _open_loans(p: Page, e: Ev) -> list[dict[str, Any]]:
    return [loan for loan in p.loans[e.aggregate_id].values() if loan["returned_on"] is None]


def _loan_extended(p: Page, e: Ev) -> None:
    for loan in _open_loans(p, e):
        loan["due_on"] = e.f["due_on"]


def _returned(p: Page, e: Ev) -> None:
    p.records[e.aggregate_id]["on_loan"] = 0
    for loan in _open_loans(p, e):
        loan.update(returned_on=e.f["returned_on"], received_by=e.f["received_by"])


HANDLERS: dict[tuple[str, str], Callable[[Page, Ev], None]] = {
    ("Document", "Registered"): _registered,
    ("Document", "DraftCreated"): _draft_created,
    ("Document", "DraftRevised"): _draft_revised,
    ("Document", "SubmittedForReview"): _submitted,
    ("Document", "Reviewed"): _reviewed,
    ("Document", "Approved"): _approved,
    ("Document", "Rejected"): _rejected,
    ("Document", "Signed"): _signed,
    ("Document", "Issued"): _issued,
    ("Document", "Superseded"): _superseded,
    ("Document", "Withdrawn"): _withdrawn,
    ("Document", "Reinstated"): _reinstated,
    ("Document", "Obsoleted"): _obsoleted,
    ("Record", "Opened"): _opened,
    ("Record", "FileAdded"): _file_added,
    ("Record", "Closed"): _closed,
    ("Record", "LegalHoldPlaced"): _record(on_hold=1),
    ("Record", "LegalHoldReleased"): _record(on_hold=0),
    ("Record", "Borrowed"): _borrowed,
    ("Record", "LoanExtended"): _loan_extended,
    ("Record", "Returned"): _returned,
    ("Record", "DestructionProposed"): _record(destruction=DestructionStatus.PROPOSED),
    ("Record", "DestructionApproved"): _record(destruction=DestructionStatus.APPROVED),
    ("Record", "Destroyed"): _record(destruction=DestructionStatus.EXECUTED, files=0, on_loan=0),
    ("Record", "AccessGranted"): _access_granted,
    ("Record", "AccessRevoked"): _access_revoked,
    ("Record", "ConfidentialFileRead"): _confidential_file_read,
}


def summary(e: Ev, lang: str = "vi") -> str:
    """A one-line description of the event for the audit trail: Vietnamese, or English with ``lang="en"``."""
    en = lang == "en"
    if e.kind == "Case":
        return _case_summary(e, en)
    if e.kind in ("Procedure", "TthcImport"):
        return _tthc_summary(e, en)
    make = _TEXTS.get(e.type)
    return make(e.f, e.f.get("version"), en) if make else e.type


def _pick(en: bool, vi: str, english: str) -> str:
    return english if en else vi


# Each event type's line, made once (not per event: a rebuild writes one line per event of the log).
_TEXTS: dict[str, Callable[[dict[str, Any], Any, bool], str]] = {
    "Registered": lambda f, n, en: _pick(
        en, f"Đăng ký tài liệu {f.get('code')} «{f.get('title')}»",
        f"Registered document {f.get('code')} “{f.get('title')}”"),
    "DraftCreated": lambda f, n, en: _pick(
        en, f"Tạo dự thảo phiên bản {n}: {f['file']['filename']}",
        f"Draft version {n} created: {f['file']['filename']}"),
    "DraftRevised": lambda f, n, en: _pick(
        en, f"Sửa dự thảo phiên bản {n}: {f['file']['filename']}",
        f"Draft version {n} revised: {f['file']['filename']}"),
    "SubmittedForReview": lambda f, n, en: _pick(
        en, f"Trình xem xét phiên bản {n} ({len(f['reviewers'])} người xem xét, phê duyệt: {f['approver']})",
        f"Version {n} submitted ({len(f['reviewers'])} reviewer(s), approver: {f['approver']})"),
    "Reviewed": lambda f, n, en: _pick(
        en, f"{f['reviewer']} cho ý kiến phiên bản {n}: {_label(VERDICTS, f['verdict'], en)}",
        f"{f['reviewer']} reviewed version {n}: {_label(VERDICTS, f['verdict'], en)}"),
    "Approved": lambda f, n, en: _pick(en, f"Phê duyệt phiên bản {n}", f"Version {n} approved"),
    "Rejected": lambda f, n, en: _pick(
        en, f"Từ chối phiên bản {n}: {f['reason']}",
        f"Version {n} rejected: {f['reason']}"),
    "Signed": lambda f, n, en: _pick(
        en, f"Ký số ({'phê duyệt' if f['meaning'] == 'approval' else 'xem xét'}) phiên bản {n}, {f['pades_level']}",
        f"Version {n} signed ({f['meaning']}), {f['pades_level']}"),
    "Issued": lambda f, n, en: _pick(
        en, f"Ban hành phiên bản {n}, hiệu lực từ {_vn(f['effective_from'])}",
        f"Version {n} issued, effective from {_en(f['effective_from'])}"),
    "Superseded": lambda f, n, en: _pick(
        en, f"Phiên bản {f['previous_version']} bị thay thế bởi phiên bản {f['by_version']}",
        f"Version {f['previous_version']} superseded by version {f['by_version']}"),
    "Withdrawn": lambda f, n, en: _pick(
        en, f"Thu hồi phiên bản {n}: {f['reason']}",
        f"Version {n} withdrawn: {f['reason']}"),
    "Reinstated": lambda f, n, en: _pick(
        en, f"Phiên bản {n} tiếp tục có hiệu lực (phiên bản {f['withdrawn_version']} bị thu hồi trước ngày hiệu lực)",
        f"Version {n} stays in force (version {f['withdrawn_version']} was withdrawn before taking effect)"),
    "Obsoleted": lambda f, n, en: _pick(
        en, f"Hủy bỏ tài liệu: {f['reason']}",
        f"Document made obsolete: {f['reason']}"),
    "Opened": lambda f, n, en: _pick(
        en, f"Lập hồ sơ {f.get('code')} «{f.get('title')}»",
        f"Record {f.get('code')} “{f.get('title')}” opened"),
    "FileAdded": lambda f, n, en: _pick(
        en, f"Thêm tệp {f['file']['filename']}",
        f"File added: {f['file']['filename']}"),
    "Closed": lambda f, n, en: _pick(
        en, f"Kết thúc hồ sơ ngày {_vn(f['closed_on'])}",
        f"Record closed on {_en(f['closed_on'])}"),
    "LegalHoldPlaced": lambda f, n, en: _pick(
        en, f"Phong tỏa hồ sơ: {f['reason']}",
        f"Legal hold placed: {f['reason']}"),
    "LegalHoldReleased": lambda f, n, en: _pick(en, "Gỡ phong tỏa hồ sơ", "Legal hold released"),
    "Borrowed": lambda f, n, en: _pick(
        en, f"Cho {people.label(f['borrower'])} mượn, hạn trả {_vn(f['due_on'])}",
        f"Lent to {people.label(f['borrower'])}, due {_en(f['due_on'])}"),
    "LoanExtended": lambda f, n, en: _pick(
        en, f"Gia hạn mượn đến {_vn(f['due_on'])}",
        f"Loan extended to {_en(f['due_on'])}"),
    "Returned": lambda f, n, en: _pick(en, f"Nhận lại hồ sơ ({f['received_by']})", f"Returned ({f['received_by']})"),
    "DestructionProposed": lambda f, n, en: _pick(
        en, f"Đề nghị hủy: {f['reason']}",
        f"Destruction proposed: {f['reason']}"),
    "DestructionApproved": lambda f, n, en: _pick(
        en, f"Phê duyệt hủy theo quyết định {f['decision_no']}",
        f"Destruction approved by decision {f['decision_no']}"),
    "Destroyed": lambda f, n, en: _pick(
        en, f"Hủy hồ sơ ({_label(METHODS, f['method'], en)}), {len(f['erased_hashes'])} tệp đã xóa",
        f"Record destroyed ({_label(METHODS, f['method'], en)}), {len(f['erased_hashes'])} file(s) erased"),
    "AccessGranted": lambda f, n, en: _pick(
        en,
        f"Cấp quyền xem tệp hồ sơ mật cho {f['grantee']}"
        + (f" đến hết {_vn(f['until'])}" if f["until"] else "") + f": {f['reason']}",
        f"Access to the confidential files granted to {f['grantee']}"
        + (f" until {_en(f['until'])}" if f["until"] else "") + f": {f['reason']}"),
    "AccessRevoked": lambda f, n, en: _pick(
        en, f"Thu hồi quyền xem tệp hồ sơ mật của {f['grantee']}: {f['reason']}",
        f"Access to the confidential files revoked from {f['grantee']}: {f['reason']}"),
    "ConfidentialFileRead": lambda f, n, en: _pick(
        en,
        f"{f['reader']} ({_label(READ_BASIS, f['basis'], en)}) xem tệp mật thứ {f['index']}, "
        f"SHA-256 {f['sha256'][:12]}…",
        f"{f['reader']} ({_label(READ_BASIS, f['basis'], en)}) read confidential file {f['index']}, "
        f"SHA-256 {f['sha256'][:12]}…"),
    "SignInThrottled": lambda f, n, en: _pick(
        en,
        f"Tạm chặn đăng nhập sau {f['failures']} lần sai từ {f['address']} "
        f"({'địa chỉ này' if f['scope'] == 'pair' else 'các địa chỉ lạ'}), chờ {f['retry_after']} giây",
        f"Sign-in held back after {f['failures']} failures from {f['address']} "
        f"({'this address' if f['scope'] == 'pair' else 'unknown addresses'}), wait {f['retry_after']} s"),
    "PasswordChanged": lambda f, n, en: _pick(
        en, "Đổi mật khẩu; các phiên khác đã kết thúc",
        "Password changed; the other sessions ended"),
    "PasswordReset": lambda f, n, en: _pick(
        en, "Đặt lại mật khẩu dùng một lần; mọi phiên đã kết thúc",
        "Password reset to a one-time password; every session ended"),
}


def _case_summary(e: Ev, en: bool) -> str:

    process = process_named(e.f["process"])
    step = process.step(e.f["step"])
    i = 1 if en else 0
    said = step.label[i] if step else e.f["step"]
    state = process.states.get(e.f["state"] if e.type == "CaseOpened" else e.f["to_state"], ("", ""))[i]
    reason = f": {e.f['reason']}" if e.f.get("reason") else ""
    return f"{process.label[i]} — {said} → {state}{reason}"


def _tthc_summary(e: Ev, en: bool) -> str:
    """An administrative procedure's (TTHC) events, imported from the one-stop system (ledger/tthc.py)."""
    f = e.f
    if e.type == "ProcedureListed":
        return (f"Procedure {f['code']} listed: {f['name']}" if en else f"Thêm thủ tục {f['code']}: {f['name']}")
    if e.type == "ProcedureAmended":
        return f"Procedure details changed: {f['name']}" if en else f"Sửa thông tin thủ tục: {f['name']}"
    if e.type == "ProcedureStatusReported":
        month = f"{f['period'][5:7]}/{f['period'][:4]}"
        figures = (f"{f['received']} received, {f['on_time']} on time, {f['late']} late, {f['pending']} pending" if en
                   else f"{f['received']} tiếp nhận, {f['on_time']} đúng hạn, {f['late']} quá hạn, "
                        f"{f['pending']} đang giải quyết")
        fixed = (" (correction)" if en else " (đính chính)") if f["corrects"] else ""
        return f"Figures for {month}{fixed}: {figures}" if en else f"Số liệu tháng {month}{fixed}: {figures}"
    c = f["changes"]
    return (f"TTHC feed {f['filename']} imported ({f['rows']} rows; {c['listed']} new procedures, {c['reported']} "
            f"new and {c['corrected']} corrected monthly figures)" if en else
            f"Nhập dữ liệu một cửa {f['filename']} ({f['rows']} dòng; {c['listed']} thủ tục mới, {c['reported']} số "
            f"liệu tháng mới, {c['corrected']} đính chính)")


VERDICTS = {"agree": ("đồng ý", "agree"), "agree_with_comments": ("đồng ý, có góp ý", "agree with comments"),
            "disagree": ("không đồng ý", "disagree")}
READ_BASIS = {"role": ("theo vai trò", "by role"), "grant": ("được cấp quyền", "granted")}
METHODS = {"crypto_shredding": ("hủy khóa mã hóa và xóa tệp", "crypto-shredding"),
           "shredding": ("cắt hủy", "shredding"), "burning": ("đốt", "burning"), "pulping": ("nghiền bột", "pulping")}


def _label(table: dict[str, tuple[str, str]], code: str, en: bool) -> str:
    vi, english = table.get(code, (code, code))
    return english if en else vi


def _en(iso: str) -> str:
    """Dates stay dd/mm/yyyy in English too (rule 5)."""
    return _vn(iso)


def _vn(iso: str) -> str:
    y, mo, d = iso[:10].split("-")
    return f"{d}/{mo}/{y}"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
