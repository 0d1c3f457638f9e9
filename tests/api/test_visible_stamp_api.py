"""Every signature made through the API is visible: the Decree 30 stamp on the chosen page, in Vietnamese, where
a reader sees it, valid for pdfsig, and a second signature beside the first, never over it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signing import PadesLevel, SigningConfig, build_signing_service
from signing.testing import PASSPHRASE, LoopbackPki, sample_pdf, served_pki
from tests.api.conftest import OWN, build_world, make_api
from tests.pdf_checks import (
    inside,
    non_white,
    overlap,
    page_text,
    pdfsig_valid,
    render,
    share,
    signature_widgets,
)

AGENCY_NAME = "Sở Khoa học và Công nghệ A"  # the world's agency, as the directory names it


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture
def signing_api(database_url: str, tmp_path: Path, ledger: Any, projector: Any, pki: LoopbackPki) -> Iterator[Any]:
    service = build_signing_service(SigningConfig(level=PadesLevel.B_B, tsa_url=pki.tsa_url,
                                                  trust_roots=(pki.root_cert_path,)))
    api = make_api(database_url, tmp_path, ledger, projector, signing=service)
    with api.client:
        yield api
    api.archive.close()
    service.close()


def submitted(api: Any, pages: int = 1, reviewers: tuple[str, ...] = ()) -> str:
    build_world(api)
    r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                 json={"code": "QT-12", "title": "Quy trình ký số", "kind": "procedure", "department": "Văn phòng"})
    assert r.status_code == 201, r.text
    doc = r.json()["id"]
    r = api.upload(f"/api/v1/documents/{doc}/versions", "thuky", data=sample_pdf(pages), change_summary="Lần đầu")
    assert r.status_code == 201, r.text
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": list(reviewers), "approver": "giamdoc"})
    assert r.status_code == 200, r.text
    return doc


def approve(api: Any, doc: str) -> None:
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/approve", "giamdoc").status_code == 200


def sign(api: Any, doc: str, user: str, p12: bytes, **fields: Any) -> Any:
    data = {"meaning": "approval", "passphrase": PASSPHRASE, **{k: str(v) for k, v in fields.items()}}
    return api.call("POST", f"/api/v1/documents/{doc}/versions/1/sign", user,
                    files={"p12": ("ky.p12", io.BytesIO(p12), "application/x-pkcs12")}, data=data)


@pytest.fixture(scope="module")
def p12(pki: LoopbackPki) -> dict[str, bytes]:
    """The PKCS#12 files of the test PKI's leader and reviewer."""
    return {label: pki.pkcs12(label, PASSPHRASE.encode()) for label in ("leader", "reviewer")}


def download(api: Any, doc: str, tmp_path: Path, name: str = "signed.pdf") -> tuple[bytes, Path]:
    r = api.call("GET", f"/api/v1/documents/{doc}/versions/1/file", "thuky")
    assert r.status_code == 200
    path = tmp_path / name
    path.write_bytes(r.content)
    return r.content, path


def test_an_api_signature_is_a_visible_vietnamese_stamp_on_the_chosen_page(signing_api, tmp_path, p12):
    api = signing_api
    doc = submitted(api, pages=3)
    approve(api, doc)
    r = sign(api, doc, "giamdoc", p12["leader"], page=2)
    assert r.status_code == 200, r.text

    pdf, path = download(api, doc, tmp_path)
    [widget] = signature_widgets(pdf)
    assert widget.page == 2 and widget.visible
    x1, y1, x2, y2 = widget.rect
    assert x2 > 595 / 2 and y1 < 842 / 3  # lower right, where the signature block of a document is
    text = page_text(path, 2)
    for expected in ("Ký phê duyệt", "Nguyễn Văn Ánh", AGENCY_NAME, "+07:00"):
        assert expected in text, text
    assert "giamdoc" not in text  # the person's name from the directory, never the username
    assert "Nguyễn Văn Ánh" not in page_text(path, 1) + page_text(path, 3)
    assert share(inside(render(path, 2), widget.rect), non_white) > 0.01
    assert pdfsig_valid(path) == [True]


def test_a_second_signature_keeps_the_first_valid_and_does_not_overlap_it(signing_api, tmp_path, p12):
    api = signing_api
    doc = submitted(api, reviewers=("truongphong",))
    r = sign(api, doc, "truongphong", p12["reviewer"], meaning="review")
    assert r.status_code == 200, r.text
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/reviews", "truongphong",
                    json={"verdict": "agree"}).status_code == 200
    approve(api, doc)
    r = sign(api, doc, "giamdoc", p12["leader"])
    assert r.status_code == 200, r.text

    pdf, path = download(api, doc, tmp_path)
    review, approval = signature_widgets(pdf)
    assert review.page == approval.page == 1 and review.visible and approval.visible
    assert not overlap(review.rect, approval.rect)
    # the review stamp (ký xem xét) is the smaller one
    assert (review.rect[2] - review.rect[0]) < (approval.rect[2] - approval.rect[0])
    text = page_text(path, 1)
    assert "Ký xem xét" in text and "Trần Quốc Bảo" in text and "Ký phê duyệt" in text
    assert pdfsig_valid(path) == [True, True]
    report = api.call("GET", f"/api/v1/documents/{doc}/versions/1/signatures", "danhgia").json()
    assert [s["intact"] and s["valid"] for s in report["signatures"]] == [True, True]


def test_the_stamp_goes_in_the_box_the_leader_chose_and_never_over_another(signing_api, tmp_path, p12):
    api = signing_api
    doc = submitted(api, reviewers=("truongphong",))
    r = sign(api, doc, "truongphong", p12["reviewer"], meaning="review", box="60,400,300,460")
    assert r.status_code == 200, r.text
    pdf, _ = download(api, doc, tmp_path)
    [widget] = signature_widgets(pdf)
    assert widget.rect == (60, 400, 300, 460)

    api.call("POST", f"/api/v1/documents/{doc}/versions/1/reviews", "truongphong", json={"verdict": "agree"})
    approve(api, doc)
    version = api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["version"]
    for fields, field in (({"box": "100,420,400,520"}, "box"), ({"box": "500,10,800,100"}, "box"),
                          ({"box": "1,2,3"}, "box"), ({"page": 2}, "page"), ({"page": 0}, "page"),
                          ({"position": "middle"}, "position"), ({"style": "fancy"}, "style")):
        r = sign(api, doc, "giamdoc", p12["leader"], **fields)
        assert r.status_code == 422, (fields, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        named = {e.get("field") for e in body.get("errors", [])} | {body.get("field")}
        assert any(str(n).endswith(field) for n in named if n), (fields, body)
        assert body.get("detail") and body.get("detail_en")
    assert api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["version"] == version  # nothing recorded


# ---- the signer's image and the agency's seal, kept once ---------------------------------------------
def png(img: Any) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(10, 90), (60, 20), (90, 100), (140, 30), (290, 40)], fill=(20, 40, 200, 255),
                             width=7)
    return png(img)


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((4, 4, 236, 236), outline=(210, 20, 30, 255), width=14)
    draw.regular_polygon((120, 120, 50), 5, fill=(210, 20, 30, 255))
    return png(img)


def put_image(api: Any, path: str, user: str, data: bytes, name: str = "ảnh.png") -> Any:
    return api.call("PUT", path, user, files={"file": (name, io.BytesIO(data), "image/png")})


def test_images_are_kept_once_as_events_and_drawn_on_every_later_stamp(signing_api, tmp_path, p12):
    from tests.pdf_checks import blue, red

    api = signing_api
    doc = submitted(api, reviewers=("truongphong",))
    r = put_image(api, "/api/v1/users/giamdoc/signature-image", "giamdoc", signature_png(), "chữ ký.png")
    assert r.status_code == 200, r.text
    assert r.json()["file"]["media_type"] == "image/png" and r.json()["file"]["filename"] == "chữ ký.png"
    r = put_image(api, f"/api/v1/agencies/{OWN}/seal-image", "vanthu", seal_png())  # văn thư keeps the seal
    assert r.status_code == 200, r.text
    seal_ref = r.json()["file"]
    assert put_image(api, "/api/v1/users/truongphong/signature-image", "truongphong", signature_png()
                     ).status_code == 200
    got = api.call("GET", f"/api/v1/agencies/{OWN}/seal-image", "danhgia")
    assert got.status_code == 200 and got.content == seal_png() and got.headers["content-type"] == "image/png"
    # the facts: one event each, naming the file (an auditor sees which image was used when)
    from ledger.directory import account_uuid, agency_uuid

    last = api.ctx.ledger.history(str(agency_uuid(OWN)))[-1]
    assert last["type"] == "SealImageSet" and last["data"]["file"] == seal_ref
    assert last["meta"]["user_id"] == "vanthu" and last["meta"]["role"] == "records_controller"
    assert api.ctx.ledger.history(str(account_uuid("giamdoc")))[-1]["type"] == "SignatureImageSet"

    r = sign(api, doc, "truongphong", p12["reviewer"], meaning="review")
    assert r.status_code == 200, r.text
    api.call("POST", f"/api/v1/documents/{doc}/versions/1/reviews", "truongphong", json={"verdict": "agree"})
    approve(api, doc)
    r = sign(api, doc, "giamdoc", p12["leader"])
    assert r.status_code == 200, r.text
    pdf, path = download(api, doc, tmp_path)
    review, approval = signature_widgets(pdf)
    img = render(path, 1)
    assert share(inside(img, approval.rect), red) > 0.01 and share(inside(img, approval.rect), blue) > 0.005
    assert share(inside(img, review.rect), blue) > 0.005 and share(inside(img, review.rect), red) == 0  # no seal
    assert pdfsig_valid(path) == [True, True]

    r = sign(api, submitted_again(api), "giamdoc", p12["leader"], images="false")  # text alone, when asked
    assert r.status_code == 200, r.text


def submitted_again(api: Any) -> str:
    r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                 json={"code": "QT-13", "title": "Quy trình khác", "kind": "procedure", "department": "Văn phòng"})
    doc = r.json()["id"]
    api.upload(f"/api/v1/documents/{doc}/versions", "thuky", data=sample_pdf(1), change_summary="Lần đầu")
    api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
             json={"reviewers": [], "approver": "giamdoc"})
    approve(api, doc)
    return doc


def test_bad_images_are_refused_naming_the_field_and_nothing_is_recorded(signing_api):
    from PIL import Image

    api = signing_api
    build_world(api)
    path = "/api/v1/users/giamdoc/signature-image"
    before = api.ctx.directory.account("giamdoc")["version"]
    opaque = png(Image.new("RGB", (200, 80), (255, 255, 255)))
    bomb = png(Image.new("1", (20_000, 20_000)))  # a few KiB that would decode to 400 megapixels
    jpeg = io.BytesIO()
    Image.new("RGB", (200, 80)).save(jpeg, format="JPEG")
    for data, words in ((opaque, "nền trong suốt"), (bomb, "quá lớn"), (jpeg.getvalue(), "PNG"),
                        (b"\x89PNG\r\n\x1a\n" + b"hong" * 10, "không đọc được")):
        r = put_image(api, path, "giamdoc", data)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "signature_image" and words in r.json()["detail"], r.json()
    r = put_image(api, path, "giamdoc", b"\x89PNG\r\n\x1a\n" + b"x" * (600 * 1024))
    assert r.status_code == 413
    assert put_image(api, path, "truongphong", signature_png()).status_code == 403  # only their own image
    assert put_image(api, "/api/v1/users/giamdoc-b/signature-image", "giamdoc", signature_png()).status_code == 404
    assert put_image(api, f"/api/v1/agencies/{OWN}/seal-image", "chuyenvien", seal_png()).status_code == 403
    assert api.ctx.directory.account("giamdoc")["version"] == before


# ---- the PAdES level of one signature -----------------------------------------------------------------
def test_a_signature_may_ask_for_a_timestamped_level_the_installation_offers(signing_api, p12):
    api = signing_api
    doc = submitted(api)
    approve(api, doc)
    r = sign(api, doc, "giamdoc", p12["leader"], level="B-T")
    assert r.status_code == 200, r.text
    [signature] = api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["versions"][0]["signatures"]
    assert signature["pades_level"] == "B-T" and signature["timestamp_time"]


@pytest.mark.parametrize(("tsa", "status", "field"), [(None, 422, "level"), ("http://127.0.0.1:9/tsa", 503, None)])
def test_a_level_the_server_cannot_make_now_is_a_clear_problem(database_url, tmp_path, ledger, projector, pki, p12,
                                                               tsa, status, field):
    service = build_signing_service(SigningConfig(level=PadesLevel.B_B, tsa_url=tsa, http_timeout=2,
                                                  trust_roots=(pki.root_cert_path,)))
    api = make_api(database_url, tmp_path, ledger, projector, signing=service)
    try:
        with api.client:
            doc = submitted(api)
            approve(api, doc)
            r = sign(api, doc, "giamdoc", p12["leader"], level="B-T")
            assert r.status_code == status, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["detail"] and r.json()["detail_en"]
            if field:
                assert r.json()["errors"][0]["field"] == field and "ISOLEDGER_TSA_URL" in r.json()["detail_en"]
            else:
                assert r.json()["code"] == "tsa_unavailable"
            assert api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["versions"][0]["signatures"] == []
            assert sign(api, doc, "giamdoc", p12["leader"]).status_code == 200  # B-B still works
    finally:
        api.archive.close()
        service.close()


# ---- anyone verifies any PDF ------------------------------------------------------------------------
def stored_objects(tmp_path: Path) -> int:
    return sum(1 for p in (tmp_path / "objects").rglob("*") if p.is_file())


def test_anyone_verifies_a_pdf_signed_elsewhere_without_it_being_stored(signing_api, pki, tmp_path):
    from signing import open_pkcs12_signer

    api = signing_api
    build_world(api)
    with build_signing_service(SigningConfig(check_signer=False)) as elsewhere:  # another system, same national PKI
        signer = open_pkcs12_signer(pki.pkcs12("reviewer", PASSPHRASE.encode()), PASSPHRASE)
        signed = elsewhere.sign(sample_pdf(2), signer, signer_name="Trần Thị Bích Ngọc", agency="Sở Y tế",
                                meaning="approval").content
    before = stored_objects(tmp_path)
    for user in ("chuyenvien", "kiemtra", "admin"):
        r = api.call("POST", "/api/v1/signatures/verify", user,
                     files={"file": ("văn bản nhận được.pdf", io.BytesIO(signed), "application/pdf")})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["filename"] == "văn bản nhận được.pdf" and body["size"] == len(signed)
        [one] = body["signatures"]
        assert one["intact"] and one["valid"] and one["trusted"] and one["ok"] and one["signer"] == "Trần Thị Bích Ngọc"
    assert stored_objects(tmp_path) == before  # nothing kept

    tampered = signed.replace(b"trang 1", b"trang 9")
    [bad] = api.call("POST", "/api/v1/signatures/verify", "chuyenvien",
                     files={"file": ("sửa.pdf", io.BytesIO(tampered), "application/pdf")}).json()["signatures"]
    assert not bad["intact"] and not bad["ok"]

    r = api.call("POST", "/api/v1/signatures/verify", "chuyenvien",
                 files={"file": ("ảnh.pdf", io.BytesIO(seal_png()), "application/pdf")})
    assert r.status_code == 415 and r.json()["errors"][0]["field"] == "file" and r.json()["detail_en"]
    assert api.client.post("/api/v1/signatures/verify",
                           files={"file": ("a.pdf", io.BytesIO(signed), "application/pdf")}).status_code == 401
