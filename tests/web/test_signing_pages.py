"""The leader's sign form: a review signature (ký xem xét) before approval, and the approval signature with
the server's PKCS#11 token for that user or a .p12 sent once."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import TOKEN_HOLDER, Browser, Site, build_site, close_site, make_p12
from tests.web.test_document_pages import register, upload_draft

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def token_site(tmp_path: Path, leader_token: Any) -> Iterator[Site]:
    built = build_site(tmp_path / "home", tokens={"giamdoc": leader_token})
    yield built
    close_site(built)


@pytest.fixture
def tweb(token_site: Site) -> Iterator[Browser]:
    with TestClient(token_site.app, raise_server_exceptions=False) as client:
        yield Browser(client)


def sign(web: Browser, doc: str, data: dict[str, str], p12: bytes | None = None) -> Any:
    files = {"p12": ("ky.p12", io.BytesIO(p12), "application/x-pkcs12")} if p12 is not None else None
    return web.client.post(f"/documents/{doc}/versions/1/sign", data={"csrf": web.csrf(), **data}, files=files,
                           follow_redirects=False)


def meanings_offered(html: str) -> list[str]:
    return re.findall(r'name="meaning" value="(\w+)"', html)


def test_review_signature_then_approval_signature_with_the_servers_token(tweb: Browser) -> None:
    web = tweb
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    assert web.post(f"/documents/{doc}/versions/1/submit", {"reviewers": "truongphong", "approver": "giamdoc"},
                    page=f"/documents/{doc}").status_code == 303

    web.login("truongphong")  # department leader and reviewer: a review signature, with a .p12 (no token)
    page = web.get(f"/documents/{doc}").text
    assert meanings_offered(page) == ["review"] and 'name="source" value="pkcs11"' not in page
    r = sign(web, doc, {"meaning": "review", "source": "pkcs11"})
    assert r.status_code == 422 and 'id="e-source"' in r.text and "chưa cấu hình thiết bị ký số" in r.text
    r = sign(web, doc, {"meaning": "review", "source": "p12", "passphrase": "mat-khau-ky"})
    assert r.status_code == 422 and 'id="e-p12"' in r.text
    r = sign(web, doc, {"meaning": "review", "source": "p12", "passphrase": "mat-khau-ky"},
             make_p12("Trần Quốc Bảo"))
    assert r.status_code == 303, r.text
    assert "Trần Quốc Bảo" in web.get(r.headers["location"]).text
    assert "Trần Quốc Bảo: ký xem xét" in web.get(f"/documents/{doc}").text
    assert meanings_offered(web.get(f"/documents/{doc}").text) == []  # signed once for review
    assert web.post(f"/documents/{doc}/versions/1/review", {"verdict": "agree"}).status_code == 303

    web.login("giamdoc")  # the approver: approves, then signs for approval with the token the server holds
    assert web.post(f"/documents/{doc}/versions/1/approve").status_code == 303
    page = web.get(f"/documents/{doc}").text
    assert meanings_offered(page) == ["approval"]
    assert re.search(r'name="source" value="pkcs11" checked', page) and "«so-khcn-a»" in page
    assert "246810" not in page  # never the PIN
    r = sign(web, doc, {"meaning": "approval", "source": "pkcs11"})
    assert r.status_code == 303, r.text
    report = web.get(r.headers["location"]).text
    assert report.count("data-sig-untrusted") == 2 and TOKEN_HOLDER in report
    text = web.get(f"/documents/{doc}").text
    assert "Nguyễn Văn Ánh: ký phê duyệt" in text and 'action="/documents/' + doc + '/versions/1/sign"' not in text
    r = sign(web, doc, {"meaning": "review", "source": "pkcs11"})  # too late for a review signature
    assert r.status_code == 409 and "Chỉ ký xem xét trước khi ký phê duyệt." in r.text


def test_an_unknown_meaning_or_source_is_said_beside_its_field(web: Browser, site: Site) -> None:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc"}, page=f"/documents/{doc}")
    web.login("giamdoc")
    web.post(f"/documents/{doc}/versions/1/approve")
    page = web.get(f"/documents/{doc}").text
    assert 'name="source" value="p12"' in page and 'type="hidden" name="source"' in page  # no token: .p12 only
    r = sign(web, doc, {"meaning": "xac-nhan"})
    assert r.status_code == 422 and 'id="e-meaning"' in r.text
    r = sign(web, doc, {"meaning": "approval", "source": "usb"})
    assert r.status_code == 422 and 'id="e-source"' in r.text
