"""The Signer port and its PKCS#12 backend (the PKCS#11 token backend is in `signing.tokens`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from asn1crypto import algos, x509
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from signing.errors import SignerCredentialsError, SignerError


@runtime_checkable
class Signer(Protocol):
    """Something that holds a signing key and its certificate; the key never leaves it."""

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def pyhanko_signer(self) -> PyHankoSigner: ...

    def close(self) -> None: ...


class CachedKeySigner(PyHankoSigner):
    """A pyHanko signer for an in-memory key, parsed once.

    pyHanko's ``SimpleSigner`` re-parses the DER key on every signature and
    signs for real during size estimation; this one keeps the parsed key and
    answers a dry run with placeholder bytes.
    """

    def __init__(
        self,
        private_key: PrivateKeyTypes,
        signing_cert: x509.Certificate,
        other_certs: Iterable[x509.Certificate] = (),
    ) -> None:
        store = SimpleCertificateStore()
        store.register_multiple([signing_cert, *other_certs])
        super().__init__(signing_cert=signing_cert, cert_registry=store, embed_roots=True)
        self.__key = private_key

    def estimate_raw_signature_size(self) -> int:
        key = self.__key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.key_size // 8
        if isinstance(key, ec.EllipticCurvePrivateKey):
            # DER SEQUENCE of two INTEGERs, each at most one byte longer than the order
            n = (key.curve.key_size + 7) // 8 + 1
            return 2 * (n + 2) + 3
        return 512

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return bytes(self.estimate_raw_signature_size())
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism: algos.SignedDigestAlgorithm = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism.signature_algo
        key = self.__key
        if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
            return key.sign(data)
        raise SignerError(
            f"Unsupported key type or signature mechanism: {algo}",
            f"Loại khóa hoặc thuật toán ký không được hỗ trợ: {algo}",
            field="signer",
        )


class Pkcs12Signer:
    """A signer backed by a PKCS#12 (.p12/.pfx) file, decrypted once into memory."""

    def __init__(self, signer: CachedKeySigner, certificate: x509.Certificate) -> None:
        self._signer = signer
        self._certificate = certificate

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def pyhanko_signer(self) -> PyHankoSigner:
        return self._signer

    def close(self) -> None:
        """Nothing to release; kept for the port."""

    def __repr__(self) -> str:
        return f"Pkcs12Signer(subject={self._certificate.subject.human_friendly!r})"


def open_pkcs12_signer(
    data: bytes, passphrase: str | bytes | None, *, extra_certs: Iterable[x509.Certificate] = ()
) -> Pkcs12Signer:
    """Open a PKCS#12 file's key and certificate chain.

    ``data`` is the file's bytes, ``passphrase`` its password (never logged).
    ``extra_certs`` adds intermediates the file lacks.
    Raises ``SignerError`` if the bytes are not PKCS#12 or hold no key, and
    ``SignerCredentialsError`` (field ``passphrase``) if the passphrase is wrong.
    """
    try:
        asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parse fully to tell damage from a bad passphrase
    except (ValueError, TypeError, KeyError) as e:
        raise SignerError(
            "The file is not a PKCS#12 (.p12/.pfx) key file.",
            "Tệp không phải là tệp khóa PKCS#12 (.p12/.pfx).",
            field="signer",
        ) from e
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if secret is not None and b"\x00" in secret:  # the native PKCS#12 reader panics on a NUL
        raise SignerCredentialsError(
            "The PKCS#12 passphrase must not contain a NUL character.",
            "Mật khẩu của tệp khóa PKCS#12 không được chứa ký tự NUL.",
            field="passphrase",
        )
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError) as e:
        raise SignerCredentialsError(
            "The PKCS#12 passphrase is wrong.",
            "Mật khẩu của tệp khóa PKCS#12 không đúng.",
            field="passphrase",
        ) from e
    if key is None or cert is None:
        raise SignerError(
            "The PKCS#12 file holds no private key with its certificate.",
            "Tệp PKCS#12 không chứa khóa bí mật kèm chứng thư số.",
            field="signer",
        )
    certificate = translate_pyca_cryptography_cert_to_asn1(cert)
    chain = [translate_pyca_cryptography_cert_to_asn1(c) for c in others]
    signer = CachedKeySigner(key, certificate, [*chain, *extra_certs])
    return Pkcs12Signer(signer, certificate)
