"""The signature report page: the signer as a person reads it, the signer's claimed signing time (not the moment
the page is viewed), the verdict explained with what to do, the raw codes only in the expert details, both
languages; and viewing it writes no traceback to the log."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.web.core import vntime
from tests.web.conftest import Browser, Site, make_p12
from tests.web.test_document_pages import register, upload_draft
from tests.web.test_english import untranslated

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# The page's self-signed test certificates are valid from a day ago: six hours ago is "earlier today or yesterday".
SIX_HOURS_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)


@pytest.fixture
def signing_six_hours_ago(site: Site) -> Iterator[Browser]:
    """The site, its signing service's clock set six hours back (a PDF signed this morning, viewed now)."""
    from signing import SigningConfig, build_signing_service

    service = build_signing_service(SigningConfig(check_signer=False), clock=lambda: SIX_HOURS_AGO)
    site.ctx.signing = lambda: service
    with TestClient(site.app, raise_server_exceptions=False) as client:
        yield Browser(client)
    service.close()


def _signed(web: Browser) -> tuple[str, str]:
    """A procedure approved and signed with a .p12 by the director; returns (document id, report URL)."""
    web.login("thuky")
    doc = register(web, title="Quality procedure")
    upload_draft(web, doc)
    assert web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc"},
                    page=f"/documents/{doc}").status_code == 303
    web.login("giamdoc")
    assert web.post(f"/documents/{doc}/versions/1/approve").status_code == 303
    r = web.client.post(f"/documents/{doc}/versions/1/sign",
                        data={"csrf": web.csrf(), "meaning": "approval", "source": "p12",
                              "passphrase": "mat-khau-ky"},
                        files={"p12": ("ky.p12", io.BytesIO(make_p12("Nguyen Van Anh")), "application/x-pkcs12")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    return doc, r.headers["location"]


def _dd(html: str, marker: str) -> str:
    found = re.search(rf"<dd {marker}[^>]*>(.*?)</dd>", html, re.S)
    assert found, marker
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


def test_the_report_shows_when_the_signer_signed_not_when_the_page_is_viewed(signing_six_hours_ago: Browser,
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    web = signing_six_hours_ago
    _, report_url = _signed(web)
    with caplog.at_level(logging.WARNING):
        html = web.get(report_url).text
    assert "Thời điểm ký do người ký khai báo" in html
    assert _dd(html, "data-sig-claimed-time").startswith(vntime(SIX_HOURS_AGO))
    assert vntime(datetime.now(UTC))[:16] not in _dd(html, "data-sig-claimed-time")  # never the viewing moment
    assert "data-sig-timestamp-time" not in html  # B-B: no timestamp, so no "signing time per the timestamp"
    assert "Traceback" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pyhanko")] == []


def test_the_verdict_is_explained_in_vietnamese_with_what_to_do_and_the_codes_kept_for_experts(
        signing_six_hours_ago: Browser) -> None:
    web = signing_six_hours_ago
    _, report_url = _signed(web)
    html = web.get(report_url).text
    main = html.split('<main id="main"', 1)[1]
    assert "data-sig-untrusted" in main
    explanation = re.search(r"<p class=\"lead\" data-sig-explanation>(.*?)</p>", main, re.S)
    assert explanation and explanation.group(1).startswith("Chứng thư số là chứng thư tự ký")  # pyHanko: CHAIN_...
    assert "do tổ chức cung cấp dịch vụ chứng thực chữ ký số cấp" in _p(main, "data-sig-advice")
    assert _dd(main, "data-sig-signer") == "Nguyen Van Anh"
    assert _dd(main, 'data-sig-revocation="not_checked"').startswith("Không kiểm tra")
    assert "Chữ ký bao trùm toàn bộ tệp" in main and "Cơ bản (B-B)" in main
    # the raw codes are there for an expert, after the human text, never in place of it
    before_details, details = main.split("<details>", 1)
    for code in ("CHAIN_CONSTRAINTS_FAILURE", "ENTIRE_FILE", "Common Name:", "Validation of signature"):
        assert code not in before_details and code in details, code


def test_the_report_reads_in_english_in_english_mode(signing_six_hours_ago: Browser) -> None:
    web = signing_six_hours_ago
    _, report_url = _signed(web)
    web.client.cookies.set("isoledger_lang", "en")
    html = web.get(report_url).text
    assert "Signing time claimed by the signer" in html
    assert "The certificate is self-signed: no certification authority issued it" in html
    assert "Ask the signer to use a certificate issued by a certification authority" in html
    assert "Not checked (the certificate is not trusted" in html
    leftovers = [t for t in untranslated(html) if "(đã ký)" not in t and "Quy trình kiểm soát" not in t]
    assert leftovers == []


def _p(html: str, marker: str) -> str:
    found = re.search(rf"<p {marker}>(.*?)</p>", html, re.S)
    assert found, marker
    return re.sub(r"<[^>]+>", " ", found.group(1))


@pytest.fixture
def trusted_b_t(site: Site, tmp_path: Any) -> Iterator[tuple[Browser, Any]]:
    """The site trusting a test PKI's root, with its time-stamping service: signatures at B-T."""
    from signing import PadesLevel, SigningConfig, build_signing_service
    from signing.testing import served_pki

    with served_pki(tmp_path / "pki") as pki:
        service = build_signing_service(SigningConfig(level=PadesLevel.B_T, tsa_url=pki.tsa_url,
                                                      trust_roots=(pki.root_cert_path,)))
        site.ctx.signing = lambda: service
        with TestClient(site.app, raise_server_exceptions=False) as client:
            yield Browser(client), pki
        service.close()


def test_a_timestamped_trusted_signature_shows_the_timestamp_time_and_reads_valid(trusted_b_t: Any) -> None:
    from signing.testing import PASSPHRASE

    web, pki = trusted_b_t
    web.login("thuky")
    doc = register(web, title="Quality procedure")
    upload_draft(web, doc)
    web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc"}, page=f"/documents/{doc}")
    web.login("giamdoc")
    web.post(f"/documents/{doc}/versions/1/approve")
    r = web.client.post(f"/documents/{doc}/versions/1/sign",
                        data={"csrf": web.csrf(), "meaning": "approval", "source": "p12", "passphrase": PASSPHRASE},
                        files={"p12": ("ky.p12", io.BytesIO(pki.pkcs12("leader", PASSPHRASE.encode())),
                                       "application/x-pkcs12")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    [event] = web.client.app.state.ctx.ledger.document(doc)["versions"][0]["signatures"]
    html = web.get(r.headers["location"]).text
    assert "data-sig-ok" in html
    assert "Thời điểm ký theo dấu thời gian" in html and "Thời điểm ký do người ký khai báo" in html
    assert event["timestamp_time"] and _dd(html, "data-sig-timestamp-time") == vntime(event["timestamp_time"])
    assert _dd(html, "data-sig-signer") == "Nguyễn Văn Ánh"
    assert _dd(html, 'data-sig-revocation="not_revoked"') == "Không bị thu hồi (đã kiểm tra OCSP/CRL)."
    assert "Chữ ký hợp lệ tại thời điểm kiểm tra" in html and "Có dấu thời gian (B-T)" in html
