"""A leader signs an approved version through the API with a PKCS#12 sent once; anyone may verify it."""

from __future__ import annotations

import io
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signing import PadesLevel, SigningConfig, build_signing_service
from signing.testing import PASSPHRASE, LoopbackPki, served_pki
from tests.api.conftest import OWN, build_world, make_api


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture
def signing_api(database_url: str, tmp_path: Path, ledger: Any, projector: Any, pki: LoopbackPki) -> Iterator[Any]:
    service = build_signing_service(SigningConfig(level=PadesLevel.B_T, tsa_url=pki.tsa_url,
                                                  trust_roots=(pki.root_cert_path,)))
    api = make_api(database_url, tmp_path, ledger, projector, signing=service)
    with api.client:
        yield api
    api.archive.close()
    service.close()


def _approved_procedure(api: Any) -> str:
    build_world(api)
    r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                 json={"code": "QT-09", "title": "Quy trình ký số", "kind": "procedure", "department": "Văn phòng"})
    assert r.status_code == 201, r.text
    doc = r.json()["id"]
    assert api.upload(f"/api/v1/documents/{doc}/versions", "thuky", change_summary="Lần đầu").status_code == 201
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": [], "approver": "giamdoc"})
    assert r.status_code == 200, r.text
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/approve", "giamdoc").status_code == 200
    return doc


def _sign(api: Any, doc: str, p12: bytes, passphrase: str) -> Any:
    return api.call("POST", f"/api/v1/documents/{doc}/versions/1/sign", "giamdoc",
                    files={"p12": ("giamdoc.p12", io.BytesIO(p12), "application/x-pkcs12")},
                    data={"meaning": "approval", "passphrase": passphrase})


def test_a_leader_signs_with_a_pkcs12_and_the_signed_pdf_becomes_the_version_file(signing_api, pki, tmp_path,
                                                                                  caplog):
    api = signing_api
    doc = _approved_procedure(api)
    with caplog.at_level(logging.DEBUG):
        r = _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE)
    assert r.status_code == 200, r.text
    assert PASSPHRASE not in caplog.text

    state = api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()
    version = state["versions"][0]
    assert version["signed_for_approval"] is True
    [signature] = version["signatures"]
    assert signature["pades_level"] == "B-T" and signature["timestamp_time"]

    report = api.call("GET", f"/api/v1/documents/{doc}/versions/1/signatures", "danhgia").json()
    [checked] = report["signatures"]
    assert checked["intact"] and checked["valid"] and checked["trusted"] and not checked["revoked"]

    pdf = api.call("GET", f"/api/v1/documents/{doc}/versions/1/file", "thuky")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in pdf.headers["content-disposition"]
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf.content)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature is Valid" in out

    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/issue", "thuky",
                 json={"effective_from": "2026-04-01", "distribution": ["leadership"]})
    assert r.status_code == 200, r.text


def test_a_wrong_passphrase_is_refused_naming_the_field_and_records_nothing(signing_api, pki):
    api = signing_api
    doc = _approved_procedure(api)
    before = api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["version"]
    r = _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), "sai-mat-khau")
    assert 400 <= r.status_code < 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"] == "passphrase" for e in r.json().get("errors", [])) or r.json().get("field") == \
        "passphrase", r.json()
    assert api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["version"] == before


def test_a_revoked_certificate_cannot_sign(signing_api, pki):
    api = signing_api
    doc = _approved_procedure(api)
    r = _sign(api, doc, pki.pkcs12("revoked", PASSPHRASE.encode()), PASSPHRASE)
    assert 400 <= r.status_code < 500, r.text
    assert api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["versions"][0]["signatures"] == []
