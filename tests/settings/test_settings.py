"""One Settings from the environment: every documented variable, masked secrets, refused placeholders."""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isoledger.cli import app as cli
from isoledger.settings import Settings, SettingsError

with warnings.catch_warnings():  # starlette 1.x prefers httpx2 for its TestClient; httpx works the same here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SECRETS = {
    "ISOLEDGER_SECRET_KEY": "khoa-phien-rat-dai-0123456789abcdef",
    "ISOLEDGER_MASTER_KEY": "bXVvaS1oYWktYnl0ZS1raG9hLWNodS1iaS1tYXQtMTIz",
    "ISOLEDGER_S3_SECRET_KEY": "s3-bi-mat-9f8e7d",
    "ISOLEDGER_ADMIN_PASSWORD": "quan-tri-7Yh2",
    "ISOLEDGER_DEMO_PASSWORD": "mau-demo-4Kq9",
}
DB_PASSWORD = "mat-khau-csdl-51x"


def test_with_no_variable_the_embedded_default_needs_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({})
    home = (tmp_path / "var").resolve()
    assert s.environment == "production" and s.home == home
    assert s.database_url == f"sqlite:///{home / 'isoledger.sqlite3'}" == s.owner_database_url
    assert s.storage_url == f"file://{home / 'objects'}" and s.storage.home == home
    assert s.storage.max_size == 1024 ** 3 and s.storage.master_key is None
    assert str(s.signing.level) == "B-B" and s.tsa_url is None and s.signing.check_signer
    assert (s.web.host, s.web.port, s.web.token_ttl, s.web.secure_cookies, s.web.log_level) == \
        ("127.0.0.1", 8000, 3600, True, "info")
    assert s.web.secret_key is None and s.accounts.admin_password is None


def test_every_documented_variable_reaches_its_section(tmp_path: Path) -> None:
    url = f"postgresql://app:{DB_PASSWORD}@db.example.vn:5432/iso"
    env = {"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_DATABASE_URL": url,
           "ISOLEDGER_DATABASE_OWNER_URL": "postgresql://owner@db.example.vn/iso",
           "ISOLEDGER_STORAGE_URL": "s3://minio:9000/iso", "ISOLEDGER_S3_ACCESS_KEY": "ak",
           "ISOLEDGER_S3_SECURE": "no", "ISOLEDGER_S3_REGION": "vn-south", "ISOLEDGER_MAX_UPLOAD_SIZE": "5000",
           "ISOLEDGER_TSA_URL": "http://tsa.example.vn", "ISOLEDGER_PADES_LEVEL": "b-lta",
           "ISOLEDGER_TRUST_ROOTS": "/a.pem:/b.pem", "ISOLEDGER_SIGNING_FONT": "/f.ttf",
           "ISOLEDGER_SIGNING_CHECK_SIGNER": "0", "ISOLEDGER_SIGNING_TIMEOUT": "2.5", "ISOLEDGER_TOKEN_TTL": "120",
           "ISOLEDGER_INSECURE_COOKIES": "1", "ISOLEDGER_LOG_LEVEL": "warning",
           "ISOLEDGER_PKCS11_USERS": "/etc/iso/tokens.json", "HOST": "0.0.0.0", "PORT": "8123", **SECRETS}
    s = Settings.from_env(env)
    assert s.database_url == url and s.owner_database_url == "postgresql://owner@db.example.vn/iso"
    assert s.database.is_postgres
    st = s.storage
    assert (st.storage_url, st.s3_access_key, st.s3_secure, st.s3_region, st.max_size) == \
        ("s3://minio:9000/iso", "ak", False, "vn-south", 5000)
    assert st.database_url is not None and st.database_url.get_secret_value() == url
    assert st.master_key is not None and st.master_key.get_secret_value() == SECRETS["ISOLEDGER_MASTER_KEY"]
    assert st.s3_secret_key is not None and st.s3_secret_key.get_secret_value() == SECRETS["ISOLEDGER_S3_SECRET_KEY"]
    sg = s.signing
    assert (str(sg.level), sg.tsa_url, sg.trust_roots, sg.font_path, sg.check_signer, sg.http_timeout) == \
        ("B-LTA", "http://tsa.example.vn", (Path("/a.pem"), Path("/b.pem")), Path("/f.ttf"), False, 2.5)
    w = s.web
    assert (w.host, w.port, w.token_ttl, w.secure_cookies, w.log_level, w.pkcs11_users) == \
        ("0.0.0.0", 8123, 120, False, "warning", Path("/etc/iso/tokens.json"))
    assert s.secret_key() == SECRETS["ISOLEDGER_SECRET_KEY"]
    assert s.accounts.admin_password is not None and s.accounts.demo_password is not None
    assert s.accounts.admin_password.get_secret_value() == SECRETS["ISOLEDGER_ADMIN_PASSWORD"]


def test_secrets_are_masked_when_printed_or_logged(tmp_path: Path, caplog) -> None:
    env = {"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_DATABASE_URL": f"postgresql://app:{DB_PASSWORD}@db/iso",
           "ISOLEDGER_STORAGE_URL": "s3://minio:9000/iso", **SECRETS}
    s = Settings.from_env(env)
    with caplog.at_level(logging.INFO):
        logging.getLogger("isoledger.test").info("settings %s %r", s, s)
    shown = [str(s), repr(s), str(s.redacted()), caplog.text, str(s.storage), str(s.web), str(s.accounts)]
    for secret in [*SECRETS.values(), DB_PASSWORD]:
        assert not any(secret in text for text in shown), secret
    assert s.redacted()["database"] == "postgresql://app:***@db/iso"


def test_without_a_mapping_the_process_environment_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path / "tu-moi-truong"))
    monkeypatch.setenv("ISOLEDGER_TOKEN_TTL", "90")
    monkeypatch.setenv("ISOLEDGER_STORAGE_URL", "")  # blank is unset
    s = Settings.from_env()
    assert s.home == tmp_path / "tu-moi-truong" and s.web.token_ttl == 90
    assert s.storage_url == f"file://{tmp_path / 'tu-moi-truong' / 'objects'}"
    given = Settings.from_env({"ISOLEDGER_HOME": str(tmp_path / "chi-tu-bang")})
    assert given.home == tmp_path / "chi-tu-bang" and given.web.token_ttl == 3600


@pytest.mark.parametrize("name", list(SECRETS))
@pytest.mark.parametrize("placeholder", ["changeme", "secret", "", "  ", "Password"])
def test_a_placeholder_secret_is_refused_outside_development(name: str, placeholder: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({name: placeholder})
    assert err.value.field == name and name in err.value.message_en and name in err.value.message_vi
    Settings.from_env({name: placeholder, "ISOLEDGER_ENVIRONMENT": "development"})


@pytest.mark.parametrize("name", ["ISOLEDGER_DATABASE_URL", "ISOLEDGER_DATABASE_OWNER_URL"])
def test_a_placeholder_password_in_a_database_url_is_refused_outside_development(name: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({name: "postgresql://app:changeme@db/iso"})
    assert err.value.field == name
    assert Settings.from_env({name: "postgresql://app@db/iso"})  # no password: the server authenticates otherwise
    Settings.from_env({name: "postgresql://app:changeme@db/iso", "ISOLEDGER_ENVIRONMENT": "development"})


def test_s3_storage_without_a_secret_key_is_refused_outside_development() -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"ISOLEDGER_STORAGE_URL": "s3://minio:9000/iso"})
    assert err.value.field == "ISOLEDGER_S3_SECRET_KEY"


@pytest.mark.parametrize(("name", "value"), [
    ("ISOLEDGER_MAX_UPLOAD_SIZE", "1 GiB"), ("ISOLEDGER_TOKEN_TTL", "mot gio"), ("ISOLEDGER_S3_SECURE", "maybe"),
    ("ISOLEDGER_PADES_LEVEL", "B-XL"), ("ISOLEDGER_SIGNING_TIMEOUT", "soon"), ("PORT", "http"),
    ("ISOLEDGER_ENVIRONMENT", "staging"),
])
def test_a_malformed_value_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({name: value})
    assert err.value.field == name and name in err.value.message_vi


def test_the_cli_stops_on_a_bad_variable_naming_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path))
    monkeypatch.setenv("ISOLEDGER_MASTER_KEY", "changeme")
    result = CliRunner().invoke(cli, ["verify"])
    assert result.exit_code == 2 and "ISOLEDGER_MASTER_KEY" in result.output
    assert not (tmp_path / "isoledger.sqlite3").exists()


def test_the_server_is_built_from_the_settings_it_is_handed(tmp_path: Path) -> None:
    from api.server import build

    settings = Settings.from_env({"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_TOKEN_TTL": "120",
                                  "ISOLEDGER_ADMIN_PASSWORD": SECRETS["ISOLEDGER_ADMIN_PASSWORD"],
                                  "ISOLEDGER_SECRET_KEY": SECRETS["ISOLEDGER_SECRET_KEY"],
                                  "ISOLEDGER_INSECURE_COOKIES": "1"})
    out = io.StringIO()
    app = build(settings, demo=False, out=out)
    try:
        assert SECRETS["ISOLEDGER_ADMIN_PASSWORD"] not in out.getvalue()
        with TestClient(app) as client:
            r = client.post("/api/v1/auth/token",
                            data={"username": "admin", "password": SECRETS["ISOLEDGER_ADMIN_PASSWORD"]})
            assert r.status_code == 200, r.text
            assert r.json()["expires_in"] == 120
        assert app.state.ctx.secure_cookies is False
    finally:
        app.state.services.close()
