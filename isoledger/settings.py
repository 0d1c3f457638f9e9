"""The one reader of the environment: ISOLEDGER_* variables become one Settings, nested per concern."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from archive.bootstrap import ArchiveSettings
from archive.service import DEFAULT_MAX_SIZE
from ledger.config import default_database_url, is_postgres
from ledger.errors import IsoledgerError
from signing.config import DEFAULT_FONT, PadesLevel, SigningConfig

DEVELOPMENT = "development"
PLACEHOLDERS = frozenset({"", "changeme", "change-me", "change_me", "changethis", "secret", "password", "passwd",
                          "admin", "default", "example", "test", "123456", "12345678", "xxx", "todo"})
SECRETS = ("ISOLEDGER_SECRET_KEY", "ISOLEDGER_MASTER_KEY", "ISOLEDGER_S3_SECRET_KEY", "ISOLEDGER_ADMIN_PASSWORD",
           "ISOLEDGER_DEMO_PASSWORD")
_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


class SettingsError(IsoledgerError):
    """A variable that is malformed, inconsistent or a placeholder secret; ``field`` names the variable."""

    code = "invalid_setting"
    message_vi = "Cấu hình không hợp lệ."
    message_en = "The configuration is invalid."


def _var(name: str, default: Any = None) -> Any:
    return Field(default, validation_alias=name)


class _Variables(BaseModel):
    """The variables exactly as README lists them; blank means unset, except for secrets (see _secret)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "production"] = _var("ISOLEDGER_ENVIRONMENT", "production")
    home: str = _var("ISOLEDGER_HOME", "./var")
    database_url: SecretStr | None = _var("ISOLEDGER_DATABASE_URL")
    owner_database_url: SecretStr | None = _var("ISOLEDGER_DATABASE_OWNER_URL")
    storage_url: str | None = _var("ISOLEDGER_STORAGE_URL")
    master_key: SecretStr | None = _var("ISOLEDGER_MASTER_KEY")
    max_upload_size: int = _var("ISOLEDGER_MAX_UPLOAD_SIZE", DEFAULT_MAX_SIZE)
    s3_access_key: str | None = _var("ISOLEDGER_S3_ACCESS_KEY")
    s3_secret_key: SecretStr | None = _var("ISOLEDGER_S3_SECRET_KEY")
    s3_secure: bool = _var("ISOLEDGER_S3_SECURE", True)
    s3_region: str | None = _var("ISOLEDGER_S3_REGION")
    tsa_url: str | None = _var("ISOLEDGER_TSA_URL")
    pades_level: PadesLevel | None = _var("ISOLEDGER_PADES_LEVEL")
    trust_roots: str = _var("ISOLEDGER_TRUST_ROOTS", "")
    signing_font: str | None = _var("ISOLEDGER_SIGNING_FONT")
    signing_check_signer: str = _var("ISOLEDGER_SIGNING_CHECK_SIGNER", "1")
    signing_timeout: float = _var("ISOLEDGER_SIGNING_TIMEOUT", 10.0)
    secret_key: SecretStr | None = _var("ISOLEDGER_SECRET_KEY")
    token_ttl: int = _var("ISOLEDGER_TOKEN_TTL", 3600)
    insecure_cookies: str = _var("ISOLEDGER_INSECURE_COOKIES", "")
    log_level: str = _var("ISOLEDGER_LOG_LEVEL", "info")
    pkcs11_users: str | None = _var("ISOLEDGER_PKCS11_USERS")
    trusted_proxies: str = _var("ISOLEDGER_TRUSTED_PROXIES", "")
    admin_password: SecretStr | None = _var("ISOLEDGER_ADMIN_PASSWORD")
    demo_password: SecretStr | None = _var("ISOLEDGER_DEMO_PASSWORD")
    host: str = _var("HOST", "127.0.0.1")
    port: int = _var("PORT", 8000)
    public_url: str | None = _var("ISOLEDGER_PUBLIC_URL")
    smtp_host: str | None = _var("ISOLEDGER_SMTP_HOST")
    smtp_port: int = _var("ISOLEDGER_SMTP_PORT", 587)
    smtp_starttls: bool = _var("ISOLEDGER_SMTP_STARTTLS", True)
    smtp_username: str | None = _var("ISOLEDGER_SMTP_USERNAME")
    smtp_password: SecretStr | None = _var("ISOLEDGER_SMTP_PASSWORD")
    smtp_from: str | None = _var("ISOLEDGER_SMTP_FROM")
    smtp_timeout: float = _var("ISOLEDGER_SMTP_TIMEOUT", 20.0)
    smtp_ca_file: str | None = _var("ISOLEDGER_SMTP_CA_FILE")
    digest_hour: int = _var("ISOLEDGER_DIGEST_HOUR", 17)
    remind_interval: int = _var("ISOLEDGER_REMIND_INTERVAL", 3600)

    @field_validator("*", mode="before")
    @classmethod
    def _from_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Blank is unset (secrets excepted: see _secret); PAdES levels in any case; yes/no strictly."""
        if not isinstance(value, str):
            return value
        name = info.field_name or ""
        if not value.strip() and name not in _SECRET_FIELDS:
            return cls.model_fields[name].default
        if name == "pades_level":
            return value.strip().upper()
        if name in ("s3_secure", "smtp_starttls"):
            word = value.strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError("expected yes/no, true/false, on/off or 1/0")
            return word in _TRUE
        return value


_SECRET_FIELDS = frozenset({"secret_key", "master_key", "s3_secret_key", "admin_password", "demo_password",
                            "smtp_password"})


class _Environment(_Variables, BaseSettings):
    """``_Variables`` read from the process environment by pydantic-settings (no .env file, no secrets dir)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, case_sensitive=True)

    @classmethod
    def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, env_settings: Any,
                                   dotenv_settings: Any, file_secret_settings: Any) -> tuple[Any, ...]:
        return (env_settings,)


@dataclass(frozen=True)
class DatabaseSettings:
    """The event store and the read models: the runtime role's URL, and the owner role's for `isoledger init`."""

    url: SecretStr
    owner_url: SecretStr

    @property
    def is_postgres(self) -> bool:
        return is_postgres(self.url.get_secret_value())

    def redacted(self) -> str:
        return mask_url(self.url.get_secret_value())


@dataclass(frozen=True)
class WebSettings:
    """The HTTP API and the web pages: address, session tokens, cookies, PKCS#11 tokens per user."""

    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: SecretStr | None = None  # None: generated once into $ISOLEDGER_HOME/secret.key
    token_ttl: int = 3600
    secure_cookies: bool = True
    log_level: str = "info"
    pkcs11_users: Path | None = None
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies whose X-Forwarded-For names the client


@dataclass(frozen=True)
class AccountSettings:
    """First start: the passwords of `admin` and of the demo accounts (None: generated and printed once)."""

    admin_password: SecretStr | None = None
    demo_password: SecretStr | None = None


@dataclass(frozen=True)
class MailSettings:
    """E-mail through the province's mail server: SMTP with STARTTLS and a login; unset host: no e-mail sent.

    ``public_url`` is the product's address as people reach it (the links in the mails); ``digest_hour`` the
    hour (Vietnam time) after which the day's digests go out."""

    host: str | None = None
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "iso-dien-tu@localhost"
    timeout: float = 20.0
    ca_file: Path | None = None
    public_url: str = "http://127.0.0.1:8000"
    digest_hour: int = 17
    remind_interval: int = 3600  # seconds between the server's reminder runs; 0: only `isoledger remind`

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def redacted(self) -> str:
        if not self.host:
            return "—"
        login = f"{self.username}:***@" if self.username else ""
        return f"smtp://{login}{self.host}:{self.port}" + (" (STARTTLS)" if self.starttls else "")


@dataclass(frozen=True)
class Settings:
    """Everything the product is configured with; built once by ``from_env`` and handed to whoever needs it."""

    environment: str
    home: Path
    database: DatabaseSettings
    storage: ArchiveSettings
    signing: SigningConfig
    web: WebSettings = field(default_factory=WebSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    mail: MailSettings = field(default_factory=MailSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings of the process environment, or of ``env`` alone when given (tests)."""
        try:
            variables = _Environment() if env is None else _Variables.model_validate(dict(env))
        except ValidationError as e:
            raise _invalid(e) from None
        return _build(variables)

    @property
    def development(self) -> bool:
        return self.environment == DEVELOPMENT

    @property
    def database_url(self) -> str:
        return self.database.url.get_secret_value()

    @property
    def owner_database_url(self) -> str:
        return self.database.owner_url.get_secret_value()

    @property
    def storage_url(self) -> str:
        return self.storage.storage_url

    @property
    def tsa_url(self) -> str | None:
        return self.signing.tsa_url

    def signing_config(self) -> SigningConfig:
        """The signing section, trusting ``$ISOLEDGER_HOME/trust-roots`` when ISOLEDGER_TRUST_ROOTS names nothing
        and that directory exists when asked (the demo writes its root there on first start)."""
        home_roots = self.home / "trust-roots"
        if not self.signing.trust_roots and home_roots.is_dir():
            return replace(self.signing, trust_roots=(home_roots,))
        return self.signing

    def secret_key(self) -> str:
        """The key that signs session tokens: ISOLEDGER_SECRET_KEY, else generated once into the home."""
        if self.web.secret_key is not None:
            return self.web.secret_key.get_secret_value()
        return _secret_file(self.home / "secret.key")

    def redacted(self) -> dict[str, str]:
        """The settings as they may be printed: passwords in URLs and every secret masked."""
        return {"environment": self.environment, "home": str(self.home), "database": self.database.redacted(),
                "storage": mask_url(self.storage.storage_url), "tsa": self.signing.tsa_url or "—",
                "pades_level": str(self.signing.level), "mail": self.mail.redacted()}


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def _build(v: _Variables) -> Settings:
    development = v.environment == DEVELOPMENT
    home = Path(v.home).resolve()
    url = v.database_url or SecretStr(default_database_url(home))
    owner = v.owner_database_url or url
    for name, value in (("ISOLEDGER_DATABASE_URL", url), ("ISOLEDGER_DATABASE_OWNER_URL", owner)):
        password = urlsplit(value.get_secret_value()).password
        if password is not None and not development:
            _refuse_placeholder(name, SecretStr(password))
    storage_url = v.storage_url or f"file://{home / 'objects'}"
    secret = {name: _secret(name, getattr(v, attr), development)
              for name, attr in zip(SECRETS, ("secret_key", "master_key", "s3_secret_key", "admin_password",
                                               "demo_password"), strict=True)}
    if storage_url.startswith("s3://") and not development and secret["ISOLEDGER_S3_SECRET_KEY"] is None:
        raise SettingsError(
            message_vi="Kho S3 cần khóa bí mật: hãy đặt ISOLEDGER_S3_SECRET_KEY.",
            message_en="S3 storage needs a secret key: set ISOLEDGER_S3_SECRET_KEY.",
            field="ISOLEDGER_S3_SECRET_KEY")
    storage = ArchiveSettings(home=home, storage_url=storage_url, master_key=secret["ISOLEDGER_MASTER_KEY"],
                              database_url=url, max_size=v.max_upload_size, s3_access_key=v.s3_access_key,
                              s3_secret_key=secret["ISOLEDGER_S3_SECRET_KEY"], s3_secure=v.s3_secure,
                              s3_region=v.s3_region)
    signing = SigningConfig(
        level=v.pades_level or (PadesLevel.B_T if v.tsa_url else PadesLevel.B_B), tsa_url=v.tsa_url,
        trust_roots=tuple(Path(p) for p in v.trust_roots.split(os.pathsep) if p),
        font_path=Path(v.signing_font) if v.signing_font else DEFAULT_FONT,
        check_signer=v.signing_check_signer.strip().lower() not in _FALSE, http_timeout=v.signing_timeout)
    web = WebSettings(host=v.host, port=v.port, secret_key=secret["ISOLEDGER_SECRET_KEY"], token_ttl=v.token_ttl,
                      secure_cookies=v.insecure_cookies.strip().lower() not in _TRUE, log_level=v.log_level,
                      pkcs11_users=Path(v.pkcs11_users) if v.pkcs11_users else None,
                      trusted_proxies=_addresses(v.trusted_proxies, "ISOLEDGER_TRUSTED_PROXIES"))
    accounts = AccountSettings(admin_password=secret["ISOLEDGER_ADMIN_PASSWORD"],
                               demo_password=secret["ISOLEDGER_DEMO_PASSWORD"])
    if v.smtp_host and not 1 <= v.digest_hour <= 23:
        raise SettingsError(message_vi="ISOLEDGER_DIGEST_HOUR là giờ trong ngày, từ 1 đến 23.",
                            message_en="ISOLEDGER_DIGEST_HOUR is an hour of the day, 1 to 23.",
                            field="ISOLEDGER_DIGEST_HOUR")
    mail = MailSettings(host=v.smtp_host, port=v.smtp_port, starttls=v.smtp_starttls, username=v.smtp_username,
                        password=_secret("ISOLEDGER_SMTP_PASSWORD", v.smtp_password, development),
                        sender=v.smtp_from or f"iso-dien-tu@{v.smtp_host or 'localhost'}", timeout=v.smtp_timeout,
                        ca_file=Path(v.smtp_ca_file) if v.smtp_ca_file else None,
                        public_url=(v.public_url or f"http://{v.host}:{v.port}").rstrip("/"),
                        digest_hour=v.digest_hour, remind_interval=max(0, v.remind_interval))
    return Settings(environment=v.environment, home=home, database=DatabaseSettings(url, owner), storage=storage,
                    signing=signing, web=web, accounts=accounts, mail=mail)


def _addresses(text: str, name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses (normalised); a malformed one is refused naming the variable."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            out.append(str(ipaddress.ip_address(part)))
        except ValueError:
            raise SettingsError(message_vi=f"{name}: «{part}» không phải địa chỉ IP.",
                                message_en=f"{name}: '{part}' is not an IP address.", field=name) from None
    return tuple(out)


def _secret(name: str, value: SecretStr | None, development: bool) -> SecretStr | None:
    """A secret as set; outside development a placeholder (or a variable set but blank) is refused."""
    if value is None:
        return None
    if not development:
        _refuse_placeholder(name, value)
    return value if value.get_secret_value().strip() else None


def _refuse_placeholder(name: str, value: SecretStr) -> None:
    if value.get_secret_value().strip().lower() in PLACEHOLDERS:
        raise SettingsError(
            message_vi=f"{name} đang là giá trị mẫu hoặc để trống; hãy đặt một giá trị bí mật thật "
                       f"(hoặc bỏ biến để hệ thống tự sinh, nếu có), hoặc đặt ISOLEDGER_ENVIRONMENT=development.",
            message_en=f"{name} is a placeholder or blank; set a real secret (or unset it to have one generated, "
                       f"where the product can), or set ISOLEDGER_ENVIRONMENT=development.",
            field=name)


def _invalid(e: ValidationError) -> SettingsError:
    first = e.errors()[0]
    name = str(first["loc"][0]) if first.get("loc") else "ISOLEDGER_*"
    return SettingsError(message_vi=f"Giá trị của {name} không hợp lệ.",
                         message_en=f"{name} is invalid: {first.get('msg', '')}.", field=name)


def _secret_file(path: Path, nbytes: int = 32) -> str:
    """Reads a generated secret, creating it (mode 0600) on first start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()
