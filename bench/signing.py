"""Benchmark: our signing path vs. a bare pyHanko call, PAdES B-B/B-T/B-LT on 1- and 50-page PDFs, invisible and
with the same Decree 30 stamp (bare pyHanko given our stamp style; the product placing it as the sign route does).

Run: .venv/bin/python bench/signing.py [--rounds N] [--clock wall|cpu]
Builds its own test PKI and serves TSA/OCSP/CRLs on 127.0.0.1 (certomancer Animator); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from signing import Look, Meaning, PadesLevel, SigningConfig, build_signing_service  # noqa: E402
from signing.appearance import decree_style, stamp_text  # noqa: E402
from signing.fonts import stamp_font  # noqa: E402
from signing.placement import Position, StampRequest  # noqa: E402
from signing.signers import open_pkcs12_signer  # noqa: E402
from signing.testing import AGENCY, PASSPHRASE, sample_pdf, served_pki  # noqa: E402

LEVELS = (PadesLevel.B_B, PadesLevel.B_T, PadesLevel.B_LT)


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def interleaved_medians(actions: list[Callable[[], object]], rounds: int, warmup: int = 2,
                        clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Median time (ms) of each action by ``clock``, taking turns every round so load drift hits all alike."""
    for _ in range(warmup):
        for action in actions:
            action()
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(rounds):
        for action, bucket in zip(actions, samples, strict=True):
            start = clock()
            action()
            bucket.append(clock() - start)
    return [statistics.median(bucket) * 1000 for bucket in samples]


def _signature_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    stroke = [(10, 90), (60, 20), (90, 100), (140, 30), (290, 40)]
    ImageDraw.Draw(img).line(stroke, fill=(20, 40, 200, 255), width=7)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _seal_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((4, 4, 236, 236), outline=(210, 20, 30, 255), width=12)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall: elapsed time; cpu: CPU time of the whole process (every thread, the test "
                             "PKI's services included), steadier on a machine other work shares")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, served_pki(Path(tmp)) as pki:
        p12 = pki.pkcs12("leader", PASSPHRASE.encode())
        ours_signer = open_pkcs12_signer(p12, PASSPHRASE)
        bare_signer = signers.SimpleSigner.load_pkcs12_data(p12, [], passphrase=PASSPHRASE.encode())
        bare_timestamper = HTTPTimeStamper(pki.tsa_url)
        roots = [pki.cert("root")]
        config = SigningConfig(
            level=PadesLevel.B_B, tsa_url=pki.tsa_url, trust_roots=(pki.root_cert_path,), check_signer=False
        )
        look = Look(signature_png=_signature_png(), seal_png=_seal_png())
        font = stamp_font(config.font_path, config.font_size)
        rows = []
        with build_signing_service(config) as service:
            for pages in (1, 50):
                pdf = sample_pdf(pages)
                for level in LEVELS:

                    def ours(level: PadesLevel = level, pdf: bytes = pdf) -> object:
                        return service.sign(
                            pdf, ours_signer, signer_name="A", agency=AGENCY, meaning="approval", level=level
                        )

                    def product(level: PadesLevel = level, pdf: bytes = pdf) -> object:
                        # what signing.version.VersionSigning does around the signature: sign with the stamp
                        # at the next free box of the last page (storage and the event left out)
                        placement = StampRequest(Meaning.APPROVAL, None, None, Position.BOTTOM_RIGHT)
                        return service.sign(pdf, ours_signer, signer_name="Nguyễn Văn Ánh", agency=AGENCY,
                                            meaning="approval", level=level, look=look, placement=placement)

                    def bare_stamped(level: PadesLevel = level, pdf: bytes = pdf) -> object:
                        from datetime import UTC, datetime

                        text = stamp_text(Meaning.APPROVAL, "Nguyễn Văn Ánh", AGENCY, datetime.now(UTC))
                        return bare(level, pdf, style=decree_style(look, text, font, config.font_size),
                                    box=(193, 57, 553, 167))

                    def bare(level: PadesLevel = level, pdf: bytes = pdf, style: object = None,
                             box: tuple[int, int, int, int] | None = None) -> object:
                        meta = signers.PdfSignatureMetadata(
                            field_name="Sig",
                            md_algorithm="sha256",
                            subfilter=fields.SigSeedSubFilter.PADES,
                            embed_validation_info=level.long_term,
                            validation_context=(
                                ValidationContext(trust_roots=roots, allow_fetching=True)
                                if level.long_term
                                else None
                            ),
                        )
                        return signers.PdfSigner(
                            meta,
                            signer=bare_signer,
                            timestamper=bare_timestamper if level.timestamped else None,
                            new_field_spec=fields.SigFieldSpec("Sig", box=box) if box else None,
                            stamp_style=style,  # type: ignore[arg-type]
                        ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))

                    times = interleaved_medians([bare, ours, bare_stamped, product], args.rounds,
                                                clock=CLOCKS[args.clock])
                    rows.append((pages, level.value, *times))
        print(f"Median {args.clock} time of {args.rounds} signatures each (ms); ratio = ours / bare pyHanko; "
              "stamp cost = visible stamp through the product - ours invisible.\n")
        print("| pages | level | bare pyHanko | ours (invisible) | ratio | bare pyHanko, same stamp "
              "| visible stamp through the product | ratio | stamp cost |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for pages, level_name, t_bare, t_ours, t_bare_stamp, t_product in rows:
            cells = (str(pages), level_name, f"{t_bare:.1f}", f"{t_ours:.1f}", f"{t_ours / t_bare:.2f}×",
                     f"{t_bare_stamp:.1f}", f"{t_product:.1f}", f"{t_product / t_bare_stamp:.2f}×",
                     f"{t_product - t_ours:+.1f}")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
