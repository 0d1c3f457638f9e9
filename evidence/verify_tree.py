"""Recomputes the Merkle tree from the log and holds it against every stored checkpoint.

A hash chain per aggregate cannot show that an aggregate's last events, or a whole aggregate, were deleted;
the checkpoints can: the tree of the log's first N events must have the root signed for size N. Where the tree
read model still lists the events (``merkle_leaves``), the events that are gone or changed are named.

Incrementally (``since``: the checkpoint a previous verification reproduced, and the log position it ends at),
the walk starts there instead of at the first event: the tree read model's frontier at that size must fold to
the signed root, the log must still hold exactly that many events up to that position (one COUNT: a deleted
old event shows, and then the whole log is walked to name it), and only the newer events are read. An old
event rewritten in place, keeping its count, is what only the full walk finds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence import notes
from evidence.checkpoints import Checkpoint, parse_body
from ledger import merkle
from ledger.verify import count_notifications
from projections import merkle as tree
from projections.merkle import event_leaf


@dataclass(frozen=True)
class TreeProblem:
    kind: str  # signature | root | truncated | missing | changed | frontier | count
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
    latest_position: int = 0  # the log position of that checkpoint's last event
    since: int = 0  # incremental from the checkpoint of this size (0: the whole log)

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


@dataclass(frozen=True)
class Since:
    """Where an incremental verification starts: a checkpoint verified before, and its last event's position."""

    tree_size: int
    position: int


def _resume(ledger: Any, db: Any, since: Since, roots: dict[int, bytes],
            problems: list[TreeProblem]) -> merkle.Frontier | None:
    """The tree of the first ``since.tree_size`` events, taken from the read model and held against the signed
    root; None (a problem is added) when it does not hold."""
    size, position = since.tree_size, since.position
    try:
        with db.transaction(write=False) as cur:
            frontier = tree.frontier(cur, size)
    except LookupError:
        frontier = None
    if frontier is None or frontier.root() != roots[size]:
        problems.append(TreeProblem(
            "frontier", f"Cây lưu trong dữ liệu hiển thị không cho gốc đã ký của điểm kiểm tra cỡ {size}: "
                        "hãy chạy «isoledger verify --full».",
            f"The stored tree does not give the signed root of the checkpoint of size {size}: "
            "run `isoledger verify --full`."))
        return None
    held = count_notifications(ledger.recorder, position)
    if held != size:
        problems.append(TreeProblem(
            "count", f"Đến vị trí {position}, nhật ký còn {held} sự kiện, nhưng điểm kiểm tra cỡ {size} đã xác "
                     f"minh có {size}: sự kiện cũ đã bị xóa hoặc chèn thêm; «isoledger verify --full» chỉ ra "
                     "sự kiện nào.",
            f"Up to position {position} the log holds {held} events, but the verified checkpoint of size {size} "
            f"had {size}: old events were deleted or inserted; `isoledger verify --full` names them.",
            (position,)))
    return frontier


def verify_tree(ledger: Any, db: Any, checkpoints: list[Checkpoint], origin: str, public: Ed25519PublicKey, *,
                since: Since | None = None, page_size: int = 2000,
                progress: Callable[[int], None] | None = None) -> TreeReport:
    """Walks the whole log once (or, with ``since``, the events after it); every checkpoint's root (from
    ``since`` on) must come out of the events the log still holds."""
    problems: list[TreeProblem] = []
    roots = _check_signatures(checkpoints, origin, public, problems)
    frontier, start, verified, verified_at = merkle.Frontier(), 0, 0, 0
    if since is not None and since.tree_size in roots:
        resumed = _resume(ledger, db, since, roots, problems)
        if resumed is None:
            return TreeReport(0, 0, 0, problems, since=since.tree_size)
        if any(p.kind == "count" for p in problems):  # old events are gone: the whole walk names them
            whole = verify_tree(ledger, db, checkpoints, origin, public, page_size=page_size, progress=progress)
            counted = [p for p in problems if p.kind == "count"]
            return TreeReport(whole.events, whole.checkpoints, whole.latest_verified, counted + whole.problems,
                              whole.latest_position)
        frontier, start, verified, verified_at = resumed, since.position, since.tree_size, since.position
    elif since is not None:
        since = None  # that checkpoint's signature does not hold (a problem says so): walk everything
    sizes = sorted(s for s in roots if s > frontier.size)
    decode = ledger.mapper.transcoder.decode
    wanted, seen = 0, {}  # seen: position -> event hash, for naming what is gone
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
                    verified, verified_at = size, n.id
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
    first = since.tree_size if since else 0
    if problems and any(p.kind in ("root", "truncated") for p in problems):
        problems.extend(_name_losses(db, seen, first, named_limit))
    held = len(checkpoints) if since is None else sum(c.tree_size >= first for c in checkpoints)
    return TreeReport(frontier.size, held, verified, problems, verified_at, first)


def _name_losses(db: Any, seen: dict[int, str], start: int, up_to: int) -> list[TreeProblem]:
    """Compares the tree read model's leaves ``[start, up_to)`` with what the log still holds: the events gone,
    or changed."""
    gone, changed = [], []
    with db.transaction(write=False) as cur:
        cur.execute("SELECT position, aggregate_id, event_hash FROM merkle_leaves WHERE leaf >= ? AND leaf < ? "
                    "ORDER BY leaf", (start, up_to))
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
