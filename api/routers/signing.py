"""Signing through the API: a leader signs a version with a PKCS#12 sent once, or a server-side PKCS#11 slot."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile

from api import roles as R
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, command_out
from api.errors import responses
from api.files import read_p12, read_pdf
from api.idempotency import IdempotentRoute
from api.schemas import (
    CommandOut,
    SignatureCertificateOut,
    SignatureOut,
    SignatureReportOut,
    SignatureWords,
    TrustSetup,
    VerifyReportOut,
)
from api.security import Principal
from signing.indications import describe
from signing.results import SignatureReport

router = APIRouter(prefix="/api/v1", tags=["signing"], route_class=IdempotentRoute)
log = logging.getLogger("isoledger.api")
Leader = Annotated[Principal, Depends(allow(*R.LEADERS))]
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]
Position = Literal["bottom-right", "bottom-left", "bottom-center", "top-right", "top-left"]
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]


@router.post("/documents/{document_id}/versions/{n}/sign", response_model=CommandOut,
             responses=responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503),
             summary="Ký số phiên bản, có hình ảnh chữ ký (multipart: p12 + passphrase, hoặc PKCS#11 của máy chủ) "
                     "/ sign a version, with a visible stamp")
def sign(ctx: Ctx, document_id: str, n: int, p: Leader, rid: RequestId, expected: IfMatch, key: IdemKey,
         response: Response, meaning: Annotated[Literal["review", "approval"], Form()] = "approval",
         p12: Annotated[UploadFile | None, File(description="Tệp khóa .p12/.pfx, dùng một lần, không lưu")] = None,
         passphrase: Annotated[str | None, Form(max_length=200, json_schema_extra={"format": "password"})] = None,
         page: Annotated[int | None, Form(ge=1, le=100_000, description="Trang đặt hình ảnh chữ ký, từ 1; mặc định "
                                          "trang cuối / page of the stamp, from 1; default the last page")] = None,
         box: Annotated[str | None, Form(max_length=100, description="Khung x1,y1,x2,y2 (điểm PDF, gốc ở góc dưới "
                                         "trái); mặc định ô trống kế tiếp tại `position` / box in PDF points; "
                                         "default the next free box at `position`", examples=["193,57,553,167"])
                        ] = None,
         position: Annotated[Position, Form(description="Vị trí đặt sẵn khi không gửi `box` / preset place "
                                                        "when no `box` is sent")] = "bottom-right",
         style: Annotated[Literal["review", "approval"] | None, Form(
             description="Kiểu hình ảnh: phê duyệt hoặc xem xét (nhỏ hơn); mặc định theo `meaning` / stamp style; "
                         "default as `meaning`")] = None,
         images: Annotated[bool, Form(description="Vẽ ảnh chữ ký (và con dấu khi ký phê duyệt) đã lưu / draw the "
                                                  "stored signature image (and seal, for approval)")] = True,
         level: Annotated[Level | None, Form(description="Mức PAdES của chữ ký này; mặc định theo cấu hình / PAdES "
                                                         "level of this signature; default as configured")] = None
         ) -> CommandOut:
    stamp = {"page": page, "box": box, "position": position, "style": style, "images": images, "level": level}
    key_file = (lambda: read_p12(p12)) if p12 is not None else None
    done = ctx.uc.signing.sign(p.actor(rid), document_id, n, p12=key_file, passphrase=passphrase, meaning=meaning,
                               stamp=stamp, expected_version=expected)
    del passphrase
    return command_out(response, done)


@router.get("/documents/{document_id}/versions/{n}/signatures", response_model=SignatureReportOut,
            responses=responses(401, 403, 404, 410, 422, 503),
            summary="Kết quả kiểm tra chữ ký số / validation report of every signature")
def signatures(ctx: Ctx, document_id: str, n: int, p: Reader, rid: RequestId, offline: bool = False
               ) -> SignatureReportOut:
    checked = ctx.uc.signing.signatures(p.actor(rid), document_id, n, offline=offline)
    return SignatureReportOut(document_id=document_id, n=n, sha256=checked.file.sha256,
                              signatures=[signature_out(r) for r in checked.reports],
                              **TrustSetup.of(ctx.uc.signing.trust_roots_configured()))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def signature_out(r: SignatureReport) -> SignatureOut:
    """One signature's report: the codes for machines, beside the catalogue's words for people."""
    c = r.certificate
    return SignatureOut(
        field_name=r.field_name, signer=c.common_name if c else None, signer_organization=c.organization if c else None,
        certificate=SignatureCertificateOut(
            fingerprint=c.fingerprint_sha256, subject=c.subject, issuer=c.issuer, serial=c.serial,
            common_name=c.common_name, organization=c.organization, issuer_name=c.issuer_name,
            valid_from=_iso(c.valid_from), valid_until=_iso(c.valid_until)) if c else None,
        ok=r.ok, intact=r.intact, valid=r.valid, trusted=r.trusted, trust_root=r.trust_root,
        trust_root_name=r.trust_root_name, revoked=r.revoked,
        revocation=r.revocation, revoked_at=_iso(r.revoked_at),  # type: ignore[arg-type]
        coverage=r.coverage, modification_level=r.modification_level, pades_level=r.pades_level,
        timestamp_valid=r.timestamp_valid, timestamp_time=_iso(r.timestamp_time),
        signer_reported_time=_iso(r.signer_reported_time), signing_time=_iso(r.signing_time),
        signing_time_source=r.signing_time_source,  # type: ignore[arg-type]
        status=r.status, indication=r.indication, detail=r.detail,
        text=SignatureWords.model_validate(describe(r).to_dict()),
    )


@router.post("/signatures/verify", response_model=VerifyReportOut, responses=responses(401, 403, 413, 415, 422, 503),
             summary="Kiểm tra chữ ký số của một tệp PDF bất kỳ (không lưu tệp) / verify any signed PDF, not stored")
def verify(ctx: Ctx, p: Anyone, file: Annotated[UploadFile, File(description="Tệp PDF đã ký số")],
           offline: bool = False) -> VerifyReportOut:
    import hashlib

    data = read_pdf(file)
    reports = ctx.uc.signing.validate(data, offline=offline)  # a file that is no PDF: 415
    return VerifyReportOut(filename=file.filename or "", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                           signatures=[signature_out(r) for r in reports],
                           **TrustSetup.of(ctx.uc.signing.trust_roots_configured()))
