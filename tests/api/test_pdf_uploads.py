"""A file is a PDF only if it starts with `%PDF-` and a PDF reader opens it; a real PDF of any size is taken."""

from __future__ import annotations

from tests.api.conftest import OWN, pdf_bytes


def test_a_file_that_only_starts_like_a_pdf_is_refused_naming_the_field(api, world):
    rec = world[OWN]["record_id"]
    fake = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"
    r = api.upload(f"/api/v1/records/{rec}/files", "vanthu", data=fake, name="bien-ban.pdf")
    assert r.status_code == 415 and r.headers["content-type"].startswith("application/problem+json"), r.text
    problem = r.json()
    assert problem["code"] == "pdf_unreadable" and problem["errors"][0]["field"] == "file"
    assert "PDF" in problem["detail"] and "PDF" in problem["detail_en"]
    files = api.call("GET", f"/api/v1/records/{rec}", "vanthu").json()["files"]
    assert all(f["file"]["filename"] != "bien-ban.pdf" for f in files)


def test_a_cut_off_pdf_is_refused(api, world):
    doc = world[OWN]["document_id"]
    whole = pdf_bytes(size=20_000)
    r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", whole[: len(whole) // 2],
                   name="QT-01.pdf", change_summary="cut off")
    assert r.status_code == 415 and r.json()["errors"][0]["field"] == "file", r.text


def test_a_real_pdf_padded_to_a_size_is_taken(api, world):
    rec = world[OWN]["record_id"]
    data = pdf_bytes(size=300_000)
    r = api.upload(f"/api/v1/records/{rec}/files", "vanthu", data=data, name="ban-quet.pdf")
    assert r.status_code == 201, r.text
    files = api.call("GET", f"/api/v1/records/{rec}", "vanthu").json()["files"]
    index = next(i for i, f in enumerate(files, start=1) if f["file"]["filename"] == "ban-quet.pdf")
    got = api.call("GET", f"/api/v1/records/{rec}/files/{index}", "vanthu")
    assert got.status_code == 200 and got.content == data
