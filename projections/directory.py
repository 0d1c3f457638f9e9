"""Read models of the directory: agencies, who supervises them, departments and user accounts (lists, search)."""

from __future__ import annotations

import json

from projections.views import Ev, Exec

TABLES = ("agencies", "agency_supervisors", "departments", "users")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS agencies (
        agency_id TEXT PRIMARY KEY, aggregate_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        supervised_by TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
        level TEXT NOT NULL DEFAULT 'province')""",
    """CREATE TABLE IF NOT EXISTS agency_supervisors (
        agency_id TEXT NOT NULL, supervisor_id TEXT NOT NULL, PRIMARY KEY (agency_id, supervisor_id))""",
    "CREATE INDEX IF NOT EXISTS agency_supervisors_by ON agency_supervisors (supervisor_id)",
    """CREATE TABLE IF NOT EXISTS users (
        username TEXT PRIMARY KEY, aggregate_id TEXT NOT NULL UNIQUE, agency_id TEXT NOT NULL,
        full_name TEXT NOT NULL, roles TEXT NOT NULL, email TEXT NOT NULL, status TEXT NOT NULL,
        version INTEGER NOT NULL, updated_at TEXT NOT NULL, department TEXT)""",
    "CREATE INDEX IF NOT EXISTS users_agency ON users (agency_id, username)",
    """CREATE TABLE IF NOT EXISTS departments (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, parent_id TEXT,
        leader TEXT, closed INTEGER NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS departments_agency ON departments (agency_id, code)",
]

_ACCOUNT_STATUS = {"AccountLocked": "locked", "AccountUnlocked": "active", "AccountDeactivated": "deactivated"}


def apply(x: Exec, e: Ev) -> None:
    """Applies one directory event; events of other aggregates are ignored."""
    f = e.f
    if e.kind == "Agency":
        if e.type in ("SealImageSet", "AgencyRulesSet"):  # in the ledger; the row keeps the version
            x("UPDATE agencies SET version=?, updated_at=? WHERE aggregate_id=?", (e.version, e.at, e.aggregate_id))
            return
        if e.type == "AgencyCreated":
            x("INSERT INTO agencies VALUES (?,?,?,?,?,?,?)",
              (f["agency_id"], e.aggregate_id, f["name"], json.dumps(f["supervised_by"]), e.version, e.at,
               f.get("level") or "province"))
        else:
            x("UPDATE agencies SET name=?, supervised_by=?, version=?, updated_at=?, level=COALESCE(?, level) "
              "WHERE aggregate_id=?", (f["name"], json.dumps(f["supervised_by"]), e.version, e.at, f.get("level"),
                                       e.aggregate_id))
            x("DELETE FROM agency_supervisors WHERE agency_id=(SELECT agency_id FROM agencies WHERE aggregate_id=?)",
              (e.aggregate_id,))
        for sup in f["supervised_by"]:
            x("INSERT INTO agency_supervisors SELECT agency_id, ? FROM agencies WHERE aggregate_id=? "
              "ON CONFLICT DO NOTHING", (sup, e.aggregate_id))
    elif e.kind == "Department":
        _department(x, e)
    elif e.kind == "Account":
        if e.type == "AccountCreated":
            x("INSERT INTO users VALUES (?,?,?,?,?,?,?,?,?,?)",
              (f["username"], e.aggregate_id, f["agency_id"], f["full_name"], json.dumps(f["roles"]), f["email"],
               "active", e.version, e.at, f.get("department")))
        elif e.type == "AccountDetailsChanged":
            x("UPDATE users SET full_name=?, email=?, version=?, updated_at=? WHERE aggregate_id=?",
              (f["full_name"], f["email"], e.version, e.at, e.aggregate_id))
        elif e.type == "AccountMovedToDepartment":
            x("UPDATE users SET department=?, version=?, updated_at=? WHERE aggregate_id=?",
              (f["department"], e.version, e.at, e.aggregate_id))
        elif e.type == "RolesChanged":
            x("UPDATE users SET roles=?, version=?, updated_at=? WHERE aggregate_id=?",
              (json.dumps(f["roles"]), e.version, e.at, e.aggregate_id))
        elif e.type in ("SignatureImageSet", "SignInThrottled", "PasswordChanged", "PasswordReset"):
            x("UPDATE users SET version=?, updated_at=? WHERE aggregate_id=?", (e.version, e.at, e.aggregate_id))
        elif e.type in _ACCOUNT_STATUS:
            x("UPDATE users SET status=?, version=?, updated_at=? WHERE aggregate_id=?",
              (_ACCOUNT_STATUS[e.type], e.version, e.at, e.aggregate_id))


def _department(x: Exec, e: Ev) -> None:
    f = e.f
    if e.type == "DepartmentCreated":
        x("INSERT INTO departments VALUES (?,?,?,?,?,?,?,?,?)",
          (e.aggregate_id, f["agency_id"], f["code"], f["name"], f["parent_id"], f["leader"], 0, e.version, e.at))
    elif e.type == "DepartmentRenamed":
        x("UPDATE departments SET name=?, version=?, updated_at=? WHERE id=?", (f["name"], e.version, e.at,
                                                                                e.aggregate_id))
    elif e.type == "DepartmentLeaderChanged":
        x("UPDATE departments SET leader=?, version=?, updated_at=? WHERE id=?", (f["leader"], e.version, e.at,
                                                                                  e.aggregate_id))
    elif e.type == "DepartmentClosed":
        x("UPDATE departments SET closed=1, version=?, updated_at=? WHERE id=?", (e.version, e.at, e.aggregate_id))
