"""The probe's smaller findings: a PDF starts with its header, bidirectional overrides leave names and titles,
`retention_years: true` is no number, OPTIONS says what is allowed, the OpenAPI schema documents every error as
problem+json (file routes too) and every cursor."""

from __future__ import annotations

from tests.api.conftest import OWN, pdf_bytes

RLO, PDF_MARK, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def test_a_file_with_bytes_before_the_pdf_header_is_not_taken_as_a_pdf(api, world):
    rec = world[OWN]["record_id"]
    disguised = b"<html><script>alert(1)</script></html>\n" + pdf_bytes()
    r = api.upload(f"/api/v1/records/{rec}/files", "vanthu", data=disguised, name="bien-ban.pdf")
    assert r.status_code == 415 and r.headers["content-type"].startswith("application/problem+json"), r.text


def test_bidirectional_overrides_are_stripped_from_titles_and_names(api, world):
    r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky", json={
        "code": "QT-77", "title": f"Quy trình {RLO}fdp.exe{PDF_MARK} nội bộ", "kind": "form", "department": "VP"})
    assert r.status_code == 201, r.text
    doc = api.call("GET", f"/api/v1/documents/{r.json()['id']}", "thuky").json()
    assert doc["title"] == "Quy trình fdp.exe nội bộ"
    r = api.call("POST", f"/api/v1/agencies/{OWN}/users", "admin", json={
        "username": "nguoi-song-ngu", "full_name": f"{LRI}Nguyễn Văn A{PDI}", "roles": ["staff"]})
    assert r.status_code == 201 and r.json()["full_name"] == "Nguyễn Văn A"


def test_retention_years_true_is_refused_not_read_as_one(api, world):
    r = api.call("POST", f"/api/v1/agencies/{OWN}/records", "vanthu", json={
        "code": "HS-77", "title": "Hồ sơ", "series": "Đánh giá", "retention_years": True, "legal_basis": "TT 10"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "retention_years", r.text


def test_options_answers_with_the_allowed_methods(api, world):
    doc = world[OWN]["document_id"]
    r = api.client.options(f"/api/v1/documents/{doc}")
    assert r.status_code == 204 and set(r.headers["Allow"].split(", ")) >= {"GET", "HEAD", "OPTIONS"}
    r = api.client.options("/api/v1/auth/session")
    assert set(r.headers["Allow"].split(", ")) == {"POST", "DELETE", "OPTIONS"}
    assert api.client.options("/api/v1/khong-co").status_code == 404


def test_openapi_documents_problem_json_on_every_error_and_every_cursor(api, world):
    schema = api.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.isdigit() and int(status) >= 400:
                    assert list(response.get("content", {})) == ["application/problem+json"], (method, path, status)
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "cursor":
                    assert "next_cursor" in parameter["description"], (method, path)
    record_file = schema["paths"]["/api/v1/records/{record_id}/files/{index}"]["get"]["responses"]
    assert "application/pdf" in record_file["200"]["content"] and "404" in record_file
    page = schema["components"]["schemas"]["DocumentPage"]["properties"]["next_cursor"]
    assert "cursor" in page["description"]
