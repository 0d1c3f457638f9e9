"""Real PDFs of any size for tests: a one-page PDF whose extra stream object holds the padding bytes."""

from __future__ import annotations

_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def padded_pdf(size: int = 0, *, seed: int = 1, filler: bytes | None = None, title: str = "QT-01 Quy trinh") -> bytes:
    """A valid PDF of exactly ``size`` bytes (or its natural size if larger), that PDF readers open.

    The padding is ``filler`` (repeated or cut; random bytes are fine) inside an unreferenced stream object,
    so the cross-reference table and ``%%EOF`` stay at the end where readers look for them; ``seed`` makes
    files of the same size differ.
    """
    text = f"BT /F1 14 Tf 72 770 Td ({title} {seed}) Tj ET".encode("latin-1")
    def build(pad: int) -> bytes:
        pattern = filler or f"{seed}:stream of a scanned quality procedure ".encode()
        padding = (pattern * (pad // max(len(pattern), 1) + 1))[:pad]
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(padding), padding),
        ]
        out = bytearray(_HEADER)
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)

    bare = len(build(0))
    pad = max(size - bare, 0)
    data = build(pad)
    while len(data) > max(size, bare):  # the /Length and offsets gained digits: give the bytes back
        pad -= len(data) - size
        data = build(max(pad, 0))
    if len(data) < size:
        data = build(pad + size - len(data))
    return data
