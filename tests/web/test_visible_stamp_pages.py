"""Signing on the document page makes the same visible stamp as the API: on the page the leader picked, at the
preset or the box they clicked, beside earlier signatures; the page is drawn for them to point at."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image

from signing.testing import sample_pdf
from tests.pdf_checks import inside, non_white, overlap, page_text, pdfsig_valid, render, share, signature_widgets
from tests.web.conftest import OWN_NAME, Browser, make_p12
from tests.web.test_document_pages import register, version_of


def draft(web: Browser, doc: str, pages: int) -> None:
    r = web.client.post(f"/documents/{doc}/drafts", data={"csrf": web.csrf(), "change_summary": "Lần đầu",
                                                         "expected_version": version_of(web, doc)},
                        files={"file": ("Quy trình.pdf", io.BytesIO(sample_pdf(pages)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text


def sign(web: Browser, doc: str, name: str, **fields: str) -> Any:
    data = {"csrf": web.csrf(f"/documents/{doc}"), "source": "p12", "passphrase": "mat-khau-ky", **fields}
    return web.client.post(f"/documents/{doc}/versions/1/sign", data=data,
                           files={"p12": ("ky.p12", io.BytesIO(make_p12(name)), "application/x-pkcs12")},
                           follow_redirects=False)


def signed_pdf(web: Browser, doc: str, tmp_path: Path) -> tuple[bytes, Path]:
    r = web.get(f"/documents/{doc}/versions/1/file")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    path = tmp_path / "signed.pdf"
    path.write_bytes(r.content)
    return r.content, path


def test_the_sign_page_offers_every_page_drawn_and_the_preset_places(web: Browser) -> None:
    web.login("thuky")
    doc = register(web)
    draft(web, doc, 3)
    web.post(f"/documents/{doc}/versions/1/submit", {"approver": "giamdoc"}, page=f"/documents/{doc}")
    web.login("giamdoc")
    web.post(f"/documents/{doc}/versions/1/approve")
    page = web.get(f"/documents/{doc}").text
    assert re.findall(r'<option value="(\d)" data-area="0.0,0.0,595.0,842.0"', page) == ["1", "2", "3"]
    assert re.search(r'<option value="3"[^>]* selected>3 \(trang cuối\)', page)  # the last page by default
    assert 'name="position" value="bottom-right" checked' in page and 'name="box"' in page
    assert '<script src="/static/web/stamp.js" defer></script>' in page
    png = web.get(f"/documents/{doc}/versions/1/pages/2.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (496, 702)  # A4 at 60 dpi
    assert web.get(f"/documents/{doc}/versions/1/pages/4.png").status_code == 422
    assert web.get("/static/web/stamp.js").status_code == 200


def test_signing_on_the_page_stamps_the_chosen_page_beside_the_review_signature(web: Browser, tmp_path) -> None:
    web.login("thuky")
    doc = register(web)
    draft(web, doc, 2)
    web.post(f"/documents/{doc}/versions/1/submit", {"reviewers": "truongphong", "approver": "giamdoc"},
             page=f"/documents/{doc}")
    web.login("truongphong")
    r = sign(web, doc, "Trần Quốc Bảo", meaning="review", page="1", box="60,500,300,560")
    assert r.status_code == 303, r.text
    web.post(f"/documents/{doc}/versions/1/review", {"verdict": "agree"})
    web.login("giamdoc")
    web.post(f"/documents/{doc}/versions/1/approve")
    r = sign(web, doc, "Nguyễn Văn Ánh", meaning="approval", page="1", box="100,520,460,630")
    assert r.status_code == 422 and 'id="e-box"' in r.text and "che lên một chữ ký đã có" in r.text
    r = sign(web, doc, "Nguyễn Văn Ánh", meaning="approval", page="1", position="bottom-left", level="B-B")
    assert r.status_code == 303, r.text

    pdf, path = signed_pdf(web, doc, tmp_path)
    review, approval = signature_widgets(pdf)
    assert review.page == approval.page == 1 and review.rect == (60, 500, 300, 560)
    assert approval.visible and not overlap(review.rect, approval.rect)
    assert approval.rect[0] < 595 / 2 and approval.rect[1] < 842 / 3  # lower left, as chosen
    text = page_text(path, 1)
    for expected in ("Ký xem xét", "Trần Quốc Bảo", "Ký phê duyệt", "Nguyễn Văn Ánh", OWN_NAME, "+07:00"):
        assert expected in text, text
    assert "Nguyễn Văn Ánh" not in page_text(path, 2)
    img = render(path, 1)
    assert share(inside(img, review.rect), non_white) > 0.01 and share(inside(img, approval.rect), non_white) > 0.01
    assert pdfsig_valid(path) == [True, True]
