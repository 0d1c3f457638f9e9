"""WORM: object-lock buckets get a GOVERNANCE retention date; other stores log that they cannot.

moto records the retention headers but does not enforce them faithfully, so these tests prove
that we *ask* for retention, not that the server keeps objects immutable.
"""

from __future__ import annotations

import io
import logging
import os
from datetime import UTC, datetime, timedelta

from archive.keys import sqlite_key_store
from archive.masterkey import MasterKey
from archive.service import Archive

UNTIL = datetime(2036, 1, 1, tzinfo=UTC)


def lock_headers(archive: Archive, key: str) -> dict[str, str]:
    store = archive.store
    metadata = store.client.stat_object(store.bucket, key).metadata  # type: ignore[attr-defined]
    return {k.lower(): v for k, v in metadata.items() if "object-lock" in k.lower()}


def test_records_in_an_object_lock_bucket_get_a_governance_retention_date(make_s3_store, key_store,
                                                                         samples) -> None:
    store = make_s3_store(object_lock=True, part_size=5 * 1024 * 1024)
    assert store.supports_retention
    archive = Archive(store, key_store, MasterKey(os.urandom(32)), max_size=64 * 1024 * 1024)
    small = archive.put(io.BytesIO(samples.pdf_bytes(10_000)), "small.pdf", "rec-1", retain_until=UNTIL)
    large = archive.put(io.BytesIO(samples.pdf_bytes(6 * 1024 * 1024)), "large.pdf", "rec-1",
                        retain_until=UNTIL)  # multipart
    for ref in (small, large):
        headers = lock_headers(archive, ref.key)
        assert headers["x-amz-object-lock-mode"] == "GOVERNANCE"
        assert headers["x-amz-object-lock-retain-until-date"].startswith("2036-01-01T00:00:00")
        assert archive.verify(ref, "rec-1").ok


def test_documents_without_retention_are_written_without_lock(make_s3_store, key_store, samples) -> None:
    archive = Archive(make_s3_store(object_lock=True), key_store, MasterKey(os.urandom(32)))
    ref = archive.put(io.BytesIO(samples.pdf_bytes()), "draft.pdf", "doc-1")
    assert lock_headers(archive, ref.key) == {}


def test_retention_is_skipped_with_a_warning_where_unsupported(make_s3_store, local_archive, tmp_path,
                                                               samples, caplog) -> None:
    s3 = Archive(make_s3_store(), sqlite_key_store(tmp_path / "s3-keys.sqlite3"), MasterKey(os.urandom(32)))
    assert not s3.store.supports_retention and not local_archive.store.supports_retention
    with caplog.at_level(logging.WARNING, logger="archive"):
        s3.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", "rec-1", retain_until=UNTIL)
        local_archive.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", "rec-1",
                          retain_until=datetime.now(UTC) + timedelta(days=1))
    assert sum("retention" in r.getMessage() for r in caplog.records) == 2
