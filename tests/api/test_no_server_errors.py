"""Input that used to crash the server with a 500 gets a 4xx problem naming the field: huge integers in paging
cursors (on every list, the public ones too), a NUL in a PKCS#12 passphrase, extreme dates."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any

import pytest

from signing.testing import PASSPHRASE
from tests.api.conftest import OWN, PASSWORD
from tests.api.test_signing_api import _approved_procedure, _sign, pki, signing_api  # noqa: F401 - fixtures


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _lists(api: Any, world: dict[str, Any]) -> list[str]:
    """Every GET of the API that takes a ``cursor``, its path filled with the world's ids."""
    ids = {"agency_id": OWN, "document_id": world[OWN]["document_id"], "record_id": world[OWN]["record_id"],
           "user_id": "thuky", "department_id": "x"}
    out = []
    for path, operations in api.app.openapi()["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "cursor" for p in get.get("parameters", [])):
            out.append(re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), OWN), path))
    return out


@pytest.mark.parametrize("values", [[2**64], [-(2**70)], [10**40, "x"], ["a\x00b"]])
def test_a_cursor_holding_a_huge_integer_or_a_nul_is_400_on_every_list(api, world, values):
    lists = _lists(api, world)
    assert len(lists) >= 5 and any(p.startswith("/api/v1/public") for p in lists), lists
    for path in lists:
        for arity in (1, 2, 3):
            cursor = _cursor((values * 3)[:arity])
            r = api.call("GET", path, None if path.startswith("/api/v1/public") else "admin",
                         params={"cursor": cursor})
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text)
            if r.status_code != 404:
                assert r.json()["errors"][0]["field"] == "cursor", (path, r.text)
        r = api.call("GET", path, None if path.startswith("/api/v1/public") else "admin",
                     params={"cursor": str(values[0]) if isinstance(values[0], int) else values[0]})
        assert 400 <= r.status_code < 500 or r.status_code == 200, (path, r.status_code, r.text)


def test_a_nul_in_a_pkcs12_passphrase_is_422_naming_the_passphrase(signing_api, pki):  # noqa: F811
    doc = _approved_procedure(signing_api)
    r = _sign(signing_api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE[:3] + "\x00" + PASSPHRASE[3:])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "passphrase", r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def _panicking_p12() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn Ánh")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2026, 1, 1)).not_valid_after(datetime(2027, 1, 1))
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(b"k", key, cert, None, BestAvailableEncryption(b"pass"))


def test_a_native_librarys_panic_is_a_problem_response_not_a_dropped_request(api, world):
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = _panicking_p12()

    def reads_with_a_nul() -> dict[str, str]:
        pkcs12.load_key_and_certificates(data, b"pa\x00ss")  # pyo3 PanicException, a BaseException
        return {}

    api.app.add_api_route("/api/v1/_panic", reads_with_a_nul, methods=["GET"])
    r = api.client.get("/api/v1/_panic")
    assert r.status_code == 422 and r.json()["code"] == "input_refused_by_native_library", r.text
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("username", ["ad\x00min", "thuky\x00", "\x00", "giám đốc", "a" * 100])
@pytest.mark.parametrize("route", ["/api/v1/auth/token", "/api/v1/auth/session"])
def test_a_username_no_account_can_have_is_refused_as_wrong_credentials_without_touching_the_database(
        api, world, username, route):
    """A NUL in a username once reached PostgreSQL's text column of known addresses (a 500 there, not on SQLite)."""
    r = api.client.post(route, data={"username": username, "password": "pass\x00word"},
                        headers={"Origin": "http://testserver"})
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "password"
    address = "testclient"
    assert api.ctx.store.recent_failures([f"a:{address}"], 0) == {f"a:{address}": []}  # nothing to slow down
    assert api.client.post("/api/v1/auth/token", data={"username": "thuky", "password": PASSWORD}).status_code == 200
