"""The report card names the trusted root a signature chains to, on the demo's own installation: the
leader's signature under the demo root names it, the review signature under no trusted root says so; the
uploaded-PDF verify page shows the very same card as the version's report page."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.server import build
from isoledger.demo_pki import ROOT_NAME
from isoledger.settings import Settings
from ledger.files import FileRef
from tests.web.conftest import Browser

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

DEMO_PASSWORD = "mat-khau-demo-42"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, Any]]:
    """The demo installation as `serve` builds it, signed in as the agency's director."""
    home = Path(tmp_path_factory.mktemp("demo"))
    app = build(Settings.from_env({"ISOLEDGER_HOME": str(home), "ISOLEDGER_DEMO_PASSWORD": DEMO_PASSWORD,
                                   "ISOLEDGER_INSECURE_COOKIES": "1"}), out=io.StringIO())
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            web = Browser(client)
            web.login("giamdoc", DEMO_PASSWORD)
            yield web, app.state.ctx
    finally:
        app.state.services.close()


def _cards(html: str) -> list[str]:
    main = html.split('<main id="main"', 1)[1]
    return re.findall(r"<section class=\"card\" aria-labelledby=\"sig-\d+\" data-signature>.*?</section>", main, re.S)


def _trust_root(card: str) -> str:
    found = re.search(r"<dd data-sig-trust-root>(.*?)</dd>", card, re.S)
    assert found, card
    return found.group(1).strip()


def _qt02(ctx: Any) -> dict[str, Any]:
    return dict(ctx.ledger.document(str(ctx.ledger._unique_id("document", "so-khcn-tra-vinh", "QT-02"))))


def test_the_demo_report_names_the_demo_root_on_the_trusted_signature_only(demo: tuple[Browser, Any]) -> None:
    web, ctx = demo
    r = web.get(f"/documents/{_qt02(ctx)['id']}/versions/1/signatures")
    assert r.status_code == 200, r.text
    review, approval = _cards(r.text)
    assert "data-sig-untrusted" in review and "data-sig-ok" in approval
    assert _trust_root(approval) == f"Chuỗi chứng thư tới gốc tin cậy: {ROOT_NAME}"
    assert _trust_root(review).startswith("Chưa xác lập được chuỗi chứng thư")
    assert "data-sig-trust-root-subject" in approval and "data-sig-trust-root-subject" not in review

    web.client.cookies.set("isoledger_lang", "en")
    try:
        english = _cards(web.get(f"/documents/{_qt02(ctx)['id']}/versions/1/signatures").text)
    finally:
        web.client.cookies.delete("isoledger_lang")
    assert _trust_root(english[1]) == f"The certificate chains to the trusted root: {ROOT_NAME}"


def test_the_verify_page_shows_the_same_card_as_the_versions_report(demo: tuple[Browser, Any]) -> None:
    web, ctx = demo
    qt02 = _qt02(ctx)
    report = _cards(web.get(f"/documents/{qt02['id']}/versions/1/signatures").text)
    pdf = ctx.archive.read_bytes(FileRef.from_dict(qt02["versions"][0]["file"]), qt02["id"])
    r = web.client.post("/verify", data={"csrf": web.csrf("/verify")},
                        files={"file": ("QT-02 (đã ký).pdf", io.BytesIO(pdf), "application/pdf")})
    assert r.status_code == 200, r.text
    verified = _cards(r.text)
    assert len(verified) == 2
    assert verified == report  # one template, the same words: the explanation, advice, times and trust root
    assert "data-sig-advice" in verified[0] and "<details>" in verified[1]
