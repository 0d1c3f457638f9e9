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

PASSWORD = "mat-khau-thu-nghiem-42"
OWN, OTHER, SUPERVISOR = "so-khcn-a", "so-tu-phap-b", "chi-cuc-tdc-s"
OWN_NAME = "Sở Khoa học và Công nghệ A"
PEOPLE = {
    "thuky": ("Lê Thị Thu Hà", ["iso_secretary", "staff"], OWN),
    "giamdoc": ("Nguyễn Văn Ánh", ["agency_leader"], OWN),
    "truongphong": ("Trần Quốc Bảo", ["department_leader"], OWN),
    "vanthu": ("Đặng Minh Khoa", ["records_controller"], OWN),
    "chuyenvien": ("Huỳnh Thị Ngọc Ánh", ["staff"], OWN),
    "danhgia": ("Võ Thành Đạt", ["internal_auditor"], OWN),
    "kiemtra": ("Thạch Thị Sà Rây", ["inspector"], SUPERVISOR),
    "thuky-b": ("Ngô Văn Bình", ["iso_secretary"], OTHER),
    "vanthu-b": ("Lý Thị Cúc", ["records_controller"], OTHER),
}


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


def make_p12(common_name: str, passphrase: bytes = b"mat-khau-ky") -> bytes:
    """A self-signed PKCS#12 for a leader (the province CA's certificates are what production uses)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
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
    return pkcs12.serialize_key_and_certificates(b"leader", key, cert, None,
                                                 serialization.BestAvailableEncryption(passphrase))


def _signing() -> Any:
    from signing import SigningConfig, build_signing_service

    return build_signing_service(SigningConfig(check_signer=False))


def build_site(home: Path) -> Site:
    settings = Settings.from_env({"ISOLEDGER_HOME": str(home)})
    services = bootstrap(settings)
    app = create_app(services, archive=services.archive, signing_factory=_signing, secret_key="khoa-bi-mat-web",
                     fast_passwords=True, secure_cookies=False)
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

    def login(self, username: str, password: str = PASSWORD) -> Any:
        r = self.client.post("/login", data={"username": username, "password": password, "next": "/"},
                             follow_redirects=False)
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
