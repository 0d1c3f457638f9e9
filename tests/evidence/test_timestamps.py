"""With a time-stamping service configured, checkpoints carry an RFC 3161 token; a failing service never holds
a checkpoint back; the standalone verifier reads the token's time and catches a token of something else."""

from __future__ import annotations

import base64
import hashlib
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms

from evidence.isoledger_verify import read_timestamp, verify_bundle
from evidence.timestamp import CheckpointTimestamper
from isoledger.bootstrap import bootstrap
from isoledger.settings import Settings
from signing.testing import LoopbackPki, served_pki
from tests.evidence.test_bundle import VERIFIER, _bundle, _flip, _put, _rewrite
from tests.factories import SECRETARY, issued_document


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture
def services(pki, tmp_path, database_url):
    built = bootstrap(Settings.from_env({"ISOLEDGER_HOME": str(tmp_path / "home"),
                                         "ISOLEDGER_DATABASE_URL": database_url, "ISOLEDGER_TSA_URL": pki.tsa_url}))
    yield built
    built.close()


def _document(services) -> str:
    doc = issued_document(services.ledger, store=lambda ref, scope: _put(services.archive, ref["filename"], scope))
    services.projector.catch_up()  # the first checkpoint is made as the projections catch up
    return doc


def test_a_checkpoint_made_with_a_tsa_carries_a_token_over_its_note(services):
    _document(services)
    made = services.checkpoints.latest()
    assert made is not None and made.timestamp_token
    token = base64.b64decode(made.timestamp_token)
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == hashlib.sha256(made.note.encode()).digest()
    digest, when = read_timestamp(token)  # the verifier's own small DER reader agrees with asn1crypto
    assert digest == hashlib.sha256(made.note.encode()).digest() and when == info["gen_time"].native
    assert abs(when - datetime.now(UTC)) < timedelta(minutes=5)


def test_the_bundle_carries_the_token_and_the_verifier_reports_its_time(services, tmp_path):
    doc = _document(services)
    path = _bundle(services.ledger, services.archive, services.projector, services.checkpoints, doc, tmp_path)
    report = verify_bundle(str(path), services.checkpoints.key.verifier_key)
    assert not report.failures and not report.warnings
    assert report.timestamp is not None and abs(report.timestamp - datetime.now(UTC)) < timedelta(minutes=5)
    run = subprocess.run([sys.executable, str(VERIFIER), str(path), "--key", services.checkpoints.key.verifier_key],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "dấu thời gian RFC 3161 đóng cho đúng điểm kiểm tra này" in run.stdout
    assert "openssl ts -verify" in run.stdout  # it says what it does not check, and how to


def test_a_changed_or_swapped_token_is_caught(services, tmp_path, pki):
    doc = _document(services)
    good = _bundle(services.ledger, services.archive, services.projector, services.checkpoints, doc, tmp_path)
    key = services.checkpoints.key.verifier_key
    flipped = _rewrite(good, tmp_path / "flipped.zip",
                       lambda name, data: _flip(data, 40) if name == "checkpoint.tsr" else data)
    assert verify_bundle(str(flipped), key).failures
    other = CheckpointTimestamper(pki.tsa_url, 10)
    try:
        foreign = other(b"another checkpoint\n")
    finally:
        other.close()
    swapped = _rewrite(good, tmp_path / "swapped.zip",
                       lambda name, data: foreign if name == "checkpoint.tsr" else data)
    assert any("timestamp" in en for _, en in verify_bundle(str(swapped), key).failures)


def test_a_failing_tsa_never_holds_a_checkpoint_back_and_is_asked_again(tmp_path, database_url, caplog, pki):
    services = bootstrap(Settings.from_env({"ISOLEDGER_HOME": str(tmp_path / "home"),
                                            "ISOLEDGER_DATABASE_URL": database_url,
                                            "ISOLEDGER_TSA_URL": "http://127.0.0.1:9/tsa",  # nothing listens
                                            "ISOLEDGER_SIGNING_TIMEOUT": "2"}))
    try:
        checkpoints = services.checkpoints
        with caplog.at_level(logging.WARNING, logger="isoledger.evidence"):
            _document(services)
            first = checkpoints.make()
            services.ledger.register_document(SECRETARY, code="BM-01", title="Biểu mẫu", kind="form",
                                              department="Văn phòng")
            services.projector.catch_up()
            second = checkpoints.make()
        assert first is not None and second is not None and second.tree_size > first.tree_size
        assert first.timestamp_token is None and second.timestamp_token is None
        warnings = [r for r in caplog.records if "without an RFC 3161 timestamp" in r.getMessage()]
        assert len(warnings) == 1  # once per outage, not once per checkpoint
        checkpoints.timestamp = CheckpointTimestamper(pki.tsa_url, 10)  # the service is back
        services.ledger.register_document(SECRETARY, code="BM-02", title="Biểu mẫu 2", kind="form",
                                          department="Văn phòng")
        services.projector.catch_up()
        third = checkpoints.make()
        assert third.timestamp_token is not None
        checkpoints.timestamp.close()
    finally:
        services.close()


def test_without_a_tsa_the_verifier_notes_that_the_time_is_the_installations_word(tmp_path, database_url):
    services = bootstrap(Settings.from_env({"ISOLEDGER_HOME": str(tmp_path / "home"),
                                            "ISOLEDGER_DATABASE_URL": database_url}))
    try:
        doc = _document(services)
        assert services.checkpoints.latest().timestamp_token is None
        path = _bundle(services.ledger, services.archive, services.projector, services.checkpoints, doc, tmp_path)
        report = verify_bundle(str(path), services.checkpoints.key.verifier_key)
    finally:
        services.close()
    assert not report.failures and report.timestamp is None
    assert any("no RFC 3161 timestamp" in en for _, en in report.notes)


def test_the_verifier_still_runs_with_only_the_standard_library_and_cryptography():
    source = Path(VERIFIER).read_text(encoding="utf-8")
    imports = {line.split()[1].split(".")[0] for line in source.splitlines()
               if line.startswith(("import ", "from ")) and not line.startswith("from __future__")}
    assert imports <= set(sys.stdlib_module_names) | {"cryptography"}, imports
