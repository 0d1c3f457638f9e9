"""The API's own tables: password hashes (and who must change theirs), stored responses of idempotent requests,
failed sign-ins (throttling) and signed-out tokens (revocation). Shared by every process of the API, kept across
restarts."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from projections.db import Database

log = logging.getLogger("isoledger.api.store")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS api_credentials (
        username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, changed_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS api_idempotency (
        owner TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
        state TEXT NOT NULL, status INTEGER, headers TEXT, body TEXT, created_at DOUBLE PRECISION NOT NULL,
        fingerprint TEXT, request TEXT, instance TEXT, PRIMARY KEY (owner, key))""",
    "CREATE INDEX IF NOT EXISTS api_idempotency_created ON api_idempotency (created_at)",
    # Each server process's heartbeat: a pending key claimed by a process not seen for a while was abandoned.
    """CREATE TABLE IF NOT EXISTS api_instances (instance TEXT PRIMARY KEY, seen_at DOUBLE PRECISION NOT NULL)""",
    # One row per failed sign-in and subject ("u:<username>" or "a:<address>"); rows past the window are pruned.
    """CREATE TABLE IF NOT EXISTS api_login_failures (subject TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS api_login_failures_subject ON api_login_failures (subject, at)",
    "CREATE INDEX IF NOT EXISTS api_login_failures_at ON api_login_failures (at)",
    # Tokens signed out before they expire (by their session id); rows past their expiry are pruned.
    """CREATE TABLE IF NOT EXISTS api_revoked_tokens (
        session TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS api_revoked_tokens_expiry ON api_revoked_tokens (expires_at)",
    # Where each account has signed in from (the throttle spares these addresses the account-wide limit).
    """CREATE TABLE IF NOT EXISTS api_known_addresses (
        username TEXT NOT NULL, address TEXT NOT NULL, last_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (username, address))""",
    # Tokens of an account issued before ``ended_at`` no longer work (a password changed or reset, a lock), except
    # the session ``kept`` (the one that changed its own password).
    """CREATE TABLE IF NOT EXISTS api_sessions_ended (
        username TEXT PRIMARY KEY, ended_at DOUBLE PRECISION NOT NULL, kept TEXT NOT NULL)""",
    # Accounts whose password was reset to a one-time password: they must choose a new one at next sign-in.
    """CREATE TABLE IF NOT EXISTS api_password_change_required (
        username TEXT PRIMARY KEY, since DOUBLE PRECISION NOT NULL)""",
]
PENDING_TIMEOUT = 300.0  # a pending key of a live process is taken over after this (its request hung)
GONE_AFTER = 15.0  # a process whose heartbeat is older than this has stopped: its pending keys are taken over
KEPT_FOR = 24 * 3600.0  # a stored response is replayed for a day, then the key is free again


@dataclass(frozen=True)
class Stored:
    method: str
    path: str
    state: str
    status: int | None
    headers: dict[str, str]
    body: str | None
    created_at: float
    fingerprint: str | None = None  # the request's method, path, query and body, hashed


@dataclass(frozen=True)
class Claim:
    """The key is this request's to run: ``request`` is the id its events are marked with (ledger.requests), the
    same when the key is claimed again (``retried``: released after a failure, or abandoned by a stopped process)."""

    request: str
    retried: bool = False


class ApiStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._unreleased: set[tuple[str, str]] = set()  # keys this process could not release (database down)

    def create_tables(self) -> None:
        with self.db.transaction() as cur:
            for statement in SCHEMA:
                cur.execute(statement)
        for column in ("fingerprint", "request", "instance"):  # a table from before these columns gains them
            try:
                with self.db.transaction(write=False) as cur:
                    cur.execute(f"SELECT {column} FROM api_idempotency LIMIT 0")
            except Exception:  # noqa: BLE001 - no such column: the statement below adds it
                with self.db.transaction() as cur:
                    cur.execute(f"ALTER TABLE api_idempotency ADD COLUMN {column} TEXT")

    # ---- credentials ----------------------------------------------------------------------
    def password_hash(self, username: str) -> str | None:
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT password_hash FROM api_credentials WHERE username=?", (username,))
            row = cur.fetchone()
        return str(row[0]) if row else None

    def set_password_hash(self, username: str, hashed: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO api_credentials VALUES (?,?,?) ON CONFLICT (username) DO UPDATE "
                        "SET password_hash=excluded.password_hash, changed_at=excluded.changed_at",
                        (username, hashed, time.time()))

    def require_password_change(self, username: str, required: bool) -> None:
        with self.db.transaction() as cur:
            if required:
                cur.execute("INSERT INTO api_password_change_required VALUES (?, ?) ON CONFLICT (username) DO NOTHING",
                            (username, time.time()))
            else:
                cur.execute("DELETE FROM api_password_change_required WHERE username=?", (username,))

    def must_change_password(self, username: str) -> bool:
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT 1 FROM api_password_change_required WHERE username=?", (username,))
            return cur.fetchone() is not None

    def has_credentials(self) -> bool:
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT 1 FROM api_credentials LIMIT 1")
            return cur.fetchone() is not None

    # ---- idempotency ----------------------------------------------------------------------
    def reserve(self, owner: str, key: str, method: str, path: str, fingerprint: str = "", *,
                instance: str = "") -> Claim | Stored:
        """Claims the key for ``instance`` (a Claim) or returns what is stored under it (pending or done). A pending
        key is taken over when the process that claimed it stopped (no heartbeat for GONE_AFTER) or it has been
        pending for PENDING_TIMEOUT; keys older than a day are forgotten (and every such row pruned)."""
        now = time.time()
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM api_idempotency WHERE created_at < ?", (now - KEPT_FOR,))
            if instance:
                self._beat(cur, instance, now)
            cur.execute("SELECT method, path, state, status, headers, body, created_at, fingerprint, request, instance "
                        "FROM api_idempotency WHERE owner=? AND key=?", (owner, key))
            row = cur.fetchone()
            if row is None:
                request = uuid.uuid4().hex
                done = cur.execute("INSERT INTO api_idempotency (owner, key, method, path, state, created_at, "
                                   "fingerprint, request, instance) VALUES (?,?,?,?, 'pending', ?, ?, ?, ?) "
                                   "ON CONFLICT DO NOTHING", (owner, key, method, path, now, fingerprint, request,
                                                              instance))
                if done.rowcount == 0:  # claimed by a concurrent request between our SELECT and INSERT
                    return Stored(method, path, "pending", None, {}, None, now, fingerprint)
                return Claim(request)
            stored = Stored(row[0], row[1], row[2], row[3], json.loads(row[4] or "{}"), row[5], float(row[6]),
                            row[7])
            same = (stored.method, stored.path) == (method, path) and stored.fingerprint in (None, "", fingerprint)
            free = stored.state == "free"
            if same and (free or stored.state == "pending" and (
                    stored.created_at < now - PENDING_TIMEOUT or self._gone(cur, row[9], instance, now))):
                request = row[8] or uuid.uuid4().hex
                cur.execute("UPDATE api_idempotency SET state='pending', created_at=?, fingerprint=?, request=?, "
                            "instance=? WHERE owner=? AND key=?", (now, fingerprint, request, instance, owner, key))
                return Claim(request, retried=True)
            return stored

    @staticmethod
    def _gone(cur: Any, holder: str | None, instance: str, now: float) -> bool:
        """Whether the process that claimed a pending key has stopped (never this one: it is running)."""
        if not holder or holder == instance:
            return False
        cur.execute("SELECT seen_at FROM api_instances WHERE instance=?", (holder,))
        seen = cur.fetchone()
        return seen is None or float(seen[0]) < now - GONE_AFTER

    @staticmethod
    def _beat(cur: Any, instance: str, now: float) -> None:
        cur.execute("INSERT INTO api_instances VALUES (?, ?) ON CONFLICT (instance) DO UPDATE "
                    "SET seen_at=excluded.seen_at", (instance, now))

    def beat(self, instance: str) -> None:
        """This process is alive (every few seconds, and with every claim); stopped processes' rows are pruned."""
        now = time.time()
        with self.db.transaction() as cur:
            self._beat(cur, instance, now)
            cur.execute("DELETE FROM api_instances WHERE seen_at < ?", (now - KEPT_FOR,))

    def complete(self, owner: str, key: str, status: int, headers: dict[str, Any], body: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("UPDATE api_idempotency SET state='done', status=?, headers=?, body=? WHERE owner=? AND key=?",
                        (status, json.dumps(headers), body, owner, key))

    def release(self, owner: str, key: str) -> None:
        """The request failed transiently: the key is free for a retry, which keeps its request id (so a retry
        after a failure that came once its events were written is refused, not applied again). Never raises: with
        the database down, the key is kept in memory and freed by the heartbeat (``release_unreleased``)."""
        try:
            with self.db.transaction() as cur:
                cur.execute("UPDATE api_idempotency SET state='free' WHERE owner=? AND key=? AND state='pending'",
                            (owner, key))
        except Exception:  # noqa: BLE001 - the database is down: the heartbeat frees the key once it is back
            log.warning("an Idempotency-Key could not be released now; the heartbeat retries", exc_info=True)
            with self._lock:
                self._unreleased.add((owner, key))

    def release_unreleased(self) -> int:
        """Frees the keys whose release failed (the database was down then); how many are still held."""
        with self._lock:
            held = sorted(self._unreleased)
        for owner, key in held:
            with self.db.transaction() as cur:
                cur.execute("UPDATE api_idempotency SET state='free' WHERE owner=? AND key=? AND state='pending'",
                            (owner, key))
            with self._lock:
                self._unreleased.discard((owner, key))
        return len(self._unreleased)

    # ---- failed sign-ins --------------------------------------------------------------------
    def recent_failures(self, subjects: list[str], since: float) -> dict[str, list[float]]:
        """The times of each subject's failed sign-ins after ``since``, oldest first."""
        out: dict[str, list[float]] = {s: [] for s in subjects}
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT subject, at FROM api_login_failures WHERE subject IN ({','.join('?' * len(subjects))})"
                        " AND at > ? ORDER BY at", (*subjects, since))
            for subject, at in cur.fetchall():
                out[str(subject)].append(float(at))
        return out

    def add_failures(self, subjects: list[str], at: float, *, prune_before: float) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM api_login_failures WHERE at <= ?", (prune_before,))
            cur.executemany("INSERT INTO api_login_failures (subject, at) VALUES (?, ?)", [(s, at) for s in subjects])

    def clear_failures(self, subject: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM api_login_failures WHERE subject=?", (subject,))

    def clear_failures_like(self, prefix: str) -> None:
        """Deletes the failures of every subject that starts with ``prefix`` (no LIKE: usernames hold ``_``)."""
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM api_login_failures WHERE substr(subject, 1, ?)=?", (len(prefix), prefix))

    def remember_address(self, username: str, address: str, at: float) -> None:
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO api_known_addresses VALUES (?,?,?) ON CONFLICT (username, address) DO UPDATE "
                        "SET last_at=excluded.last_at", (username, address, at))

    def knows_address(self, username: str, address: str) -> bool:
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT 1 FROM api_known_addresses WHERE username=? AND address=?", (username, address))
            return cur.fetchone() is not None

    # ---- ended sessions ------------------------------------------------------------------------
    def end_sessions(self, username: str, before: float, kept: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO api_sessions_ended VALUES (?,?,?) ON CONFLICT (username) DO UPDATE "
                        "SET ended_at=excluded.ended_at, kept=excluded.kept", (username, before, kept))

    def sessions_ended(self, username: str) -> tuple[float, str] | None:
        """(before, kept): tokens of ``username`` issued before ``before`` are void, but session ``kept``."""
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT ended_at, kept FROM api_sessions_ended WHERE username=?", (username,))
            row = cur.fetchone()
        return (float(row[0]), str(row[1])) if row else None

    # ---- revoked tokens -----------------------------------------------------------------------
    def revoke(self, session: str, expires_at: float, *, now: float) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM api_revoked_tokens WHERE expires_at < ?", (now,))
            cur.execute("INSERT INTO api_revoked_tokens VALUES (?, ?) ON CONFLICT (session) DO NOTHING",
                        (session, expires_at))

    def is_revoked(self, session: str) -> bool:
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT 1 FROM api_revoked_tokens WHERE session=?", (session,))
            return cur.fetchone() is not None
