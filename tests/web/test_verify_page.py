"""The verify page: anyone signed in uploads a signed PDF from elsewhere and reads the same report as for the
system's own files; the file is not kept, and a file that is no PDF is refused with 415."""

from __future__ import annotations

import io

from signing import SigningConfig, build_signing_service, open_pkcs12_signer
from signing.testing import sample_pdf
from tests.web.conftest import Browser, Site, make_p12


def signed_elsewhere() -> bytes:
    with build_signing_service(SigningConfig(check_signer=False)) as service:
        signer = open_pkcs12_signer(make_p12("Phạm Thị Hồng Nhung"), "mat-khau-ky")
        return service.sign(sample_pdf(1), signer, signer_name="Phạm Thị Hồng Nhung", agency="Sở Y tế",
                            meaning="approval").content


def objects(site: Site) -> int:
    return sum(1 for p in site.home.rglob("*") if p.is_file() and "objects" in p.parts)


def test_a_staff_member_verifies_a_pdf_received_from_elsewhere(web: Browser, site: Site) -> None:
    web.login("chuyenvien")
    page = web.get("/verify")
    assert page.status_code == 200 and 'href="/verify"' in page.text and 'name="file"' in page.text
    before = objects(site)
    r = web.client.post("/verify", data={"csrf": web.csrf("/verify")},
                        files={"file": ("công văn.pdf", io.BytesIO(signed_elsewhere()), "application/pdf")})
    assert r.status_code == 200, r.text
    assert "công văn.pdf" in r.text and "Phạm Thị Hồng Nhung" in r.text
    assert r.text.count("data-sig-untrusted") == 1  # intact, but the site trusts no root for it
    assert objects(site) == before

    r = web.client.post("/verify", data={"csrf": web.csrf("/verify")},
                        files={"file": ("ảnh.pdf", io.BytesIO(b"\x89PNG\r\n\x1a\nkhong-phai-pdf"), "image/png")})
    assert r.status_code == 415 and 'id="e-file"' in r.text and "không phải là PDF" in r.text
    r = web.client.post("/verify", data={"csrf": web.csrf("/verify")},
                        files={"file": ("trống.pdf", io.BytesIO(sample_pdf(1)), "application/pdf")})
    assert r.status_code == 200 and "data-no-signature" in r.text
