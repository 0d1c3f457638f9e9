"""The KeyStore contract on SQLite and PostgreSQL: one wrapped key per scope, first writer wins."""

from __future__ import annotations

import os
import threading

import pytest

from archive.keys import KeyStoreUnavailable, SqlKeyStore, open_key_store, sqlite_key_store
from archive.masterkey import MasterKey, WrappedKey


class KeyStoreContract:
    def test_a_stored_key_comes_back(self, keys: SqlKeyStore) -> None:
        wrapped = MasterKey(os.urandom(32)).wrap("doc-1", os.urandom(32))
        assert keys.add("doc-1", wrapped) == wrapped
        assert keys.get("doc-1") == wrapped
        assert keys.get("doc-2") is None

    def test_the_first_key_of_a_scope_wins(self, keys: SqlKeyStore) -> None:
        first, second = WrappedKey("a", b"first"), WrappedKey("b", b"second")
        keys.add("doc-1", first)
        assert keys.add("doc-1", second) == first

    def test_concurrent_creators_agree_on_one_key(self, keys: SqlKeyStore) -> None:
        barrier = threading.Barrier(4)
        results: list[WrappedKey] = []

        def create(i: int) -> None:
            barrier.wait()
            results.append(keys.add("rec-9", WrappedKey("m", bytes([i]) * 8)))

        threads = [threading.Thread(target=create, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 4 and len(set(results)) == 1

    def test_deleting_a_key_removes_its_row(self, keys: SqlKeyStore) -> None:
        keys.add("rec-1", WrappedKey("m", b"k"))
        assert keys.delete("rec-1") is True
        assert keys.get("rec-1") is None
        assert keys.delete("rec-1") is False


class TestSqliteKeyStore(KeyStoreContract):
    @pytest.fixture
    def keys(self, key_store: SqlKeyStore) -> SqlKeyStore:
        return key_store


class TestPostgresKeyStore(KeyStoreContract):
    @pytest.fixture
    def keys(self, pg_key_store: SqlKeyStore) -> SqlKeyStore:
        return pg_key_store

    def test_operations_reuse_pooled_connections(self, keys: SqlKeyStore, postgres_url: str) -> None:
        import time

        import psycopg

        def sessions() -> int:
            time.sleep(0.6)  # the server counts a session in its statistics within half a second
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute("SELECT pg_stat_clear_snapshot()")
                row = conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
                return int(row.fetchone()[0])

        keys.add("doc-1", WrappedKey("m", b"k"))
        before = sessions()
        for _ in range(20):
            assert keys.get("doc-1") == WrappedKey("m", b"k")
        assert sessions() - before <= 2  # the counting connection itself, not one per operation


def test_database_urls_choose_the_backend(tmp_path) -> None:
    open_key_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path)
    open_key_store(str(tmp_path / "b.sqlite3"), tmp_path)
    open_key_store(None, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"a.sqlite3", "b.sqlite3", "archive-keys.sqlite3"}


def test_an_unreachable_key_database_is_a_storage_error(tmp_path) -> None:
    with pytest.raises(KeyStoreUnavailable) as down:
        open_key_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", tmp_path)
    assert down.value.code == "key_store_unavailable"
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(KeyStoreUnavailable):
        sqlite_key_store(tmp_path / "dir.sqlite3")


def counting_sqlite_store(path) -> tuple[SqlKeyStore, list[int]]:  # type: ignore[no-untyped-def]
    import sqlite3

    opened: list[int] = []

    def connect() -> sqlite3.Connection:
        opened.append(threading.get_ident())
        return sqlite3.connect(path, timeout=30)

    return SqlKeyStore(connect, (sqlite3.Error, OSError), "?", "BLOB", reuse=True), opened


def test_sqlite_keeps_one_connection_per_thread(tmp_path) -> None:
    keys, opened = counting_sqlite_store(tmp_path / "k.sqlite3")
    keys.add("doc-1", WrappedKey("m", b"k"))
    for _ in range(5):
        assert keys.get("doc-1") == WrappedKey("m", b"k")
    assert len(opened) == 1
    seen: list[WrappedKey | None] = []
    worker = threading.Thread(target=lambda: seen.append(keys.get("doc-1")))
    worker.start()
    worker.join()
    assert seen == [WrappedKey("m", b"k")] and len(set(opened)) == 2
    keys.close()
    assert keys.get("doc-1") is not None and len(opened) == 3  # closed, then opened again


def test_a_kept_connection_holds_no_lock_between_calls(tmp_path) -> None:
    keys, _ = counting_sqlite_store(tmp_path / "k.sqlite3")
    keys.add("doc-1", WrappedKey("m", b"k"))
    keys.get("doc-1")
    other = sqlite_key_store(tmp_path / "k.sqlite3")  # another process, in effect
    assert other.delete("doc-1") is True  # would time out if a read transaction were left open
    assert keys.get("doc-1") is None


def test_a_failure_drops_the_kept_connection(tmp_path) -> None:
    keys, opened = counting_sqlite_store(tmp_path / "k.sqlite3")
    keys.get("doc-1")
    with keys._transaction() as cur:
        cur.execute("ALTER TABLE archive_data_keys RENAME TO gone")
    with pytest.raises(KeyStoreUnavailable):
        keys.get("doc-1")
    with keys._transaction() as cur:
        cur.execute("ALTER TABLE gone RENAME TO archive_data_keys")
    assert keys.get("doc-1") is None
    assert len(opened) == 2  # a fresh connection after the failure


def test_a_forked_child_opens_its_own_connection(tmp_path, monkeypatch) -> None:
    keys, opened = counting_sqlite_store(tmp_path / "k.sqlite3")
    keys.get("doc-1")
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as seen from a child after fork()
    keys.get("doc-1")
    assert len(opened) == 2
