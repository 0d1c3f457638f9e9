"""Benchmark of the evidence layer, each figure beside a raw baseline measured in the same run.

Run: `make bench` or `.venv/bin/python bench/evidence.py [--events 100000] [--doc-events 1000]`. Writes nothing
outside a temporary directory.
- tree maintenance events/s: projections.merkle.apply_page over pages of 1,000 events (leaves, completed
  subtrees, bulk inserts into SQLite) vs bare SHA-256 of the same leaves and nodes in memory;
- tree verification events/s: evidence.verify_tree over the whole log vs a bare read + decode of the log;
- bundle export of one document with --doc-events events (every event's canonical bytes, inclusion proof and
  the files), vs a bare read of the document's events.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import build_archive  # noqa: E402
from evidence.bundle import export_bundle  # noqa: E402
from evidence.checkpoints import CheckpointKey, Checkpoints  # noqa: E402
from evidence.verify_tree import verify_tree  # noqa: E402
from ledger import merkle  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from ledger.application import Ledger  # noqa: E402
from projections import merkle as tree  # noqa: E402
from projections.db import Database  # noqa: E402
from projections.runner import Projector  # noqa: E402
from projections.views import Ev  # noqa: E402

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
    ref = archive.put(io.BytesIO(b"%PDF-1.4 ban du thao"), "Quy trình.pdf", doc).to_dict()
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--doc-events", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        ours, bare = bench_tree(args.events, home)
        rows = [("tree maintenance (events/s)", ours, bare, "SHA-256 of the same leaves and nodes in memory")]
        rows += bench_log(args.doc_events, home)
    print(f"{'figure':44} {'ours':>12} {'baseline':>12} {'ratio':>7}  baseline")
    for name, value, base, what in rows:
        ratio = value / base if "events/s" in name else base / value
        print(f"{name:44} {value:12,.1f} {base:12,.1f} {ratio:7.2f}  {what}")


if __name__ == "__main__":
    main()
