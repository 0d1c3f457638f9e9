"""The pages publish the signed checkpoint, hand out evidence bundles to those who may have them, and show what
the integrity check made of the checkpoints."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile

from evidence.isoledger_verify import verify_bundle
from tests.factories import OTHER, OWN
from tests.web.conftest import Browser, Site
from tests.web.test_document_pages import register, upload_draft
from tests.web.test_record_pages import open_record


def _english(web: Browser) -> None:
    assert web.get("/lang/en?next=/login", follow_redirects=False).status_code in (302, 303, 307)


def test_the_public_page_shows_the_latest_checkpoint_for_outsiders_to_keep(web: Browser, site: Site) -> None:
    web.login("thuky")
    register(web)
    site.services.projector.catch_up()
    latest = site.services.checkpoints.make()
    anonymous = Browser(web.client.__class__(site.app))
    page = anonymous.get(f"/cong-khai/{OWN}")
    assert page.status_code == 200
    html = page.text
    assert "Điểm kiểm tra đã ký của sổ cái" in html
    assert re.search(rf"data-tree-size>{latest.tree_size}<", html)
    assert f"data-root-hash>{latest.root_hash}<" in html
    shown = re.search(r"data-made-at>([^<]+)<", html).group(1)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", shown)
    assert site.services.checkpoints.key.verifier_key in html
    for link in ("/api/v1/checkpoints", "/api/v1/checkpoints/latest", "/api/v1/checkpoints/key",
                 "/verifier/isoledger_verify.py"):
        assert f'href="{link}"' in html
        assert anonymous.get(link).status_code == 200  # every link works without signing in
    listed = anonymous.get("/api/v1/checkpoints").json()["items"]
    assert latest.root_hash in {c["root_hash"] for c in listed}
    assert "không có (hệ thống chưa cấu hình dịch vụ cấp dấu thời gian)" in html  # no TSA in this site
    _english(anonymous)
    english = anonymous.get(f"/cong-khai/{OWN}").text
    assert "The ledger&#39;s signed checkpoint" in english or "The ledger's signed checkpoint" in english
    assert "Verifier key" in english and "Root hash (SHA-256)" in english


def test_the_public_page_signs_the_checkpoint_that_is_due_by_time(web: Browser, site: Site) -> None:
    checkpoints = site.services.checkpoints
    first = checkpoints.make()
    web.login("thuky")
    register(web)
    site.services.projector.catch_up()  # one new event: not enough for a checkpoint by count
    assert checkpoints.latest().tree_size == first.tree_size
    checkpoints.every_seconds = 0  # as if the minutes had passed with nothing else happening
    html = web.get(f"/cong-khai/{OWN}").text
    assert checkpoints.latest().tree_size == first.tree_size + 1
    assert re.search(rf"data-tree-size>{first.tree_size + 1}<", html)
    assert "sau mỗi 1000 sự kiện mới, hoặc sau 0 phút" in html


def _issued_document(web: Browser) -> str:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    return doc


def test_the_history_page_offers_the_evidence_bundle_and_it_verifies(web: Browser, site: Site) -> None:
    doc = _issued_document(web)
    web.login("danhgia")  # an internal auditor may read the history, so may take the bundle
    page = web.get(f"/documents/{doc}/history").text
    assert "Tải gói chứng cứ" in page and f'href="/documents/{doc}/evidence.zip"' in page
    r = web.get(f"/documents/{doc}/evidence.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "Chung%20cu%20-%20QT-01.zip" in r.headers["content-disposition"]
    path = site.home / "bundle.zip"
    path.write_bytes(r.content)
    report = verify_bundle(str(path), site.services.checkpoints.key.verifier_key)
    assert not report.failures and not report.warnings, report.failures
    manifest = zipfile.ZipFile(io.BytesIO(r.content)).read("manifest.json").decode()
    assert '"code": "QT-01"' in manifest
    _english(web)
    assert "Download the evidence bundle" in web.get(f"/documents/{doc}/history").text


def test_a_user_of_another_agency_gets_no_bundle(web: Browser, site: Site) -> None:
    doc = _issued_document(web)
    web.login("giamdoc-b")
    assert web.get(f"/documents/{doc}/evidence.zip").status_code == 404
    web.login("chuyenvien")  # staff of the agency: no history, so no bundle
    assert web.get(f"/documents/{doc}/evidence.zip").status_code == 404


def test_a_confidential_records_bundle_is_for_its_controller_and_the_leader_only(web: Browser, site: Site) -> None:
    web.login("vanthu")
    r = web.post("/records/new", {"code": "HS-09", "title": "Hồ sơ thanh tra nội bộ", "series": "Thanh tra",
                                  "retention_years": "10", "legal_basis": "Thông tư 10/2022/TT-BNV",
                                  "confidentiality": "confidential"}, page="/records/new")
    assert r.status_code == 303, r.text
    rec = r.headers["location"].split("/")[2].split("?")[0]
    plain = open_record(web, "HS-10")
    web.login("danhgia")
    assert "data-evidence" not in web.get(f"/records/{rec}/history").text
    refused = web.get(f"/records/{rec}/evidence.zip")
    assert refused.status_code == 403 and "Hồ sơ mật" in refused.text
    assert "data-evidence" in web.get(f"/records/{plain}/history").text
    assert web.get(f"/records/{plain}/evidence.zip").status_code == 200
    for who in ("vanthu", "giamdoc"):
        web.login(who)
        assert "data-evidence" in web.get(f"/records/{rec}/history").text
        got = web.get(f"/records/{rec}/evidence.zip")
        assert got.status_code == 200 and zipfile.ZipFile(io.BytesIO(got.content)).read("checkpoint.txt")


def test_the_integrity_page_counts_the_checkpoints_and_names_a_deleted_event(web: Browser, site: Site) -> None:
    doc = _issued_document(web)
    site.services.projector.catch_up()
    site.services.checkpoints.make()
    web.login("danhgia")
    page = web.get(f"/audit?agency={OWN}&verify=true").text
    checked = int(re.search(r'data-count="checkpoints">(\d+)<', page).group(1))
    assert checked >= 1 and "data-tree-intact" in page
    conn = sqlite3.connect(site.home / "isoledger.sqlite3", isolation_level=None)
    try:
        from uuid import UUID

        row = conn.execute("SELECT MAX(rowid) FROM stored_events WHERE originator_id = ?",
                           (UUID(doc).hex,)).fetchone()
        conn.execute("DELETE FROM stored_events WHERE rowid = ?", (row[0],))  # its chain still holds
    finally:
        conn.close()
    page = web.get(f"/audit?agency={OWN}&verify=true").text
    assert "data-ledger-broken" in page and "data-tree-problems" in page
    assert f"Các sự kiện đã bị xóa khỏi nhật ký: vị trí {row[0]}." in page
    assert 'data-tree-problem="root"' in page or 'data-tree-problem="truncated"' in page
    _english(web)
    english = web.get(f"/audit?agency={OWN}&verify=true").text
    assert f"Events deleted from the log: positions {row[0]}." in english
    assert "Signed checkpoints (the Merkle tree of the whole log)" in english
    assert OTHER not in english
