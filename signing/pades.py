"""Adding one PAdES signature (B-B, B-T, B-LT or B-LTA) to a PDF as an incremental update."""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko_certvalidator import ValidationContext

from signing import errors as se
from signing._boundary import mapped_errors
from signing._pdf import open_for_signing
from signing.appearance import Look, Placement, decree_style, stamp_text
from signing.config import Meaning, PadesLevel, SigningConfig
from signing.fonts import RescaledFontFactory
from signing.placement import StampRequest
from signing.results import CertificateFacts, SignatureFacts, SignedPdf
from signing.runtime import SigningRuntime
from signing.signers import Signer

logger = logging.getLogger(__name__)

# Room for the signed attributes and CMS structure around certificates and signature value.
_CMS_OVERHEAD = 3000
# Room for a signature timestamp token (token, TSA certificate chain).
_TIMESTAMP_ALLOWANCE = 12000
# The review stamp (ký xem xét) is smaller: a narrower image column and a smaller font.
_REVIEW_ART_SHARE = 0.3


@dataclass(frozen=True)
class _Signed:
    content: bytes
    cms_bytes: bytes


def check_validity_period(cert: x509.Certificate, now: datetime) -> None:
    """Refuse an expired or not yet valid certificate before touching the key."""
    validity = cert["tbs_certificate"]["validity"]
    if now > validity["not_after"].native:
        raise se.CertificateExpiredError(field="certificate")
    if now < validity["not_before"].native:
        raise se.CertificateNotYetValidError(field="certificate")


def reserved_bytes(signer: Signer, level: PadesLevel) -> int:
    """Hex characters to reserve for the CMS object, so pyHanko need not sign a dry run to measure it."""
    ph = signer.pyhanko_signer
    certs = {c.sha256: c for c in ph.cert_registry}
    certs[signer.certificate.sha256] = signer.certificate
    key = signer.certificate.public_key
    sig_size = key.bit_size // 8 if key.algorithm == "rsa" else 160
    total = sum(len(c.dump()) for c in certs.values()) + sig_size + _CMS_OVERHEAD
    if level.timestamped:
        total += _TIMESTAMP_ALLOWANCE
    return 2 * (-(-total // 1024) * 1024)


def timestamp_time(cms_bytes: bytes) -> datetime | None:
    """The genTime of the signature timestamp token inside a CMS SignedData, if any."""
    info = cms.ContentInfo.load(cms_bytes, strict=False)
    signer_info = info["content"]["signer_infos"][0]
    unsigned = signer_info["unsigned_attrs"]
    if unsigned.native is None:
        return None
    for attr in unsigned:
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            tst_info = token["content"]["encap_content_info"]["content"].parsed
            gen_time: datetime = tst_info["gen_time"].native
            return gen_time
    return None


class PadesSigner:
    """Signs PDFs with the process-wide runtime (loop, HTTP session, timestamper)."""

    def __init__(
        self,
        config: SigningConfig,
        runtime: SigningRuntime,
        trust_roots: tuple[x509.Certificate, ...],
        font: RescaledFontFactory,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._config = config
        self._runtime = runtime
        self._trust_roots = trust_roots
        self._font = font
        self._clock = clock or (lambda: datetime.now(UTC))  # tests sign "in the past" with their own clock

    def sign(
        self,
        pdf: bytes,
        signer: Signer,
        *,
        signer_name: str,
        agency: str,
        meaning: Meaning | str,
        look: Look | None = None,
        placement: Placement | StampRequest | None = None,
        level: PadesLevel | str | None = None,
        field_name: str | None = None,
        style: Meaning | str | None = None,
    ) -> SignedPdf:
        """Add one signature to ``pdf`` and return the new bytes with the signature's facts.

        ``look`` and ``placement`` make the signature visible (Decree 30/2020
        Appendix I); without them it is invisible. A ``StampRequest`` is placed
        on the PDF as opened for signing (``AppearanceError`` if it does not fit). ``style`` (default: the
        meaning) chooses the approval stamp or the smaller review stamp. ``level``
        overrides the configured PAdES level. Raises a ``SigningError`` subclass naming the cause.
        """
        meaning = _meaning(meaning)
        kind = meaning if style is None else _meaning(style, "style")
        level = self._level(level)
        if look is not None and placement is None:
            raise se.AppearanceError(
                "A visible signature needs a placement (page and box).",
                "Chữ ký hiển thị cần vị trí (trang và khung).",
                field="box",
            )
        signed_at = self._clock()
        check_validity_period(signer.certificate, signed_at)
        name = field_name or f"ChuKy-{meaning.value}-{secrets.token_hex(4)}"
        text = stamp_text(meaning, signer_name, agency, signed_at)
        style = self._style(kind, look, text) if look else None
        lock = getattr(signer, "lock", None) or nullcontext()
        reserve: int | None = reserved_bytes(signer, level)
        with lock:
            for _attempt in range(2):
                writer = open_for_signing(pdf)
                where = placement.on(writer.prev) if placement is not None else None
                pdf_signer = self._pdf_signer(signer, level, meaning, name, signer_name, where, style)
                try:
                    with mapped_errors("sign"):
                        signed = self._runtime.run(_sign(pdf_signer, writer, signed_at, reserve))
                    break
                except se.SigningFailedError as e:
                    if not _out_of_room(e) or reserve is None:
                        raise
                    reserve = None  # let pyHanko measure it this once
        with mapped_errors("sign"):
            ts_time = timestamp_time(signed.cms_bytes)
        facts = SignatureFacts(
            signer=signer_name,
            meaning=meaning,
            certificate=CertificateFacts.of(signer.certificate),
            level=level,
            signing_time=signed_at,
            timestamp_time=ts_time,
            field_name=name,
        )
        logger.info(
            "signed field %s at PAdES %s, certificate %s", name, level, facts.certificate.fingerprint_sha256
        )
        return SignedPdf.build(facts, signed.content)

    def _style(self, kind: Meaning, look: Look, text: str) -> object:
        if kind is Meaning.APPROVAL:
            return decree_style(look, text, self._font, self._config.font_size)
        size = max(self._config.font_size - 1, 5)
        font = RescaledFontFactory(self._font.data, size)
        return decree_style(Look(look.signature_png), text, font, size, _REVIEW_ART_SHARE)

    def available_levels(self) -> tuple[PadesLevel, ...]:
        """The levels this installation can make: B-T and above need a TSA, B-LT and above trust roots."""
        return tuple(
            lv
            for lv in PadesLevel
            if (not lv.timestamped or self._runtime.timestamper is not None)
            and (not lv.long_term or self._trust_roots)
        )

    def _level(self, level: PadesLevel | str | None) -> PadesLevel:
        if level is None:
            return self._config.level
        try:
            chosen = PadesLevel(str(level).upper())
        except ValueError as e:
            raise se.LevelUnavailableError(
                f"Unknown PAdES level {level!r}; use B-B, B-T, B-LT or B-LTA.",
                f"Mức PAdES {level!r} không hợp lệ; dùng B-B, B-T, B-LT hoặc B-LTA.",
                field="level",
            ) from e
        if chosen.timestamped and self._runtime.timestamper is None:
            raise se.LevelUnavailableError(
                f"PAdES {chosen} needs a time-stamping service, and none is configured on this server "
                "(ISOLEDGER_TSA_URL); choose B-B.",
                f"Mức PAdES {chosen} cần dịch vụ cấp dấu thời gian, nhưng máy chủ chưa cấu hình "
                "(ISOLEDGER_TSA_URL); hãy chọn B-B.",
                field="level",
            )
        if chosen.long_term and not self._trust_roots:
            raise se.LevelUnavailableError(
                f"PAdES {chosen} needs trust anchors, and none are configured on this server "
                "(ISOLEDGER_TRUST_ROOTS); choose B-B or B-T.",
                f"Mức PAdES {chosen} cần chứng thư gốc tin cậy, nhưng máy chủ chưa cấu hình "
                "(ISOLEDGER_TRUST_ROOTS); hãy chọn B-B hoặc B-T.",
                field="level",
            )
        return chosen

    def _validation_context(self, level: PadesLevel) -> ValidationContext | None:
        if not (level.long_term or self._config.verifies_signer):
            return None
        # A fresh context per signature: it collects the OCSP responses and CRLs to embed.
        return ValidationContext(
            trust_roots=list(self._trust_roots),
            allow_fetching=True,
            fetcher_backend=self._runtime.fetcher_backend,
            revocation_mode="hard-fail",
        )

    def _pdf_signer(
        self,
        signer: Signer,
        level: PadesLevel,
        meaning: Meaning,
        field_name: str,
        signer_name: str,
        placement: Placement | None,
        style: object,
    ) -> PdfSigner:
        meta = PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=self._config.md_algorithm,
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=meaning.label_vi,
            name=signer_name,
            embed_validation_info=level.long_term,
            use_pades_lta=level is PadesLevel.B_LTA,
            validation_context=self._validation_context(level),
        )
        spec = fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=placement.page if placement else 0,
            box=tuple(round(v) for v in placement.box) if placement else None,  # type: ignore[arg-type]
        )
        return PdfSigner(
            meta,
            signer.pyhanko_signer,
            timestamper=self._runtime.timestamper if level.timestamped else None,
            stamp_style=style,  # type: ignore[arg-type]
            new_field_spec=spec,
        )


async def _sign(
    pdf_signer: PdfSigner, writer: IncrementalPdfFileWriter, signed_at: datetime, reserve: int | None
) -> _Signed:
    # pyHanko's async_sign_pdf, with our clock: the stamp shows the time the CMS carries.
    session = pdf_signer.init_signing_session(writer)
    session.system_time = signed_at
    validation_info = await session.perform_presign_validation(writer)
    if reserve is None:
        reserve = await session.estimate_signature_container_size(validation_info)
    tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserve)
    buffer = io.BytesIO()
    prepared, _ = tbs.digest_tbs_document(output=buffer)
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=signed_at,
            adobe_revinfo_attr=None,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        ),
    )
    await post.post_signature_processing(buffer)
    return _Signed(content=buffer.getvalue(), cms_bytes=post.sig_contents)


def _meaning(meaning: Meaning | str, field: str = "meaning") -> Meaning:
    try:
        return Meaning(meaning)
    except ValueError as e:
        raise se.SigningError(
            f"Unknown signature {field} {meaning!r}; use 'review' or 'approval'.",
            f"Giá trị {meaning!r} không hợp lệ; dùng 'review' hoặc 'approval'.",
            field=field,
        ) from e


def _out_of_room(error: se.SigningError) -> bool:
    cause = error.__cause__
    return isinstance(cause, PyHankoSigningError) and "larger than expected" in str(cause)
