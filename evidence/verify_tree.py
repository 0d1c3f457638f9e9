"""Recomputes the Merkle tree from the log and holds it against every stored checkpoint.

A hash chain per aggregate cannot show that an aggregate's last events, or a whole aggregate, were deleted;
the checkpoints can: the tree of the log's first N events must have the root signed for size N. Where the tree
read model still lists the events (``merkle_leaves``), the events that are gone or changed are named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence import notes
from evidence.checkpoints import Checkpoint, parse_body
from ledger import merkle
from projections.merkle import event_leaf


@dataclass(frozen=True)
class TreeProblem:
    kind: str  # signature | root | truncated | missing | changed
    message_vi: str
    message_en: str
    positions: tuple[int, ...] = ()
    aggregate_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TreeReport:
    events: int
    checkpoints: int
    latest_verified: int  # the largest checkpoint size whose root the log reproduces
    problems: list[TreeProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _check_signatures(checkpoints: list[Checkpoint], origin: str, public: Ed25519PublicKey,
                      problems: list[TreeProblem]) -> dict[int, bytes]:
    roots: dict[int, bytes] = {}
    for c in checkpoints:
        try:
            opened = notes.open_note(c.note, origin, public)
            _, size, root, _ = parse_body(opened.text)
        except ValueError:
            opened, size, root = None, -1, b""
        if opened is None or not opened.signed or size != c.tree_size or root.hex() != c.root_hash:
            problems.append(TreeProblem(
                "signature", f"Điểm kiểm tra cỡ {c.tree_size} không có chữ ký hợp lệ của khóa điểm kiểm tra.",
                f"The checkpoint of size {c.tree_size} is not validly signed by the checkpoint key."))
            continue
        roots[size] = root
    return roots


def verify_tree(ledger: Any, db: Any, checkpoints: list[Checkpoint], origin: str, public: Ed25519PublicKey, *,
                page_size: int = 2000, progress: Callable[[int], None] | None = None) -> TreeReport:
    """Walks the whole log once; every checkpoint's root must come out of the events the log still holds."""
    problems: list[TreeProblem] = []
    roots = _check_signatures(checkpoints, origin, public, problems)
    sizes = sorted(roots)
    decode = ledger.mapper.transcoder.decode
    frontier, start, wanted = merkle.Frontier(), 0, 0
    verified, seen = 0, {}  # seen: position -> event hash, for naming what is gone
    named_limit = max(sizes, default=0)
    while True:
        page = ledger.recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not page:
            break
        for n in page:
            try:
                event_hash = str(decode(n.state)["hash"])
                leaf = event_leaf(event_hash)
            except Exception:  # noqa: BLE001 - undecodable bytes: the chain check names them; the tree differs
                event_hash, leaf = "", merkle.leaf_hash(b"undecodable")
            if frontier.size < named_limit:
                seen[n.id] = event_hash
            frontier.append(leaf)
            while wanted < len(sizes) and sizes[wanted] == frontier.size:
                size = sizes[wanted]
                if frontier.root() == roots[size]:
                    verified = size
                else:
                    problems.append(TreeProblem(
                        "root", f"Cây của {size} sự kiện đầu tiên không khớp điểm kiểm tra đã ký cỡ {size}: "
                                "có sự kiện đã bị xóa hoặc sửa.",
                        f"The tree of the first {size} events does not match the signed checkpoint of size {size}: "
                        "events were deleted or changed."))
                wanted += 1
        start = page[-1].id
        if progress:
            progress(len(page))
    if wanted < len(sizes):
        largest = sizes[-1]
        problems.append(TreeProblem(
            "truncated", f"Nhật ký chỉ còn {frontier.size} sự kiện, nhưng điểm kiểm tra đã ký cho {largest}: "
                         "nhật ký đã bị cắt bớt.",
            f"The log holds {frontier.size} events, but a checkpoint was signed for {largest}: the log was truncated."))
    if problems and any(p.kind in ("root", "truncated") for p in problems):
        problems.extend(_name_losses(db, seen, named_limit))
    return TreeReport(frontier.size, len(checkpoints), verified, problems)


def _name_losses(db: Any, seen: dict[int, str], up_to: int) -> list[TreeProblem]:
    """Compares the tree read model's leaves with what the log still holds: the events gone, or changed."""
    gone, changed = [], []
    with db.transaction(write=False) as cur:
        cur.execute("SELECT position, aggregate_id, event_hash FROM merkle_leaves WHERE leaf < ? ORDER BY leaf",
                    (up_to,))
        for position, aggregate_id, event_hash in cur.fetchall():
            now = seen.get(int(position))
            if now is None:
                gone.append((int(position), str(aggregate_id)))
            elif now != event_hash:
                changed.append((int(position), str(aggregate_id)))
    out = []
    if gone:
        out.append(TreeProblem(
            "missing", f"Các sự kiện đã bị xóa khỏi nhật ký: vị trí {', '.join(str(p) for p, _ in gone)}.",
            f"Events deleted from the log: positions {', '.join(str(p) for p, _ in gone)}.",
            tuple(p for p, _ in gone), tuple(dict.fromkeys(a for _, a in gone))))
    if changed:
        out.append(TreeProblem(
            "changed", f"Các sự kiện đã bị sửa: vị trí {', '.join(str(p) for p, _ in changed)}.",
            f"Events changed in the log: positions {', '.join(str(p) for p, _ in changed)}.",
            tuple(p for p, _ in changed), tuple(dict.fromkeys(a for _, a in changed))))
    return out
