"""Trust anchors from a directory of PEM/DER files: the national root and the commercial CAs an agency uses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isoledger.settings import Settings
from signing import SigningConfig, build_signing_service
from signing.errors import SigningConfigError
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY, LoopbackPki


def _signed(pki_pdf: bytes, leader: Pkcs12Signer) -> bytes:
    with build_signing_service(SigningConfig(check_signer=False)) as service:
        return service.sign(pki_pdf, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning="approval").content


def test_a_directory_of_roots_is_read_whole_and_other_files_are_ignored(
    pki: LoopbackPki, pdf: bytes, leader: Pkcs12Signer, tmp_path: Path
) -> None:
    roots = tmp_path / "trust-roots"
    roots.mkdir()
    shutil.copy(pki.root_cert_path, roots / "ban-co-yeu-root.crt")
    (roots / "README.txt").write_text("Chứng thư gốc tin cậy của cơ quan", encoding="utf-8")
    signed = _signed(pdf, leader)
    config = Settings.from_env({"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_TRUST_ROOTS": str(roots)}).signing
    with build_signing_service(config) as service:
        [report] = service.validate(signed)
    assert report.trusted and report.ok

    empty = tmp_path / "empty"
    empty.mkdir()
    with build_signing_service(SigningConfig(trust_roots=(empty,))) as service:
        [report] = service.validate(signed)
    assert report.intact and report.valid and not report.trusted


def test_an_unreadable_root_names_the_variable(tmp_path: Path) -> None:
    roots = tmp_path / "roots"
    roots.mkdir()
    (roots / "hong.pem").write_text("-----BEGIN CERTIFICATE-----\nkhong-phai\n-----END CERTIFICATE-----\n")
    with pytest.raises(SigningConfigError) as err:
        build_signing_service(SigningConfig(trust_roots=(roots,)))
    assert err.value.field == "ISOLEDGER_TRUST_ROOTS"
