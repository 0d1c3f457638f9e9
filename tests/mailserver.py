"""A real SMTP server on loopback (aiosmtpd): STARTTLS required, then a login; it keeps what it received."""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from ipaddress import ip_address
from pathlib import Path
from typing import Any

USERNAME, PASSWORD = "iso@travinh.gov.vn", "mat-khau-thu-dien-tu-42"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (the client trusts it as its CA file) and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.travinh.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class MailServer:
    """``messages``: every mail accepted, in order (thread-safe append)."""

    port: int
    ca_file: Path
    messages: list[Received] = field(default_factory=list)
    controller: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self, **overrides: Any) -> Any:
        from isoledger.settings import MailSettings

        values = {"host": "127.0.0.1", "port": self.port, "starttls": True, "username": USERNAME,
                  "password": _secret(PASSWORD), "sender": "iso-dien-tu@travinh.gov.vn", "ca_file": self.ca_file,
                  "public_url": "https://iso.travinh.gov.vn", "timeout": 10.0, **overrides}
        return MailSettings(**values)

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.messages if address in r.rcpt_tos]

    def stop(self) -> None:
        self.controller.stop()


def _secret(value: str) -> Any:
    from pydantic import SecretStr

    return SecretStr(value)


def start_mail_server(directory: Path) -> MailServer:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = self_signed(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = MailServer(port, cert)

    class Handler:
        async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            who = session.auth_data if session.authenticated else None
            login = who.decode() if isinstance(who, bytes) else who
            with server._lock:
                server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message,  # type: ignore[arg-type]
                                                smtp._tls_protocol is not None, login))
            return "250 OK"

    def authenticator(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == USERNAME and data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller.start()
    server.controller = controller
    return server
