"""The Merkle tree over the whole event log as a read model: one leaf per event, every perfect subtree kept.

Leaf ``i`` is the ``i``-th event in notification order (positions may have gaps on PostgreSQL, leaf indexes
do not). Keeping each perfect subtree ``(level, index)`` makes any subtree root of RFC 9162's proofs a fold of
at most log₂ n stored nodes. Checkpoints (signed tree heads) live in ``merkle_checkpoints``, which is not
rebuildable: a rebuild recomputes the tree, and the checkpoints are what it must agree with. Neither is
``merkle_verified``, the record of each verification that reproduced a checkpoint (where the next incremental
``isoledger verify`` starts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ledger import merkle
from projections.db import insert_rows
from projections.views import Ev

TABLES = ("merkle_leaves", "merkle_nodes")
# Subtrees of fewer than 2**STORED_LEVEL leaves are not stored: ~1/16 of a row per event instead of two, and a
# proof recomputes each of its small parts from at most 16 leaves.
STORED_LEVEL = 4

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS merkle_leaves (
        leaf BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, aggregate_id TEXT NOT NULL,
        version INTEGER NOT NULL, event_hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS merkle_leaves_by_aggregate ON merkle_leaves (aggregate_id, version)",
    """CREATE TABLE IF NOT EXISTS merkle_nodes (
        level INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (level, idx))""",
    """CREATE TABLE IF NOT EXISTS merkle_checkpoints (
        tree_size BIGINT PRIMARY KEY, root_hash TEXT NOT NULL, made_at TEXT NOT NULL, note TEXT NOT NULL,
        timestamp_token TEXT)""",
    """CREATE TABLE IF NOT EXISTS merkle_verified (
        tree_size BIGINT NOT NULL, last_position BIGINT NOT NULL, verified_at TEXT NOT NULL, mode TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS merkle_verified_by_size ON merkle_verified (tree_size)",
]


def event_leaf(event_hash: str) -> bytes:
    """The leaf of an event: SHA-256(0x00 ‖ the 32 bytes of its chain hash)."""
    return merkle.leaf_hash(bytes.fromhex(event_hash))


def size(cur: Any) -> int:
    cur.execute("SELECT MAX(leaf) FROM merkle_leaves")
    row = cur.fetchone()
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def nodes(cur: Any, wanted: Sequence[tuple[int, int]]) -> list[bytes]:
    """The perfect subtrees ``wanted`` (level, index), in that order: stored from STORED_LEVEL up, computed from
    at most 2**STORED_LEVEL leaves below it."""
    out = []
    for level, idx in wanted:
        if level < STORED_LEVEL:
            cur.execute("SELECT event_hash FROM merkle_leaves WHERE leaf >= ? AND leaf < ? ORDER BY leaf",
                        (idx << level, (idx + 1) << level))
            leaves = [event_leaf(r[0]) for r in cur.fetchall()]
            if len(leaves) != 1 << level:
                raise LookupError(f"the tree has no node at level {level}, index {idx}")
            out.append(merkle.root_of(leaves))
            continue
        cur.execute("SELECT hash FROM merkle_nodes WHERE level=? AND idx=?", (level, idx))
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"the tree has no node at level {level}, index {idx}")
        out.append(bytes.fromhex(row[0]))
    return out


def frontier(cur: Any, tree_size: int | None = None) -> merkle.Frontier:
    n = size(cur) if tree_size is None else tree_size
    return merkle.Frontier(n, nodes(cur, merkle.perfect_parts(0, n)))


def subtree(cur: Any, cache: dict[tuple[int, int], bytes] | None = None) -> merkle.Subtree:
    """``subtree(start, end)`` answered from the stored nodes, for inclusion and consistency proofs; ``cache``
    keeps the subtrees already computed when many proofs are made at once."""
    memo = {} if cache is None else cache

    def answer(start: int, end: int) -> bytes:
        if (start, end) not in memo:
            memo[(start, end)] = merkle.fold(nodes(cur, merkle.perfect_parts(start, end)))
        return memo[(start, end)]
    return answer


def root(cur: Any, tree_size: int) -> bytes:
    return merkle.fold(nodes(cur, merkle.perfect_parts(0, tree_size)))


def leaf_of_position(cur: Any, position: int) -> tuple[int, str, int, str] | None:
    """(leaf index, aggregate id, version, event hash) of the event at notification ``position``."""
    cur.execute("SELECT leaf, aggregate_id, version, event_hash FROM merkle_leaves WHERE position=?", (position,))
    row = cur.fetchone()
    return None if row is None else (int(row[0]), str(row[1]), int(row[2]), str(row[3]))


def apply_page(cur: Any, events: list[Ev]) -> None:
    """Appends a page of events to the tree: their leaves and every subtree they complete."""
    tree = frontier(cur)
    leaves, made = [], []
    for e in events:
        leaf_index = tree.size
        leaves.append((leaf_index, e.position, e.aggregate_id, e.version, e.f["hash"]))
        made.extend((level, idx, h.hex()) for level, idx, h in tree.append(event_leaf(e.f["hash"]))
                    if level >= STORED_LEVEL)
    insert_rows(cur, "merkle_leaves", ("leaf", "position", "aggregate_id", "version", "event_hash"), leaves)
    insert_rows(cur, "merkle_nodes", ("level", "idx", "hash"), made)
