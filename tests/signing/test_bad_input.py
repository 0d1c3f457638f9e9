"""Bad input gives a SigningError subclass that names the cause, in Vietnamese and English."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from signing import PadesLevel, SigningConfig, SigningService, build_signing_service
from signing import errors as se
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY


def _sign(service: SigningService, pdf: bytes, signer: Pkcs12Signer, **kw: object) -> None:
    service.sign(pdf, signer, signer_name="A", agency=AGENCY, meaning="approval", **kw)  # type: ignore[arg-type]


def encrypted_pdf(pdf: bytes) -> bytes:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    writer.encrypt("chủ-sở-hữu", "người-dùng")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def decode_bomb_pdf() -> bytes:
    """Catalog and page tree in an object stream that inflates ~1000:1 to 8 MiB (beyond pyHanko's limits)."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"
    body = catalog + b"\n" + pages + b"\n"
    header = b"1 0 2 %d\n" % (len(catalog) + 1)
    packed = zlib.compress(header + body + b" " * (8 * 1024 * 1024), 9)
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    offsets[3] = len(out)
    out += b"3 0 obj\n<< /Type /ObjStm /N 2 /First %d /Length %d /Filter /FlateDecode >>\nstream\n" % (
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    offsets[4] = len(out)
    out += b"4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
    offsets[5] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff", b"\x02" + (3).to_bytes(4, "big") + b"\x00\x00",
            b"\x02" + (3).to_bytes(4, "big") + b"\x00\x01"]  # fmt: skip
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (3, 4, 5)]
    table = b"".join(rows)
    out += b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[5]
    return bytes(out)


BAD_PDFS = {
    "not a pdf": (b"PK\x03\x04 this is a zip file", se.NotPdfError),
    "truncated": (None, se.InvalidPdfError),
    "garbage after header": (b"%PDF-1.7\n" + bytes(range(256)) * 20, se.InvalidPdfError),
    "encrypted": (None, se.EncryptedPdfError),
    "decode bomb": (None, se.PdfDecodeLimitError),
}


def _bad(name: str, pdf: bytes) -> bytes:
    data = BAD_PDFS[name][0]
    if name == "truncated":
        return pdf[: len(pdf) // 2]
    if name == "encrypted":
        return encrypted_pdf(pdf)
    if name == "decode bomb":
        return decode_bomb_pdf()
    assert data is not None
    return data


@pytest.mark.parametrize("name", list(BAD_PDFS))
def test_bad_pdf_is_refused_for_signing_with_its_cause(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer, name: str
) -> None:
    expected = BAD_PDFS[name][1]
    with pytest.raises(expected) as err:
        _sign(service, _bad(name, pdf), leader)
    assert type(err.value) is expected
    assert err.value.field == "file" and err.value.message_vi and err.value.message_en


@pytest.mark.parametrize("name", list(BAD_PDFS))
def test_bad_pdf_is_refused_for_validation_with_its_cause(
    service: SigningService, pdf: bytes, name: str
) -> None:
    with pytest.raises(BAD_PDFS[name][1]):
        service.validate(_bad(name, pdf))


def test_expired_certificate_is_refused(
    service: SigningService, pdf: bytes, expired_signer: Pkcs12Signer
) -> None:
    with pytest.raises(se.CertificateExpiredError) as err:
        _sign(service, pdf, expired_signer, level="B-B")
    assert err.value.code == "certificate_expired" and err.value.field == "certificate"


def test_revoked_certificate_is_refused(
    service: SigningService, pdf: bytes, revoked_signer: Pkcs12Signer
) -> None:
    with pytest.raises(se.CertificateRevokedError) as err:
        _sign(service, pdf, revoked_signer, level="B-B")
    assert err.value.code == "certificate_revoked"
    assert "thu hồi" in err.value.message_vi


@pytest.fixture(scope="module")
def unreachable_tsa_service(config: SigningConfig) -> Iterator[SigningService]:
    # port 9 (discard) on loopback: nothing listens, the connection is refused at once
    cfg = SigningConfig(
        level=PadesLevel.B_T,
        tsa_url="http://127.0.0.1:9/tsa",
        trust_roots=config.trust_roots,
        check_signer=False,
        http_timeout=3,
    )
    with build_signing_service(cfg) as svc:
        yield svc


def test_unreachable_tsa_is_named(
    unreachable_tsa_service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    with pytest.raises(se.TimestampUnavailableError) as err:
        _sign(unreachable_tsa_service, pdf, leader)
    assert err.value.code == "tsa_unavailable"
    assert isinstance(err.value.__cause__, Exception)


def test_unreachable_tsa_does_not_block_b_b(
    unreachable_tsa_service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    _sign(unreachable_tsa_service, pdf, leader, level="B-B")


def test_unknown_meaning_names_the_field(service: SigningService, pdf: bytes, leader: Pkcs12Signer) -> None:
    with pytest.raises(se.SigningError) as err:
        service.sign(pdf, leader, signer_name="A", agency=AGENCY, meaning="blessing")
    assert err.value.field == "meaning"


def test_errors_serialise_for_the_api() -> None:
    err = se.CertificateRevokedError(field="certificate")
    assert err.to_dict() == {
        "code": "certificate_revoked",
        "message_vi": "Chứng thư số của người ký đã bị thu hồi.",
        "message_en": "The signer's certificate has been revoked.",
        "field": "certificate",
    }
