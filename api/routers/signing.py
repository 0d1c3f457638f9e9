"""Signing through the API: a leader signs a version with a PKCS#12 sent once, or a server-side PKCS#11 slot."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile

from api import roles as R
from api.context import ApiContext, Principal
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow
from api.errors import ApiError, responses
from api.idempotency import IdempotentRoute
from api.routers.documents import own, run, version_of
from api.schemas import (
    CommandOut,
    SignatureCertificateOut,
    SignatureOut,
    SignatureReportOut,
    SignatureWords,
    VerifyReportOut,
)
from ledger.files import FileKind, FileRef, file_scope
from signing.indications import describe
from signing.results import SignatureReport

router = APIRouter(prefix="/api/v1", tags=["signing"], route_class=IdempotentRoute)
log = logging.getLogger("isoledger.api")
Leader = Annotated[Principal, Depends(allow(*R.LEADERS))]
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
Anyone = Annotated[Principal, Depends(allow(*R.ALL))]
MAX_P12 = 64 * 1024
MAX_VERIFY = 64 * 1024 * 1024


def signing_service(ctx: ApiContext) -> Any:
    if ctx.signing is None:
        raise ApiError(503, "signing_unavailable", "Dịch vụ ký số chưa được cấu hình.",
                       "Signing is not configured on this server.")
    return ctx.signing()


def open_signer(ctx: ApiContext, p: Principal, p12: UploadFile | None, passphrase: str | None) -> Any:
    from signing import open_pkcs11_signer, open_pkcs12_signer

    if p12 is not None:
        data = p12.file.read(MAX_P12 + 1)
        if len(data) > MAX_P12:
            raise ApiError(413, "file_too_large", "Tệp khóa PKCS#12 quá lớn.", "The PKCS#12 file is too large.",
                           field="p12")
        return open_pkcs12_signer(data, passphrase or "")
    settings = ctx.pkcs11_for(p.username) if ctx.pkcs11_for else None
    if settings is None:
        raise ApiError(422, "signer_required", "Hãy gửi tệp khóa PKCS#12 (p12) và mật khẩu, hoặc nhờ quản trị "
                       "cấu hình thiết bị ký (PKCS#11) cho tài khoản.",
                       "Send a PKCS#12 file (p12) with its passphrase, or have a PKCS#11 slot configured for you.",
                       field="p12")
    return open_pkcs11_signer(settings)


def version_signing(ctx: ApiContext) -> Any:
    """The signing use case over this app's ledger, archive, directory and signing service."""
    from signing.version import VersionSigning

    return VersionSigning(ctx.ledger, ctx.archive, ctx.directory, signing_service(ctx))


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
    from signing.version import StampChoice

    own(ctx, p, document_id)
    choice = StampChoice.from_fields(page=page, box=box, position=position, style=style, images=images,
                                     level=level)
    use = version_signing(ctx)
    use.version_file(document_id, n)  # 404 or 415 before the key is opened
    signer = open_signer(ctx, p, p12, passphrase)
    del passphrase
    stored = use.sign(p.actor(rid), document_id, n, signer, meaning=meaning, choice=choice,
                      expected_version=expected)
    return run(ctx, p, document_id, response, lambda: None, n=n, file=stored)


@router.get("/documents/{document_id}/versions/{n}/signatures", response_model=SignatureReportOut,
            responses=responses(401, 403, 404, 410, 422, 503),
            summary="Kết quả kiểm tra chữ ký số / validation report of every signature")
def signatures(ctx: Ctx, document_id: str, n: int, p: Reader, offline: bool = False) -> SignatureReportOut:
    state = ctx.document(p, document_id, frozenset(R.MEMBERS))
    ref = FileRef.from_dict(version_of(state, n)["file"])
    out: list[SignatureOut] = []
    if ref.media_type == "application/pdf":
        pdf = ctx.archive.read_bytes(ref, file_scope(FileKind.VERSION, document_id))
        out = [signature_out(r) for r in signing_service(ctx).validate(pdf, offline=offline)]
    return SignatureReportOut(document_id=document_id, n=n, sha256=ref.sha256, signatures=out)


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


def read_upload(upload: UploadFile) -> bytes:
    """The uploaded PDF to verify, in memory (never stored), refused over 64 MiB."""
    data = upload.file.read(MAX_VERIFY + 1)
    if len(data) > MAX_VERIFY:
        raise ApiError(413, "file_too_large", "Tệp lớn hơn 64 MiB.", "The file is larger than 64 MiB.", field="file")
    return data


@router.post("/signatures/verify", response_model=VerifyReportOut, responses=responses(401, 403, 413, 415, 422, 503),
             summary="Kiểm tra chữ ký số của một tệp PDF bất kỳ (không lưu tệp) / verify any signed PDF, not stored")
def verify(ctx: Ctx, p: Anyone, file: Annotated[UploadFile, File(description="Tệp PDF đã ký số")],
           offline: bool = False) -> VerifyReportOut:
    import hashlib

    data = read_upload(file)
    reports = signing_service(ctx).validate(data, offline=offline)  # a file that is no PDF: 415
    return VerifyReportOut(filename=file.filename or "", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                           signatures=[signature_out(r) for r in reports])
