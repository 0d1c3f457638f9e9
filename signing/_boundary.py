"""Converts pyHanko, certvalidator, pkcs11, aiohttp, asn1crypto and OS exceptions into SigningError."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
from pkcs11 import PKCS11Error
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.crypt.api import PdfKeyNotAvailableError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import errors as cv

from signing import errors as se


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _certificate_error(exc: BaseException) -> se.SigningError | None:
    if isinstance(exc, cv.RevokedError):
        return se.CertificateRevokedError()
    if isinstance(exc, cv.ExpiredError):
        return se.CertificateExpiredError()
    if isinstance(exc, cv.NotYetValidError):
        return se.CertificateNotYetValidError()
    if isinstance(exc, cv.InsufficientRevinfoError):
        return se.RevocationInfoUnavailableError()
    if isinstance(exc, cv.PathBuildingError | cv.PathValidationError | cv.InvalidCertificateError):
        return se.CertificateUntrustedError()
    return None


def translate(exc: BaseException, stage: str) -> se.SigningError:
    """The SigningError that names the cause of ``exc``; ``stage`` is 'read', 'sign' or 'validate'."""
    for link in _chain(exc):
        if isinstance(link, se.SigningError):
            return link
        if isinstance(link, misc.PdfDecodeLimitError):
            return se.PdfDecodeLimitError(field="file")
        if isinstance(link, PdfKeyNotAvailableError):
            return se.EncryptedPdfError(field="file")
        cert_error = _certificate_error(link)
        if cert_error is not None:
            cert_error.field = "certificate"
            return cert_error
        if isinstance(link, TimestampRequestError):
            return se.TimestampUnavailableError()
        if isinstance(link, PKCS11Error):
            return se.SignerError(
                f"The PKCS#11 token failed ({type(link).__name__}); is it still plugged in?",
                f"Thiết bị ký số PKCS#11 báo lỗi ({type(link).__name__}); thiết bị còn được cắm không?",
                field="signer",
            )
    # ArithmeticError: pyHanko parses numbers with Decimal, which raises InvalidOperation on a mangled one
    structural = misc.PdfError | ValueError | TypeError | KeyError | ArithmeticError
    if stage == "read" and isinstance(exc, structural | OSError):
        return se.InvalidPdfError(field="file")
    if stage == "validate" and isinstance(exc, structural):
        # raised while reading the file's structure (each signature's own failures become its report)
        return se.InvalidPdfError(field="file")
    if isinstance(exc, misc.PdfReadError):
        return se.InvalidPdfError(field="file")
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError):
        return se.RevocationInfoUnavailableError() if stage == "sign" else se.SigningFailedError()
    if stage == "validate":
        return se.SigningFailedError(
            f"Signature validation failed: {type(exc).__name__}.",
            f"Kiểm tra chữ ký số thất bại: {type(exc).__name__}.",
        )
    return se.SigningFailedError(
        f"Signing failed: {type(exc).__name__}.",
        f"Ký số thất bại: {type(exc).__name__}.",
    )


@contextmanager
def mapped_errors(stage: str) -> Iterator[None]:
    """Let only SigningError out of the block."""
    try:
        yield
    except se.SigningError:
        raise
    except Exception as e:  # noqa: BLE001 - this is the boundary: everything is converted
        raise translate(e, stage) from e
