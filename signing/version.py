"""Signing one version of a document: the use case behind the API's and the pages' sign, always visibly stamped."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ledger.actors import Actor
from ledger.errors import NotFound
from ledger.files import FileKind, FileRef, file_scope
from signing import errors as se
from signing.appearance import Look
from signing.config import Meaning, PadesLevel
from signing.placement import Box, Position, StampRequest
from signing.signers import Signer

PDF = "application/pdf"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class StampChoice:
    """What the signer chose about the stamp; every field has a default.

    ``page`` is 1-based (None: the last page); ``box`` is (x1, y1, x2, y2) in PDF points from the
    lower left corner (None: the next free box from ``position``); ``style`` is the approval stamp
    or the smaller review stamp (None: as the signature's meaning); ``images``: draw the signer's
    signature image and, on an approval stamp, the agency's seal, when they are on file; ``level``:
    the PAdES level (None: the installation's).
    """

    page: int | None = None
    box: Box | None = None
    position: Position = Position.BOTTOM_RIGHT
    style: Meaning | None = None
    images: bool = True
    level: PadesLevel | None = None

    @classmethod
    def from_fields(cls, *, page: Any = None, box: Any = None, position: Any = None, style: Any = None,
                    images: Any = None, level: Any = None) -> StampChoice:
        """From form fields as typed (strings, or None/empty for the default); refuses bad values by field."""
        return cls(page=_page(page), box=parse_box(box), position=_choice(Position, position, "position",
                   Position.BOTTOM_RIGHT), style=_choice(Meaning, style, "style", None),
                   images=_flag(images, "images"), level=_level(level))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _page(value: Any) -> int | None:
    if _blank(value):
        return None
    try:
        page = int(str(value).strip())
    except ValueError:
        page = 0
    if page < 1:
        raise se.AppearanceError("The page is a number from 1.", "Số trang là số nguyên từ 1.", field="page")
    return page


def parse_box(value: Any) -> Box | None:
    """``"x1,y1,x2,y2"`` (points, commas or spaces) as a box, or None when blank."""
    if _blank(value):
        return None
    if isinstance(value, tuple | list):
        parts = [str(v) for v in value]
    else:
        parts = str(value).replace(",", " ").split()
    try:
        x1, y1, x2, y2 = (float(p) for p in parts)
    except ValueError:
        raise se.AppearanceError("The box is four numbers in points: x1,y1,x2,y2.",
                                 "Khung chữ ký gồm bốn số (điểm): x1,y1,x2,y2.", field="box") from None
    if not all(abs(v) < 100_000 for v in (x1, y1, x2, y2)) or x2 <= x1 or y2 <= y1:
        raise se.AppearanceError("The box needs x1 < x2 and y1 < y2, in points on the page.",
                                 "Khung chữ ký cần x1 < x2 và y1 < y2, tính bằng điểm trên trang.", field="box")
    return (x1, y1, x2, y2)


def _choice(kind: Any, value: Any, field: str, default: Any) -> Any:
    if _blank(value):
        return default
    try:
        return kind(str(value).strip())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise se.AppearanceError(f"Unknown {field} {value!r}; use {allowed}.",
                                 f"Giá trị {value!r} không hợp lệ; dùng {allowed}.", field=field) from None


def _flag(value: Any, field: str) -> bool:
    if _blank(value) or value is True:
        return True
    if value is False:
        return False
    if str(value).strip().lower() in _TRUE:
        return True
    if str(value).strip().lower() in _FALSE:
        return False
    raise se.AppearanceError(f"{field} is true or false.", f"{field} là true hoặc false.", field=field)


def _level(value: Any) -> PadesLevel | None:
    if _blank(value):
        return None
    try:
        return PadesLevel(str(value).strip().upper())
    except ValueError:
        raise se.LevelUnavailableError(f"Unknown PAdES level {value!r}; use B-B, B-T, B-LT or B-LTA.",
                                       f"Mức PAdES {value!r} không hợp lệ; dùng B-B, B-T, B-LT hoặc B-LTA.",
                                       field="level") from None


def signed_name(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{stem} (đã ký).{ext}" if dot and ext.lower() == "pdf" else f"{filename} (đã ký).pdf"


def account_scope(username: str) -> str:
    """The archive scope of an account's images (its signature image): the account aggregate's."""
    from ledger.directory import account_uuid

    return file_scope(FileKind.IMAGE, str(account_uuid(username)))


def agency_scope(agency_id: str) -> str:
    """The archive scope of an agency's images (its seal): the agency aggregate's."""
    from ledger.directory import agency_uuid

    return file_scope(FileKind.IMAGE, str(agency_uuid(agency_id)))


class _ImageBytes:
    """Stamp images by SHA-256, read from the archive once per process (they are content-addressed)."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._data: OrderedDict[str, bytes] = OrderedDict()

    def get(self, archive: Any, ref: FileRef, scope: str) -> bytes:
        with self._lock:
            if ref.sha256 in self._data:
                self._data.move_to_end(ref.sha256)
                return self._data[ref.sha256]
        data: bytes = archive.read_bytes(ref, scope)
        with self._lock:
            self._data[ref.sha256] = data
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return data


_IMAGES = _ImageBytes()


class VersionSigning:
    """Signs version ``n`` of a document for the signed-in leader and records it; callers check access first."""

    def __init__(self, ledger: Any, archive: Any, directory: Any, service: Any) -> None:
        self.ledger = ledger
        self.archive = archive
        self.directory = directory
        self.service = service

    def version_file(self, document_id: str, n: int) -> FileRef:
        """The current file of version ``n`` (after earlier signatures); it must be a PDF."""
        versions = self.ledger.document(document_id)["versions"]
        if not 1 <= n <= len(versions):
            raise NotFound(f"Không có phiên bản {n}.", f"There is no version {n}.", field="n")
        ref = FileRef.from_dict(versions[n - 1]["file"])
        if ref.media_type != PDF:
            raise se.NotPdfError(field="file")
        return ref

    def look(self, actor: Actor, style: Meaning, images: bool) -> Look:
        """The images the stamp shows: the signer's signature image, and on an approval stamp the seal."""
        if not images:
            return Look()
        account = self.directory.find_account(actor.user_id) or {}
        agency = self.directory.find_agency(actor.agency_id) or {}
        signature = account.get("signature_image")
        if not signature:
            return Look()
        seal = agency.get("seal_image") if style is Meaning.APPROVAL else None
        return Look(
            signature_png=_IMAGES.get(self.archive, FileRef.from_dict(signature), account_scope(actor.user_id)),
            seal_png=_IMAGES.get(self.archive, FileRef.from_dict(seal), agency_scope(actor.agency_id))
            if seal else None,
        )

    def _check_trusted(self, signed: Any) -> None:
        """The agency requires a trusted chain for approval signatures: the new signature, validated as anyone
        will validate it, must chain to a configured trust root (none configured: nothing is trusted)."""
        if not getattr(self.service, "trust_roots_configured", False):
            raise se.CertificateUntrustedError(
                "The agency requires approval signatures with a trusted certificate, and this server has no trust "
                "roots configured (ISOLEDGER_TRUST_ROOTS).",
                "Cơ quan yêu cầu chữ ký phê duyệt bằng chứng thư số tin cậy, nhưng máy chủ chưa cấu hình chứng thư "
                "gốc tin cậy (ISOLEDGER_TRUST_ROOTS).", field="p12")
        mine = [r for r in self.service.validate(signed.content) if r.field_name == signed.facts.field_name]
        if not mine or not mine[-1].trusted:
            raise se.CertificateUntrustedError(
                "The agency requires approval signatures with a certificate that chains to a trusted root; this "
                "one does not.",
                "Cơ quan yêu cầu chữ ký phê duyệt bằng chứng thư số có chuỗi đến chứng thư gốc tin cậy; chứng thư "
                "này không có.", field="p12")

    def sign(self, actor: Actor, document_id: str, n: int, signer: Signer, *, meaning: str,
             choice: StampChoice | None = None, expected_version: int | None = None) -> FileRef:
        """Stamp and sign the version's PDF, store it, record the signature; returns the signed file.

        The signer is closed whatever happens (its key is used for this one signature).
        """
        choice = choice or StampChoice()
        try:
            meaning_ = Meaning(meaning) if meaning in {m.value for m in Meaning} else None
            if meaning_ is None:
                raise se.SigningError("Choose what the signature means: review or approval.",
                                      "Hãy chọn ý nghĩa của chữ ký: xem xét hoặc phê duyệt.", field="meaning")
            style = choice.style or meaning_
            ref = self.version_file(document_id, n)
            pdf = self.archive.read_bytes(ref, file_scope(FileKind.VERSION, document_id))
            account = self.directory.account(actor.user_id)
            agency = self.directory.find_agency(actor.agency_id)
            placement = StampRequest(style, choice.page, choice.box, choice.position)  # placed as it is signed
            signed = self.service.sign(
                pdf, signer, signer_name=account["full_name"], agency=agency["name"] if agency else actor.agency_id,
                meaning=meaning_, look=self.look(actor, style, choice.images), placement=placement,
                level=choice.level, style=style)
            if meaning_ is Meaning.APPROVAL and agency and agency.get("require_trusted_approval"):
                self._check_trusted(signed)
        finally:
            signer.close()
        stored: FileRef = self.archive.put(io.BytesIO(signed.content), signed_name(ref.filename),
                                           file_scope(FileKind.SIGNED, document_id))
        f = signed.facts
        self.ledger.record_signature(
            actor, document_id, n, meaning=meaning_.value, signed_file=stored.to_dict(),
            certificate={"fingerprint": f.certificate.fingerprint_sha256, "subject": f.certificate.subject,
                         "issuer": f.certificate.issuer, "serial": f.certificate.serial},
            pades_level=f.level.value, signing_time=f.signing_time.isoformat(),
            timestamp_time=f.timestamp_time.isoformat() if f.timestamp_time else None,
            expected_version=expected_version)
        return stored
