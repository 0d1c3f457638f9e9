"""The signing result carries exactly the facts of the ledger's Signed event."""

from __future__ import annotations

import dataclasses

import pytest

from ledger.files import FileRef
from signing import SignedPdf, SigningService
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY


@pytest.fixture(scope="module")
def signed(service: SigningService, pdf: bytes, leader: Pkcs12Signer) -> SignedPdf:
    return service.sign(pdf, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning="approval")


def test_result_is_frozen(signed: SignedPdf) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        signed.size = 0  # type: ignore[misc]


def test_event_fields_are_the_signed_event(signed: SignedPdf) -> None:
    ref = FileRef(key=f"sha256/{signed.sha256}", sha256=signed.sha256, size=signed.size,
                  media_type=signed.media_type, filename="QT-01 Quy trình (đã ký).pdf")  # fmt: skip
    fields = signed.event_fields(ref)
    assert set(fields) == {
        "signer", "meaning", "certificate_fingerprint", "certificate_subject", "certificate_issuer",
        "certificate_serial", "pades_level", "signing_time", "timestamp_time", "signed_file",
    }  # fmt: skip
    assert fields["meaning"] == "approval" and fields["pades_level"] == "B-T"
    assert fields["signed_file"]["filename"] == "QT-01 Quy trình (đã ký).pdf"
    assert fields["signing_time"].endswith("+00:00") and fields["timestamp_time"]


def test_event_fields_refuse_a_file_of_other_bytes(signed: SignedPdf) -> None:
    ref = FileRef(key="k", sha256="0" * 64, size=1, media_type="application/pdf", filename="x.pdf")
    with pytest.raises(ValueError):
        signed.event_fields(ref)


def test_repr_does_not_dump_the_pdf(signed: SignedPdf) -> None:
    assert "%PDF" not in repr(signed)
