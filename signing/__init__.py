"""PAdES signing and validation of PDFs (pyHanko), with PKCS#12 and PKCS#11 signers and Decree 30 stamps."""

from __future__ import annotations

from signing.appearance import Look, Placement
from signing.config import Meaning, PadesLevel, SigningConfig
from signing.errors import SigningError
from signing.results import CertificateFacts, SignatureFacts, SignatureReport, SignedPdf
from signing.service import SigningService, build_signing_service
from signing.signers import Signer, open_pkcs12_signer
from signing.tokens import Pkcs11Settings, open_pkcs11_signer

__all__ = [
    "CertificateFacts",
    "Look",
    "Meaning",
    "PadesLevel",
    "Placement",
    "Pkcs11Settings",
    "SignatureFacts",
    "SignatureReport",
    "SignedPdf",
    "Signer",
    "SigningConfig",
    "SigningError",
    "SigningService",
    "build_signing_service",
    "open_pkcs11_signer",
    "open_pkcs12_signer",
]
