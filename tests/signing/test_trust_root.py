"""The report says which root a signature chains to: a trusted signature names the configured root it ends at
(the national root, a commercial CA's, or the test PKI's here); an untrusted one names none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from signing import SigningConfig, SigningService, build_signing_service
from signing.indications import describe
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY, LoopbackPki

TEST_ROOT = "CA gốc thử nghiệm isoledger"  # the test PKI's root (signing/testing.py), the leader under its intermediate


@pytest.fixture(scope="module")
def trusting_nothing() -> Iterator[SigningService]:
    """An installation whose trusted roots do not include the test PKI's."""
    with build_signing_service(SigningConfig(check_signer=False)) as svc:
        yield svc


def _signed(service: SigningService, pdf: bytes, leader: Pkcs12Signer) -> bytes:
    return service.sign(pdf, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning="approval",
                        level="B-B").content


def test_a_trusted_signature_names_the_root_its_chain_ends_at(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    (report,) = service.validate(_signed(service, pdf, leader))
    assert report.ok and report.trusted
    assert report.trust_root_name == TEST_ROOT  # the root, not the intermediate that issued the leader's certificate
    assert report.certificate is not None and report.certificate.issuer_name != TEST_ROOT
    assert report.trust_root is not None
    assert f"Common Name: {TEST_ROOT}" in report.trust_root and "Ban Cơ yếu thử nghiệm" in report.trust_root
    words = describe(report).trust_root
    assert words.code == "trusted_root"
    assert words.vi == f"Chuỗi chứng thư tới gốc tin cậy: {TEST_ROOT}"
    assert words.en == f"The certificate chains to the trusted root: {TEST_ROOT}"


def test_an_untrusted_signature_names_no_root(
    trusting_nothing: SigningService, service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    (report,) = trusting_nothing.validate(_signed(service, pdf, leader))
    assert report.intact and report.valid and not report.trusted
    assert report.trust_root is None and report.trust_root_name is None
    words = describe(report).trust_root
    assert words.code == "no_trusted_root" and words.vi.startswith("Chưa xác lập được chuỗi chứng thư")


def test_a_damaged_signature_names_no_root_although_pyhanko_built_a_path(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    signed = bytearray(_signed(service, pdf, leader))
    at = signed.index(b"/Contents <") + len(b"/Contents <") + 200  # inside the CMS, past its header
    signed[at:at + 8] = b"00000000"
    (report,) = service.validate(bytes(signed))
    assert not report.ok and not report.trusted
    assert report.trust_root is None and describe(report).trust_root.code == "no_trusted_root"


def test_a_revoked_certificate_names_no_root(pki: LoopbackPki, pdf: bytes, revoked_signer: Pkcs12Signer) -> None:
    config = SigningConfig(trust_roots=(pki.root_cert_path,), check_signer=False)
    with build_signing_service(config) as lax:  # signs with a revoked certificate; the report must say it
        (report,) = lax.validate(_signed(lax, pdf, revoked_signer))
    assert report.revoked and not report.trusted and report.trust_root is None
