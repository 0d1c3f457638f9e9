"""The Archive contract, run on every ObjectStore backend: local directory and S3 (moto)."""

from __future__ import annotations

import abc
import io
import os
import threading
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.errors import (
    FileTooLarge,
    IntegrityError,
    KeyUnavailable,
    ObjectNotFound,
    ScopeKeyMissing,
    UnsupportedMediaType,
    WrongMasterKey,
)
from archive.local import LocalObjectStore
from archive.masterkey import MasterKey
from archive.s3 import S3ObjectStore
from archive.service import Archive
from archive.store import object_key

SCOPE = "8d0c5a8e-4f1e-4f52-9a57-0d8f0c1d2e3f"
OTHER = "0f6b1b64-3a0e-4d43-8b53-8d5f0e2b7a11"


def _blocks(data: bytes, size: int = 50_000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


class ArchiveContract(abc.ABC):
    """Subclasses provide the ``archive`` fixture and raw access to the stored ciphertext."""

    @abc.abstractmethod
    def raw(self, archive: Archive, key: str) -> bytes: ...

    @abc.abstractmethod
    def overwrite(self, archive: Archive, key: str, data: bytes) -> None: ...

    def stored_keys(self, archive: Archive) -> list[str]:
        return [obj.key for obj in archive.store.list()]

    def staging_is_empty(self, archive: Archive) -> bool:
        return not any(p.name.startswith("upload-") for p in archive.store.staging_dir().iterdir())

    # -- round trip and addressing ----------------------------------------------------------
    def test_a_file_comes_back_byte_for_byte(self, archive: Archive, samples) -> None:
        data = samples.pdf_bytes(300_000)
        ref = archive.put(io.BytesIO(data), "QT-01.pdf", SCOPE)
        with archive.open(ref, SCOPE) as chunks:
            assert b"".join(chunks) == data

    def test_the_ref_names_the_content_hash_size_and_type(self, archive: Archive, samples) -> None:
        import hashlib

        data = samples.pdf_bytes(100_000)
        ref = archive.put(_blocks(data), "QT-01.pdf", SCOPE)
        assert ref.sha256 == hashlib.sha256(data).hexdigest()
        assert ref.size == len(data)
        assert ref.media_type == "application/pdf"
        assert ref.key == f"scopes/{SCOPE}/{ref.sha256}"

    def test_the_stored_object_is_ciphertext_not_the_file(self, archive: Archive, samples) -> None:
        data = samples.pdf_bytes(100_000)
        ref = archive.put(io.BytesIO(data), "QT-01.pdf", SCOPE)
        stored = self.raw(archive, ref.key)
        assert b"%PDF" not in stored and b"quality procedure" not in stored

    def test_the_same_bytes_are_stored_once_per_scope(self, archive: Archive, samples) -> None:
        data = samples.pdf_bytes()
        first = archive.put(io.BytesIO(data), "a.pdf", SCOPE)
        second = archive.put(io.BytesIO(data), "a.pdf", SCOPE)
        archive.put(io.BytesIO(data), "a.pdf", OTHER)
        assert first == second
        assert sorted(self.stored_keys(archive)) == sorted([first.key, object_key(OTHER, first.sha256)])

    def test_two_simultaneous_uploads_of_one_file_give_one_object(self, archive: Archive, samples) -> None:
        data = samples.pdf_bytes(400_000)
        barrier = threading.Barrier(2)
        refs: list[object] = []
        errors: list[BaseException] = []

        def upload() -> None:
            try:
                barrier.wait()
                refs.append(archive.put(_blocks(data), "Biểu mẫu.pdf", SCOPE))
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=upload) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert refs[0] == refs[1]
        assert self.stored_keys(archive) == [refs[0].key]  # type: ignore[attr-defined]
        assert archive.read_bytes(refs[0], SCOPE) == data  # type: ignore[arg-type]

    def test_vietnamese_file_names_are_kept_in_nfc(self, archive: Archive, samples) -> None:
        decomposed = unicodedata.normalize("NFD", "Quy trình kiểm soát tài liệu.pdf")
        ref = archive.put(io.BytesIO(samples.pdf_bytes()), decomposed, SCOPE)
        assert ref.filename == "Quy trình kiểm soát tài liệu.pdf"
        assert unicodedata.is_normalized("NFC", ref.filename)

    def test_a_png_named_pdf_is_recorded_as_png(self, archive: Archive, samples) -> None:
        ref = archive.put(io.BytesIO(samples.png_bytes()), "Báo cáo.pdf", SCOPE)
        assert ref.media_type == "image/png"
        assert ref.filename == "Báo cáo.pdf"

    def test_an_office_file_is_typed_by_its_inner_entries(self, archive: Archive, samples) -> None:
        ref = archive.put(io.BytesIO(samples.docx_bytes(padding=200_000)), "bang-tinh.xlsx", SCOPE)
        assert ref.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def test_a_refused_type_leaves_nothing_behind(self, archive: Archive, samples) -> None:
        with pytest.raises(UnsupportedMediaType) as refused:
            archive.put(io.BytesIO(samples.pptx_bytes()), "slides.docx", SCOPE)
        assert refused.value.field == "file"
        assert self.stored_keys(archive) == []
        assert self.staging_is_empty(archive)

    def test_the_size_limit_stops_reading_mid_stream(self, archive: Archive, samples) -> None:
        consumed = 0
        piece = samples.pdf_bytes(100_000)

        def endless() -> Iterator[bytes]:
            nonlocal consumed
            while True:
                consumed += len(piece)
                yield piece

        with pytest.raises(FileTooLarge) as too_large:
            archive.put(endless(), "scan.pdf", SCOPE)
        assert consumed <= archive.max_size + len(piece)
        assert too_large.value.field == "file" and too_large.value.code == "file_too_large"
        assert self.stored_keys(archive) == [] and self.staging_is_empty(archive)

    def test_a_declared_size_over_the_limit_is_refused_before_reading(self, archive: Archive) -> None:
        def never() -> Iterator[bytes]:
            raise AssertionError("read")
            yield b""

        with pytest.raises(FileTooLarge):
            archive.put(never(), "scan.pdf", SCOPE, declared_size=archive.max_size + 1)

    # -- integrity ----------------------------------------------------------------------------
    @pytest.mark.parametrize("where", [0.3, 0.999])
    def test_a_corrupted_object_is_never_served_as_good(self, archive: Archive, samples,
                                                        where: float) -> None:
        data = samples.pdf_bytes(500_000)  # eight chunks of 64 KiB
        ref = archive.put(io.BytesIO(data), "QT-02.pdf", SCOPE)
        stored = bytearray(self.raw(archive, ref.key))
        stored[int(len(stored) * where)] ^= 0x01
        self.overwrite(archive, ref.key, bytes(stored))
        served = bytearray()
        with pytest.raises(IntegrityError):
            with archive.open(ref, SCOPE) as chunks:
                for chunk in chunks:
                    served += chunk
        assert len(served) < len(data)
        assert data.startswith(bytes(served))  # what was released before the failure was authentic

    def test_a_corrupted_small_file_fails_before_any_byte_is_served(self, archive: Archive, samples) -> None:
        ref = archive.put(io.BytesIO(samples.pdf_bytes(10_000)), "QT-03.pdf", SCOPE)
        stored = bytearray(self.raw(archive, ref.key))
        stored[-1] ^= 0x80
        self.overwrite(archive, ref.key, bytes(stored))
        with pytest.raises(IntegrityError):
            archive.open(ref, SCOPE)

    def test_verify_names_corrupt_and_missing_objects(self, archive: Archive, samples) -> None:
        good = archive.put(io.BytesIO(samples.pdf_bytes(seed=1)), "a.pdf", SCOPE)
        bad = archive.put(io.BytesIO(samples.pdf_bytes(seed=2)), "b.pdf", SCOPE)
        gone = archive.put(io.BytesIO(samples.pdf_bytes(seed=3)), "c.pdf", SCOPE)
        self.overwrite(archive, bad.key, self.raw(archive, bad.key)[:-1])
        archive.store.delete(gone.key)
        assert archive.verify(good, SCOPE).ok
        assert archive.verify(bad, SCOPE).code == IntegrityError.code
        assert archive.verify(gone, SCOPE).code == ObjectNotFound.code
        with pytest.raises(ObjectNotFound):
            archive.open(gone, SCOPE)

    def test_an_object_moved_to_another_key_of_its_scope_is_detected(self, archive: Archive, samples) -> None:
        a = archive.put(io.BytesIO(samples.pdf_bytes(seed=1)), "a.pdf", SCOPE)
        b = archive.put(io.BytesIO(samples.pdf_bytes(seed=2)), "b.pdf", SCOPE)
        self.overwrite(archive, b.key, self.raw(archive, a.key))
        with pytest.raises(IntegrityError):
            archive.read_bytes(b, SCOPE)

    def test_a_wrong_master_key_is_a_clear_error(self, archive: Archive, samples) -> None:
        ref = archive.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", SCOPE)
        impostor = Archive(archive.store, archive.keys, MasterKey(os.urandom(32)))
        with pytest.raises(WrongMasterKey) as wrong:
            impostor.open(ref, SCOPE)
        assert "ISOLEDGER_MASTER_KEY" in wrong.value.message_en and wrong.value.message_vi
        with pytest.raises(WrongMasterKey):
            impostor.put(io.BytesIO(samples.pdf_bytes(seed=9)), "b.pdf", SCOPE)

    # -- erasure ------------------------------------------------------------------------------
    def test_destroying_a_scope_shreds_its_key_and_objects(self, archive: Archive, samples) -> None:
        refs = [archive.put(io.BytesIO(samples.pdf_bytes(seed=i)), f"{i}.pdf", SCOPE) for i in range(3)]
        backup = {ref.key: self.raw(archive, ref.key) for ref in refs}
        erased = archive.destroy_scope(SCOPE)
        assert erased == sorted(ref.sha256 for ref in refs)
        assert archive.keys.get(SCOPE) is None
        assert self.stored_keys(archive) == []
        with pytest.raises(KeyUnavailable):
            archive.open(refs[0], SCOPE)
        for key, ciphertext in backup.items():  # restoring a backup of the objects does not help
            self.overwrite(archive, key, ciphertext)
        with pytest.raises(ScopeKeyMissing):
            archive.open(refs[0], SCOPE)

    def test_destroying_a_scope_leaves_other_scopes_alone(self, archive: Archive, samples) -> None:
        data = samples.pdf_bytes()
        archive.put(io.BytesIO(data), "a.pdf", SCOPE)
        kept = archive.put(io.BytesIO(data), "a.pdf", OTHER)
        archive.destroy_scope(SCOPE)
        assert archive.read_bytes(kept, OTHER) == data
        assert self.stored_keys(archive) == [kept.key]

    # -- sweeping -----------------------------------------------------------------------------
    def test_sweep_leaves_referenced_and_young_objects_alone(self, archive: Archive, samples) -> None:
        referenced = archive.put(io.BytesIO(samples.pdf_bytes(seed=1)), "kept.pdf", SCOPE)
        orphan = archive.put(io.BytesIO(samples.pdf_bytes(seed=2)), "orphan.pdf", SCOPE)
        assert archive.sweep({referenced.key}, grace=timedelta(hours=1)) == []  # orphan is young
        later = Archive(archive.store, archive.keys, MasterKey(os.urandom(32)),
                        clock=lambda: datetime.now(UTC) + timedelta(hours=2))
        assert later.sweep({referenced.key}, grace=timedelta(hours=1)) == [orphan.key]
        assert self.stored_keys(archive) == [referenced.key]
        assert archive.verify(referenced, SCOPE).ok

    def test_sweep_accepts_a_predicate(self, archive: Archive, samples) -> None:
        ref = archive.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", SCOPE)
        asked: list[str] = []

        def referenced(key: str) -> bool:
            asked.append(key)
            return True

        assert archive.sweep(referenced, grace=timedelta(0)) == []
        assert asked == [ref.key]


class TestLocalDirectoryArchive(ArchiveContract):
    @pytest.fixture
    def archive(self, local_archive: Archive) -> Archive:
        return local_archive

    def _path(self, archive: Archive, key: str) -> Path:
        assert isinstance(archive.store, LocalObjectStore)
        return archive.store.root / key

    def raw(self, archive: Archive, key: str) -> bytes:
        return self._path(archive, key).read_bytes()

    def overwrite(self, archive: Archive, key: str, data: bytes) -> None:
        path = self._path(archive, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o640)
        path.write_bytes(data)

    def test_objects_are_read_only_files(self, archive: Archive, samples) -> None:
        ref = archive.put(io.BytesIO(samples.pdf_bytes()), "a.pdf", SCOPE)
        assert self._path(archive, ref.key).stat().st_mode & 0o222 == 0


class TestS3Archive(ArchiveContract):
    @pytest.fixture
    def archive(self, s3_archive: Archive) -> Archive:
        return s3_archive

    def _s3(self, archive: Archive) -> S3ObjectStore:
        assert isinstance(archive.store, S3ObjectStore)
        return archive.store

    def raw(self, archive: Archive, key: str) -> bytes:
        store = self._s3(archive)
        response = store.client.get_object(store.bucket, key)
        try:
            return bytes(response.read())
        finally:
            response.close()
            response.release_conn()

    def overwrite(self, archive: Archive, key: str, data: bytes) -> None:
        store = self._s3(archive)
        store.client.put_object(store.bucket, key, io.BytesIO(data), len(data))
