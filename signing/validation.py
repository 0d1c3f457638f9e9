"""Validating every signature in a PDF (AdES/PAdES rules), online or from embedded LT/LTA data only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import ValueErrorWithMessage
from pyhanko.sign.validation.ades import AdESLTAValidationResult, ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError, ValidationInfoReadingError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing import _quiet
from signing._boundary import mapped_errors
from signing._pdf import open_for_validation
from signing.pades import timestamp_time
from signing.results import CertificateFacts, SignatureReport, display_name
from signing.runtime import SigningRuntime


class PdfValidator:
    """Checks signatures against the configured trust anchors; reports, never raises on a bad signature."""

    def __init__(self, runtime: SigningRuntime, trust_roots: tuple[x509.Certificate, ...]) -> None:
        self._runtime = runtime
        self._trust_roots = trust_roots

    def _spec(self, offline: bool) -> PdfSignatureValidationSpec:
        rule = RevinfoOnlineFetchingRule.LOCAL_ONLY if offline else RevinfoOnlineFetchingRule.ALWAYS_FETCH
        return PdfSignatureValidationSpec(
            SignatureValidationSpec(
                cert_validation_policy=CertValidationPolicySpec(
                    trust_manager=SimpleTrustManager.build(trust_roots=list(self._trust_roots)),
                    revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
                ),
                revinfo_gathering_policy=RevocationInfoGatheringSpec(
                    online_fetching_rule=rule,
                    fetcher_backend=None if offline else self._runtime.fetcher_backend,
                ),
            )
        )

    def validate(self, pdf: bytes, *, offline: bool = False) -> tuple[SignatureReport, ...]:
        """One report per signature (document timestamps excluded), in signing order.

        ``offline=True`` uses only what the PDF carries (DSS, timestamps): the
        way to check a B-LT/B-LTA file years later. Raises an ``InvalidPdfError``
        subclass only when ``pdf`` itself cannot be read.
        """
        reader = open_for_validation(pdf)
        spec = self._spec(offline)
        _quiet.install()
        with mapped_errors("validate"):
            signatures = reader.embedded_regular_signatures
            file = _LongTermData.of(reader)
            return tuple(self._validate_one(sig, spec, file) for sig in signatures)

    def _validate_one(
        self, sig: EmbeddedPdfSignature, spec: PdfSignatureValidationSpec, file: _LongTermData
    ) -> SignatureReport:
        try:
            result = self._runtime.run(_quiet.validating(ades_lta_validation(sig, spec)))
        except (ValueErrorWithMessage, ValueError) as e:
            # a structurally broken signature is a finding about that signature, not bad input
            return _broken(sig, str(e))
        return _report(sig, result, file)


@dataclass(frozen=True)
class _LongTermData:
    """What the file carries beyond the signatures: the DSS's certificates and revocation data, document stamps."""

    dss_certs: frozenset[object]
    dss_has_revinfo: bool
    doc_timestamp_revisions: tuple[int, ...]

    @classmethod
    def of(cls, reader: PdfFileReader) -> _LongTermData:
        stamps = tuple(ts.signed_revision for ts in reader.embedded_timestamp_signatures)
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except (NoDSSFoundError, ValidationInfoReadingError, ValueError, KeyError, TypeError):
            return cls(frozenset(), False, stamps)  # a damaged DSS only costs the level its long-term part
        return cls(frozenset(dss.certs), bool(dss.ocsps or dss.crls), stamps)

    def level(self, sig: EmbeddedPdfSignature, timestamped: bool) -> str:
        """The PAdES baseline level the file shows for ``sig`` (ETSI EN 319 142-1)."""
        if not timestamped:
            return "B-B"
        if not (self.dss_has_revinfo and sig.signer_cert.issuer_serial in self.dss_certs):
            return "B-T"
        later_stamp = any(rev > sig.signed_revision for rev in self.doc_timestamp_revisions)
        return "B-LTA" if later_stamp else "B-LT"


_REVOKED = frozenset({"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"})


def _revocation(status: PdfSignatureStatus, indication: str) -> str:
    # The policy requires revocation data for every certificate of the path: a trusted path was checked.
    if status.revoked or indication in _REVOKED:
        return "revoked"
    if status.trusted or indication == "OUT_OF_BOUNDS_NOT_REVOKED":
        return "not_revoked"
    return "not_checked"


def _report(sig: EmbeddedPdfSignature, result: AdESLTAValidationResult, file: _LongTermData) -> SignatureReport:
    status = result.api_status
    sub = result.ades_subindic
    indication = getattr(sub, "name", str(sub))
    if not isinstance(status, PdfSignatureStatus):
        return _broken(sig, result.failure_msg or indication, indication, sub.status.name)
    ts = status.timestamp_validity
    # pyHanko stops before the timestamp when the signer's chain fails; the token is still in the CMS.
    token_time = ts.timestamp if ts is not None else _token_time(sig)
    if ts is not None:
        ts_valid: bool | None = ts.intact and ts.valid and ts.trusted
    else:
        ts_valid = None if token_time is None else False  # present, but not checked: not vouched for
    level = status.modification_level
    details = status.revocation_details
    root = _trust_root(status)
    return SignatureReport(
        field_name=sig.field_name,
        certificate=CertificateFacts.of(status.signing_cert),
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        revoked=status.revoked,
        coverage=status.coverage.name if status.coverage is not None else "UNKNOWN",
        modification_level=level.name if level is not None else None,
        timestamp_valid=ts_valid,
        timestamp_time=token_time,
        signer_reported_time=status.signer_reported_dt or _claimed_time(sig),
        indication=indication,
        status=sub.status.name,
        revocation=_revocation(status, indication),
        revoked_at=details.revocation_date if details is not None else None,
        trust_problem=getattr(status.trust_problem_indic, "name", None),
        trust_root=root.human_friendly if root is not None else None,
        trust_root_name=display_name(root) if root is not None else None,
        pades_level=file.level(sig, token_time is not None),
        docmdp_ok=status.docmdp_ok,
        detail=result.failure_msg or "",
    )


def _trust_root(status: PdfSignatureStatus) -> x509.Name | None:
    # The anchor of the path pyHanko built and checked from the signer's certificate to a configured root;
    # pyHanko keeps a path it could not vouch for (a revoked or damaged chain): that names no trusted root.
    path = status.validation_path
    return path.trust_anchor.authority.name if path is not None and status.trusted else None


def _broken(
    sig: EmbeddedPdfSignature, detail: str, indication: str = "FORMAT_FAILURE", status: str = "FAILED"
) -> SignatureReport:
    try:
        cert: CertificateFacts | None = CertificateFacts.of(sig.signer_cert)
    except (ValueError, KeyError, TypeError):
        cert = None
    return SignatureReport(
        field_name=sig.field_name,
        certificate=cert,
        intact=False,
        valid=False,
        trusted=False,
        revoked=False,
        coverage="UNKNOWN",
        modification_level=None,
        timestamp_valid=None,
        timestamp_time=None,
        signer_reported_time=_claimed_time(sig),
        indication=indication,
        status=status,
        detail=detail,
    )


def _token_time(sig: EmbeddedPdfSignature) -> datetime | None:
    try:
        return timestamp_time(sig.pkcs7_content)
    except (ValueError, KeyError, TypeError):
        return None


def _claimed_time(sig: EmbeddedPdfSignature) -> datetime | None:
    try:
        return sig.self_reported_timestamp
    except (ValueError, KeyError, TypeError):
        return None
