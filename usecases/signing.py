"""Signing a version (always visibly stamped), its signatures' report, and checking any signed PDF."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ledger.actors import Actor
from ledger.errors import InvalidInput, NotFound, Unavailable
from ledger.files import FileKind, FileRef, file_scope
from signing.results import SignatureReport
from signing.signers import Signer
from signing.version import StampChoice, VersionSigning
from usecases import roles as R
from usecases.deps import Deps
from usecases.documents import version_of
from usecases.outcome import Done, done
from usecases.visibility import Visibility

READERS = frozenset(R.MEMBERS)
PDF = "application/pdf"


@dataclass(frozen=True)
class SignatureCheck:
    """The validation of every signature of one version's current file."""

    document: dict[str, Any]
    version: dict[str, Any]
    file: FileRef
    reports: list[SignatureReport]


class Signing:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    @property
    def configured(self) -> bool:
        return self.deps.signing is not None

    def service(self) -> Any:
        """The signing service; 503 where signing is not configured."""
        if self.deps.signing is None:
            raise Unavailable("Dịch vụ ký số chưa được cấu hình.", "Signing is not configured on this server.",
                              code="signing_unavailable")
        return self.deps.signing()

    def token_of(self, username: str) -> Any:
        """The server-side PKCS#11 token configured for ``username`` (its settings), or None."""
        return self.deps.pkcs11_for(username) if self.deps.pkcs11_for else None

    def sign(self, actor: Actor, document_id: str, n: int, *, p12: Callable[[], bytes] | None,
             passphrase: str | None = None, meaning: str = "approval", stamp: Mapping[str, Any] | None = None,
             expected_version: int | None = None) -> Done:
        """Signs version ``n`` with the PKCS#12 sent once (``p12()`` reads it), else the server's PKCS#11 token
        for the signer; ``stamp`` holds the stamp's fields as typed (``StampChoice.from_fields``). Another
        agency's document is 404 before anything is parsed; the key is opened only once the version is found to
        be a PDF, and is used for this one signature."""
        from signing import open_pkcs11_signer, open_pkcs12_signer

        self.visibility.document(actor, document_id, READERS, command=True)
        choice = StampChoice.from_fields(**(stamp or {}))
        use = VersionSigning(self.deps.ledger, self.deps.archive, self.deps.directory, self.service())
        use.version_file(document_id, n)  # 404 or 415 before the key is opened
        signer: Signer
        if p12 is not None:
            signer = open_pkcs12_signer(p12(), passphrase or "")
        else:
            token = self.token_of(actor.user_id)
            if token is None:
                raise InvalidInput("Hãy gửi tệp khóa PKCS#12 (p12) và mật khẩu, hoặc nhờ quản trị cấu hình thiết bị "
                                   "ký (PKCS#11) cho tài khoản.", "Send a PKCS#12 file (p12) with its passphrase, or "
                                   "have a PKCS#11 slot configured for you.", code="signer_required", field="p12")
            signer = open_pkcs11_signer(token)
        stored = use.sign(actor, document_id, n, signer, meaning=meaning, choice=choice,
                          expected_version=expected_version)
        return done(self.deps, document_id, n=n, file=stored)

    def signatures(self, actor: Actor, document_id: str, n: int, *, offline: bool = False,
                   recorded_only: bool = False) -> SignatureCheck:
        """Validates every signature in version ``n``'s file (a file that is no PDF has none); ``recorded_only``:
        only when the ledger recorded a signature of that version."""
        state = self.visibility.document(actor, document_id, READERS)
        ver = version_of(state, n)
        ref = FileRef.from_dict(ver["file"])
        reports: list[SignatureReport] = []
        if ref.media_type == PDF and (ver["signatures"] or not recorded_only):
            pdf = self.deps.archive.read_bytes(ref, file_scope(FileKind.VERSION, document_id))
            reports = list(self.service().validate(pdf, offline=offline))
        return SignatureCheck(state, ver, ref, reports)

    def trust_roots_configured(self) -> bool:
        """Whether the server trusts any root: without one, every certificate is accepted when signing and none is
        found trustworthy when validating (the report and the pages say so)."""
        return bool(getattr(self.service(), "trust_roots_configured", False))

    def validate(self, pdf: bytes, *, offline: bool = False) -> list[SignatureReport]:
        """Every signature of any PDF (never stored); a file that is no PDF: 415."""
        return list(self.service().validate(pdf, offline=offline))

    def stamp_options(self, document_id: str, version: dict[str, Any]) -> dict[str, Any] | None:
        """What the sign form offers: the pages with their sizes and the PAdES levels (None: nothing to offer)."""
        from signing.errors import SigningError
        from signing.placement import page_sizes

        ref = FileRef.from_dict(version["file"])
        if not self.configured or ref.media_type != PDF:
            return None  # the sign form says why when it is sent
        service = self.service()
        try:
            pages = page_sizes(self.deps.archive.read_bytes(ref, file_scope(FileKind.VERSION, document_id)))
        except SigningError:
            return None
        return {"pages": pages, "n": version["n"], "default": service.config.level.value,
                "levels": [level.value for level in service.available_levels()]}

    def page_png(self, actor: Actor, document_id: str, n: int, page: int) -> bytes:
        """Page ``page`` of version ``n``'s PDF as a PNG (60 dpi), where the leader places the stamp."""
        from signing.rendering import render_page

        state = self.visibility.document(actor, document_id, READERS)
        ref = FileRef.from_dict(version_of(state, n)["file"])
        if ref.media_type != PDF:
            raise NotFound("Phiên bản này không phải tệp PDF.", "This version is not a PDF.", field="n")
        png: bytes = render_page(self.deps.archive.read_bytes(ref, file_scope(FileKind.VERSION, document_id)), page)
        return png
