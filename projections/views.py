"""The read models' tables and how each event changes them (write-only SQL, so PostgreSQL can pipeline)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.document import KINDS
from projections.text import fold

TABLES = ("documents", "versions", "inbox", "records", "loans", "audit")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS projection_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, code TEXT NOT NULL, title TEXT NOT NULL,
        kind TEXT NOT NULL, department TEXT NOT NULL, requires_signature INTEGER NOT NULL,
        status TEXT NOT NULL, in_force INTEGER, effective_from TEXT, latest INTEGER NOT NULL,
        search TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS documents_agency ON documents (agency_id, code)",
    """CREATE TABLE IF NOT EXISTS versions (
        document_id TEXT NOT NULL, n INTEGER NOT NULL, agency_id TEXT NOT NULL, status TEXT NOT NULL,
        author TEXT NOT NULL, filename TEXT NOT NULL, sha256 TEXT NOT NULL, change_summary TEXT NOT NULL,
        approver TEXT, reviewer_count INTEGER NOT NULL, reviews_done INTEGER NOT NULL,
        signed INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (document_id, n))""",
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

    @property
    def at(self) -> str:
        return self.f["timestamp"].isoformat()


Exec = Callable[[str, tuple[Any, ...]], Any]


def apply(x: Exec, e: Ev) -> None:
    """Applies one event to the views it changes; the caller records the position in the same transaction."""
    handler = HANDLERS.get((e.kind, e.type))
    if handler:
        handler(x, e)


def deferred(e: Ev) -> list[tuple[str, tuple[Any, ...]]]:
    """Writes that no handler reads back, so the runner batches them per page (executemany):
    the audit row, and the aggregate's version and time (only the page's last one per aggregate counts)."""
    m = e.f["meta"]
    out = [(AUDIT_INSERT, (e.position, e.aggregate_id, e.version, e.kind, e.type, m["user_id"], m["role"],
                           m["agency_id"], e.at, summary(e), e.f["hash"]))]
    table = _VERSIONED.get(e.kind)
    if table:
        out.append((f"UPDATE {table} SET version=?, updated_at=? WHERE id=?", (e.version, e.at, e.aggregate_id)))
    return out


AUDIT_INSERT = "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?)"
_VERSIONED = {"Document": "documents", "Record": "records"}


# ---- documents --------------------------------------------------------------------------------
def _registered(x: Exec, e: Ev) -> None:
    f = e.f
    x("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      (e.aggregate_id, f["agency_id"], f["code"], f["title"], f["kind"], f["department"],
       int(KINDS[f["kind"]][2]), "active", None, None, 0, fold(f"{f['code']} {f['title']}"), e.version, e.at))


def _task(x: Exec, user: str | None, e: Ev, n: int, task: str) -> None:
    if user:
        x("INSERT INTO inbox SELECT ?, id, ?, ?, agency_id, ? FROM documents WHERE id=? ON CONFLICT DO NOTHING",
          (user, n, task, e.at, e.aggregate_id))


def _clear(x: Exec, e: Ev, n: int, *tasks: str) -> None:
    if tasks:
        marks = ",".join("?" * len(tasks))
        x(f"DELETE FROM inbox WHERE document_id=? AND n=? AND task IN ({marks})", (e.aggregate_id, n, *tasks))
    else:
        x("DELETE FROM inbox WHERE document_id=? AND n=?", (e.aggregate_id, n))


def _draft_created(x: Exec, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    x("INSERT INTO versions SELECT id, ?, agency_id, 'draft', ?, ?, ?, ?, NULL, 0, 0, 0, ? FROM documents "
      "WHERE id=?", (n, f["meta"]["user_id"], f["file"]["filename"], f["file"]["sha256"], f["change_summary"],
                     e.at, e.aggregate_id))
    x("UPDATE documents SET latest=? WHERE id=?", (n, e.aggregate_id))
    _task(x, f["meta"]["user_id"], e, n, "submit")


def _draft_revised(x: Exec, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    x("UPDATE versions SET status='draft', filename=?, sha256=?, change_summary=?, reviews_done=0, signed=0, "
      "updated_at=? WHERE document_id=? AND n=?",
      (f["file"]["filename"], f["file"]["sha256"], f["change_summary"], e.at, e.aggregate_id, n))
    _clear(x, e, n, "revise")
    x("INSERT INTO inbox SELECT author, document_id, n, 'submit', agency_id, ? FROM versions "
      "WHERE document_id=? AND n=? ON CONFLICT DO NOTHING", (e.at, e.aggregate_id, n))


def _submitted(x: Exec, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    x("UPDATE versions SET status='submitted', approver=?, reviewer_count=?, reviews_done=0, updated_at=? "
      "WHERE document_id=? AND n=?", (f["approver"], len(f["reviewers"]), e.at, e.aggregate_id, n))
    _clear(x, e, n)
    for reviewer in f["reviewers"]:
        _task(x, reviewer, e, n, "review")
    if not f["reviewers"]:
        _task(x, f["approver"], e, n, "approve")


def _reviewed(x: Exec, e: Ev) -> None:
    n = e.f["version"]
    x("UPDATE versions SET reviews_done=reviews_done+1, updated_at=? WHERE document_id=? AND n=?",
      (e.at, e.aggregate_id, n))
    x("DELETE FROM inbox WHERE user_id=? AND document_id=? AND n=? AND task='review'",
      (e.f["reviewer"], e.aggregate_id, n))
    x("INSERT INTO inbox SELECT approver, document_id, n, 'approve', agency_id, ? FROM versions "
      "WHERE document_id=? AND n=? AND reviews_done=reviewer_count ON CONFLICT DO NOTHING",
      (e.at, e.aggregate_id, n))


def _version_status(status: str) -> Callable[[Exec, Ev], None]:
    def handler(x: Exec, e: Ev) -> None:
        x("UPDATE versions SET status=?, updated_at=? WHERE document_id=? AND n=?",
          (status, e.at, e.aggregate_id, e.f["version"]))
        _clear(x, e, e.f["version"])
    return handler


def _approved(x: Exec, e: Ev) -> None:
    n = e.f["version"]
    _version_status("approved")(x, e)
    x("INSERT INTO inbox SELECT v.approver, v.document_id, v.n, 'sign', v.agency_id, ? FROM versions v "
      "JOIN documents d ON d.id=v.document_id WHERE v.document_id=? AND v.n=? AND d.requires_signature=1",
      (e.at, e.aggregate_id, n))
    x("INSERT INTO inbox SELECT author, document_id, n, 'issue', agency_id, ? FROM versions v "
      "WHERE document_id=? AND n=? AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id=v.document_id "
      "AND d.requires_signature=1) ON CONFLICT DO NOTHING", (e.at, e.aggregate_id, n))


def _rejected(x: Exec, e: Ev) -> None:
    _version_status("rejected")(x, e)
    x("INSERT INTO inbox SELECT author, document_id, n, 'revise', agency_id, ? FROM versions "
      "WHERE document_id=? AND n=? ON CONFLICT DO NOTHING", (e.at, e.aggregate_id, e.f["version"]))


def _signed(x: Exec, e: Ev) -> None:
    f, n = e.f, e.f["version"]
    x("UPDATE versions SET filename=?, sha256=?, signed=signed+1, updated_at=? WHERE document_id=? AND n=?",
      (f["signed_file"]["filename"], f["signed_file"]["sha256"], e.at, e.aggregate_id, n))
    if f["meaning"] == "approval":
        _clear(x, e, n, "sign")
        x("INSERT INTO inbox SELECT author, document_id, n, 'issue', agency_id, ? FROM versions "
          "WHERE document_id=? AND n=? ON CONFLICT DO NOTHING", (e.at, e.aggregate_id, n))


def _issued(x: Exec, e: Ev) -> None:
    _version_status("issued")(x, e)
    x("UPDATE documents SET in_force=?, effective_from=? WHERE id=?",
      (e.f["version"], e.f["effective_from"], e.aggregate_id))


def _superseded(x: Exec, e: Ev) -> None:
    x("UPDATE versions SET status='superseded', updated_at=? WHERE document_id=? AND n=?",
      (e.at, e.aggregate_id, e.f["previous_version"]))


def _withdrawn(x: Exec, e: Ev) -> None:
    _version_status("withdrawn")(x, e)
    x("UPDATE documents SET in_force=NULL, effective_from=NULL WHERE id=? AND in_force=?",
      (e.aggregate_id, e.f["version"]))


def _obsoleted(x: Exec, e: Ev) -> None:
    x("UPDATE documents SET status='obsolete', in_force=NULL, effective_from=NULL WHERE id=?", (e.aggregate_id,))
    x("UPDATE versions SET status='withdrawn', updated_at=? WHERE document_id=? AND status IN "
      "('issued','draft','submitted','approved','rejected')", (e.at, e.aggregate_id))
    x("DELETE FROM inbox WHERE document_id=?", (e.aggregate_id,))


# ---- records ----------------------------------------------------------------------------------
def _opened(x: Exec, e: Ev) -> None:
    f = e.f
    x("INSERT INTO records VALUES (?,?,?,?,?,?,?,NULL,NULL,0,0,NULL,0,?,?,?)",
      (e.aggregate_id, f["agency_id"], f["code"], f["title"], f["series"], f["confidentiality"],
       f["retention_years"], fold(f"{f['code']} {f['title']} {f['series']}"), e.version, e.at))


def _record_set(sql: str, *fields: str) -> Callable[[Exec, Ev], None]:
    def handler(x: Exec, e: Ev) -> None:
        x(f"UPDATE records SET {sql} WHERE id=?", (*(e.f[k] for k in fields), e.aggregate_id))
    return handler


def _closed(x: Exec, e: Ev) -> None:
    x("UPDATE records SET closed_on=?, retention_ends_on=? WHERE id=?",
      (e.f["closed_on"], e.f["retention_ends_on"], e.aggregate_id))


def _borrowed(x: Exec, e: Ev) -> None:
    f = e.f
    x("UPDATE records SET on_loan=1 WHERE id=?", (e.aggregate_id,))
    x("INSERT INTO loans SELECT id, (SELECT COUNT(*) FROM loans WHERE record_id=?) + 1, agency_id, ?, ?, ?, ?, ?, "
      "NULL, NULL FROM records WHERE id=?", (e.aggregate_id, f["borrower"], f["purpose"], f["due_on"],
                                            f["approved_by"], f["borrowed_on"], e.aggregate_id))


def _loan_extended(x: Exec, e: Ev) -> None:
    x("UPDATE loans SET due_on=? WHERE record_id=? AND returned_on IS NULL", (e.f["due_on"], e.aggregate_id))


def _returned(x: Exec, e: Ev) -> None:
    x("UPDATE records SET on_loan=0 WHERE id=?", (e.aggregate_id,))
    x("UPDATE loans SET returned_on=?, received_by=? WHERE record_id=? AND returned_on IS NULL",
      (e.f["returned_on"], e.f["received_by"], e.aggregate_id))


HANDLERS: dict[tuple[str, str], Callable[[Exec, Ev], None]] = {
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
    ("Document", "Obsoleted"): _obsoleted,
    ("Record", "Opened"): _opened,
    ("Record", "FileAdded"): _record_set("files=files+1"),
    ("Record", "Closed"): _closed,
    ("Record", "LegalHoldPlaced"): _record_set("on_hold=1"),
    ("Record", "LegalHoldReleased"): _record_set("on_hold=0"),
    ("Record", "Borrowed"): _borrowed,
    ("Record", "LoanExtended"): _loan_extended,
    ("Record", "Returned"): _returned,
    ("Record", "DestructionProposed"): _record_set("destruction='proposed'"),
    ("Record", "DestructionApproved"): _record_set("destruction='approved'"),
    ("Record", "Destroyed"): _record_set("destruction='executed', files=0, on_loan=0"),
}


def summary(e: Ev) -> str:
    """A one-line Vietnamese description of the event for the audit trail."""
    f = e.f
    n = f.get("version")
    texts = {
        "Registered": lambda: f"Đăng ký tài liệu {f.get('code')} «{f.get('title')}»",
        "DraftCreated": lambda: f"Tạo dự thảo phiên bản {n}: {f['file']['filename']}",
        "DraftRevised": lambda: f"Sửa dự thảo phiên bản {n}: {f['file']['filename']}",
        "SubmittedForReview": lambda: f"Trình xem xét phiên bản {n} ({len(f['reviewers'])} người xem xét, "
                                      f"phê duyệt: {f['approver']})",
        "Reviewed": lambda: f"{f['reviewer']} cho ý kiến phiên bản {n}: {f['verdict']}",
        "Approved": lambda: f"Phê duyệt phiên bản {n}",
        "Rejected": lambda: f"Từ chối phiên bản {n}: {f['reason']}",
        "Signed": lambda: f"Ký số ({'phê duyệt' if f['meaning'] == 'approval' else 'xem xét'}) phiên bản {n}, "
                          f"{f['pades_level']}",
        "Issued": lambda: f"Ban hành phiên bản {n}, hiệu lực từ {_vn(f['effective_from'])}",
        "Superseded": lambda: f"Phiên bản {f['previous_version']} bị thay thế bởi phiên bản {f['by_version']}",
        "Withdrawn": lambda: f"Thu hồi phiên bản {n}: {f['reason']}",
        "Obsoleted": lambda: f"Hủy bỏ tài liệu: {f['reason']}",
        "Opened": lambda: f"Lập hồ sơ {f.get('code')} «{f.get('title')}»",
        "FileAdded": lambda: f"Thêm tệp {f['file']['filename']}",
        "Closed": lambda: f"Kết thúc hồ sơ ngày {_vn(f['closed_on'])}",
        "LegalHoldPlaced": lambda: f"Phong tỏa hồ sơ: {f['reason']}",
        "LegalHoldReleased": lambda: "Gỡ phong tỏa hồ sơ",
        "Borrowed": lambda: f"Cho {f['borrower']} mượn, hạn trả {_vn(f['due_on'])}",
        "LoanExtended": lambda: f"Gia hạn mượn đến {_vn(f['due_on'])}",
        "Returned": lambda: f"Nhận lại hồ sơ ({f['received_by']})",
        "DestructionProposed": lambda: f"Đề nghị hủy: {f['reason']}",
        "DestructionApproved": lambda: f"Phê duyệt hủy theo quyết định {f['decision_no']}",
        "Destroyed": lambda: f"Hủy hồ sơ ({f['method']}), {len(f['erased_hashes'])} tệp đã xóa",
    }
    make = texts.get(e.type)
    return make() if make else e.type


def _vn(iso: str) -> str:
    y, mo, d = iso[:10].split("-")
    return f"{d}/{mo}/{y}"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
