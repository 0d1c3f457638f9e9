"""The outbox: who must be told of each event, decided in the projections' transaction and kept as notifications.

A notification's id is made of the event's position, the person and the kind, and rows are inserted with
ON CONFLICT DO NOTHING: an event is decided once (the page's tracking moves in the same transaction), and a
rebuild replays the log over the kept rows without telling anyone twice. The ``notifications`` table is not
among the rebuildable tables: it holds what happened after the decision (read, e-mailed), which the log does
not. ``outbox_versions`` (who wrote and who approves each version, how many reviews are in) is rebuildable.
Events at or before ``outbox-start`` (the log's end when the outbox was first created) are never notified, so
an upgrade does not tell everyone about the past.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ledger.qms.registry import process_named
from ledger.vocabulary import Role
from projections.db import select_owned
from projections.text import fold
from projections.views import Ev

TABLES = ("outbox_versions",)
KEPT = ("notifications", "notification_prefs", "mail_digests", "leases", "webhooks", "webhook_deliveries",
        "webhook_attempts")  # not rebuilt: what happened after deciding
START = "outbox-start"

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS notifications (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, agency_id TEXT NOT NULL, kind TEXT NOT NULL,
        subject TEXT NOT NULL, aggregate_id TEXT NOT NULL, n INTEGER, title TEXT NOT NULL, actor TEXT NOT NULL,
        at TEXT NOT NULL, position BIGINT, data TEXT NOT NULL, read_at TEXT,
        mail TEXT NOT NULL, mail_attempts INTEGER NOT NULL, mail_claimed_at TEXT, mail_done_at TEXT,
        mail_error TEXT, digest_id TEXT)""",
    "CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, read_at, at)",
    # the bell's count, from the index alone: see usecases.notifications.Notifications.unread_count
    "CREATE INDEX IF NOT EXISTS notifications_unread ON notifications (user_id, read_at, subject, agency_id)",
    "CREATE INDEX IF NOT EXISTS notifications_mail ON notifications (mail, at)",
    """CREATE TABLE IF NOT EXISTS notification_prefs (
        user_id TEXT NOT NULL, kind TEXT NOT NULL, mode TEXT NOT NULL, PRIMARY KEY (user_id, kind))""",
    """CREATE TABLE IF NOT EXISTS mail_digests (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, day TEXT NOT NULL, status TEXT NOT NULL, count INTEGER NOT NULL,
        attempts INTEGER NOT NULL, claimed_at TEXT, done_at TEXT, error TEXT)""",
    """CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, until TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS webhooks (
        id TEXT PRIMARY KEY, owner_agency TEXT NOT NULL, url TEXT NOT NULL, kinds TEXT NOT NULL, agencies TEXT NOT NULL,
        secret TEXT NOT NULL, description TEXT NOT NULL, active INTEGER NOT NULL, since_position BIGINT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, position BIGINT NOT NULL, event_type TEXT NOT NULL,
        agency_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_at TEXT NOT NULL,
        claimed_at TEXT, last_status INTEGER, last_error TEXT, created_at TEXT NOT NULL, delivered_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_at)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_hook ON webhook_deliveries (webhook_id, position)",
    """CREATE TABLE IF NOT EXISTS webhook_attempts (
        delivery_id TEXT NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL, status_code INTEGER, error TEXT,
        ms INTEGER NOT NULL, PRIMARY KEY (delivery_id, n))""",
    """CREATE TABLE IF NOT EXISTS outbox_versions (
        document_id TEXT NOT NULL, n INTEGER NOT NULL, author TEXT NOT NULL, approver TEXT,
        reviewers TEXT NOT NULL, reviews INTEGER NOT NULL, PRIMARY KEY (document_id, n))""",
]
NOTE_COLS = ("id", "user_id", "agency_id", "kind", "subject", "aggregate_id", "n", "title", "actor", "at",
             "position", "data", "read_at", "mail", "mail_attempts", "mail_claimed_at", "mail_done_at", "mail_error",
             "digest_id")
VER_COLS = ("document_id", "n", "author", "approver", "reviewers", "reviews")
# Who reads a document's notices at all, and a record's (the ledger's reader roles).
DOC_READERS = frozenset({Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.RECORDS_CONTROLLER,
                         Role.STAFF, Role.INTERNAL_AUDITOR})
REC_READERS = frozenset({Role.RECORDS_CONTROLLER, Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER,
                         Role.INTERNAL_AUDITOR})
CONFIDENTIAL_READERS = frozenset({Role.RECORDS_CONTROLLER, Role.AGENCY_LEADER})


def prepare(cur: Any, ledger: Any) -> None:
    """Marks where the outbox starts: the log's end the first time its tables are made."""
    cur.execute("SELECT position FROM projection_tracking WHERE name=?", (START,))
    if cur.fetchone() is None:
        cur.execute("INSERT INTO projection_tracking VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (START, int(ledger.recorder.max_notification_id() or 0)))


class Notices:
    """The notifications a page of events decides, with what they need to know (people, documents, versions)."""

    def __init__(self, cur: Any, events: list[Ev]) -> None:
        self.cur = cur
        cur.execute("SELECT position FROM projection_tracking WHERE name=?", (START,))
        row = cur.fetchone()
        self.start = int(row[0]) if row else 0
        doc_ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Document"))
        self.versions: dict[tuple[str, int], dict[str, Any]] = {}
        for r in select_owned(cur, "outbox_versions", VER_COLS, "document_id", doc_ids):
            ver = dict(zip(VER_COLS, r, strict=True))
            ver["reviewers"] = json.loads(ver["reviewers"])
            self.versions[(ver["document_id"], ver["n"])] = ver
        self.docs = {r[0]: {"agency_id": r[1], "code": r[2], "title": r[3], "kind": r[4], "signature": r[5]}
                     for r in select_owned(cur, "documents", ("id", "agency_id", "code", "title", "kind",
                                                              "requires_signature"), "id", doc_ids)}
        rec_ids = list(dict.fromkeys(e.aggregate_id for e in events if e.kind == "Record"))
        self.records = {r[0]: {"agency_id": r[1], "code": r[2], "title": r[3], "confidentiality": r[4]}
                        for r in select_owned(cur, "records", ("id", "agency_id", "code", "title", "confidentiality"),
                                              "id", rec_ids)}
        self.rows: list[tuple[Any, ...]] = []
        self._people: dict[str, list[dict[str, Any]]] = {}
        self._departments: dict[str, list[tuple[str, str, str]]] = {}

    # ---- people -------------------------------------------------------------------------
    def people(self, agency_id: str) -> list[dict[str, Any]]:
        """The active accounts of an agency, with their roles and department."""
        if agency_id not in self._people:
            self.cur.execute("SELECT username, roles, department FROM users WHERE agency_id=? AND status='active' "
                             "ORDER BY username", (agency_id,))
            self._people[agency_id] = [{"username": u, "roles": frozenset(json.loads(r)), "department": d}
                                       for u, r, d in self.cur.fetchall()]
        return self._people[agency_id]

    def who(self, agency_id: str, usernames: Iterable[str], readers: frozenset[str]) -> list[str]:
        """Those of ``usernames`` who are active in ``agency_id`` and read with one of ``readers``."""
        wanted = set(usernames)
        return [p["username"] for p in self.people(agency_id) if p["username"] in wanted and p["roles"] & readers]

    def with_roles(self, agency_id: str, roles: frozenset[str]) -> list[str]:
        return [p["username"] for p in self.people(agency_id) if p["roles"] & roles]

    def members_of(self, agency_id: str, distribution: list[str]) -> list[str]:
        """``distribution_members`` from what this page has read already (each agency's people and departments
        once a page, not twice per version issued)."""
        if agency_id not in self._departments:
            self._departments[agency_id] = _open_departments(self.cur, agency_id)
        people = [(p["username"], p["roles"], p["department"]) for p in self.people(agency_id)]
        return [u for u, _ in members(self._departments[agency_id], people, distribution)]

    # ---- deciding -------------------------------------------------------------------------
    def tell(self, e: Ev, users: Iterable[str], kind: str, subject: str, agency_id: str, title: str,
             n: int | None = None, **data: Any) -> None:
        if e.position <= self.start:
            return
        actor = e.f["meta"]["user_id"]
        for user in dict.fromkeys(users):
            if user == actor and kind not in SELF_KINDS:
                continue
            self.rows.append((f"{e.position}:{user}:{kind}", user, agency_id, kind, subject, e.aggregate_id, n, title,
                              actor, e.at, e.position, json.dumps(data, ensure_ascii=False), None, "pending", 0, None,
                              None, None, None))


def distribution_members(cur: Any, agency_id: str, distribution: list[str]) -> list[tuple[str, str | None]]:
    """The people a distribution names, with their department: the active members, who read documents, of the
    departments it names (by id, code or name, accents and case aside), and the accounts it names directly."""
    cur.execute("SELECT username, roles, department FROM users WHERE agency_id=? AND status='active' ORDER BY username",
                (agency_id,))
    people = [(u, frozenset(json.loads(r)), d) for u, r, d in cur.fetchall()]
    return members(_open_departments(cur, agency_id), people, distribution)


def _open_departments(cur: Any, agency_id: str) -> list[tuple[str, str, str]]:
    cur.execute("SELECT id, code, name FROM departments WHERE agency_id=? AND closed=0", (agency_id,))
    return [(str(i), str(c), str(n)) for i, c, n in cur.fetchall()]


def members(departments: list[tuple[str, str, str]], people: list[tuple[str, frozenset[str], str | None]],
            distribution: list[str]) -> list[tuple[str, str | None]]:
    """``distribution_members`` of an agency's open ``departments`` (id, code, name) and active ``people``
    (username, roles, department), in the order of ``people``."""
    names = {fold(d).strip() for d in distribution}
    depts = {i for i, c, n in departments if {fold(i), fold(c), fold(n).strip()} & names}
    if "leadership" in names:  # the agency's leadership (Ban lãnh đạo), as a distribution may name it
        depts.add("leadership")
    return [(u, d) for u, roles, d in people if (d in depts or fold(u) in names) and roles & DOC_READERS]


SELF_KINDS = frozenset({"distributed"})  # the one who issues a version still has to read and understand it


def apply_page(cur: Any, events: list[Ev]) -> None:
    """Decides the notifications of a page of events (after the views and the directory took it)."""
    notes = Notices(cur, events)
    touched: set[tuple[str, int]] = set()
    for e in events:
        handler = HANDLERS.get((e.kind, e.type))
        if handler is not None:
            touched |= handler(notes, e) or set()
    if touched:  # one batch of upserts (on PostgreSQL one round trip, not two per version)
        cur.executemany(f"INSERT INTO outbox_versions ({', '.join(VER_COLS)}) VALUES (?,?,?,?,?,?) "
                        "ON CONFLICT (document_id, n) DO UPDATE SET author=excluded.author, "
                        "approver=excluded.approver, reviewers=excluded.reviewers, reviews=excluded.reviews",
                        [(v["document_id"], v["n"], v["author"], v["approver"], json.dumps(v["reviewers"]),
                          v["reviews"]) for v in (notes.versions[key] for key in sorted(touched))])
    _deliveries(cur, events, notes.start)
    if notes.rows:
        cur.executemany(f"INSERT INTO notifications ({', '.join(NOTE_COLS)}) VALUES "
                        f"({','.join('?' * len(NOTE_COLS))}) ON CONFLICT DO NOTHING", notes.rows)


def _deliveries(cur: Any, events: list[Ev], start: int) -> None:
    """One delivery per webhook and event it subscribes to (its kinds, its agencies), after it was registered."""
    cur.execute("SELECT id, kinds, agencies, since_position FROM webhooks WHERE active=1")
    hooks = [(i, json.loads(k), set(json.loads(a)), int(p)) for i, k, a, p in cur.fetchall()]
    if not hooks:
        return
    rows = []
    for e in events:
        name, agency = f"{e.kind}.{e.type}", e.f["meta"]["agency_id"]
        for hook, kinds, agencies, since in hooks:
            if e.position <= max(start, since) or agency not in agencies:
                continue
            if "*" in kinds or name in kinds or f"{e.kind}.*" in kinds:
                rows.append((f"{hook}:{e.position}", hook, e.position, name, agency, "pending", 0, "", None, None,
                             None, e.at, None))  # next_at "": due at once
    if rows:
        cur.executemany("INSERT INTO webhook_deliveries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                        rows)


# ---- documents ------------------------------------------------------------------------------
Touched = set[tuple[str, int]] | None


def _doc(notes: Notices, e: Ev) -> tuple[dict[str, Any], str]:
    doc = notes.docs[e.aggregate_id]
    return doc, f"{doc['code']} — {doc['title']}"


def _drafted(notes: Notices, e: Ev) -> Touched:
    key = (e.aggregate_id, e.f["version"])
    notes.versions[key] = {"document_id": key[0], "n": key[1], "author": e.f["meta"]["user_id"], "approver": None,
                           "reviewers": [], "reviews": 0}
    return {key}


def _submitted(notes: Notices, e: Ev) -> Touched:
    key = (e.aggregate_id, e.f["version"])
    ver = notes.versions.get(key)
    if ver is None:  # drafted before the outbox existed
        return None
    ver.update(approver=e.f["approver"], reviewers=list(e.f["reviewers"]), reviews=0)
    doc, title = _doc(notes, e)
    if ver["reviewers"]:
        notes.tell(e, notes.who(doc["agency_id"], ver["reviewers"], DOC_READERS), "review_requested", "document",
                   doc["agency_id"], title, key[1])
    else:
        notes.tell(e, notes.who(doc["agency_id"], [ver["approver"]], DOC_READERS), "approval_requested", "document",
                   doc["agency_id"], title, key[1])
    return {key}


def _reviewed(notes: Notices, e: Ev) -> Touched:
    key = (e.aggregate_id, e.f["version"])
    ver = notes.versions.get(key)
    if ver is None:
        return None
    ver["reviews"] += 1
    doc, title = _doc(notes, e)
    notes.tell(e, notes.who(doc["agency_id"], [ver["author"]], DOC_READERS), "reviewed", "document",
               doc["agency_id"], title, key[1], verdict=e.f["verdict"])
    if ver["reviews"] == len(ver["reviewers"]) and ver["approver"]:
        notes.tell(e, notes.who(doc["agency_id"], [ver["approver"]], DOC_READERS), "approval_requested", "document",
                   doc["agency_id"], title, key[1])
    return {key}


def _to_author(kind: str) -> Any:
    def handler(notes: Notices, e: Ev) -> Touched:
        ver = notes.versions.get((e.aggregate_id, e.f["version"]))
        if ver is None:
            return None
        doc, title = _doc(notes, e)
        extra = {k: e.f[k] for k in ("reason", "meaning", "effective_from") if k in e.f}
        notes.tell(e, notes.who(doc["agency_id"], [ver["author"]], DOC_READERS), kind, "document", doc["agency_id"],
                   title, ver["n"], **extra)
        if kind == "approved" and doc["signature"] and ver["approver"]:
            notes.tell(e, notes.who(doc["agency_id"], [ver["approver"]], DOC_READERS), "signature_waiting",
                       "document", doc["agency_id"], title, ver["n"])
        if kind == "issued":
            notes.tell(e, notes.members_of(doc["agency_id"], list(e.f["distribution"])), "distributed", "document",
                       doc["agency_id"], title, ver["n"], effective_from=e.f["effective_from"])
        return None
    return handler


# ---- records --------------------------------------------------------------------------------
def _destruction_proposed(notes: Notices, e: Ev) -> Touched:
    rec = notes.records.get(e.aggregate_id)
    if rec is not None:
        notes.tell(e, notes.with_roles(rec["agency_id"], frozenset({Role.AGENCY_LEADER})), "destruction_to_approve",
                   "record", rec["agency_id"], f"{rec['code']} — {rec['title']}", reason=e.f["reason"])
    return None


def _ack_reminded(notes: Notices, e: Ev) -> Touched:
    doc, title = _doc(notes, e)
    notes.tell(e, notes.who(doc["agency_id"], e.f["users"], DOC_READERS), "ack_reminder", "document",
               doc["agency_id"], title, e.f["version"])
    return None


# ---- QMS cases ------------------------------------------------------------------------------
def _review_notified(notes: Notices, e: Ev) -> Touched:
    """A management review's notice sent: the leader of each department it asks is told to report."""
    notes.cur.execute("SELECT data, title FROM cases WHERE id=?", (e.aggregate_id,))
    row = notes.cur.fetchone()
    asks = json.loads(row[0]).get("asks", []) if row else []
    deps = [a["department"] for a in asks]
    if not deps:
        return None
    marks = ",".join("?" * len(deps))
    notes.cur.execute(f"SELECT leader FROM departments WHERE id IN ({marks}) AND leader IS NOT NULL", deps)
    leaders = sorted(r[0] for r in notes.cur.fetchall())
    agency = e.f["meta"]["agency_id"]
    notes.tell(e, notes.who(agency, leaders, DOC_READERS), "report_requested", "case", agency, row[1],
               collection="management-reviews")
    return None


CASE_STEPS = {("management_review", "notify"): _review_notified}


def _case_step(notes: Notices, e: Ev) -> Touched:
    handler = CASE_STEPS.get((e.f["process"], e.f["step"]))
    return handler(notes, e) if handler is not None else None


# ---- QMS cases shared with another agency ---------------------------------------------------------
def _case_shared(notes: Notices, e: Ev) -> Touched:
    """A case opened about another agency (an inspection scheduled): its people with the shared roles are told."""
    process = process_named(e.f["process"])
    shared = process.shared_agency(e.f["values"])
    if shared:
        notes.tell(e, notes.with_roles(shared, frozenset(process.shared_roles)), f"{process.name}_shared", "case",
                   shared, process.title(e.f["values"]), collection=process.collection,
                   on=e.f["values"].get("planned_on"))
    return None


def _complaint_received(notes: Notices, e: Ev) -> Touched:
    """A complaint from the public page: the agency's ISO secretaries are told (it waits on them to assign it)."""
    f = e.f
    if f.get("process") == "complaint" and f.get("values", {}).get("channel") == "web":
        from ledger.qms.processes.complaints import scrub

        notes.tell(e, notes.with_roles(f["agency_id"], frozenset({Role.ISO_SECRETARY})), "complaint_received", "case",
                   f["agency_id"], scrub(str(f["values"].get("subject", ""))), collection="complaints",
                   complaint_kind=f["values"].get("kind"))
    return None


def _case_opened(notes: Notices, e: Ev) -> Touched:
    """A case opened: one shared with another agency tells that agency; a complaint from the public page tells
    the ISO secretaries."""
    _case_shared(notes, e)
    _complaint_received(notes, e)
    return None


HANDLERS = {
    ("Document", "DraftCreated"): _drafted,
    ("Document", "SubmittedForReview"): _submitted,
    ("Document", "Reviewed"): _reviewed,
    ("Document", "Approved"): _to_author("approved"),
    ("Document", "Rejected"): _to_author("rejected"),
    ("Document", "Signed"): _to_author("signed"),
    ("Document", "Issued"): _to_author("issued"),
    ("Record", "DestructionProposed"): _destruction_proposed,
    ("Document", "AcknowledgementReminded"): _ack_reminded,
    ("Case", "StepTaken"): _case_step,
    ("Case", "CaseOpened"): _case_opened,
}
