"""Pages carry a strict Content-Security-Policy and may not be framed; every answer says nosniff and its referrer
policy; a record's files are never cached; signing in from another site's page is refused (login CSRF)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.conftest import OWN, PASSWORD, pdf_bytes

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "web" / "templates"


def test_pages_send_a_self_only_csp_without_inline_script_and_refuse_framing(api, world):
    for path in ("/login", "/docs", "/cong-khai/" + OWN):
        r = api.client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Referrer-Policy"] == "same-origin"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text), f"inline script on {path}"
        assert not re.search(r"\sstyle=|\son[a-z]+=", r.text), f"inline style or handler on {path}"


def test_no_template_holds_an_inline_script_style_or_event_handler():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:", text), template


def test_api_answers_say_nosniff(api, world):
    r = api.call("GET", "/api/v1/auth/me", "thuky")
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Referrer-Policy"] == "same-origin"


def test_a_records_file_download_is_not_cached(api, world):
    rec = world[OWN]["record_id"]
    added = api.upload(f"/api/v1/records/{rec}/files", "vanthu", data=pdf_bytes("Bien ban"), description="Biên bản")
    assert added.status_code == 201, added.text
    r = api.call("GET", f"/api/v1/records/{rec}/files/1", "vanthu")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_signing_in_with_a_cookie_from_another_sites_page_is_refused(api, world):
    form = {"username": "thuky", "password": PASSWORD}
    for foreign in ("https://evil.example", "null"):
        r = api.client.post("/api/v1/auth/session", data=form, headers={"Origin": foreign})
        assert r.status_code == 403 and r.json()["code"] == "foreign_origin" and "set-cookie" not in r.headers
    same = api.client.post("/api/v1/auth/session", data=form, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
    api.client.cookies.clear()
    assert api.client.post("/api/v1/auth/session", data=form).status_code == 200  # a client that is not a browser
    api.client.cookies.clear()
