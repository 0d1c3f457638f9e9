"""A Merkle tree over the whole event log, hashed as RFC 9162 §2.1 says: proofs of inclusion and consistency.

Leaves are the events' chain hashes in notification order: ``leaf = SHA-256(0x00 ‖ event hash)``, and
``node = SHA-256(0x01 ‖ left ‖ right)``. The tree is never held whole: every function that needs a subtree takes
``subtree(start, end)``, the root of the leaves ``[start, end)``, which a store answers from the perfect
subtrees it keeps (see ``perfect_parts``) and a test answers from a list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

Subtree = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2): where RFC 9162 splits a tree of ``n`` leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` as perfect aligned subtrees ``(level, index)``, largest first.

    Holds for every range RFC 9162's algorithms ask for: they start at a multiple of a power of two at least
    as large as the range, so the parts follow the binary digits of the range's length.
    """
    parts = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        parts.append((level, start >> level))
        start += 1 << level
    return parts


def fold(parts: Sequence[bytes]) -> bytes:
    """The root over perfect subtrees given largest first (the right edge of an RFC 9162 tree)."""
    if not parts:
        return EMPTY_ROOT
    root = parts[-1]
    for part in reversed(parts[:-1]):
        root = node_hash(part, root)
    return root


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[0:n]) of leaf hashes, computed straight from the definition."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def list_subtree(leaves: Sequence[bytes]) -> Subtree:
    return lambda start, end: root_of(leaves[start:end])


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, nearest sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    return _subproof(old_size, 0, new_size, True, subtree)


def _subproof(m: int, start: int, end: int, whole: bool, subtree: Subtree) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [subtree(start, end)]
    k = split(n)
    if m <= k:
        return _subproof(m, start, start + k, whole, subtree) + [subtree(start + k, end)]
    return _subproof(m - k, start + k, end, False, subtree) + [subtree(start, start + k)]


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` leads ``leaf`` to (RFC 9162 §2.1.3.2), or None when the proof is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    return root_from_inclusion(index, size, leaf, proof) == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: whether ``proof`` shows the tree of ``old_size`` is a prefix of the new one."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the path
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The right edge of a growing tree: its perfect subtrees, largest first; appending is O(log n).

    ``append`` returns the nodes it completed as ``(level, index, hash)``, the leaf itself first, so a store can
    keep every perfect subtree and answer ``subtree`` for any proof.
    """

    def __init__(self, size: int = 0, parts: Sequence[bytes] = ()) -> None:
        expected = len(perfect_parts(0, size))
        if len(parts) != expected:
            raise ValueError(f"a tree of {size} leaves has {expected} perfect parts, not {len(parts)}")
        self.size = size
        self._parts = [(level, h) for (level, _), h in zip(perfect_parts(0, size), parts, strict=True)]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index = self.size
        made = [(0, index, leaf)]
        self._parts.append((0, leaf))
        while len(self._parts) > 1 and self._parts[-1][0] == self._parts[-2][0]:
            (level, right), (_, left) = self._parts.pop(), self._parts.pop()
            merged = node_hash(left, right)
            self._parts.append((level + 1, merged))
            made.append((level + 1, (index + 1 >> (level + 1)) - 1, merged))
        self.size += 1
        return made

    def root(self) -> bytes:
        return fold([h for _, h in self._parts])
