"""Both signer backends behind one port: PKCS#12 file and PKCS#11 token (SoftHSM2); secrets never logged."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from signing import Pkcs11Settings, Signer, SigningService, open_pkcs11_signer, open_pkcs12_signer
from signing.errors import SignerCredentialsError, SignerError
from signing.signers import CachedKeySigner
from signing.testing import AGENCY, PASSPHRASE, TOKEN_PIN, LoopbackPki


def test_pkcs12_signer_implements_the_port(leader: Signer) -> None:
    assert isinstance(leader, Signer)
    assert isinstance(leader.pyhanko_signer, CachedKeySigner)


def test_wrong_pkcs12_passphrase_names_the_passphrase(pki: LoopbackPki) -> None:
    with pytest.raises(SignerCredentialsError) as err:
        open_pkcs12_signer(pki.pkcs12("leader", PASSPHRASE.encode()), "sai mật khẩu")
    assert err.value.field == "passphrase" and err.value.code == "signer_credentials"


def test_bytes_that_are_not_pkcs12_are_refused() -> None:
    with pytest.raises(SignerError) as err:
        open_pkcs12_signer(b"-----BEGIN NOTHING-----", PASSPHRASE)
    assert err.value.code == "signer_unavailable"


def test_cached_key_signer_answers_a_dry_run_without_signing(leader: Signer) -> None:
    import asyncio

    signer = leader.pyhanko_signer
    assert isinstance(signer, CachedKeySigner)
    placeholder = asyncio.run(signer.async_sign_raw(b"data", "sha256", dry_run=True))
    assert placeholder == bytes(len(placeholder)) and len(placeholder) >= 70


def test_pkcs11_token_signature_validates(
    service: SigningService, pdf: bytes, softhsm_token: Pkcs11Settings
) -> None:
    with open_pkcs11_signer(softhsm_token) as token:
        assert token.certificate.subject.native["common_name"] == "Hoàng Minh Đức"
        signed = service.sign(pdf, token, signer_name="Hoàng Minh Đức", agency=AGENCY, meaning="approval")
    (report,) = service.validate(signed.content)
    assert report.ok and report.certificate is not None and report.certificate.common_name == "Hoàng Minh Đức"


def test_wrong_token_pin_names_the_pin(softhsm_token: Pkcs11Settings) -> None:
    with pytest.raises(SignerCredentialsError) as err:
        open_pkcs11_signer(replace(softhsm_token, pin="000000"))
    assert err.value.field == "pin"


def test_missing_key_on_token_is_a_signer_error(softhsm_token: Pkcs11Settings) -> None:
    with pytest.raises(SignerError) as err:
        open_pkcs11_signer(replace(softhsm_token, key_label="khong-co"))
    assert not isinstance(err.value, SignerCredentialsError)


def test_unknown_token_is_a_signer_error(softhsm_token: Pkcs11Settings) -> None:
    with pytest.raises(SignerError):
        open_pkcs11_signer(replace(softhsm_token, token_label="khong-co-token"))


def test_pin_is_not_in_the_settings_repr(softhsm_token: Pkcs11Settings) -> None:
    assert TOKEN_PIN not in repr(softhsm_token)


def test_passphrases_and_pins_are_never_logged(
    caplog: pytest.LogCaptureFixture,
    service: SigningService,
    pdf: bytes,
    pki: LoopbackPki,
    softhsm_token: Pkcs11Settings,
) -> None:
    caplog.set_level(logging.DEBUG)
    p12 = open_pkcs12_signer(pki.pkcs12("reviewer", PASSPHRASE.encode()), PASSPHRASE)
    service.sign(pdf, p12, signer_name="B", agency=AGENCY, meaning="review", level="B-LT")
    with open_pkcs11_signer(softhsm_token) as token:
        service.sign(pdf, token, signer_name="C", agency=AGENCY, meaning="approval", level="B-LT")
    failures = []
    for attempt in (
        lambda: open_pkcs12_signer(pki.pkcs12("reviewer", PASSPHRASE.encode()), PASSPHRASE + "x"),
        lambda: open_pkcs11_signer(replace(softhsm_token, pin=TOKEN_PIN + "9")),
    ):
        with pytest.raises(SignerCredentialsError) as err:
            attempt()
        failures.append(err.value)
    assert caplog.records, "the flows above should have logged something at DEBUG"
    for secret in (PASSPHRASE, TOKEN_PIN):
        for record in caplog.records:
            assert secret not in record.getMessage()
            assert secret not in str(record.exc_text or "")
        for failure in failures:
            assert secret not in str(failure) and secret not in failure.message_vi
            assert secret not in repr(failure.__cause__)


class CountingSigner(CachedKeySigner):
    def __init__(self, template: CachedKeySigner, key: object) -> None:
        super().__init__(key, template.signing_cert, list(template.cert_registry))  # type: ignore[arg-type]
        self.real = 0
        self.dry = 0

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            self.dry += 1
        else:
            self.real += 1
        return await super().async_sign_raw(data, digest_algorithm, dry_run)


class CountingPort:
    def __init__(self, template: Signer, signer: CountingSigner) -> None:
        self.certificate = template.certificate
        self.pyhanko_signer = signer

    def close(self) -> None:
        pass


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT"])
def test_each_signature_signs_once_without_a_dry_run(
    service: SigningService, pdf: bytes, pki: LoopbackPki, leader: Signer, level: str
) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(pki.key_path("leader").read_bytes(), None)
    template = leader.pyhanko_signer
    assert isinstance(template, CachedKeySigner)
    counting = CountingSigner(template, key)
    service.sign(
        pdf, CountingPort(leader, counting), signer_name="A", agency=AGENCY, meaning="approval", level=level
    )
    assert (counting.real, counting.dry) == (1, 0)


def test_pkcs11_settings_from_json_like_dict(pki: LoopbackPki, tmp_path: Path) -> None:
    from signing.errors import SigningConfigError

    chain = tmp_path / "interm.pem"
    from asn1crypto import pem

    chain.write_bytes(pem.armor("CERTIFICATE", pki.cert("interm").dump()))
    settings = Pkcs11Settings.from_dict(
        {"module_path": "/lib.so", "pin": "1", "key_label": "k", "key_id": "01", "extra_certs": [str(chain)]}
    )
    assert settings.key_id == b"\x01"
    assert [c.sha256 for c in settings.extra_certs] == [pki.cert("interm").sha256]
    with pytest.raises(SigningConfigError):
        Pkcs11Settings.from_dict({"pin": "1"})
