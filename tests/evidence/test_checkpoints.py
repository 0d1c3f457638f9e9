"""Signed checkpoints of the tree over the log: proofs that verify, and deletions that verify cannot miss."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from evidence.checkpoints import CheckpointKey, Checkpoints, parse_body
from evidence.notes import open_note, parse_verifier_key
from evidence.verify_tree import verify_tree
from ledger import merkle
from ledger.config import is_postgres, sqlite_path
from projections import merkle as tree
from tests.factories import ARCHIVIST, SECRETARY, issued_document


@pytest.fixture
def key(tmp_path):
    return CheckpointKey.load_or_create(tmp_path / "checkpoint.key", origin="isoledger.test/so-khcn")


@pytest.fixture
def checkpoints(projector, key, clock):
    return Checkpoints(projector.db, key, clock=clock, every_events=10, every_seconds=600)


def _world(ledger, projector):
    docs = [issued_document(ledger, code=f"QT-0{i}") for i in range(1, 4)]
    rec = ledger.open_record(ARCHIVIST, code="HS-01", title="Hồ sơ đánh giá nội bộ 2026", series="Đánh giá",
                             retention_years=5, legal_basis="Thông tư 10/2022", confidentiality="internal")
    projector.catch_up()
    return docs, rec


def _verify(ledger, projector, checkpoints, key):
    return verify_tree(ledger, projector.db, checkpoints.all(), key.origin, key.public)


def _delete(url: str, where: str, params: tuple) -> list[int]:
    """Deletes stored events straight in the database, as someone with the owner's rights could."""
    if is_postgres(url):
        conn = psycopg.connect(url, autocommit=True)
        table, sql = "isoledger_events", where.replace("?", "%s")
        ids = [r[0] for r in conn.execute(  # positions, which need not be the rows' sequence values
            f"SELECT p.position FROM {table} JOIN {table}_positions p USING (notification_id) WHERE {sql}",
            params).fetchall()]
        conn.execute(f"DELETE FROM {table} WHERE {sql}", params)
    else:
        conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
        table = "stored_events"
        ids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {where}", params).fetchall()]
        conn.execute(f"DELETE FROM {table} WHERE {where}", params)
    conn.close()
    return sorted(ids)


def test_a_checkpoint_signs_the_tree_of_the_whole_log(ledger, projector, checkpoints, key):
    _world(ledger, projector)
    cp = checkpoints.make()
    opened = open_note(cp.note, key.origin, key.public)
    assert opened.signed
    origin, size, root, made_at = parse_body(opened.text)
    assert origin == key.origin and size == cp.tree_size
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT event_hash FROM merkle_leaves ORDER BY leaf")
        leaves = [tree.event_leaf(r[0]) for r in cur.fetchall()]
    assert root == merkle.root_of(leaves) and len(leaves) == size
    assert made_at == "2026-03-02T02:00:00Z"
    name, public = parse_verifier_key(key.verifier_key)
    assert name == key.origin and open_note(cp.note, name, public).signed


def test_a_forged_checkpoint_does_not_verify(ledger, projector, checkpoints, key, tmp_path):
    _world(ledger, projector)
    cp = checkpoints.make()
    forged = cp.note.replace(f"\n{cp.tree_size}\n", f"\n{cp.tree_size + 1}\n")
    assert not open_note(forged, key.origin, key.public).signed
    other = CheckpointKey.load_or_create(tmp_path / "other.key", origin=key.origin)
    assert not open_note(other.sign(open_note(cp.note, key.origin, key.public).text), key.origin, key.public).signed


def test_the_tree_rebuilt_from_the_log_equals_the_one_kept_incrementally(ledger, projector, checkpoints):
    _world(ledger, projector)
    kept = checkpoints.make()
    projector.rebuild()
    with projector.db.transaction(write=False) as cur:
        assert tree.root(cur, kept.tree_size).hex() == kept.root_hash


def test_every_event_has_an_inclusion_proof_to_the_checkpoint(ledger, projector, checkpoints):
    _world(ledger, projector)
    cp = checkpoints.make()
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT position FROM merkle_leaves ORDER BY leaf")
        positions = [r[0] for r in cur.fetchall()]
    for position in positions:
        proof = checkpoints.inclusion(position)
        assert proof["tree_size"] == cp.tree_size and proof["root_hash"] == cp.root_hash
        assert merkle.verify_inclusion(proof["leaf_index"], cp.tree_size, bytes.fromhex(proof["leaf_hash"]),
                                       [bytes.fromhex(p) for p in proof["proof"]], bytes.fromhex(cp.root_hash))
    assert checkpoints.inclusion(10**9) is None


def test_checkpoints_stay_consistent_as_the_log_grows(ledger, projector, checkpoints):
    _world(ledger, projector)
    first = checkpoints.make()
    issued_document(ledger, code="QT-09")
    projector.catch_up()
    second = checkpoints.make()
    assert second.tree_size > first.tree_size
    c = checkpoints.consistency(first.tree_size, second.tree_size)
    assert merkle.verify_consistency(first.tree_size, second.tree_size, bytes.fromhex(first.root_hash),
                                     bytes.fromhex(second.root_hash), [bytes.fromhex(p) for p in c["proof"]])


def test_checkpoints_are_made_every_n_events_or_after_some_minutes(ledger, projector, checkpoints, clock):
    _world(ledger, projector)
    assert checkpoints.maybe_make() is not None  # the first one
    assert checkpoints.maybe_make() is None  # nothing new
    ledger.register_document(SECRETARY, code="BM-01", title="Biểu mẫu", kind="form", department="Văn phòng")
    projector.catch_up()
    assert checkpoints.maybe_make() is None  # one event, one minute: not yet
    clock.advance(minutes=11)
    assert checkpoints.maybe_make() is not None


def test_an_intact_log_verifies_against_every_checkpoint(ledger, projector, checkpoints, key):
    _world(ledger, projector)
    checkpoints.make()
    issued_document(ledger, code="QT-08")
    projector.catch_up()
    last = checkpoints.make()
    report = _verify(ledger, projector, checkpoints, key)
    assert report.intact and report.checkpoints == 2 and report.latest_verified == last.tree_size


def test_deleting_the_last_event_of_an_aggregate_is_detected_and_named(ledger, projector, checkpoints, key,
                                                                       database_url):
    docs, _ = _world(ledger, projector)
    checkpoints.make()
    gone = _delete(database_url, "originator_id = ? AND originator_version = 7", (_uuid(database_url, docs[0]),))
    report = _verify(ledger, projector, checkpoints, key)
    assert not report.intact
    missing = [p for p in report.problems if p.kind == "missing"][0]
    assert list(missing.positions) == gone and missing.aggregate_ids == (docs[0],)


def test_deleting_a_whole_aggregate_is_detected_and_named(ledger, projector, checkpoints, key, database_url):
    docs, rec = _world(ledger, projector)
    checkpoints.make()
    gone = _delete(database_url, "originator_id = ?", (_uuid(database_url, docs[1]),))
    report = _verify(ledger, projector, checkpoints, key)
    missing = [p for p in report.problems if p.kind == "missing"][0]
    assert list(missing.positions) == gone and missing.aggregate_ids == (docs[1],)
    assert any(p.kind == "root" or p.kind == "truncated" for p in report.problems)


def test_deleting_an_event_in_the_middle_of_the_log_is_detected(ledger, projector, checkpoints, key, database_url):
    docs, _ = _world(ledger, projector)
    checkpoints.make()
    gone = _delete(database_url, "originator_id = ? AND originator_version = 3", (_uuid(database_url, docs[1]),))
    report = _verify(ledger, projector, checkpoints, key)
    assert [p for p in report.problems if p.kind == "missing"][0].positions == tuple(gone)


def test_truncating_the_log_is_detected_even_after_the_tree_is_rebuilt(ledger, projector, checkpoints, key,
                                                                       database_url):
    _, rec = _world(ledger, projector)  # the record's one event is the log's last
    cp = checkpoints.make()
    _delete(database_url, "originator_id = ?", (_uuid(database_url, rec),))
    projector.rebuild()  # the read model forgets the event too; the signed checkpoint does not
    report = _verify(ledger, projector, checkpoints, key)
    assert not report.intact and report.latest_verified < cp.tree_size
    assert any(p.kind == "truncated" for p in report.problems)


def _uuid(url: str, aggregate_id: str):
    from uuid import UUID

    return UUID(aggregate_id) if is_postgres(url) else UUID(aggregate_id).hex
