"""The API's signature report names the trusted root a signature chains to, in the data and in words; an
untrusted signature names none. The uploaded-PDF verification reports it in the very same item."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signing import PadesLevel, SigningConfig
from signing.testing import PASSPHRASE, LoopbackPki, served_pki
from tests.api.test_signature_report_api import _api
from tests.api.test_signing_api import _approved_procedure, _sign

TEST_ROOT = "CA gốc thử nghiệm isoledger"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture
def trusting(database_url: str, tmp_path: Path, ledger: Any, projector: Any, pki: LoopbackPki) -> Iterator[Any]:
    """An installation trusting the test PKI's root."""
    config = SigningConfig(level=PadesLevel.B_B, trust_roots=(pki.root_cert_path,))
    yield from _api(database_url, tmp_path, ledger, projector, config)


@pytest.fixture
def untrusting(database_url: str, tmp_path: Path, ledger: Any, projector: Any) -> Iterator[Any]:
    """An installation with no trusted root configured."""
    yield from _api(database_url, tmp_path, ledger, projector, SigningConfig(check_signer=False))


def _signed(api: Any, pki: LoopbackPki) -> str:
    doc = _approved_procedure(api)
    r = _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE)
    assert r.status_code == 200, r.text
    return doc


def _report(api: Any, doc: str) -> dict[str, Any]:
    r = api.call("GET", f"/api/v1/documents/{doc}/versions/1/signatures", "danhgia")
    assert r.status_code == 200, r.text
    [item] = r.json()["signatures"]
    return dict(item)


def _verified(api: Any, doc: str) -> dict[str, Any]:
    pdf = api.call("GET", f"/api/v1/documents/{doc}/versions/1/file", "thuky").content
    r = api.call("POST", "/api/v1/signatures/verify", "danhgia",
                 files={"file": ("bản ký.pdf", io.BytesIO(pdf), "application/pdf")})
    assert r.status_code == 200, r.text
    [item] = r.json()["signatures"]
    return dict(item)


def test_a_trusted_signature_names_its_root_in_the_report_and_in_the_verification(
        trusting: Any, pki: LoopbackPki) -> None:
    doc = _signed(trusting, pki)
    checked = _report(trusting, doc)
    assert checked["trusted"] and checked["trust_root_name"] == TEST_ROOT
    assert checked["trust_root"].startswith(f"Common Name: {TEST_ROOT}")
    assert checked["text"]["trust_root"]["vi"] == f"Chuỗi chứng thư tới gốc tin cậy: {TEST_ROOT}"
    assert checked["text"]["trust_root"]["en"] == f"The certificate chains to the trusted root: {TEST_ROOT}"
    assert _verified(trusting, doc) == checked  # the same item for the same file, whichever route


def test_an_untrusted_signature_names_no_root(untrusting: Any, pki: LoopbackPki) -> None:
    checked = _report(untrusting, _signed(untrusting, pki))
    assert not checked["trusted"] and checked["trust_root"] is None and checked["trust_root_name"] is None
    assert checked["text"]["trust_root"]["code"] == "no_trusted_root"
    assert checked["text"]["trust_root"]["vi"].startswith("Chưa xác lập được chuỗi chứng thư")
