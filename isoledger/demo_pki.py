"""The demo's own small PKI: a demo root CA, the leaders' certificates under it, and one certificate under no root.

A real installation trusts the Ban Cơ yếu Chính phủ root and the national root of commercial CAs; the demo
trusts its own root the same way (a PEM file in ``$ISOLEDGER_HOME/trust-roots``), so a newcomer sees a
signature that is valid and trusted beside one that is deliberately not. Validation requires revocation
information for every certificate and the demo has no CRL server, so each PDF it signs gets the root's
(empty) CRL in its DSS, as an incremental update after the signature (what B-LT does with fetched CRLs).
Keys are made fresh for each demo home; no time-stamping service (the demo is offline: PAdES B-B).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "CA gốc demo isoledger (không dùng thật)"
PASSPHRASE = "demo"
TRUST_DIR = "trust-roots"
# Valid from before the demo story begins (12/2024), so the signatures of its past stay inside the validity.
VALID_FROM = datetime(2024, 11, 1, tzinfo=UTC)
ROOT_FILE = "isoledger-demo-root.pem"


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _signing_extensions(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    return (builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False))


@dataclass(frozen=True)
class DemoPki:
    """The root certificate (PEM) and its key, kept in memory for the demo's signatures."""

    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate

    @classmethod
    def create(cls) -> DemoPki:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        name = _name(ROOT_NAME, "isoledger demo")
        root = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(VALID_FROM)
                .not_valid_after(now + timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        return cls(key, root)

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def trust_in(self, home: Path) -> Path:
        """Write the root where the installation reads its trust anchors ($ISOLEDGER_HOME/trust-roots)."""
        directory = home / TRUST_DIR
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / ROOT_FILE
        path.write_bytes(self.root_pem)
        return path

    def crl_der(self) -> bytes:
        """The root's CRL: nothing revoked, valid for ten years."""
        now = datetime.now(UTC)
        crl = (x509.CertificateRevocationListBuilder().issuer_name(self.root.subject)
               .last_update(now - timedelta(days=1)).next_update(now + timedelta(days=3650))
               .add_extension(x509.CRLNumber(1), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                              critical=False)
               .sign(self.root_key, hashes.SHA256()))
        return crl.public_bytes(serialization.Encoding.DER)

    def with_revocation_info(self, pdf: bytes, signer_certificate: Any) -> bytes:
        """``pdf`` with the root, the signer's certificate and the root's CRL added to its DSS (incremental)."""
        from asn1crypto import crl as asn1_crl
        from asn1crypto import x509 as asn1_x509
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        root = asn1_x509.Certificate.load(self.root.public_bytes(serialization.Encoding.DER))
        DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=[root, signer_certificate],
                                                   crls=[asn1_crl.CertificateList.load(self.crl_der())])
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def pkcs12(self, common_name: str, organisation: str) -> bytes:
        """A signing certificate issued by the demo root, with its key and the root, as a PKCS#12 file."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        builder = (x509.CertificateBuilder().subject_name(_name(common_name, organisation))
                   .issuer_name(self.root.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(VALID_FROM)
                   .not_valid_after(now + timedelta(days=3 * 365))
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                                  critical=False))
        cert = _signing_extensions(builder).sign(self.root_key, hashes.SHA256())
        return pkcs12.serialize_key_and_certificates(common_name.encode(), key, cert, [self.root],
                                                     serialization.BestAvailableEncryption(PASSPHRASE.encode()))


@functools.cache
def untrusted_pkcs12(common_name: str, organisation: str) -> bytes:
    """A self-signed certificate, under no trusted root: what a signature "not trusted" looks like."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = _name(common_name, organisation)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(VALID_FROM)
               .not_valid_after(now + timedelta(days=365)))
    cert = _signing_extensions(builder).sign(key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(b"untrusted", key, cert, None,
                                                 serialization.BestAvailableEncryption(PASSPHRASE.encode()))
