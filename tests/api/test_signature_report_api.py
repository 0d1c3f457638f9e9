"""The API's signature report: the signing time is the signer's claim or the timestamp's, never the moment of
the request; every code comes with Vietnamese and English words; an untrusted signature logs no traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from signing import PadesLevel, SigningConfig, build_signing_service
from signing.testing import PASSPHRASE, LoopbackPki, served_pki
from tests.api.conftest import make_api
from tests.api.test_signing_api import _approved_procedure, _sign

TEN_DAYS_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


def _api(database_url: str, tmp_path: Path, ledger: Any, projector: Any, config: SigningConfig,
         **clock: Any) -> Iterator[Any]:
    service = build_signing_service(config, **clock)
    api = make_api(database_url, tmp_path, ledger, projector, signing=service)
    with api.client:
        yield api
    api.archive.close()
    service.close()


@pytest.fixture
def signed_ten_days_ago(database_url: str, tmp_path: Path, ledger: Any, projector: Any,
                        pki: LoopbackPki) -> Iterator[Any]:
    """An installation signing at B-B (no time-stamping service) whose clock said ten days ago."""
    config = SigningConfig(level=PadesLevel.B_B, trust_roots=(pki.root_cert_path,))
    yield from _api(database_url, tmp_path, ledger, projector, config, clock=lambda: TEN_DAYS_AGO)


@pytest.fixture
def timestamped(database_url: str, tmp_path: Path, ledger: Any, projector: Any, pki: LoopbackPki) -> Iterator[Any]:
    config = SigningConfig(level=PadesLevel.B_T, tsa_url=pki.tsa_url, trust_roots=(pki.root_cert_path,))
    yield from _api(database_url, tmp_path, ledger, projector, config)


@pytest.fixture
def untrusting(database_url: str, tmp_path: Path, ledger: Any, projector: Any) -> Iterator[Any]:
    """An installation with no trusted root configured: every signature reads untrusted."""
    yield from _api(database_url, tmp_path, ledger, projector, SigningConfig(check_signer=False))


def _signed_report(api: Any, pki: LoopbackPki) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = _approved_procedure(api)
    r = _sign(api, doc, pki.pkcs12("leader", PASSPHRASE.encode()), PASSPHRASE)
    assert r.status_code == 200, r.text
    [event] = api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["versions"][0]["signatures"]
    report = api.call("GET", f"/api/v1/documents/{doc}/versions/1/signatures", "danhgia")
    assert report.status_code == 200, report.text
    [checked] = report.json()["signatures"]
    return event, checked


def test_a_b_b_signature_made_days_ago_reports_the_signers_time_labelled_as_a_claim(signed_ten_days_ago, pki):
    event, checked = _signed_report(signed_ten_days_ago, pki)
    assert datetime.fromisoformat(event["signing_time"]) == TEN_DAYS_AGO
    assert datetime.fromisoformat(checked["signing_time"]) == TEN_DAYS_AGO  # not the moment of the GET
    assert checked["ok"] and checked["timestamp_time"] is None and checked["pades_level"] == "B-B"
    assert datetime.fromisoformat(checked["signer_reported_time"]) == TEN_DAYS_AGO
    assert checked["signing_time_source"] == "signer"
    words = checked["text"]["signing_time"]
    assert (words["code"], words["vi"], words["en"]) == (
        "signer", "Thời điểm ký do người ký khai báo", "Signing time claimed by the signer")
    assert checked["text"]["pades_level"]["code"] == "B-B" and "dấu thời gian" in checked["text"]["pades_level"]["vi"]


def test_a_b_t_signature_reports_the_timestamp_time(timestamped, pki):
    event, checked = _signed_report(timestamped, pki)
    assert checked["ok"] and checked["timestamp_valid"] and checked["pades_level"] == "B-T"
    assert checked["signing_time_source"] == "timestamp"
    assert checked["signing_time"] == checked["timestamp_time"]
    assert datetime.fromisoformat(checked["timestamp_time"]) == datetime.fromisoformat(event["timestamp_time"])
    assert checked["text"]["signing_time"]["vi"] == "Thời điểm ký theo dấu thời gian"
    assert checked["revocation"] == "not_revoked"
    assert checked["text"]["revocation"]["en"] == "Not revoked (checked with OCSP/CRL)."


def test_an_untrusted_signature_is_explained_with_advice_and_the_raw_codes_beside(untrusting, pki, caplog):
    with caplog.at_level(logging.WARNING):
        _, checked = _signed_report(untrusting, pki)
    assert not checked["ok"] and checked["intact"] and checked["valid"] and not checked["trusted"]
    # machine-readable codes, as pyHanko and ETSI EN 319 102-1 name them ...
    assert (checked["status"], checked["indication"]) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert (checked["coverage"], checked["modification_level"]) == ("ENTIRE_FILE", "NONE")
    assert checked["revocation"] == "not_checked" and checked["revoked"] is False
    # ... beside the words a person reads, in both languages
    text = checked["text"]
    assert text["indication"]["code"] == "NO_CERTIFICATE_CHAIN_FOUND"
    assert text["indication"]["vi"] == "Chứng thư số không nối được tới chứng thư gốc nào mà hệ thống tin cậy."
    assert "chứng thư gốc" in text["indication"]["advice_vi"] and "root CA" in text["indication"]["advice_en"]
    assert text["revocation"]["vi"].startswith("Không kiểm tra") and text["revocation"]["en"].startswith("Not checked")
    assert text["coverage"]["vi"].startswith("Chữ ký bao trùm toàn bộ tệp")
    assert text["status"] == {"code": "INDETERMINATE", "vi": "Chưa kết luận được", "en": "Indeterminate",
                              "advice_vi": "", "advice_en": ""}
    assert (checked["signer"], checked["signer_organization"]) == (
        "Nguyễn Văn Ánh", "Sở Khoa học và Công nghệ tỉnh Trà Vinh")
    assert checked["certificate"]["issuer_name"] == "CA cấp dưới thử nghiệm isoledger"
    # the expected outcome is in the report, not in the server log
    assert "Traceback" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pyhanko")] == []
