"""A minimal valid PDF (classic xref table), for tests and benchmarks (ASCII text; the demo's papers: isoledger)."""

from __future__ import annotations


def sample_pdf(pages: int = 1, title: str = "QT-01 Quy trinh kiem soat tai lieu") -> bytes:
    """A small, valid A4 PDF with one line of text per page (classic xref table)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for n in range(pages):
        text = f"BT /F1 14 Tf 72 770 Td ({title} - trang {n + 1}) Tj ET".encode("ascii")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
        content_no = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % content_no
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        pages,
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png(img: object) -> bytes:
    import io

    out = io.BytesIO()
    img.save(out, format="PNG")  # type: ignore[attr-defined]
    return out.getvalue()


def sample_signature_png() -> bytes:
    """A blue handwritten-looking signature on a transparent background (demos, docs, benchmarks)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = (20, 40, 200, 255)
    draw.line([(10, 90), (60, 20), (90, 100), (140, 30), (170, 80), (290, 40)], fill=blue, width=7, joint="curve")
    draw.arc((150, 20, 260, 110), 200, 340, fill=blue, width=5)
    return _png(img)


def sample_seal_png() -> bytes:
    """A red round seal (two rings and a star) on a transparent background (demos, docs, benchmarks)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (210, 20, 30, 255)
    draw.ellipse((4, 4, 236, 236), outline=red, width=10)
    draw.ellipse((40, 40, 200, 200), outline=red, width=4)
    draw.regular_polygon((120, 120, 40), 5, fill=red)
    return _png(img)
