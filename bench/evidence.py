"""Benchmark of the evidence layer, each figure beside a raw baseline measured in the same run.

Run: `make bench` or `.venv/bin/python bench/evidence.py [--events 100000] [--doc-events 1000]`. Writes nothing
outside a temporary directory.
- tree maintenance events/s: projections.merkle.apply_page over pages of 1,000 events (leaves, completed
  subtrees, bulk inserts into SQLite) vs bare SHA-256 of the same leaves and nodes in memory;
- tree verification events/s: evidence.verify_tree over the whole log vs a bare read + decode of the log;
- bundle export of one document with --doc-events events (every event's canonical bytes, inclusion proof and
  the files), vs a bare read of the document's events;
- incremental verify (ledger.verification.verify_ledger from the last verified checkpoint: chains, tree and
  snapshots of the --new-events events after it) on top of a log of --log-events, vs the full verify of the
  same log in the same run (files not read in either; best of two alternated runs each). The log is made of
  real events of the product, re-chained for synthetic documents of 20 events and written through the recorder
  in bulk (the command path would take an hour for a million events); half the new events continue old
  documents, half start new ones.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import build_archive  # noqa: E402
from evidence.bundle import export_bundle  # noqa: E402
from evidence.checkpoints import CheckpointKey, Checkpoints  # noqa: E402
from evidence.verify_tree import verify_tree  # noqa: E402
from ledger import merkle  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from ledger.application import SNAPSHOT_INTERVAL, Ledger  # noqa: E402
from ledger.integrity import GENESIS, canonical_bytes, chain_hash  # noqa: E402
from ledger.verification import verify_ledger  # noqa: E402
from projections import merkle as tree  # noqa: E402
from projections.db import Database  # noqa: E402
from projections.runner import Projector  # noqa: E402
from projections.views import Ev  # noqa: E402
from signing.samples import sample_pdf  # noqa: E402

SEC = Actor("thuky", "so-khcn-tra-vinh", frozenset({"iso_secretary"}))


def bench_tree(n: int, home: Path) -> tuple[float, float]:
    hashes = [hashlib.sha256(i.to_bytes(8, "big")).hexdigest() for i in range(n)]
    started = time.perf_counter()
    frontier = merkle.Frontier()
    for h in hashes:
        frontier.append(merkle.leaf_hash(bytes.fromhex(h)))
    bare = time.perf_counter() - started
    db = Database(f"sqlite:///{home / 'tree.sqlite3'}")
    with db.transaction() as cur:
        for statement in tree.SCHEMA:
            cur.execute(statement)
    events = [Ev(i + 1, "a" * 32, 1, "Document", "Registered", {"hash": h}, "") for i, h in enumerate(hashes)]
    started = time.perf_counter()
    for i in range(0, n, 1000):
        with db.transaction() as cur:
            tree.apply_page(cur, events[i:i + 1000])
    ours = time.perf_counter() - started
    db.close()
    return n / ours, n / bare


def bench_log(n_doc_events: int, home: Path) -> list[tuple[str, float, float, str]]:
    url = f"sqlite:///{home / 'ledger.sqlite3'}"
    ledger = Ledger(url)
    db = Database(url)
    projector = Projector(ledger, db)
    projector.create_tables()
    archive = build_archive(storage_url=f"file://{home / 'objects'}", home=home, database_url=url)
    checkpoints = Checkpoints(db, CheckpointKey.load_or_create(home / "checkpoint.key"))
    doc = ledger.register_document(SEC, code="QT-01", title="Quy trình kiểm soát tài liệu", kind="procedure",
                                   department="Văn phòng")
    ref = archive.put(io.BytesIO(sample_pdf(1, "ban du thao")), "Quy trình.pdf", doc).to_dict()
    n = ledger.create_draft(SEC, doc, file=ref, change_summary="Lần đầu")
    for i in range(n_doc_events - 2):
        ledger.revise_draft(SEC, doc, n, file=ref, change_summary=f"Sửa lần {i}")
    projector.catch_up()
    checkpoints.make()
    total = ledger.recorder.max_notification_id() or 0

    started = time.perf_counter()
    decode, start, read = ledger.mapper.transcoder.decode, 0, 0
    while page := ledger.recorder.select_notifications(start, 2000, inclusive_of_start=False):
        for note in page:
            decode(note.state)
        read += len(page)
        start = page[-1].id
    bare_read = time.perf_counter() - started
    started = time.perf_counter()
    report = verify_tree(ledger, db, checkpoints.all(), checkpoints.key.origin, checkpoints.key.public)
    ours_verify = time.perf_counter() - started
    assert report.intact and report.events == total

    from uuid import UUID
    started = time.perf_counter()
    ledger.recorder.select_events(UUID(doc))
    bare_events = time.perf_counter() - started
    started = time.perf_counter()
    out = io.BytesIO()
    manifest = export_bundle(ledger, archive, db, checkpoints, doc, out)
    ours_bundle = time.perf_counter() - started
    assert len(manifest["events"]) == n_doc_events
    archive.close()
    db.close()
    ledger.close()
    return [("tree verification (events/s)", total / ours_verify, read / bare_read, "read + decode of the log"),
            (f"bundle of a {n_doc_events}-event document (ms)", ours_bundle * 1000, bare_events * 1000,
             f"bare read of its events; {len(out.getvalue()) // 1024} KiB")]


class Synthetic:
    """Documents of ``DOC_EVENTS`` real-looking events, chained as the ledger chains them, written in bulk."""

    DOC_EVENTS = 20

    def __init__(self, ledger: Ledger) -> None:
        from uuid import UUID

        self.ledger = ledger
        doc = ledger.register_document(SEC, code="QT-00", title="Quy trình mẫu", kind="procedure",
                                       department="Văn phòng")
        ref = {"key": "scopes/x/" + "a" * 64, "sha256": "a" * 64, "size": 1024, "media_type": "application/pdf",
               "filename": "Quy trình.pdf"}
        n = ledger.create_draft(SEC, doc, file=ref, change_summary="Lần đầu")
        ledger.revise_draft(SEC, doc, n, file=ref, change_summary="Sửa")
        decode = ledger.mapper.transcoder.decode
        self.templates = [(e.topic, decode(e.state)) for e in ledger.recorder.select_events(UUID(doc))]
        self.heads: dict[Any, tuple[int, str]] = {}

    def write(self, events: list[tuple[Any, int]]) -> None:
        """Appends event ``version`` of each aggregate id in ``events`` (in that order), 1,000 per insert."""
        from eventsourcing.persistence import StoredEvent

        encode = self.ledger.mapper.transcoder.encode
        batch = []
        for uid, version in events:
            topic, fields = self.templates[min(version, 3) - 1]
            fields = dict(fields, code=f"QT-{uid.hex[:8]}") if version == 1 else \
                dict(fields, change_summary=f"Sửa lần {version}")
            _, previous = self.heads.get(uid, (0, GENESIS))
            fields["prev_hash"] = previous
            fields["hash"] = chain_hash(previous, canonical_bytes(str(uid), version, topic, fields))
            self.heads[uid] = (version, fields["hash"])
            batch.append(StoredEvent(uid, version, topic, encode(fields)))
            if len(batch) == 1000:
                self.ledger.recorder.insert_events(batch)
                batch = []
        if batch:
            self.ledger.recorder.insert_events(batch)

    def documents(self, count: int) -> list[tuple[Any, int]]:
        from uuid import uuid4

        return [(uid, v) for uid in (uuid4() for _ in range(count)) for v in range(1, self.DOC_EVENTS + 1)]


def _grow_tree(ledger: Ledger, db: Database) -> None:
    decode = ledger.mapper.transcoder.decode
    while True:
        with db.transaction() as cur:
            cur.execute("SELECT MAX(position) FROM merkle_leaves")
            start = cur.fetchone()[0] or 0
            page = ledger.recorder.select_notifications(start, 2000, inclusive_of_start=False)
            if not page:
                return
            tree.apply_page(cur, [Ev(n.id, str(n.originator_id), n.originator_version, "Document", "",
                                     {"hash": decode(n.state)["hash"]}, "") for n in page])


def bench_incremental(m: int, n: int, home: Path) -> list[tuple[str, float, float, str]]:
    url = f"sqlite:///{home / 'big.sqlite3'}"
    ledger = Ledger(url)
    db = Database(url)
    with db.transaction() as cur:
        for statement in tree.SCHEMA:
            cur.execute(statement)
    checkpoints = Checkpoints(db, CheckpointKey.load_or_create(home / "big.key"), ledger=ledger)
    log = Synthetic(ledger)
    started = time.perf_counter()
    old = log.documents(max(m - 3, 0) // Synthetic.DOC_EVENTS)
    log.write(old)
    _grow_tree(ledger, db)
    made = time.perf_counter() - started
    base = checkpoints.make()
    assert base is not None
    total = ledger.recorder.max_notification_id() or 0
    verified = checkpoints.record_verified(base.tree_size, total, "full")
    olds = list(dict.fromkeys(uid for uid, _ in old))[: n // 20]
    continued = [(uid, v) for v in range(Synthetic.DOC_EVENTS + 1, Synthetic.DOC_EVENTS + 11) for uid in olds]
    log.write(continued + log.documents((n - len(continued)) // Synthetic.DOC_EVENTS))
    _grow_tree(ledger, db)
    checkpoints.make()
    size = ledger.recorder.max_notification_id() or 0

    def run(since: Any) -> tuple[float, Any]:
        t = time.perf_counter()
        report = verify_ledger(ledger, None, snapshot_interval=SNAPSHOT_INTERVAL,
                               tree=lambda: checkpoints.verify_tree(since), since=since.tree_size if since else 0,
                               after=since.last_position if since else 0)
        return time.perf_counter() - t, report

    full_s = inc_s = float("inf")
    for _ in range(2):  # alternated, best of two: load from elsewhere hits both alike
        took, full = run(None)
        full_s = min(full_s, took)
        took, inc = run(verified)
        inc_s = min(inc_s, took)
    assert full.intact and inc.intact and full.verified_size == inc.verified_size == size
    new = size - base.tree_size
    assert inc.events == new, (inc.events, new)
    db.close()
    ledger.close()
    return [(f"full verify, {size:,} events (s)", full_s, full_s, f"the log written in {made:.0f} s"),
            (f"incremental verify, {new:,} new on {base.tree_size:,} (s)", inc_s, full_s,
             "the full verify of the same log (ratio: speed-up)")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--doc-events", type=int, default=1000)
    parser.add_argument("--log-events", type=int, default=200_000)
    parser.add_argument("--new-events", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        ours, bare = bench_tree(args.events, home)
        rows = [("tree maintenance (events/s)", ours, bare, "SHA-256 of the same leaves and nodes in memory")]
        rows += bench_log(args.doc_events, home)
        rows += bench_incremental(args.log_events, args.new_events, home)
    print(f"{'figure':44} {'ours':>12} {'baseline':>12} {'ratio':>7}  baseline")
    for name, value, base, what in rows:
        ratio = value / base if "events/s" in name else base / value
        digits = 2 if name.endswith("(s)") else 1
        print(f"{name:44} {value:12,.{digits}f} {base:12,.{digits}f} {ratio:7.2f}  {what}")


if __name__ == "__main__":
    main()
