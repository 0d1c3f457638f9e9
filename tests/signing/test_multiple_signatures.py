"""Review then approval signatures on one PDF: incremental updates that keep earlier signatures valid."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from signing import Look, Meaning, PadesLevel, Placement, SigningService
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY


@pytest.fixture(scope="module")
def review_then_approval(
    service: SigningService, pdf: bytes, reviewer: Pkcs12Signer, leader: Pkcs12Signer, agency_look: Look,
    signature_png: bytes,
) -> tuple[bytes, bytes]:  # fmt: skip
    reviewed = service.sign(
        pdf, reviewer, signer_name="Trần Thị Bích Ngọc", agency=AGENCY, meaning=Meaning.REVIEW,
        look=Look(signature_png=signature_png), placement=Placement(page=0, box=(40, 60, 290, 150)),
        level=PadesLevel.B_LT,
    )  # fmt: skip
    approved = service.sign(
        reviewed.content, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning=Meaning.APPROVAL,
        look=agency_look, placement=Placement(page=0, box=(300, 60, 580, 160)), level=PadesLevel.B_LTA,
    )  # fmt: skip
    return reviewed.content, approved.content


def test_second_signature_is_an_incremental_update(review_then_approval: tuple[bytes, bytes]) -> None:
    first, second = review_then_approval
    assert second.startswith(first)


def test_earlier_signature_stays_valid_after_a_later_one(
    service: SigningService, review_then_approval: tuple[bytes, bytes]
) -> None:
    reports = service.validate(review_then_approval[1])
    assert [r.certificate.common_name for r in reports if r.certificate] == [
        "Trần Thị Bích Ngọc",
        "Nguyễn Văn Ánh",
    ]
    assert all(r.ok for r in reports)
    assert reports[0].coverage == "ENTIRE_REVISION"
    assert reports[0].modification_level == "FORM_FILLING"  # a later signature is form filling, not editing
    # the approval's document timestamp archives the B-LT review signature too
    assert [r.pades_level for r in reports] == ["B-LTA", "B-LTA"]


def test_both_signatures_validate_offline(
    service: SigningService, review_then_approval: tuple[bytes, bytes]
) -> None:
    reports = service.validate(review_then_approval[1], offline=True)
    assert len(reports) == 2 and all(r.ok for r in reports)


def test_poppler_reports_every_signature_valid(
    pdfsig: Callable[[bytes], str], review_then_approval: tuple[bytes, bytes]
) -> None:
    out = pdfsig(review_then_approval[1])
    # poppler 22.12 cannot check the B-LTA document timestamp (ETSI.RFC3161): it says so, not "invalid"
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Digest Mismatch" not in out and "Signature is Invalid" not in out
