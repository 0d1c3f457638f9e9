"""An offline test PKI (root, intermediate, signers, TSA, OCSP, CRLs) served on loopback; needs certomancer.

Used by tests/signing and bench/signing.py; never by production code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from signing.samples import sample_pdf  # noqa: E402,F401 - re-exported for tests and benchmarks

ARCH = "isoledger-test"
AGENCY = "Sở Khoa học và Công nghệ tỉnh Trà Vinh"
PASSPHRASE = "mật-khẩu-bí-mật-42"  # of the test PKCS#12 files
TOKEN_PIN = "246813"  # of the test SoftHSM token

# label -> (common name, organisation)
SIGNERS: dict[str, tuple[str, str]] = {
    "leader": ("Nguyễn Văn Ánh", AGENCY),
    "reviewer": ("Trần Thị Bích Ngọc", AGENCY),
    "token": ("Hoàng Minh Đức", AGENCY),
    "revoked": ("Lê Văn Tâm", AGENCY),
    "expired": ("Phạm Thị Hương", AGENCY),
}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _validity(start: datetime, end: datetime) -> dict[str, str]:
    return {"valid-from": _iso(start), "valid-to": _iso(end)}


def _write_key(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def certomancer_config(base_url: str, key_dir: Path, now: datetime) -> dict[str, Any]:
    """The certomancer configuration of the test PKI, with every service URL under ``base_url``."""
    labels = ["root", "interm", "interm-ocsp", "tsa", *SIGNERS]
    long = _validity(now - timedelta(days=2 * 365), now + timedelta(days=20 * 365))
    signer_validity = _validity(now - timedelta(days=365), now + timedelta(days=5 * 365))
    entities: dict[str, dict[str, str]] = {
        "root": {"common-name": "CA gốc thử nghiệm isoledger", "organization-name": "Ban Cơ yếu thử nghiệm"},
        "interm": {
            "common-name": "CA cấp dưới thử nghiệm isoledger",
            "organization-name": "Ban Cơ yếu thử nghiệm",
        },
        "interm-ocsp": {
            "common-name": "OCSP thử nghiệm isoledger",
            "organization-name": "Ban Cơ yếu thử nghiệm",
        },
        "tsa": {
            "common-name": "Dịch vụ cấp dấu thời gian thử nghiệm",
            "organization-name": "Ban Cơ yếu thử nghiệm",
        },
    }
    for label, (cn, org) in SIGNERS.items():
        entities[label] = {"common-name": cn, "organization-name": org}
    certs: dict[str, dict[str, Any]] = {
        "root": {
            "subject": "root",
            "issuer": "root",
            "validity": long,
            "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
        },
        "interm": {
            "subject": "interm",
            "issuer": "root",
            "validity": long,
            "profiles": [
                {
                    "id": "simple-ca",
                    "params": {"max-path-len": 0, "crl-repo": "interm", "ocsp-service": "interm"},
                }
            ],
        },
        "interm-ocsp": {
            "subject": "interm-ocsp",
            "issuer": "interm",
            "validity": long,
            "profiles": ["ocsp-responder"],
        },
        "tsa": {
            "subject": "tsa",
            "issuer": "root",
            "validity": long,
            "extensions": [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                },
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            ],
        },
    }
    for label in SIGNERS:
        certs[label] = {
            "subject": label,
            "issuer": "interm",
            "validity": signer_validity,
            "profiles": ["digsig-commitment"],
        }
    certs["expired"]["validity"] = _validity(now - timedelta(days=3 * 365), now - timedelta(days=365))
    certs["revoked"]["revocation"] = {
        "revoked-since": _iso(now - timedelta(days=30)),
        "reason": "key_compromise",
    }
    return {
        "external-url-prefix": base_url,
        "keysets": {
            ARCH: {
                "path-prefix": str(key_dir),
                "keys": {label: {"path": f"{label}.key.pem"} for label in labels},
            }
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "VN", "state-or-province-name": "Trà Vinh"},
                "entities": entities,
                "certs": certs,
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P7D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@dataclass
class LoopbackPki:
    """The generated PKI and the URLs of its services."""

    directory: Path
    base_url: str
    arch: Any  # certomancer PKIArchitecture

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    @property
    def root_cert_path(self) -> Path:
        return self.directory / "root.cert.pem"

    def cert(self, label: str) -> x509.Certificate:
        from certomancer.registry import CertLabel

        cert: x509.Certificate = self.arch.get_cert(CertLabel(label))
        return cert

    def pkcs12(self, label: str, passphrase: bytes) -> bytes:
        """The signer's key, certificate and chain (intermediate, root) as a PKCS#12 file."""
        from certomancer.registry import CertLabel

        data: bytes = self.arch.package_pkcs12(
            CertLabel(label), certs_to_embed=[CertLabel("interm"), CertLabel("root")], password=passphrase
        )
        return data

    def key_path(self, label: str) -> Path:
        return self.directory / "keys" / f"{label}.key.pem"


class _Dispatcher:
    """A WSGI app whose target is set after the port is known (the config embeds the URLs)."""

    def __init__(self) -> None:
        self.app: Callable[..., Iterable[bytes]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self.app is not None
        return self.app(environ, start_response)


def build_pki(directory: Path, base_url: str) -> LoopbackPki:
    """Generate keys and the certomancer configuration (written as YAML) under ``directory``."""
    from certomancer.registry import ArchLabel, CertomancerConfig

    key_dir = directory / "keys"
    key_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    config = certomancer_config(base_url, key_dir, now)
    for label in config["keysets"][ARCH]["keys"]:
        _write_key(key_dir / f"{label}.key.pem")
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (directory / "certomancer.yml").write_text(text, encoding="utf-8")
    cfg = CertomancerConfig.from_yaml(text, key_search_dir=str(directory))
    pki = LoopbackPki(directory=directory, base_url=base_url, arch=cfg.get_pki_arch(ArchLabel(ARCH)))
    from asn1crypto import pem

    pki.root_cert_path.write_bytes(pem.armor("CERTIFICATE", pki.cert("root").dump()))
    return pki


@contextmanager
def served_pki(directory: Path) -> Iterator[LoopbackPki]:
    """Build the test PKI and serve its TSA, OCSP responder and CRLs on 127.0.0.1 (free port) meanwhile."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    dispatcher = _Dispatcher()
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True, request_handler=QuietHandler)
    pki = build_pki(directory, f"http://127.0.0.1:{server.server_port}")
    dispatcher.app = Animator(AnimatorArchStore({pki.arch.arch_label: pki.arch}), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, name="test-pki", daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
