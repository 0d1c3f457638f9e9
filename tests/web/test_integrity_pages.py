"""Files stored through the pages are where verify looks; the integrity page, the API and the CLI give one report."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isoledger.cli import app as cli
from ledger.files import FileKind, file_scope
from ledger.references import Reference, references
from signing.testing import sample_pdf
from tests.factories import OWN
from tests.web.conftest import PASSWORD, Browser, Site, make_p12
from tests.web.test_document_pages import register, upload_draft
from tests.web.test_english import main_text
from tests.web.test_record_pages import open_record


@pytest.fixture
def cli_env(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """`isoledger verify` pointed at the site's home (its SQLite ledger and its object storage)."""
    monkeypatch.setenv("ISOLEDGER_HOME", str(site.home))
    monkeypatch.delenv("ISOLEDGER_DATABASE_URL", raising=False)
    monkeypatch.delenv("ISOLEDGER_STORAGE_URL", raising=False)
    return site


def verify_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, ["verify", *args])


def add_file(web: Browser, rec: str, name: str = "Báo cáo đánh giá.pdf") -> None:
    r = web.client.post(f"/records/{rec}/files", data={"csrf": web.csrf(), "description": "Báo cáo"},
                        files={"file": (name, io.BytesIO(sample_pdf(1, name.encode("ascii", "replace").decode())),
                                        "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text


def destroy_through_pages(web: Browser, code: str = "HS-01") -> str:
    """A record opened, given a file, closed, proposed, approved and destroyed with its minutes, all on the pages."""
    web.login("vanthu")
    rec = open_record(web, code)
    add_file(web, rec)
    assert web.post(f"/records/{rec}/close", {"closed_on": "31/12/2019"}).status_code == 303
    assert web.post(f"/records/{rec}/destruction/propose", {"reason": "Hết hạn"}).status_code == 303
    web.login("giamdoc")
    r = web.post(f"/records/{rec}/destruction/approve", {"decision_no": "45/QĐ", "decided_by": "giamdoc",
                                                         "council": ["giamdoc", "vanthu"]})
    assert r.status_code == 303, r.text
    web.login("vanthu")
    r = web.client.post(f"/records/{rec}/destruction/execute",
                        data={"csrf": web.csrf(), "executed_by": "vanthu", "witnesses": "danhgia",
                              "method": "crypto_shredding"},
                        files={"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(sample_pdf(1, "Bien ban huy")),
                                                "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    return rec


def test_destroying_a_record_through_the_pages_keeps_verify_green(web: Browser, cli_env: Site) -> None:
    destroy_through_pages(web)
    result = verify_cli()
    assert result.exit_code == 0, result.output
    assert "1 biên bản hủy" in result.output


def test_every_page_that_stores_a_file_stores_it_where_verify_looks(web: Browser, cli_env: Site) -> None:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)  # POST /documents/{id}/drafts
    r = web.client.post(f"/documents/{doc}/versions/1/revise",
                        data={"csrf": web.csrf(), "change_summary": "Sửa lỗi chính tả"},
                        files={"file": ("Quy trình (sửa).pdf", io.BytesIO(sample_pdf(2)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    assert web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc"},
                    page=f"/documents/{doc}").status_code == 303
    web.login("giamdoc")
    assert web.post(f"/documents/{doc}/versions/1/approve").status_code == 303
    r = web.client.post(f"/documents/{doc}/versions/1/sign",
                        data={"csrf": web.csrf(), "meaning": "approval", "source": "p12", "passphrase": "mat-khau-ky"},
                        files={"p12": ("giamdoc.p12", io.BytesIO(make_p12("Nguyễn Văn Ánh")),
                                       "application/x-pkcs12")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    destroy_through_pages(web, "HS-01")  # POST /records/{id}/files, then /destruction/execute
    add_file(web, open_record(web, "HS-02"))  # a record file that is not shredded

    found = list(references(cli_env.services.ledger))
    # images through the API only; a QMS case's evidence is driven through its routes in tests/api/test_file_scopes.py
    assert {r.kind for r in found} == set(FileKind) - {FileKind.IMAGE, FileKind.CASE}
    for r in found:
        assert r.scope == file_scope(r.kind, r.aggregate_id), (r.kind, r.ref.key)
        assert cli_env.ctx.archive.verify(r.ref, r.scope).ok, r.ref.key
    result = verify_cli()
    assert result.exit_code == 0, result.output
    web.login("danhgia")
    assert "data-ledger-intact" in web.get("/audit?verify=true").text


def api_report(web: Browser, **params: str) -> dict[str, Any]:
    token = web.client.post("/api/v1/auth/token", data={"username": "danhgia", "password": PASSWORD}).json()
    r = web.client.get("/api/v1/audit/verify", params=params,
                       headers={"Authorization": f"Bearer {token['access_token']}"})
    assert r.status_code == 200, r.text
    report: dict[str, Any] = r.json()
    return report


def page_text(web: Browser, lang: str = "vi") -> str:
    web.login("danhgia")
    if lang == "en":
        web.get("/lang/en")
    page = web.get(f"/audit?agency={OWN}&verify=true")
    assert page.status_code == 200, page.text
    return " ".join(html.unescape(main_text(page.text)).split())


def evidence(site: Site) -> Reference:
    return next(r for r in references(site.services.ledger) if r.kind is FileKind.EVIDENCE)


def alter(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("harm", ["altered", "missing"])
def test_broken_minutes_are_the_same_break_for_the_api_the_cli_and_the_page(web: Browser, cli_env: Site,
                                                                            harm: str) -> None:
    destroy_through_pages(web)
    minutes = evidence(cli_env)
    stored = cli_env.home / "objects" / minutes.ref.key
    alter(stored) if harm == "altered" else stored.unlink()

    report = api_report(web)
    brk = report["first_break"]
    assert not report["intact"] and brk["check"] == "evidence" and brk["key"] == minutes.ref.key
    assert brk["aggregate_id"] == minutes.aggregate_id and report["evidence_files_checked"] == 1
    result = verify_cli("--agency", OWN)
    assert result.exit_code == 1
    assert minutes.ref.key in result.output and brk["text_vi"] in result.output and brk["text_en"] in result.output
    assert report["summary_vi"] in result.output
    text = page_text(web)
    assert f"Chỗ hỏng đầu tiên: {brk['text_vi']}" in text and minutes.ref.key in text
    assert "Biên bản hủy «Biên bản hủy.pdf» của hồ sơ HS-01" in brk["text_vi"]
    assert report["summary_vi"] in text and "data-ledger-intact" not in text
    history = web.get(f"/records/{minutes.aggregate_id}/history").text  # the record's own timeline says it too
    assert f'href="/records/{minutes.aggregate_id}/history.csv' in history
    assert "Biên bản hủy.pdf:" in " ".join(html.unescape(main_text(history)).split())


def counts_on_the_page(text: str) -> dict[str, int]:
    pairs = re.findall(r"(Sự kiện|Tài liệu|Hồ sơ|Ảnh chụp trạng thái|Tệp \(dự thảo, bản đã ký, tệp hồ sơ\)|"
                       r"Biên bản hủy|Điểm kiểm tra đã ký \(cây Merkle của toàn bộ nhật ký\)) (\d+)", text)
    return {label: int(n) for label, n in pairs}


def test_an_intact_ledger_reports_the_same_counts_in_the_api_the_cli_and_the_page(web: Browser,
                                                                                 cli_env: Site) -> None:
    web.login("thuky")
    doc = register(web)
    upload_draft(web, doc)
    destroyed = destroy_through_pages(web)
    kept = open_record(web, "HS-02")
    add_file(web, kept)
    events = sum(len(cli_env.ctx.ledger.history(x)) for x in (doc, destroyed, kept))

    report = api_report(web)
    assert report["intact"] and report["agencies"] == [OWN]
    assert (report["events"], report["documents"], report["records"], report["files_checked"],
            report["evidence_files_checked"], report["snapshots_checked"]) == (events, 1, 2, 2, 1, 0)
    signed = report["checkpoints_checked"]  # the whole log is also held against its signed checkpoints
    assert signed == len(cli_env.ctx.services.checkpoints.all()) >= 1
    held_vi = f"{signed} điểm kiểm tra đã ký, "
    held_en = f"{signed} signed checkpoint{'' if signed == 1 else 's'}, "
    assert report["summary_vi"] == f"Đã kiểm tra {events} sự kiện của 3 tài liệu và hồ sơ, {held_vi}2 tệp, " \
                                   "1 biên bản hủy."
    assert report["summary_en"] == f"Checked {events} events of 3 documents and records, {held_en}2 files, " \
                                   "1 destruction minutes."
    result = verify_cli("--agency", OWN)
    assert result.exit_code == 0, result.output
    assert f"{report['summary_vi']} / {report['summary_en']}" in result.output
    text = page_text(web)
    assert report["summary_vi"] in text and "Toàn vẹn" in text and not re.search(r"\d+ mục", text)
    assert counts_on_the_page(text) == {"Sự kiện": events, "Tài liệu": 1, "Hồ sơ": 2, "Ảnh chụp trạng thái": 0,
                                        "Tệp (dự thảo, bản đã ký, tệp hồ sơ)": 2, "Biên bản hủy": 1,
                                        "Điểm kiểm tra đã ký (cây Merkle của toàn bộ nhật ký)": signed}
    english = page_text(web, "en")
    assert report["summary_en"] in english and "Intact" in english
