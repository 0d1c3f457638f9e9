"""Auditor and inspector pages: timeline with hashes, the state on a past date, integrity, CSV and PDF exports."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from tests.web.conftest import Browser, Site
from tests.web.test_document_pages import register, upload_draft


def make_doc(web: Browser) -> str:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    return doc


def test_timeline_shows_every_event_with_its_hash_and_integrity(web: Browser, site: Site) -> None:
    doc = make_doc(web)
    web.login("danhgia")
    text = web.get(f"/documents/{doc}/history").text
    events = site.ctx.ledger.history(doc)
    assert all(e["hash"] in text for e in events)
    assert "data-chain-intact" in text and "thuky" in text


def test_state_as_of_a_past_date(web: Browser, site: Site) -> None:
    doc = make_doc(web)
    web.login("kiemtra")  # the inspector of the supervising agency
    yesterday = (datetime.now() - timedelta(days=2)).date().isoformat()
    assert "data-not-yet" in web.get(f"/documents/{doc}/history?day={yesterday}").text
    first = site.ctx.ledger.history(doc)[0]["timestamp"]
    text = web.get(f"/documents/{doc}/history", params={"at": first}).text
    assert "Chưa có phiên bản." in text and "sau thời điểm đang xem" in text


def test_csv_export_is_utf8_with_bom(web: Browser) -> None:
    doc = make_doc(web)
    web.login("danhgia")
    r = web.get(f"/documents/{doc}/history.csv")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert "Đăng ký tài liệu QT-01 «Quy trình kiểm soát tài liệu»" in r.content.decode("utf-8-sig")


def test_pdf_export_renders_vietnamese(web: Browser, tmp_path: Path) -> None:
    doc = make_doc(web)
    web.login("danhgia")
    r = web.get(f"/documents/{doc}/history.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    path = tmp_path / "h.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "Quy trình kiểm soát tài liệu" in text and "Người thực hiện" in text


def test_audit_page_checks_integrity_of_the_agency(web: Browser) -> None:
    make_doc(web)
    web.login("danhgia")
    text = web.get("/audit?verify=true").text
    assert "data-ledger-intact" in text and "QT-01" in text


def test_staff_cannot_read_history(web: Browser) -> None:
    doc = make_doc(web)
    web.login("chuyenvien")
    assert web.get(f"/documents/{doc}/history").status_code == 404
    assert web.get("/audit").status_code == 403
