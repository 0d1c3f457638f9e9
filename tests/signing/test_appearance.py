"""The visible signature: Vietnamese text that survives rendering, and the seal over the signature."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from signing import Look, Meaning, Placement, SigningService
from signing.appearance import stamp_text, vietnam_time
from signing.config import DEFAULT_FONT
from signing.errors import AppearanceError
from signing.fonts import font_bytes
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY

BOX = (230, 60, 570, 170)


@pytest.fixture(scope="module")
def rendered(
    service: SigningService,
    pdf: bytes,
    leader: Pkcs12Signer,
    agency_look: Look,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, str]:
    signed = service.sign(
        pdf, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning=Meaning.APPROVAL,
        look=agency_look, placement=Placement(page=0, box=BOX),
    )  # fmt: skip
    home = tmp_path_factory.mktemp("render")
    path = home / "signed.pdf"
    path.write_bytes(signed.content)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(path), str(home / "page")], check=True
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return home / "page.png", text.stdout


def test_vietnamese_text_survives_rendering_and_extraction(rendered: tuple[Path, str]) -> None:
    _, text = rendered
    for expected in ("Ký phê duyệt", "Nguyễn Văn Ánh", "Sở Khoa học và Công nghệ tỉnh Trà Vinh", "+07:00"):
        assert expected in text, text


def _colour_columns(png: Path, predicate) -> list[int]:  # type: ignore[no-untyped-def]
    img = Image.open(png).convert("RGB")
    scale = 100 / 72
    x1, y1, x2, y2 = (round(v * scale) for v in BOX)
    height = img.height
    cols = []
    for x in range(x1, x2):
        for y in range(height - y2, height - y1):
            if predicate(img.getpixel((x, y))):
                cols.append(x)
                break
    return cols


def test_seal_is_red_and_overlaps_the_left_third_of_the_blue_signature(rendered: tuple[Path, str]) -> None:
    png, _ = rendered
    blue = _colour_columns(png, lambda p: p[2] > 150 and p[0] < 100 and p[1] < 120)
    red = _colour_columns(png, lambda p: p[0] > 150 and p[1] < 100 and p[2] < 100)
    assert blue and red
    sig_left, sig_right = min(blue), max(blue)
    third = sig_left + (sig_right - sig_left) / 3
    assert min(red) < sig_left <= max(red) <= third + 3


def test_font_is_rescaled_to_1000_units_per_em() -> None:
    assert TTFont(str(DEFAULT_FONT))["head"].unitsPerEm == 2048
    import io

    assert TTFont(io.BytesIO(font_bytes(DEFAULT_FONT)))["head"].unitsPerEm == 1000


def test_signing_time_is_shown_in_vietnam_time() -> None:
    moment = datetime.fromisoformat("2026-03-05T02:30:00+00:00")
    assert vietnam_time(moment) == "05/03/2026 09:30:00 +07:00"
    assert "Ký xem xét" in stamp_text(Meaning.REVIEW, "A", "B", moment)


def test_unreadable_signature_image_is_an_appearance_error(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    with pytest.raises(AppearanceError) as err:
        service.sign(
            pdf, leader, signer_name="A", agency=AGENCY, meaning="approval",
            look=Look(signature_png=b"not a png"), placement=Placement(page=0, box=BOX),
        )  # fmt: skip
    assert err.value.field == "signature_image"


def test_a_box_too_small_is_refused() -> None:
    with pytest.raises(AppearanceError):
        Placement(page=0, box=(0, 0, 10, 10))


def test_decomposed_names_are_shown_precomposed() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ánh")
    moment = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    text = stamp_text(Meaning.APPROVAL, decomposed, AGENCY, moment)
    assert "Nguyễn Văn Ánh" in text and decomposed not in text
