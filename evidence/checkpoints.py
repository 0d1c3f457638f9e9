"""Checkpoints: signed heads of the Merkle tree over the log (size, root, time), made on a schedule or on demand.

The body is a C2SP tlog checkpoint (origin, tree size, base64 root hash) with one extension line
``time <UTC ISO 8601>``, signed as a note by the installation's Ed25519 checkpoint key. Outsiders keep copies:
once published, the installation cannot show a history that does not extend it. With a time-stamping service
(``timestamp``), each note also gets an RFC 3161 token over its bytes; a service that fails never holds a
checkpoint back: it is made without a token (one warning per outage) and the next checkpoint asks again.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from evidence import notes
from projections import merkle as tree

DEFAULT_ORIGIN = "isoledger"
log = logging.getLogger("isoledger.evidence")


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root_hash: str  # hex
    made_at: str  # UTC ISO 8601
    note: str
    timestamp_token: str | None = None  # base64 RFC 3161 token over the note, when a TSA is configured

    def to_dict(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "root_hash": self.root_hash, "made_at": self.made_at,
                "note": self.note, "timestamp_token": self.timestamp_token}


def body(origin: str, tree_size: int, root: bytes, made_at: str) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode()}\ntime {made_at}\n"


def parse_body(text: str) -> tuple[str, int, bytes, str]:
    """(origin, tree size, root, time) of a checkpoint body; ValueError when it is not one."""
    lines = text.splitlines()
    if len(lines) < 4 or not lines[1].isdigit() or not lines[3].startswith("time "):
        raise ValueError("not an isoledger checkpoint")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise ValueError("a checkpoint's root is 32 bytes")
    return lines[0], int(lines[1]), root, lines[3][5:]


class CheckpointKey:
    """The installation's checkpoint key: Ed25519, generated once into a file readable by its owner only."""

    def __init__(self, private: Ed25519PrivateKey, origin: str = DEFAULT_ORIGIN) -> None:
        self._private = private
        self.origin = origin

    @classmethod
    def load_or_create(cls, path: Path, origin: str = DEFAULT_ORIGIN) -> CheckpointKey:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use theirs
                pass
            else:
                with os.fdopen(fd, "wb") as f:
                    f.write(pem)
        private = load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return cls(private, origin)

    @property
    def public(self) -> Ed25519PublicKey:
        return self._private.public_key()

    @property
    def verifier_key(self) -> str:
        return notes.verifier_key(self.origin, self.public)

    def sign(self, text: str) -> str:
        return notes.sign(text, self.origin, self._private)


@dataclass(frozen=True)
class Verified:
    """A verification that reproduced the checkpoint of ``tree_size``, whose last event is at ``last_position``."""

    tree_size: int
    last_position: int
    verified_at: str  # UTC ISO 8601
    mode: str  # full | incremental


class TreeDiverged(Exception):
    """The tree no longer extends the last signed checkpoint: nothing is signed until an operator looks."""

    def __init__(self, tree_size: int) -> None:
        super().__init__(f"the tree of the log no longer has the root signed for size {tree_size}; "
                         "run `isoledger verify`")
        self.tree_size = tree_size


COLS = ("tree_size", "root_hash", "made_at", "note", "timestamp_token")


def _row(r: Any) -> Checkpoint:
    return Checkpoint(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4])


class Checkpoints:
    """Makes, lists and proves against checkpoints of one database's tree."""

    def __init__(self, db: Any, key: CheckpointKey, *, ledger: Any = None, clock: Callable[[], datetime] | None = None,
                 timestamp: Callable[[bytes], bytes] | None = None, every_events: int = 1000,
                 every_seconds: float = 600.0) -> None:
        self.db = db
        self.key = key
        self.ledger = ledger
        self.clock = clock or (lambda: datetime.now(UTC))
        self.timestamp = timestamp
        self.every_events = every_events
        self.every_seconds = every_seconds
        self._tsa_down = False

    def make(self) -> Checkpoint | None:
        """Signs the tree as the projections have it now; None while the log is empty. The time-stamping
        service, if any, is asked outside the database transaction (no lock is held while it answers)."""
        with self.db.transaction(write=False) as cur:
            n = tree.size(cur)
            if n == 0:
                return None
            latest = self._latest(cur)
            if latest is not None and latest.tree_size >= n:
                return latest
            if latest is not None and tree.root(cur, latest.tree_size).hex() != latest.root_hash:
                raise TreeDiverged(latest.tree_size)
            root = tree.root(cur, n)
        made_at = self.clock().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        note = self.key.sign(body(self.key.origin, n, root, made_at))
        token = self._token(note)
        with self.db.transaction() as cur:
            cur.execute(f"INSERT INTO merkle_checkpoints ({', '.join(COLS)}) VALUES (?,?,?,?,?) "
                        "ON CONFLICT DO NOTHING", (n, root.hex(), made_at, note, token))
        return self.at(n)

    def _token(self, note: str) -> str | None:
        """The RFC 3161 token over the note (base64), or None without a service or when it fails."""
        if self.timestamp is None:
            return None
        try:
            token = base64.b64encode(self.timestamp(note.encode())).decode()
        except Exception as e:  # noqa: BLE001 - any failure of the service: the checkpoint is made without it
            if not self._tsa_down:
                log.warning("checkpoint made without an RFC 3161 timestamp (the time-stamping service failed: "
                            "%s: %s); the next checkpoint asks again", type(e).__name__, e)
            self._tsa_down = True
            return None
        if self._tsa_down:
            log.info("the time-stamping service answers again: checkpoints are time-stamped")
        self._tsa_down = False
        return token

    def maybe_make(self) -> Checkpoint | None:
        """Makes a checkpoint when enough events or enough time have passed since the last one."""
        with self.db.transaction(write=False) as cur:
            n, latest = tree.size(cur), self._latest(cur)
        if n == 0 or (latest is not None and latest.tree_size >= n):
            return None
        if latest is not None and n - latest.tree_size < self.every_events:
            age = (self.clock() - datetime.fromisoformat(latest.made_at.replace("Z", "+00:00"))).total_seconds()
            if age < self.every_seconds:
                return None
        try:
            return self.make()
        except TreeDiverged as e:  # reads must go on; `isoledger verify` names what changed
            log.error("no checkpoint made: %s", e)
            return None

    def latest(self) -> Checkpoint | None:
        with self.db.transaction(write=False) as cur:
            return self._latest(cur)

    def at(self, tree_size: int) -> Checkpoint | None:
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(COLS)} FROM merkle_checkpoints WHERE tree_size=?", (tree_size,))
            row = cur.fetchone()
        return None if row is None else _row(row)

    def list(self, *, before: int | None = None, limit: int = 100) -> list[Checkpoint]:
        """Newest first; ``before`` pages back from a tree size."""
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(COLS)} FROM merkle_checkpoints WHERE tree_size < ? "
                        "ORDER BY tree_size DESC LIMIT ?", (before if before is not None else 2**62, limit))
            return [_row(r) for r in cur.fetchall()]

    def all(self) -> list[Checkpoint]:
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(COLS)} FROM merkle_checkpoints ORDER BY tree_size")
            return [_row(r) for r in cur.fetchall()]

    @staticmethod
    def _latest(cur: Any) -> Checkpoint | None:
        cur.execute(f"SELECT {', '.join(COLS)} FROM merkle_checkpoints ORDER BY tree_size DESC LIMIT 1")
        row = cur.fetchone()
        return None if row is None else _row(row)

    def verify_tree(self, since: Verified | None = None, progress: Callable[[int], None] | None = None) -> Any:
        """The whole log (or, ``since`` a verified checkpoint, what came after it) held against every checkpoint
        signed so far (evidence.verify_tree)."""
        from evidence.verify_tree import Since, verify_tree

        start = Since(since.tree_size, since.last_position) if since is not None else None
        return verify_tree(self.ledger, self.db, self.all(), self.key.origin, self.key.public, since=start,
                           progress=progress)

    # ---- verifications ------------------------------------------------------------------------
    def record_verified(self, tree_size: int, last_position: int, mode: str) -> Verified:
        """Notes that a verification reproduced the checkpoint of ``tree_size`` (appended, never rewritten)."""
        at = self.clock().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO merkle_verified (tree_size, last_position, verified_at, mode) VALUES (?,?,?,?)",
                        (tree_size, last_position, at, mode))
        return Verified(tree_size, last_position, at, mode)

    def last_verified(self) -> Verified | None:
        """The largest checkpoint a verification reproduced, if that checkpoint is still stored."""
        with self.db.transaction(write=False) as cur:
            cur.execute("SELECT v.tree_size, v.last_position, v.verified_at, v.mode FROM merkle_verified v "
                        "JOIN merkle_checkpoints c ON c.tree_size = v.tree_size "
                        "ORDER BY v.tree_size DESC, v.verified_at DESC LIMIT 1")
            row = cur.fetchone()
        return None if row is None else Verified(int(row[0]), int(row[1]), str(row[2]), str(row[3]))

    # ---- proofs ------------------------------------------------------------------------------
    def inclusion(self, position: int, tree_size: int | None = None) -> dict[str, Any] | None:
        """The inclusion proof of the event at ``position`` in the tree of ``tree_size`` (default: the latest
        checkpoint's); None when the event is not (yet) in that tree."""
        return self.inclusions([position], tree_size).get(position)

    def inclusions(self, positions: list[int], tree_size: int | None = None) -> dict[int, dict[str, Any]]:
        """Inclusion proofs of many events in one read, sharing the subtrees they have in common."""
        from ledger import merkle

        out: dict[int, dict[str, Any]] = {}
        with self.db.transaction(write=False) as cur:
            size = tree_size if tree_size is not None else (getattr(self._latest(cur), "tree_size", None))
            if size is None or size > tree.size(cur):
                return out
            cache: dict[tuple[int, int], bytes] = {}
            subtree = tree.subtree(cur, cache)
            root = subtree(0, size).hex()
            for position in positions:
                found = tree.leaf_of_position(cur, position)
                if found is None or found[0] >= size:
                    continue
                leaf_index, aggregate_id, version, event_hash = found
                proof = merkle.inclusion_proof(leaf_index, size, subtree)
                out[position] = {
                    "position": position, "leaf_index": leaf_index, "tree_size": size, "aggregate_id": aggregate_id,
                    "version": version, "event_hash": event_hash, "leaf_hash": tree.event_leaf(event_hash).hex(),
                    "root_hash": root, "proof": [p.hex() for p in proof]}
        return out

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any] | None:
        from ledger import merkle

        with self.db.transaction(write=False) as cur:
            if not 0 < old_size <= new_size <= tree.size(cur):
                return None
            proof = merkle.consistency_proof(old_size, new_size, tree.subtree(cur))
            old_root, new_root = tree.root(cur, old_size), tree.root(cur, new_size)
        return {"from": old_size, "to": new_size, "old_root": old_root.hex(), "new_root": new_root.hex(),
                "proof": [p.hex() for p in proof]}
