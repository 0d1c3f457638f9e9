"""Without trust roots the product says that no certificate is trusted (validation result and page), and an
agency may require approval signatures to chain to a trusted root (refused otherwise, nothing recorded)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from signing import PadesLevel, SigningConfig, build_signing_service
from signing.testing import PASSPHRASE, LoopbackPki
from tests.api.conftest import OWN, PASSWORD, make_api
from tests.api.test_signing_api import _approved_procedure, _sign, pki  # noqa: F401 - the module's PKI fixture


def _api(database_url: str, tmp_path: Path, ledger: Any, projector: Any, config: SigningConfig) -> Iterator[Any]:
    service = build_signing_service(config)
    api = make_api(database_url, tmp_path, ledger, projector, signing=service)
    with api.client:
        yield api
    api.archive.close()
    service.close()


@pytest.fixture
def untrusted_api(database_url, tmp_path, ledger, projector, pki: LoopbackPki) -> Iterator[Any]:  # noqa: F811
    yield from _api(database_url, tmp_path, ledger, projector,
                    SigningConfig(level=PadesLevel.B_T, tsa_url=pki.tsa_url, trust_roots=()))


@pytest.fixture
def unchecked_api(database_url, tmp_path, ledger, projector, pki: LoopbackPki) -> Iterator[Any]:  # noqa: F811
    """Trust roots, but the signer's certificate is not checked before signing (ISOLEDGER_SIGNING_CHECK_SIGNER=0)."""
    yield from _api(database_url, tmp_path, ledger, projector,
                    SigningConfig(level=PadesLevel.B_T, tsa_url=pki.tsa_url, trust_roots=(pki.root_cert_path,),
                                  check_signer=False))


def _require_trusted(api: Any, value: bool = True) -> None:
    r = api.call("PATCH", f"/api/v1/agencies/{OWN}/rules", "quantri", json={"require_trusted_approval": value})
    assert r.status_code == 200 and r.json()["require_trusted_approval"] is value, r.text


def _self_signed_p12() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn Ánh (tự cấp)")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), True)
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(b"k", key, cert, None, BestAvailableEncryption(PASSPHRASE.encode()))


def test_without_trust_roots_the_report_and_the_page_say_no_certificate_is_trusted(untrusted_api, pki):  # noqa: F811
    api = untrusted_api
    doc = _approved_procedure(api)
    assert _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE).status_code == 200
    report = api.call("GET", f"/api/v1/documents/{doc}/versions/1/signatures", "giamdoc").json()
    assert report["trust_roots_configured"] is False and "ISOLEDGER_TRUST_ROOTS" in report["trust_warning_en"]
    assert "chứng thư gốc tin cậy" in report["trust_warning"] and report["signatures"][0]["trusted"] is False
    api.client.post("/api/v1/auth/session", data={"username": "giamdoc", "password": PASSWORD})
    page = api.client.get(f"/documents/{doc}/versions/1/signatures")
    assert page.status_code == 200 and 'id="no-trust-roots"' in page.text
    api.client.cookies.clear()


def test_an_agency_requiring_a_trusted_chain_refuses_approval_without_trust_roots(untrusted_api, pki):  # noqa: F811
    api = untrusted_api
    doc = _approved_procedure(api)
    _require_trusted(api)
    r = _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE)
    assert r.status_code == 422 and r.json()["code"] == "certificate_untrusted", r.text
    assert r.json()["errors"][0]["field"] == "p12"
    state = api.call("GET", f"/api/v1/documents/{doc}", "giamdoc").json()
    assert not any(v.get("signatures") for v in state["versions"]), state  # nothing recorded


def test_an_agency_requiring_a_trusted_chain_takes_a_trusted_certificate_not_a_self_signed_one(
        unchecked_api, pki):  # noqa: F811
    api = unchecked_api
    doc = _approved_procedure(api)
    _require_trusted(api)
    refused = _sign(api, doc, _self_signed_p12(), PASSPHRASE)
    assert refused.status_code == 422 and refused.json()["code"] == "certificate_untrusted", refused.text
    assert _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE).status_code == 200
