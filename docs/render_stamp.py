"""Draws docs/images/stamp.png: a page signed for review and then for approval, as a leader sees it.

Run: .venv/bin/python docs/render_stamp.py   (needs certomancer, a test dependency, and poppler's pdftoppm)
It builds the offline test PKI, signs a sample PDF the way the sign route places stamps (the next free box
at the lower right of the last page), renders the page with pdftoppm and keeps its lower half.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from signing import Look, Meaning, SigningConfig, build_signing_service, open_pkcs12_signer  # noqa: E402
from signing.placement import Position, place, read_layout  # noqa: E402
from signing.samples import sample_pdf, sample_seal_png, sample_signature_png  # noqa: E402
from signing.testing import AGENCY, PASSPHRASE, build_pki  # noqa: E402

OUT = Path(__file__).resolve().parent / "images" / "stamp.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pki = build_pki(Path(tmp), "http://127.0.0.1:9")  # offline: nothing is fetched (B-B, no signer check)
        with build_signing_service(SigningConfig(check_signer=False)) as service:
            pdf = sample_pdf(1, "QT-07 Quy trinh danh gia noi bo")
            for label, name, meaning, look in (
                ("reviewer", "Trần Thị Bích Ngọc", Meaning.REVIEW, Look(sample_signature_png())),
                ("leader", "Nguyễn Văn Ánh", Meaning.APPROVAL, Look(sample_signature_png(), sample_seal_png())),
            ):
                signer = open_pkcs12_signer(pki.pkcs12(label, PASSPHRASE.encode()), PASSPHRASE)
                placement = place(read_layout(pdf, None), meaning, None, Position.BOTTOM_RIGHT)
                pdf = service.sign(pdf, signer, signer_name=name, agency=AGENCY, meaning=meaning, look=look,
                                   placement=placement).content
                signer.close()
        done = subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", "-"], input=pdf,
                              capture_output=True, check=True, timeout=60)
    page = Image.open(io.BytesIO(done.stdout)).convert("RGB")
    w, h = page.size
    OUT.parent.mkdir(parents=True, exist_ok=True)
    page.crop((int(w * 0.28), int(h * 0.62), w, int(h * 0.96))).save(OUT, optimize=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
