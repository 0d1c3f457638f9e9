"""No pyHanko, certvalidator, pkcs11, aiohttp, asn1crypto or OS exception escapes the package unmapped."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from asn1crypto import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pkcs11 import exceptions as p11
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator.errors import PathBuildingError

from signing import SigningService
from signing import errors as se
from signing._boundary import translate
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY


class ExplodingPyHankoSigner(PyHankoSigner):
    def __init__(self, template: PyHankoSigner, error: BaseException) -> None:
        super().__init__(signing_cert=template.signing_cert, cert_registry=template.cert_registry)
        self._error = error

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        raise self._error


class ExplodingSigner:
    """A hand-written fake Signer whose key store fails the way real ones do."""

    def __init__(self, template: Pkcs12Signer, error: BaseException) -> None:
        self._template = template
        self._signer = ExplodingPyHankoSigner(template.pyhanko_signer, error)

    @property
    def certificate(self) -> x509.Certificate:
        return self._template.certificate

    @property
    def pyhanko_signer(self) -> PyHankoSigner:
        return self._signer

    def close(self) -> None:
        pass


LIBRARY_ERRORS: list[tuple[BaseException, type[se.SigningError]]] = [
    (p11.DeviceRemoved(), se.SignerError),
    (p11.PinExpired(), se.SignerError),
    (OSError("disk gone"), se.SigningFailedError),
    (ValueError("bad DER"), se.SigningFailedError),
    (KeyError("x"), se.SigningFailedError),
    (PyHankoSigningError("pyHanko refused"), se.SigningFailedError),
    (aiohttp.ClientConnectionError(), se.RevocationInfoUnavailableError),
    (TimestampRequestError("no TSA"), se.TimestampUnavailableError),
    (TimeoutError(), se.RevocationInfoUnavailableError),
]


@pytest.mark.parametrize(("error", "expected"), LIBRARY_ERRORS, ids=lambda v: type(v).__name__)
def test_library_errors_from_the_key_store_are_mapped(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer, error: BaseException, expected: type
) -> None:
    with pytest.raises(se.SigningError) as err:
        service.sign(pdf, ExplodingSigner(leader, error), signer_name="A", agency=AGENCY, meaning="approval",
                     level="B-B")  # fmt: skip
    assert type(err.value) is expected
    # the loop thread hands timeouts over as a copy, so compare the type
    assert type(err.value.__cause__) is type(error)


def test_certvalidator_cause_inside_a_pyhanko_error_is_named() -> None:
    try:
        try:
            raise PathBuildingError("no path to a trust anchor")
        except PathBuildingError as inner:
            raise PyHankoSigningError("The signer's certificate could not be validated") from inner
    except PyHankoSigningError as outer:
        assert isinstance(translate(outer, "sign"), se.CertificateUntrustedError)


def test_pdf_read_errors_map_to_invalid_pdf() -> None:
    assert isinstance(translate(PdfReadError("xref"), "validate"), se.InvalidPdfError)
    # a damaged string (an octal escape over 255) found while listing the signatures: bad input, not a 500
    assert isinstance(translate(ValueError("bytes must be in range(0, 256)"), "validate"), se.InvalidPdfError)


def _mutations(pdf: bytes) -> st.SearchStrategy[bytes]:
    def mutate(draw: Any) -> bytes:
        data = bytearray(pdf)
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(data) - 1))
            kind = draw(st.sampled_from(["flip", "cut", "insert"]))
            if kind == "flip":
                data[pos] ^= draw(st.integers(1, 255))
            elif kind == "cut":
                del data[pos : pos + draw(st.integers(1, 64))]
            else:
                data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
            if not data:
                break
        return bytes(data)

    return st.composite(lambda draw: mutate(draw))()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mangled_pdfs_only_raise_signing_errors(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer, data: st.DataObject
) -> None:
    mangled = data.draw(_mutations(pdf))
    for action in (
        lambda: service.validate(mangled),
        lambda: service.sign(mangled, leader, signer_name="A", agency=AGENCY, meaning="review", level="B-B"),
    ):
        try:
            action()
        except se.SigningError:
            pass
