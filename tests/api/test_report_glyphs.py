"""A name with a character the PDF fonts lack still gives the province's PDF report, the character shown as "?"."""

from __future__ import annotations

import subprocess
from pathlib import Path


def test_an_agency_name_outside_the_fonts_still_gives_the_pdf_report(api, world, tmp_path: Path) -> None:
    r = api.call("POST", "/api/v1/agencies", "admin",
                 json={"agency_id": "so-thu-nghiem", "name": "Sở Thử nghiệm \U0001F3DB\U000F0001"})
    assert r.status_code == 201, r.text
    r = api.call("GET", "/api/v1/province/reports/qms-status.pdf", "admin", params={"year": 2000})
    assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(r.content)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Sở Thử nghiệm ??" in text
