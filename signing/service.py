"""The signing facade and its factory: what the application's bootstrap builds once per process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from asn1crypto import x509
from pyhanko.keys import load_certs_from_pemder

from signing import errors as se
from signing.appearance import Look, Placement
from signing.config import Meaning, PadesLevel, SigningConfig, trust_root_files
from signing.fonts import stamp_font
from signing.pades import PadesSigner
from signing.placement import StampRequest
from signing.results import SignatureReport, SignedPdf
from signing.runtime import SigningRuntime
from signing.signers import Signer
from signing.validation import PdfValidator


class SigningService:
    """Signs and validates PDFs; holds the process's loop, HTTP session and timestamper. Close it at exit."""

    def __init__(
        self,
        config: SigningConfig,
        runtime: SigningRuntime,
        trust_roots: tuple[x509.Certificate, ...],
        clock: Callable[[], datetime] | None = None,
    ):
        self.config = config
        self._runtime = runtime
        self._signer = PadesSigner(
            config, runtime, trust_roots, stamp_font(config.font_path, config.font_size), clock
        )
        self._validator = PdfValidator(runtime, trust_roots)
        self.trust_roots_configured = bool(trust_roots)  # without any, no certificate can be found trustworthy

    def sign(
        self,
        pdf: bytes,
        signer: Signer,
        *,
        signer_name: str,
        agency: str,
        meaning: Meaning | str,
        look: Look | None = None,
        placement: Placement | StampRequest | None = None,
        level: PadesLevel | str | None = None,
        field_name: str | None = None,
        style: Meaning | str | None = None,
    ) -> SignedPdf:
        """Add one PAdES signature to ``pdf``; see ``PadesSigner.sign``."""
        return self._signer.sign(
            pdf,
            signer,
            signer_name=signer_name,
            agency=agency,
            meaning=meaning,
            look=look,
            placement=placement,
            level=level,
            field_name=field_name,
            style=style,
        )

    def available_levels(self) -> tuple[PadesLevel, ...]:
        """The PAdES levels this installation can make (a TSA for B-T and up, trust roots for B-LT and up)."""
        return self._signer.available_levels()

    def validate(self, pdf: bytes, *, offline: bool = False) -> tuple[SignatureReport, ...]:
        """One report per signature; see ``PdfValidator.validate``."""
        return self._validator.validate(pdf, offline=offline)

    def close(self) -> None:
        self._runtime.close()

    def __enter__(self) -> SigningService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_trust_roots(config: SigningConfig) -> tuple[x509.Certificate, ...]:
    """The certificates of ISOLEDGER_TRUST_ROOTS: files, and every .pem/.crt/.cer/.der file of a directory."""
    try:
        return tuple(load_certs_from_pemder([str(p) for p in trust_root_files(config.trust_roots)]))
    except (OSError, ValueError) as e:
        raise se.SigningConfigError(
            "The trust anchors in ISOLEDGER_TRUST_ROOTS cannot be read.",
            "Không đọc được chứng thư gốc tin cậy trong ISOLEDGER_TRUST_ROOTS.",
            field="ISOLEDGER_TRUST_ROOTS",
        ) from e


def build_signing_service(config: SigningConfig, *, clock: Callable[[], datetime] | None = None) -> SigningService:
    """Build the process's signing service from ``config`` (the ``signing`` section of the settings).

    ``clock`` gives the signing time the signatures claim (default: now); the demo replays a past year with it.
    """
    trust_roots = load_trust_roots(config)
    runtime = SigningRuntime(config.tsa_url, config.http_timeout)
    try:
        return SigningService(config, runtime, trust_roots, clock)
    except BaseException:
        runtime.close()
        raise
