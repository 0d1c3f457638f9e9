"""Documents through HTTP: register, draft, review, approve, issue; ETag/If-Match, idempotency, lists."""

from __future__ import annotations

from urllib.parse import quote

from tests.api.conftest import OTHER, OWN, pdf_bytes


def _take_to_approved(api, doc):
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                    json={"reviewers": ["truongphong"], "approver": "giamdoc"}).status_code == 200
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/reviews", "truongphong",
                    json={"verdict": "agree"}).status_code == 200
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/approve", "giamdoc")
    assert r.status_code == 200, r.text
    return r


def test_a_form_goes_from_draft_to_in_force_and_appears_in_the_register(api, world):
    doc = world[OWN]["document_id"]
    _take_to_approved(api, doc)
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/issue", "thuky",
                 json={"effective_from": "2026-03-02", "distribution": ["leadership"]})
    assert r.status_code == 200, r.text
    state = api.call("GET", f"/api/v1/documents/{doc}", "chuyenvien").json()
    assert state["in_force"] == 1 and state["versions"][0]["status"] == "issued"
    listed = api.call("GET", f"/api/v1/agencies/{OWN}/documents?q=kiem soat", "chuyenvien").json()
    assert [d["id"] for d in listed["items"]] == [doc]
    public = api.call("GET", f"/api/v1/public/agencies/{OWN}/documents").json()
    assert [d["code"] for d in public["items"]] == ["QT-01"]
    page = api.call("GET", f"/public/agencies/{OWN}")
    assert page.status_code == 200 and "Quy trình kiểm soát tài liệu" in page.text


def test_the_register_shows_only_documents_in_force_by_default(api, world):
    assert api.call("GET", f"/api/v1/agencies/{OWN}/documents", "thuky").json()["items"] == []
    pending = api.call("GET", f"/api/v1/agencies/{OWN}/documents?status=pending", "thuky").json()
    assert len(pending["items"]) == 1
    assert api.call("GET", f"/api/v1/public/agencies/{OWN}/documents").json()["items"] == []


def test_get_returns_the_version_as_etag_and_a_stale_if_match_is_412(api, world):
    doc = world[OWN]["document_id"]
    r = api.call("GET", f"/api/v1/documents/{doc}", "thuky")
    etag = r.headers["ETag"]
    assert etag == f'"{r.json()["version"]}"'
    ok = api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                  json={"reviewers": [], "approver": "giamdoc"}, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.headers["ETag"] != etag
    stale = api.call("POST", f"/api/v1/documents/{doc}/versions/1/approve", "giamdoc", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["errors"][0]["field"] == "If-Match"


def test_a_repeated_idempotency_key_returns_the_first_response_and_applies_nothing_twice(api, world):
    body = {"code": "BM-09", "title": "Phiếu yêu cầu", "kind": "form", "department": "VP"}
    key = {"Idempotency-Key": "dang-ky-bm-09"}
    first = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky", json=body, headers=key)
    again = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    without = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky", json=body)
    assert without.status_code == 409 and without.json()["code"] == "duplicate_code"


def test_an_upload_is_stored_and_downloads_verified_with_its_vietnamese_name(api, world):
    doc = world[OWN]["document_id"]
    data = pdf_bytes("Ban moi", 100 * 1024)
    r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", data, name="Quy trình sửa đổi.pdf",
                   change_summary="Sửa lỗi chính tả")
    assert r.status_code == 200, r.text
    got = api.call("GET", f"/api/v1/documents/{doc}/versions/1/file", "chuyenvien")
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-length"] == str(len(data))
    assert f"filename*=UTF-8''{quote('Quy trình sửa đổi.pdf')}" in got.headers["content-disposition"]


def test_an_unsupported_file_type_is_415_naming_the_field(api, world):
    doc = world[OWN]["document_id"]
    r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", b"#!/bin/sh\necho hi\n",
                   name="script.pdf", change_summary="x")
    assert r.status_code == 415
    assert r.json()["errors"][0]["field"] == "file"


def test_another_agencys_document_is_404_never_403(api, world):
    doc = world[OTHER]["document_id"]
    assert api.call("GET", f"/api/v1/documents/{doc}", "thuky").status_code == 404
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                    json={"reviewers": [], "approver": "giamdoc"}).status_code == 404


def test_an_inspector_reads_a_supervised_agency_but_not_others(api, world):
    assert api.call("GET", f"/api/v1/documents/{world[OWN]['document_id']}", "kiemtra").status_code == 200
    assert api.call("GET", f"/api/v1/documents/{world[OTHER]['document_id']}", "kiemtra").status_code == 404


def test_history_as_of_shows_the_state_at_that_time(api, world):
    doc = world[OWN]["document_id"]
    h = api.call("GET", f"/api/v1/documents/{doc}/history", "danhgia").json()
    assert [e["type"] for e in h["events"]] == ["Registered", "DraftCreated"]
    early = api.call("GET", f"/api/v1/documents/{doc}/history",
                     "danhgia", params={"as_of": "2000-01-01T00:00:00+07:00"})
    assert early.status_code == 200 and early.json()["state"] is None
    naive = api.call("GET", f"/api/v1/documents/{doc}/history", "danhgia", params={"as_of": "2026-01-01T00:00:00"})
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "as_of"


def test_invalid_input_is_a_problem_naming_the_field_in_vietnamese_and_english(api, world):
    r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                 json={"code": "QT 99!", "title": "x", "kind": "procedure", "department": "VP"})
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["field"] == "code" and body["detail"] and body["detail_en"]
    assert body["type"].startswith("https://") and body["status"] == 422


def test_lists_are_paged_with_a_cursor(api, world):
    for i in range(5):
        api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                 json={"code": f"BM-{i:02}", "title": "Biểu mẫu", "kind": "form", "department": "VP"})
    seen, cursor = [], None
    while True:
        r = api.call("GET", f"/api/v1/agencies/{OWN}/documents", "thuky",
                     params={"status": "all", "limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [d["code"] for d in r["items"]]
        cursor = r["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == 6
