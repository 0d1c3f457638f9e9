"""Frozen results: what a signature is (SignatureFacts), what signing returns, what validation finds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import x509

from ledger.files import FileRef
from signing.config import Meaning, PadesLevel

PDF_MEDIA_TYPE = "application/pdf"


@dataclass(frozen=True)
class CertificateFacts:
    """The signer's certificate as the ledger records it."""

    fingerprint_sha256: str
    subject: str
    issuer: str
    serial: str  # lowercase hex, as printed by most certificate viewers
    common_name: str

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertificateFacts:
        return cls(
            fingerprint_sha256=cert.sha256.hex(),
            subject=cert.subject.human_friendly,
            issuer=cert.issuer.human_friendly,
            serial=format(cert.serial_number, "x"),
            common_name=str(cert.subject.native.get("common_name", "")),
        )


@dataclass(frozen=True)
class SignatureFacts:
    """Everything a ``Signed`` event says about one signature, except the stored file."""

    signer: str
    meaning: Meaning
    certificate: CertificateFacts
    level: PadesLevel
    signing_time: datetime
    timestamp_time: datetime | None
    field_name: str


@dataclass(frozen=True)
class SignedPdf:
    """The signed PDF (``content``) and the facts of the signature just added to it."""

    facts: SignatureFacts
    content: bytes = field(repr=False)
    sha256: str
    size: int
    media_type: str = PDF_MEDIA_TYPE

    @classmethod
    def build(cls, facts: SignatureFacts, content: bytes) -> SignedPdf:
        return cls(
            facts=facts, content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content)
        )

    def event_fields(self, signed_file: FileRef) -> dict[str, Any]:
        """The fields of the ``Signed`` event, once the archive has stored ``content`` as ``signed_file``."""
        if signed_file.sha256 != self.sha256:
            raise ValueError("signed_file does not reference these signed bytes")
        f = self.facts
        return {
            "signer": f.signer,
            "meaning": f.meaning.value,
            "certificate_fingerprint": f.certificate.fingerprint_sha256,
            "certificate_subject": f.certificate.subject,
            "certificate_issuer": f.certificate.issuer,
            "certificate_serial": f.certificate.serial,
            "pades_level": f.level.value,
            "signing_time": f.signing_time.isoformat(),
            "timestamp_time": f.timestamp_time.isoformat() if f.timestamp_time else None,
            "signed_file": signed_file.to_dict(),
        }


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one signature in a PDF; validation reports, it does not raise."""

    field_name: str
    certificate: CertificateFacts | None
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # ... and the cryptographic signature over them checks out
    trusted: bool  # the certificate chains to a trust anchor, and was not revoked at signing time
    revoked: bool
    coverage: str  # pyHanko SignatureCoverageLevel name, e.g. ENTIRE_FILE, ENTIRE_REVISION
    modification_level: str | None  # pyHanko ModificationLevel name, e.g. NONE, LTA_UPDATES, FORM_FILLING
    timestamp_valid: bool | None  # None when the signature has no timestamp
    timestamp_time: datetime | None
    signing_time: datetime | None  # best known: timestamp time, else the signer's claim
    indication: str  # ETSI EN 319 102-1 (sub)indication, e.g. OK, REVOKED_NO_POE
    docmdp_ok: bool | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, not revoked, and nothing but allowed changes after it."""
        return (
            self.intact and self.valid and self.trusted and not self.revoked and self.docmdp_ok is not False
        )
