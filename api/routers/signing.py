"""Signing through the API: a leader signs a version with a PKCS#12 sent once, or a server-side PKCS#11 slot."""

from __future__ import annotations

import io
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
)
from ledger.files import FileKind, FileRef, file_scope
from signing.indications import describe
from signing.results import SignatureReport

router = APIRouter(prefix="/api/v1", tags=["signing"], route_class=IdempotentRoute)
log = logging.getLogger("isoledger.api")
Leader = Annotated[Principal, Depends(allow(*R.LEADERS))]
Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
MAX_P12 = 64 * 1024


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


@router.post("/documents/{document_id}/versions/{n}/sign", response_model=CommandOut,
             responses=responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503),
             summary="Ký số phiên bản (multipart: p12 + passphrase, hoặc PKCS#11 của máy chủ) / sign a version")
def sign(ctx: Ctx, document_id: str, n: int, p: Leader, rid: RequestId, expected: IfMatch, key: IdemKey,
         response: Response, meaning: Annotated[Literal["review", "approval"], Form()] = "approval",
         p12: Annotated[UploadFile | None, File(description="Tệp khóa .p12/.pfx, dùng một lần, không lưu")] = None,
         passphrase: Annotated[str | None, Form(max_length=200, json_schema_extra={"format": "password"})] = None
         ) -> CommandOut:
    state = own(ctx, p, document_id)
    ver = version_of(state, n)
    ref = FileRef.from_dict(ver["file"])
    if ref.media_type != "application/pdf":
        raise ApiError(415, "pdf_required", "Chỉ ký số được tệp PDF.", "Only PDF files can be signed.", field="file")
    signer = open_signer(ctx, p, p12, passphrase)
    try:
        service = signing_service(ctx)
        pdf = ctx.archive.read_bytes(ref, file_scope(FileKind.VERSION, document_id))
    except BaseException:
        signer.close()
        raise
    agency = ctx.directory.find_agency(p.agency_id)
    try:
        signed = service.sign(pdf, signer, signer_name=p.full_name,
                              agency=agency["name"] if agency else p.agency_id, meaning=meaning)
    finally:
        signer.close()
        del passphrase
    stored = ctx.archive.put(io.BytesIO(signed.content), signed_name(ref.filename),
                             file_scope(FileKind.SIGNED, document_id))
    f = signed.facts
    certificate = {"fingerprint": f.certificate.fingerprint_sha256, "subject": f.certificate.subject,
                   "issuer": f.certificate.issuer, "serial": f.certificate.serial}
    return run(ctx, p, document_id, response, lambda: ctx.ledger.record_signature(
        p.actor(rid), document_id, n, meaning=meaning, signed_file=stored.to_dict(), certificate=certificate,
        pades_level=f.level.value, signing_time=f.signing_time.isoformat(),
        timestamp_time=f.timestamp_time.isoformat() if f.timestamp_time else None, expected_version=expected),
        n=n, file=stored)


def signed_name(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{stem} (đã ký).{ext}" if dot and ext.lower() == "pdf" else f"{filename} (đã ký).pdf"


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
        ok=r.ok, intact=r.intact, valid=r.valid, trusted=r.trusted, revoked=r.revoked,
        revocation=r.revocation, revoked_at=_iso(r.revoked_at),  # type: ignore[arg-type]
        coverage=r.coverage, modification_level=r.modification_level, pades_level=r.pades_level,
        timestamp_valid=r.timestamp_valid, timestamp_time=_iso(r.timestamp_time),
        signer_reported_time=_iso(r.signer_reported_time), signing_time=_iso(r.signing_time),
        signing_time_source=r.signing_time_source,  # type: ignore[arg-type]
        status=r.status, indication=r.indication, detail=r.detail,
        text=SignatureWords.model_validate(describe(r).to_dict()),
    )
