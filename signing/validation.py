"""Validating every signature in a PDF (AdES/PAdES rules), online or from embedded LT/LTA data only."""

from __future__ import annotations

from datetime import datetime

from asn1crypto import x509
from pyhanko.sign.general import ValueErrorWithMessage
from pyhanko.sign.validation.ades import AdESLTAValidationResult, ades_lta_validation
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

from signing._boundary import mapped_errors
from signing._pdf import open_for_validation
from signing.results import CertificateFacts, SignatureReport
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
        with mapped_errors("validate"):
            signatures = reader.embedded_regular_signatures
            return tuple(self._validate_one(sig, spec) for sig in signatures)

    def _validate_one(self, sig: EmbeddedPdfSignature, spec: PdfSignatureValidationSpec) -> SignatureReport:
        try:
            result = self._runtime.run(ades_lta_validation(sig, spec))
        except (ValueErrorWithMessage, ValueError) as e:
            # a structurally broken signature is a finding about that signature, not bad input
            return _broken(sig, str(e))
        return _report(sig, result)


def _report(sig: EmbeddedPdfSignature, result: AdESLTAValidationResult) -> SignatureReport:
    status = result.api_status
    indication = getattr(result.ades_subindic, "name", str(result.ades_subindic))
    if not isinstance(status, PdfSignatureStatus):
        return _broken(sig, result.failure_msg or indication, indication)
    ts = status.timestamp_validity
    ts_time = ts.timestamp if ts is not None else None
    best: datetime | None = (
        getattr(result, "best_signature_time", None) or ts_time or status.signer_reported_dt
    )
    level = status.modification_level
    return SignatureReport(
        field_name=sig.field_name,
        certificate=CertificateFacts.of(status.signing_cert),
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        revoked=status.revoked,
        coverage=status.coverage.name if status.coverage is not None else "UNKNOWN",
        modification_level=level.name if level is not None else None,
        timestamp_valid=(ts.intact and ts.valid and ts.trusted) if ts is not None else None,
        timestamp_time=ts_time,
        signing_time=best,
        indication=indication,
        docmdp_ok=status.docmdp_ok,
        detail=result.failure_msg or "",
    )


def _broken(sig: EmbeddedPdfSignature, detail: str, indication: str = "FORMAT_FAILURE") -> SignatureReport:
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
        signing_time=None,
        indication=indication,
        detail=detail,
    )
