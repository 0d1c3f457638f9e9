"""An evidence bundle checks out offline with the standalone verifier, and every kind of tampering is caught."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archive import build_archive
from evidence.bundle import export_bundle
from evidence.checkpoints import CheckpointKey, Checkpoints
from evidence.isoledger_verify import verify_bundle
from signing.samples import sample_pdf
from tests.factories import ARCHIVIST, LEADER, issued_document

VERIFIER = Path(__file__).resolve().parents[2] / "evidence" / "isoledger_verify.py"


@pytest.fixture
def archive(tmp_path, database_url):
    a = build_archive(storage_url=f"file://{tmp_path / 'objects'}", home=tmp_path, database_url=database_url)
    yield a
    a.close()


@pytest.fixture
def checkpoints(projector, tmp_path, clock):
    return Checkpoints(projector.db, CheckpointKey.load_or_create(tmp_path / "checkpoint.key", "isoledger.test"),
                       clock=clock)


def _put(archive, name: str, scope: str) -> dict:
    title = name.encode("ascii", "replace").decode()  # distinct bytes per file
    return archive.put(io.BytesIO(sample_pdf(1, title)), name, scope).to_dict()


@pytest.fixture
def document(ledger, projector, archive):
    doc = issued_document(ledger, store=lambda ref, scope: _put(archive, ref["filename"], scope))
    projector.catch_up()
    return doc


@pytest.fixture
def destroyed(ledger, projector, archive, clock):
    rec = ledger.open_record(ARCHIVIST, code="HS-07", title="Hồ sơ tiếp nhận 2019", series="Một cửa",
                             retention_years=1, legal_basis="Thông tư 10/2022", confidentiality="internal")
    kept = _put(archive, "Phiếu tiếp nhận.pdf", rec)
    ledger.add_file(ARCHIVIST, rec, file=kept, description="Phiếu")
    ledger.close_record(ARCHIVIST, rec, closed_on="2020-12-31")
    ledger.propose_destruction(ARCHIVIST, rec, reason="Hết thời hạn bảo quản")
    ledger.approve_destruction(LEADER, rec, decision_no="15/QĐ-SKHCN", decided_by="giam.doc",
                               council=["giam.doc", "van.thu"])
    minutes = _put(archive, "Biên bản hủy.pdf", f"{rec}-evidence")
    erased = archive.destroy_scope(rec)
    ledger.record_destruction(ARCHIVIST, rec, executed_by="van.thu", witnesses=["giam.doc"], method="crypto_shredding",
                              minutes_file=minutes, erased_hashes=erased)
    projector.catch_up()
    return rec, kept["sha256"]


def _bundle(ledger, archive, projector, checkpoints, aggregate_id, tmp_path) -> Path:
    path = tmp_path / f"{aggregate_id}.zip"
    with path.open("wb") as f:
        export_bundle(ledger, archive, projector.db, checkpoints, aggregate_id, f)
    return path


def _rewrite(src: Path, dst: Path, change) -> Path:  # change(name, bytes) -> bytes | None (None drops it)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)
    return dst


def _flip(data: bytes, at: int = -30) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


def test_a_fresh_document_bundle_verifies_with_the_standalone_tool(ledger, archive, projector, checkpoints,
                                                                   document, tmp_path):
    path = _bundle(ledger, archive, projector, checkpoints, document, tmp_path)
    run = subprocess.run([sys.executable, str(VERIFIER), str(path), "--key", checkpoints.key.verifier_key],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "TOÀN VẸN" in run.stdout and "7 sự kiện" in run.stdout and "CẢNH BÁO" not in run.stdout
    names = zipfile.ZipFile(path).namelist()
    assert sum(n.startswith("events/") for n in names) == 7 and sum(n.startswith("files/") for n in names) == 2


def test_without_the_published_key_the_verifier_warns(ledger, archive, projector, checkpoints, document, tmp_path):
    report = verify_bundle(str(_bundle(ledger, archive, projector, checkpoints, document, tmp_path)))
    assert not report.failures and report.warnings


def test_a_destroyed_record_bundle_carries_the_erasure_evidence(ledger, archive, projector, checkpoints,
                                                                destroyed, tmp_path):
    rec, erased_hash = destroyed
    path = _bundle(ledger, archive, projector, checkpoints, rec, tmp_path)
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["erased_hashes"] == [erased_hash]
    assert [f["filename"] for f in manifest["files"]] == ["Biên bản hủy.pdf"]
    report = verify_bundle(str(path), checkpoints.key.verifier_key)
    assert not report.failures, report.failures


@pytest.mark.parametrize("member", ["events/000003.json", "proofs/000002.json", "files/", "checkpoint.txt",
                                    "manifest.json", "manifest.sig"])
def test_one_changed_byte_in_any_member_is_caught(ledger, archive, projector, checkpoints, document, tmp_path,
                                                  member):
    good = _bundle(ledger, archive, projector, checkpoints, document, tmp_path)
    bad = _rewrite(good, tmp_path / "bad.zip",
                   lambda name, data: _flip(data, -30 if len(data) > 40 else -2) if name.startswith(member) else data)
    assert verify_bundle(str(bad), checkpoints.key.verifier_key).failures


def test_a_missing_event_is_caught(ledger, archive, projector, checkpoints, document, tmp_path):
    good = _bundle(ledger, archive, projector, checkpoints, document, tmp_path)
    bad = _rewrite(good, tmp_path / "bad.zip", lambda name, data: None if name == "events/000007.json" else data)
    assert verify_bundle(str(bad), checkpoints.key.verifier_key).failures


def test_a_swapped_file_is_caught(ledger, archive, projector, checkpoints, document, tmp_path):
    good = _bundle(ledger, archive, projector, checkpoints, document, tmp_path)
    files = [n for n in zipfile.ZipFile(good).namelist() if n.startswith("files/")]
    other = zipfile.ZipFile(good).read(files[1])
    bad = _rewrite(good, tmp_path / "bad.zip", lambda name, data: other if name == files[0] else data)
    assert verify_bundle(str(bad), checkpoints.key.verifier_key).failures


def test_a_forged_checkpoint_is_caught(ledger, archive, projector, checkpoints, document, tmp_path):
    good = _bundle(ledger, archive, projector, checkpoints, document, tmp_path)
    forger = CheckpointKey.load_or_create(tmp_path / "forger.key", "isoledger.test")
    note = zipfile.ZipFile(good).read("checkpoint.txt").decode()
    forged = forger.sign(note.rpartition("\n\n")[0] + "\n")
    bad = _rewrite(good, tmp_path / "bad.zip", lambda name, data: forged.encode() if name == "checkpoint.txt" else data)
    assert verify_bundle(str(bad), checkpoints.key.verifier_key).failures
    # and a bundle re-signed whole by the forger fails against the published key
    assert verify_bundle(str(good), forger.verifier_key).failures
