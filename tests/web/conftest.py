"""Web page fixtures: an app over a fresh temp ISOLEDGER_HOME, two agencies, a supervisor, one person per role."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette prefers httpx2 for its TestClient; httpx works the same here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.app import create_app
from api.seed import ensure_admin
from isoledger.bootstrap import bootstrap
from isoledger.settings import Settings
from ledger.actors import Actor
from tests.environment import require
from tests.factories import OTHER, OWN, SUPERVISOR, WORLD_PASSWORD, WORLD_PEOPLE

PASSWORD, PEOPLE = WORLD_PASSWORD, WORLD_PEOPLE
OWN_NAME = "Sở Khoa học và Công nghệ A"


@dataclass
class Site:
    app: Any
    services: Any
    home: Path

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    def actor(self, username: str) -> Actor:
        _, roles, agency = PEOPLE[username]
        return Actor(username, agency, frozenset(roles))


def make_key_and_cert(common_name: str) -> tuple[Any, Any]:
    """A self-signed leader certificate and its key (the province CA's certificates are what production uses)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, OWN_NAME),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_p12(common_name: str, passphrase: bytes = b"mat-khau-ky") -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert = make_key_and_cert(common_name)
    return pkcs12.serialize_key_and_certificates(b"leader", key, cert, None,
                                                 serialization.BestAvailableEncryption(passphrase))


SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_PIN = "246810"
TOKEN_HOLDER = "Lãnh đạo Sở Khoa học và Công nghệ A"  # the certificate's name on the server's token


@pytest.fixture(scope="session")
def leader_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A SoftHSM2 token holding the agency leader's key and certificate, as the server would configure it."""
    import os
    import shutil
    import subprocess

    from cryptography.hazmat.primitives import serialization

    from signing import Pkcs11Settings

    require(bool(Path(SOFTHSM_LIB).exists() and shutil.which("softhsm2-util") and shutil.which("pkcs11-tool")),
            "softhsm2 and opensc (Debian packages) are needed for the PKCS#11 page test")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    key, cert = make_key_and_cert(TOKEN_HOLDER)
    (home / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    (home / "cert.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, env={**os.environ}, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", "so-khcn-a", "--pin", TOKEN_PIN, "--so-pin", "13579")
    run("softhsm2-util", "--import", str(home / "key.pem"), "--token", "so-khcn-a", "--label", "lanh-dao",
        "--id", "01", "--pin", TOKEN_PIN)
    run("pkcs11-tool", "--module", SOFTHSM_LIB, "--token-label", "so-khcn-a", "--login", "--pin", TOKEN_PIN,
        "--write-object", str(home / "cert.der"), "--type", "cert", "--label", "lanh-dao", "--id", "01")
    try:
        yield Pkcs11Settings(module_path=SOFTHSM_LIB, pin=TOKEN_PIN, token_label="so-khcn-a", key_label="lanh-dao",
                             raw_mechanism=True)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def _signing() -> Any:
    from signing import SigningConfig, build_signing_service

    return build_signing_service(SigningConfig(check_signer=False))


def build_site(home: Path, tokens: dict[str, Any] | None = None) -> Site:
    """``tokens``: the PKCS#11 settings the server keeps per username (ISOLEDGER_PKCS11_USERS in production)."""
    settings = Settings.from_env({"ISOLEDGER_HOME": str(home)})
    services = bootstrap(settings)
    held = dict(tokens or {})
    app = create_app(services, archive=services.archive, signing_factory=_signing, secret_key="khoa-bi-mat-web",
                     fast_passwords=True, secure_cookies=False, pkcs11_for=held.get)
    ctx = app.state.ctx
    ensure_admin(ctx, password=PASSWORD)
    admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
    ctx.directory.create_agency(admin, agency_id=SUPERVISOR, name="Chi cục Tiêu chuẩn Đo lường Chất lượng S",
                                supervised_by=[])
    ctx.directory.create_agency(admin, agency_id=OWN, name=OWN_NAME, supervised_by=[SUPERVISOR])
    ctx.directory.create_agency(admin, agency_id=OTHER, name="Sở Tư pháp B", supervised_by=[])
    hashed = ctx.passwords.hash(PASSWORD)
    for username, (name, roles, agency) in PEOPLE.items():
        ctx.directory.create_account(admin, username=username, agency_id=agency, full_name=name, roles=roles)
        ctx.store.set_password_hash(username, hashed)
    services.projector.catch_up()
    return Site(app, services, home)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    built = build_site(tmp_path / "home")
    yield built
    close_site(built)


def close_site(built: Site) -> None:
    signing = built.ctx.signing
    for service in getattr(signing, "built", []):
        service.close()
    built.services.close()


class Browser:
    """A TestClient that signs in through the login page and sends the CSRF token its forms carry."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def login_csrf(self) -> str:
        """The sign-in form's pre-session token (its cookie stays in the client)."""
        token = re.search(r'action="/login".*?name="csrf" value="([^"]+)"', self.client.get("/login").text, re.S)
        assert token, "no CSRF field on the sign-in page"
        return token.group(1)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        r = self.client.post("/login", data={"csrf": self.login_csrf(), "username": username, "password": password,
                                             "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        return r

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def csrf(self, page: str = "/") -> str:
        html = self.client.get(page).text
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        assert m, "no CSRF field on " + page
        return m.group(1)

    def post(self, url: str, data: dict[str, Any] | None = None, *, page: str = "/", **kw: Any) -> Any:
        body = dict(data or {})
        body.setdefault("csrf", self.csrf(page))
        return self.client.post(url, data=body, follow_redirects=False, **kw)


@pytest.fixture
def web(site: Site) -> Iterator[Browser]:
    with TestClient(site.app, raise_server_exceptions=False) as client:
        yield Browser(client)
