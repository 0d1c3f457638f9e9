"""Fixtures for the signing tests: a loopback PKI, a signing service, signers, images, a SoftHSM token."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from signing import (
    Look,
    PadesLevel,
    Pkcs11Settings,
    SigningConfig,
    SigningService,
    build_signing_service,
    open_pkcs12_signer,
)
from signing.signers import Pkcs12Signer
from signing.testing import PASSPHRASE, TOKEN_PIN, LoopbackPki, sample_pdf, served_pki
from tests.environment import require

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture(scope="session")
def config(pki: LoopbackPki) -> SigningConfig:
    return SigningConfig(level=PadesLevel.B_T, tsa_url=pki.tsa_url, trust_roots=(pki.root_cert_path,))


@pytest.fixture(scope="session")
def service(config: SigningConfig) -> Iterator[SigningService]:
    with build_signing_service(config) as svc:
        yield svc


def _pkcs12_signer(pki: LoopbackPki, label: str) -> Pkcs12Signer:
    return open_pkcs12_signer(pki.pkcs12(label, PASSPHRASE.encode()), PASSPHRASE)


@pytest.fixture(scope="session")
def leader(pki: LoopbackPki) -> Pkcs12Signer:
    return _pkcs12_signer(pki, "leader")


@pytest.fixture(scope="session")
def reviewer(pki: LoopbackPki) -> Pkcs12Signer:
    return _pkcs12_signer(pki, "reviewer")


@pytest.fixture(scope="session")
def revoked_signer(pki: LoopbackPki) -> Pkcs12Signer:
    return _pkcs12_signer(pki, "revoked")


@pytest.fixture(scope="session")
def expired_signer(pki: LoopbackPki) -> Pkcs12Signer:
    return _pkcs12_signer(pki, "expired")


@pytest.fixture(scope="session")
def pdf() -> bytes:
    return sample_pdf(1)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    """A blue handwritten-looking signature on a transparent background."""
    img = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = (20, 40, 200, 255)
    draw.line([(10, 90), (60, 20), (90, 100), (140, 30), (170, 80), (290, 40)], fill=blue, width=7)
    draw.arc((150, 20, 260, 110), 200, 340, fill=blue, width=5)
    return _png(img)


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    """A red round seal on a transparent background."""
    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (210, 20, 30, 255)
    draw.ellipse((4, 4, 236, 236), outline=red, width=10)
    draw.ellipse((40, 40, 200, 200), outline=red, width=4)
    draw.regular_polygon((120, 120, 40), 5, fill=red)
    return _png(img)


@pytest.fixture(scope="session")
def agency_look(signature_png: bytes, seal_png: bytes) -> Look:
    return Look(signature_png=signature_png, seal_png=seal_png)


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory, pki: LoopbackPki) -> Iterator[Pkcs11Settings]:
    """A SoftHSM2 token holding the 'token' signer's key and certificate (imported, never exported)."""
    require(bool(Path(SOFTHSM_LIB).exists() and shutil.which("softhsm2-util") and shutil.which("pkcs11-tool")),
            "softhsm2 and opensc (Debian packages) are needed for the PKCS#11 tests")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ}

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, env=env, timeout=60)

    run(
        "softhsm2-util",
        "--init-token",
        "--free",
        "--label",
        "isoledger",
        "--pin",
        TOKEN_PIN,
        "--so-pin",
        "13579",
    )
    run(
        "softhsm2-util", "--import", str(pki.key_path("token")), "--token", "isoledger",
        "--label", "hoang-minh-duc", "--id", "01", "--pin", TOKEN_PIN,
    )  # fmt: skip
    cert_der = home / "token.cert.der"
    cert_der.write_bytes(pki.cert("token").dump())
    run(
        "pkcs11-tool", "--module", SOFTHSM_LIB, "--token-label", "isoledger", "--login", "--pin", TOKEN_PIN,
        "--write-object", str(cert_der), "--type", "cert", "--label", "hoang-minh-duc", "--id", "01",
    )  # fmt: skip
    try:
        yield Pkcs11Settings(
            module_path=SOFTHSM_LIB,
            pin=TOKEN_PIN,
            token_label="isoledger",
            key_label="hoang-minh-duc",
            raw_mechanism=True,
            extra_certs=(pki.cert("interm"),),
        )
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def pdfsig(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bytes], str]:
    """Poppler's independent verdict on a PDF's signatures (its stdout)."""
    require(shutil.which("pdfsig") is not None, "poppler-utils (Debian) is needed for the pdfsig checks")
    home = tmp_path_factory.mktemp("pdfsig")
    counter = iter(range(10**6))

    def check(data: bytes) -> str:
        path = home / f"doc{next(counter)}.pdf"
        path.write_bytes(data)
        done = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, timeout=60, text=True)
        return done.stdout + done.stderr

    return check
