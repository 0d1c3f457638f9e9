"""Archive staff pages without a browser: open, add files, close, lend, extend, return, hold, destroy."""

from __future__ import annotations

import io

from signing.testing import sample_pdf
from tests.web.conftest import Browser


def open_record(web: Browser, code: str = "HS-01") -> str:
    r = web.post("/records/new", {"code": code, "title": "Hồ sơ đánh giá nội bộ năm 2019", "series": "Đánh giá",
                                  "retention_years": "5", "legal_basis": "Thông tư 10/2022/TT-BNV",
                                  "confidentiality": "internal"}, page="/records/new")
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/")[2].split("?")[0]


def test_lend_extend_return_and_overdue_list(web: Browser) -> None:
    web.login("vanthu")
    rec = open_record(web)
    r = web.client.post(f"/records/{rec}/files", data={"csrf": web.csrf(), "description": "Báo cáo"},
                        files={"file": ("Báo cáo đánh giá.pdf", io.BytesIO(sample_pdf(1)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    r = web.post(f"/records/{rec}/lend", {"borrower": "danhgia", "purpose": "Đánh giá", "due_on": "01/01/2020",
                                          "approved_by": "giamdoc"})
    assert r.status_code in (409, 422) and 'id="e-lend-due_on"' in r.text
    r = web.post(f"/records/{rec}/lend", {"borrower": "danhgia", "purpose": "Đánh giá", "due_on": "31/12/2099",
                                          "approved_by": "giamdoc"})
    assert r.status_code == 303, r.text
    assert "Võ Thành Đạt" in web.get("/loans").text
    assert "Võ Thành Đạt" not in web.get("/loans?overdue=true").text
    assert web.post(f"/records/{rec}/extend", {"due_on": "01/01/2100"}).status_code == 303
    assert web.post(f"/records/{rec}/return", {"received_by": "vanthu"}).status_code == 303
    assert "Võ Thành Đạt" not in web.get("/loans").text


def test_destruction_refused_under_hold_then_done_with_minutes(web: Browser) -> None:
    web.login("vanthu")
    rec = open_record(web)
    assert web.post(f"/records/{rec}/close", {"closed_on": "31/12/2019"}).status_code == 303
    assert web.post(f"/records/{rec}/hold", {"reason": "Thanh tra"}).status_code == 303
    r = web.post(f"/records/{rec}/destruction/propose", {"reason": "Hết hạn"})
    assert r.status_code == 409 and "phong tỏa" in r.text
    assert web.post(f"/records/{rec}/release").status_code == 303
    assert web.post(f"/records/{rec}/destruction/propose", {"reason": "Hết hạn"}).status_code == 303
    web.login("giamdoc")
    assert "Đề nghị hủy hồ sơ chờ bạn duyệt" in web.get("/").text
    r = web.post(f"/records/{rec}/destruction/approve", {"decision_no": "45/QĐ", "decided_by": "giamdoc",
                                                         "council": ["giamdoc", "vanthu"]})
    assert r.status_code == 303, r.text
    web.login("vanthu")
    r = web.client.post(f"/records/{rec}/destruction/execute",
                        data={"csrf": web.csrf(), "executed_by": "vanthu", "witnesses": "danhgia",
                              "method": "crypto_shredding"},
                        files={"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(sample_pdf(1)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "Đã hủy" in web.get(f"/records/{rec}").text
