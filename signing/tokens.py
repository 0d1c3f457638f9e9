"""PKCS#11 backend of the Signer port: keys on USB tokens (or SoftHSM), used through python-pkcs11."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner

from signing.errors import SignerCredentialsError, SignerError, SigningConfigError


@dataclass(frozen=True)
class Pkcs11Settings:
    """Where the key lives on a PKCS#11 token; the PIN is kept out of repr and logs."""

    module_path: str
    pin: str = field(repr=False)
    token_label: str | None = None
    key_label: str | None = None
    cert_label: str | None = None
    key_id: bytes | None = None
    # Tokens that only offer raw ECDSA (SoftHSM, many national-CA tokens) need pre-hashing.
    raw_mechanism: bool = False
    extra_certs: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pkcs11Settings:
        """From JSON-like settings: ``key_id`` in hex, ``extra_certs`` as PEM/DER file paths."""
        from pyhanko.keys import load_certs_from_pemder

        try:
            return cls(
                module_path=str(data["module_path"]),
                pin=str(data["pin"]),
                token_label=data.get("token_label"),
                key_label=data.get("key_label"),
                cert_label=data.get("cert_label"),
                key_id=bytes.fromhex(data["key_id"]) if data.get("key_id") else None,
                raw_mechanism=bool(data.get("raw_mechanism", False)),
                extra_certs=tuple(load_certs_from_pemder(list(data.get("extra_certs", ())))),
            )
        except (KeyError, ValueError, TypeError, OSError) as e:
            raise SigningConfigError(
                "Invalid PKCS#11 token settings (module_path and pin are required).",
                "Cấu hình thiết bị ký PKCS#11 không hợp lệ (cần module_path và pin).",
                field="pkcs11",
            ) from e


class Pkcs11Signer:
    """A signer whose private key stays on the token; one logged-in session per instance."""

    def __init__(self, session: Any, signer: PyHankoSigner, certificate: x509.Certificate) -> None:
        self._session = session
        self._signer = signer
        self._certificate = certificate
        self._lock = threading.Lock()

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def pyhanko_signer(self) -> PyHankoSigner:
        return self._signer

    @property
    def lock(self) -> threading.Lock:
        """A token session serves one operation at a time."""
        return self._lock

    def close(self) -> None:
        try:
            self._session.close()
        except Exception:  # noqa: BLE001 - a vanished token cannot be closed more; nothing to report
            pass

    def __enter__(self) -> Pkcs11Signer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Pkcs11Signer(subject={self._certificate.subject.human_friendly!r})"


def open_pkcs11_signer(settings: Pkcs11Settings) -> Pkcs11Signer:
    """Log in to the token and find the signing key and certificate.

    Raises ``SignerCredentialsError`` (field ``pin``) for a wrong or locked PIN and
    ``SignerError`` when the module, token, key or certificate cannot be found.
    """
    try:
        import pkcs11
        from pkcs11 import exceptions as p11_errors
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.general import SigningError as PyHankoSigningError
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError as e:  # pragma: no cover - the pkcs11 extra is a dependency
        raise SignerError("python-pkcs11 is not installed.", "Thiếu thư viện python-pkcs11.") from e

    criteria = TokenCriteria(label=settings.token_label) if settings.token_label else None
    try:
        session = open_pkcs11_session(settings.module_path, token_criteria=criteria, user_pin=settings.pin)
    except (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange) as e:
        raise SignerCredentialsError(
            "The token PIN is wrong.", "Mã PIN của thiết bị ký số không đúng.", field="pin"
        ) from e
    except p11_errors.PinLocked as e:
        raise SignerCredentialsError(
            "The token PIN is locked.", "Mã PIN của thiết bị ký số đã bị khóa.", field="pin"
        ) from e
    except (pkcs11.PKCS11Error, PyHankoSigningError, OSError, RuntimeError) as e:
        raise SignerError(
            f"The PKCS#11 token could not be opened ({type(e).__name__}).",
            f"Không mở được thiết bị ký số PKCS#11 ({type(e).__name__}).",
            field="signer",
        ) from e
    try:
        signer = PKCS11Signer(
            session,
            key_label=settings.key_label,
            cert_label=settings.cert_label,
            key_id=settings.key_id,
            ca_chain=list(settings.extra_certs),
            use_raw_mechanism=settings.raw_mechanism,
        )
        certificate = signer.signing_cert  # loads key and certificate handles now, not mid-signature
    except (pkcs11.PKCS11Error, PyHankoSigningError, ValueError, OSError) as e:
        session.close()
        raise SignerError(
            "The signing key or certificate was not found on the token.",
            "Không tìm thấy khóa ký hoặc chứng thư số trên thiết bị ký số.",
            field="signer",
        ) from e
    return Pkcs11Signer(session, signer, certificate)
