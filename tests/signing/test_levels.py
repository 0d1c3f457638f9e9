"""Each PAdES level produces what it promises, and validates online and (LT/LTA) offline."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import Meaning, PadesLevel, SigningService
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY


def _sign(service: SigningService, pdf: bytes, signer: Pkcs12Signer, level: PadesLevel) -> bytes:
    signed = service.sign(
        pdf, signer, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning=Meaning.APPROVAL, level=level
    )
    assert signed.facts.level is level
    return signed.content


@pytest.mark.parametrize("level", list(PadesLevel))
def test_each_level_validates_online(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer, level: PadesLevel
) -> None:
    (report,) = service.validate(_sign(service, pdf, leader, level))
    assert report.intact and report.valid and report.trusted and not report.revoked
    assert report.ok
    assert report.certificate is not None and report.certificate.common_name == "Nguyễn Văn Ánh"
    assert report.timestamp_valid is (None if level is PadesLevel.B_B else True)
    assert report.pades_level == level.value  # what the file shows, as the report names it


def test_b_b_has_no_timestamp_and_b_t_has_one(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    plain = service.sign(pdf, leader, signer_name="A", agency=AGENCY, meaning="approval", level="B-B")
    stamped = service.sign(pdf, leader, signer_name="A", agency=AGENCY, meaning="approval", level="B-T")
    assert plain.facts.timestamp_time is None
    assert stamped.facts.timestamp_time is not None
    assert abs((stamped.facts.timestamp_time - stamped.facts.signing_time).total_seconds()) < 60


def test_b_lt_embeds_validation_data_in_the_dss(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    reader = PdfFileReader(io.BytesIO(_sign(service, pdf, leader, PadesLevel.B_LT)))
    dss = reader.root["/DSS"]
    assert "/Certs" in dss and ("/OCSPs" in dss or "/CRLs" in dss)
    assert not reader.embedded_timestamp_signatures


def test_b_lta_adds_a_document_timestamp(service: SigningService, pdf: bytes, leader: Pkcs12Signer) -> None:
    reader = PdfFileReader(io.BytesIO(_sign(service, pdf, leader, PadesLevel.B_LTA)))
    assert "/DSS" in reader.root
    assert len(reader.embedded_timestamp_signatures) == 1


@pytest.mark.parametrize("level", [PadesLevel.B_LT, PadesLevel.B_LTA])
def test_long_term_levels_validate_offline_from_embedded_data(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer, level: PadesLevel
) -> None:
    (report,) = service.validate(_sign(service, pdf, leader, level), offline=True)
    assert report.ok and report.trusted


def test_b_b_cannot_be_trusted_offline_for_lack_of_revocation_data(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    (report,) = service.validate(_sign(service, pdf, leader, PadesLevel.B_B), offline=True)
    assert report.intact and report.valid
    assert not report.trusted and not report.ok


def test_signed_facts_describe_the_signer_certificate(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    signed = service.sign(pdf, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning="review")
    cert = signed.facts.certificate
    assert cert.fingerprint_sha256 == leader.certificate.sha256.hex()
    assert "Nguyễn Văn Ánh" in cert.subject and "CA cấp dưới" in cert.issuer
    assert int(cert.serial, 16) == leader.certificate.serial_number
    assert signed.facts.meaning is Meaning.REVIEW
    assert signed.facts.signing_time.tzinfo is not None
