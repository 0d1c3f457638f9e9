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
    """The signer's certificate as the ledger records it, and as a person reads it (name, organisation)."""

    fingerprint_sha256: str
    subject: str
    issuer: str
    serial: str  # lowercase hex, as printed by most certificate viewers
    common_name: str
    organization: str = ""
    issuer_name: str = ""  # the issuing CA's common name, else its organisation
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    self_signed: bool = False  # issued by nobody but its holder: no authority vouches for it

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertificateFacts:
        subject, issuer = cert.subject.native, cert.issuer.native
        validity = cert["tbs_certificate"]["validity"]
        return cls(
            fingerprint_sha256=cert.sha256.hex(),
            subject=cert.subject.human_friendly,
            issuer=cert.issuer.human_friendly,
            serial=format(cert.serial_number, "x"),
            common_name=_attribute(subject, "common_name"),
            organization=_attribute(subject, "organization_name"),
            issuer_name=_attribute(issuer, "common_name") or _attribute(issuer, "organization_name"),
            valid_from=validity["not_before"].native,
            valid_until=validity["not_after"].native,
            self_signed=cert.self_signed != "no",
        )


def display_name(name: x509.Name) -> str:
    """A name as a person calls it: its common name, else its organisation, else the whole name."""
    native = name.native
    return _attribute(native, "common_name") or _attribute(native, "organization_name") or name.human_friendly


def _attribute(name: dict[str, Any], key: str) -> str:
    value = name.get(key, "")
    return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


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
    """The verdict on one signature in a PDF; validation reports, it does not raise.

    The codes are machine readable; ``signing.indications.describe`` gives the words a person reads.
    """

    field_name: str
    certificate: CertificateFacts | None
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # ... and the cryptographic signature over them checks out
    trusted: bool  # the certificate chains to a trust anchor, and was not revoked at signing time
    revoked: bool
    coverage: str  # pyHanko SignatureCoverageLevel name, e.g. ENTIRE_FILE, ENTIRE_REVISION
    modification_level: str | None  # pyHanko ModificationLevel name, e.g. NONE, LTA_UPDATES, FORM_FILLING
    timestamp_valid: bool | None  # None when there is no timestamp; False when it failed or was not checked
    timestamp_time: datetime | None  # the signature timestamp's genTime
    signer_reported_time: datetime | None  # the signer's claim: CMS signingTime, else the PDF's /M
    indication: str  # ETSI EN 319 102-1 sub-indication (OK when passed), e.g. NO_CERTIFICATE_CHAIN_FOUND
    status: str = "INDETERMINATE"  # ETSI EN 319 102-1 main indication: PASSED, INDETERMINATE, FAILED
    revocation: str = "not_checked"  # not_revoked (checked), revoked, or not_checked
    revoked_at: datetime | None = None
    trust_problem: str | None = None  # the sub-indication of what is wrong with the certificate, if anything
    # The configured trust anchor the (trusted) certificate chain ends at: its subject as a person reads it, and
    # its common name (else organisation); None whenever the certificate is not trusted.
    trust_root: str | None = None
    trust_root_name: str | None = None
    pades_level: str | None = None  # B-B, B-T, B-LT, B-LTA as the file shows it; None if unreadable
    docmdp_ok: bool | None = None
    detail: str = ""

    @property
    def signing_time_source(self) -> str | None:
        """``timestamp`` when a valid signature timestamp dates the signature, else ``signer`` (a claim)."""
        if self.timestamp_time is not None and self.timestamp_valid:
            return "timestamp"
        return "signer" if self.signer_reported_time is not None else None

    @property
    def signing_time(self) -> datetime | None:
        """The best evidence of when it was signed; never the moment of validation."""
        return self.timestamp_time if self.signing_time_source == "timestamp" else self.signer_reported_time

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, not revoked, and nothing but allowed changes after it."""
        return (
            self.intact and self.valid and self.trusted and not self.revoked and self.docmdp_ok is not False
        )
