"""Changing any byte of a signed revision is detected, by us and by poppler."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import SigningService
from signing.errors import InvalidPdfError
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY


@pytest.fixture(scope="module")
def signed(service: SigningService, pdf: bytes, leader: Pkcs12Signer) -> bytes:
    return service.sign(pdf, leader, signer_name="A", agency=AGENCY, meaning="approval", level="B-B").content


@pytest.fixture(scope="module")
def covered_offsets(signed: bytes) -> list[int]:
    """Offsets covered by the signature's /ByteRange (everything but the /Contents hex string)."""
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    a, b, c, d = (int(v) for v in sig.sig_object["/ByteRange"])
    return [*range(a, a + b), *range(c, c + d)]


def _detected(service: SigningService, data: bytes) -> bool:
    try:
        reports = service.validate(data)
    except InvalidPdfError:
        return True
    return not reports or not all(r.intact and r.valid for r in reports)


def test_changed_page_text_breaks_the_signature(service: SigningService, signed: bytes) -> None:
    tampered = signed.replace(b"trang 1", b"trang 9", 1)
    assert tampered != signed
    (report,) = service.validate(tampered)
    assert not report.intact and not report.ok


def test_poppler_reports_the_digest_mismatch(pdfsig: Callable[[bytes], str], signed: bytes) -> None:
    assert "Signature is Valid" in pdfsig(signed)
    out = pdfsig(signed.replace(b"trang 1", b"trang 9", 1))
    assert "Digest Mismatch" in out, out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_byte_of_the_signed_revision_is_detected(
    service: SigningService, signed: bytes, covered_offsets: list[int], data: st.DataObject
) -> None:
    offset = data.draw(st.sampled_from(covered_offsets), label="offset")
    flip = data.draw(st.integers(min_value=1, max_value=255), label="xor")
    tampered = bytearray(signed)
    tampered[offset] ^= flip
    assert _detected(service, bytes(tampered))
