"""File sizes on the pages, as every figure (ledger/numbers.py): «1,2 KB» on a Vietnamese page, "1.2 KB" on an
English one."""

from __future__ import annotations

import io
import re

from signing.testing import sample_pdf
from tests.web.conftest import Browser
from tests.web.test_record_pages import open_record

FILE = sample_pdf(3)  # 1,221 bytes: 1.2 KB


def test_a_file_size_has_a_decimal_comma_in_vietnamese_and_a_point_in_english(web: Browser) -> None:
    web.login("vanthu")
    rec = open_record(web)
    r = web.client.post(f"/records/{rec}/files", data={"csrf": web.csrf(), "description": "Báo cáo"},
                        files={"file": ("Báo cáo.pdf", io.BytesIO(FILE), "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert len(FILE) == 1221
    assert re.search(r"\(1,2 KB\)", web.get(f"/records/{rec}").text)
    web.client.cookies.set("isoledger_lang", "en")
    page = web.get(f"/records/{rec}").text
    assert re.search(r"\(1\.2 KB\)", page) and "1,2 KB" not in page
