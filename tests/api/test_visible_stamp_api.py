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
