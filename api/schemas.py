"""Request and response bodies, one model per use (what comes in, what goes out)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.actors import ROLES
from ledger.document import KINDS
from ledger.errors import InvalidInput
from ledger.vocabulary import AgencyLevel

Role = Literal[tuple(ROLES)]  # type: ignore[valid-type]
Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]
TEXT = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"  # not blank, no
# control characters but tab and newline (what ledger.validation.text accepts)
OPTIONAL_TEXT = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,39}$"  # ledger.validation's document and record codes
Text = Field(min_length=1, max_length=500)
DEPARTMENT = ("Mã định danh phòng ban của cơ quan, hoặc «leadership» (Ban lãnh đạo) / a department id of the agency, "
              "or 'leadership' for the agency's leadership")


Name = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT)]  # a unit or text in a list

# People a command names (ledger.people.PERSON_FIELDS says what each field may name); "x-person" marks them in the
# OpenAPI schema: "account" (an active account of the agency), "account-or-external" (also an outsider),
# "account-or-department" (also a department of the agency, by id, or leadership).
Account = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT, json_schema_extra={"x-person": "account"},
                               description="Tên đăng nhập của một tài khoản đang hoạt động của cơ quan / the username "
                                           "of an active account of the agency", examples=["giamdoc"])]
Recipient = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT,
                                 json_schema_extra={"x-person": "account-or-department"},
                                 description="Mã định danh phòng ban của cơ quan, «leadership», hoặc tên đăng nhập "
                                             "/ a department id of the agency, 'leadership', or a username")]


class ExternalName(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, pattern=TEXT, examples=["Nguyễn Thị Hoa"])
    organisation: str = Field(default="", max_length=300, pattern=OPTIONAL_TEXT, examples=["Thanh tra tỉnh Trà Vinh"])


class ExternalPerson(BaseModel):
    """Người ngoài cơ quan (họ tên, đơn vị) / a person from outside the agency (name, organisation)."""

    model_config = ConfigDict(extra="forbid")
    external: ExternalName


PersonOrExternal = Annotated[Account | ExternalPerson, Field(json_schema_extra={"x-person": "account-or-external"})]


PersonText = Annotated[str, Field(min_length=1, max_length=600, pattern=TEXT)]  # a username, or an outsider's JSON


def person_text(value: str, field: str) -> Any:
    """A person sent as one form field: a username, or an outsider as JSON ``{"external": {...}}``."""
    if not value.lstrip().startswith("{"):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise InvalidInput(f"«{field}»: người ngoài cơ quan ghi dạng JSON {{\"external\": {{\"name\", "
                           "\"organisation\"}}.", f"'{field}': an outsider is JSON {{\"external\": {{\"name\", "
                           "\"organisation\"}}}}.", field=field) from None


def plain(value: Any) -> Any:
    """A person as the use cases take it: a username, or ``{"external": {...}}`` (lists element by element)."""
    if isinstance(value, list):
        return [plain(x) for x in value]
    return value.model_dump() if isinstance(value, BaseModel) else value


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Session(BaseModel):
    username: str
    csrf_token: str
    expires_in: int


class Me(BaseModel):
    username: str
    agency_id: str
    full_name: str
    roles: list[str]


class AgencyCreate(BaseModel):
    agency_id: str = Field(min_length=2, max_length=63, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
                           examples=["so-khcn-tra-vinh"])
    name: str = Field(min_length=1, max_length=300, pattern=TEXT)
    supervised_by: list[str] = Field(default=[], max_length=50)
    level: AgencyLevel = Field(default=AgencyLevel.PROVINCE, description="province: sở, ban, ngành tỉnh; district: "
                               "cấp huyện; commune: cấp xã")


class AgencyPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=300, pattern=TEXT)
    supervised_by: list[str] | None = Field(default=None, max_length=50)
    level: AgencyLevel | None = None


class AgencyOut(BaseModel):
    agency_id: str
    name: str
    supervised_by: list[str]
    version: int
    level: AgencyLevel = AgencyLevel.PROVINCE


class AgencyPage(BaseModel):
    items: list[AgencyOut]
    next_cursor: str | None


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=63, pattern=r"^[a-z0-9][a-z0-9._-]{1,62}$")
    full_name: str = Field(min_length=1, max_length=200, pattern=TEXT)
    roles: list[Role] = Field(min_length=1, max_length=8)  # type: ignore[valid-type]
    email: str = Field(default="", max_length=200)
    password: str | None = Field(default=None, min_length=1, max_length=200,
                                 description="Để trống thì hệ thống tạo mật khẩu; ít nhất 12 ký tự, khác tên đăng "
                                             "nhập, không phổ biến / leave empty to generate one; at least 12 "
                                             "characters, not the username, not a common password")
    department: str | None = Field(default=None, max_length=100, description=DEPARTMENT)


class UserPatch(BaseModel):
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=8)  # type: ignore[valid-type]
    action: Literal["lock", "unlock", "deactivate"] | None = None
    reason: str = Field(default="", max_length=500, pattern=OPTIONAL_TEXT)
    password: str | None = Field(default=None, min_length=1, max_length=200,
                                 description="Ít nhất 12 ký tự, khác tên đăng nhập, không phổ biến / at least 12 "
                                             "characters, not the username, not a common password")
    full_name: str | None = Field(default=None, min_length=1, max_length=200, pattern=TEXT)
    email: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=100, description=DEPARTMENT)


class UserOut(BaseModel):
    username: str
    agency_id: str
    full_name: str
    roles: list[str]
    email: str
    status: str
    version: int
    department: str | None = None
    initial_password: str | None = None


class UserPage(BaseModel):
    items: list[UserOut]
    next_cursor: str | None


class DocumentCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=CODE, examples=["QT-01"])
    title: str = Field(min_length=1, max_length=500, pattern=TEXT)
    kind: Kind = Field(examples=["procedure"])  # type: ignore[valid-type]
    department: str = Field(min_length=1, max_length=200, pattern=TEXT)


class FileOut(BaseModel):
    key: str
    sha256: str
    size: int
    media_type: str
    filename: str


class StampImageOut(BaseModel):
    """A signature or seal image now on file (the event's version of the account or agency)."""

    file: FileOut
    version: int


class VersionOut(Out):
    n: int
    status: str = Field(description="Bước đã ghi nhận / recorded step: draft, submitted, approved, rejected, issued, "
                                    "superseded, withdrawn. Đang hiệu lực hay chưa: xem in_force, upcoming / whether "
                                    "it is in force: see the document's in_force and upcoming")
    file: FileOut
    change_summary: str
    author: str
    effective_from: str | None = None


class DocumentOut(Out):
    id: str
    agency_id: str
    code: str
    title: str
    kind: str
    department: str
    versions: list[VersionOut]
    in_force: int | None = Field(description="Phiên bản đang hiệu lực vào ngày in_force_on / the version in force "
                                             "on in_force_on (Vietnam date)")
    upcoming: int | None = Field(default=None, description="Phiên bản đã ban hành, chưa có hiệu lực / issued, "
                                                          "not yet in force (its effective_from is later)")
    in_force_on: str | None = Field(default=None, description="Ngày (giờ Việt Nam) mà in_force nói tới / the day")
    version: int


class DocumentRow(BaseModel):
    id: str
    agency_id: str
    code: str
    title: str
    kind: str
    department: str
    status: str
    in_force: int | None
    effective_from: str | None
    upcoming: int | None = None
    upcoming_from: str | None = None
    latest: int
    version: int
    updated_at: str


class DocumentPage(BaseModel):
    items: list[DocumentRow]
    next_cursor: str | None


class CommandOut(BaseModel):
    """What a command answers: the aggregate and its version afterwards (also the ETag)."""

    id: str
    version: int
    n: int | None = None
    file: FileOut | None = None


class Submit(BaseModel):
    reviewers: list[Account] = Field(default=[], max_length=50)
    approver: Account


class Review(BaseModel):
    verdict: Literal["agree", "agree_with_comments", "disagree"]
    comment: str = Field(default="", max_length=4000, pattern=OPTIONAL_TEXT)


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=4000, pattern=TEXT)


class Issue(BaseModel):
    effective_from: date
    distribution: list[Recipient] = Field(default=[], max_length=200)


class Event(Out):
    aggregate_id: str
    version: int
    type: str
    timestamp: str
    meta: dict[str, str]
    prev_hash: str
    hash: str
    data: dict[str, Any]


class History(BaseModel):
    as_of: str | None
    state: dict[str, Any] | None
    events: list[Event]


class RecordCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=CODE, examples=["HS-2026-01"])
    title: str = Field(min_length=1, max_length=500, pattern=TEXT)
    series: str = Field(min_length=1, max_length=200, pattern=TEXT)
    retention_years: int | None = Field(ge=1, le=100, strict=True, description="null = vĩnh viễn / permanent")
    legal_basis: str = Field(min_length=1, max_length=500, pattern=TEXT)
    confidentiality: Literal["public", "internal", "confidential"] = "internal"


class RecordOut(Out):
    id: str
    agency_id: str
    code: str
    title: str
    series: str
    confidentiality: str
    retention_years: int | None
    files: list[dict[str, Any]] = Field(description="Hồ sơ mật: người không được xem tệp chỉ thấy số tệp, kích "
                                        "thước và mã băm (withheld=true) / a confidential record's files, to "
                                        "those who may not read them: size and hash only (withheld=true)")
    file_access: Literal["open", "role", "grant"] | None = Field(
        description="Vì sao bạn được xem tệp (open: hồ sơ không mật; role: theo vai trò; grant: được cấp quyền); "
                    "null: không được xem / why you may read the files, null if you may not")
    grants: dict[str, dict[str, Any]] = Field(description="Người được cấp quyền xem tệp hồ sơ mật / who was "
                                              "granted access to the confidential files")
    closed_on: str | None
    version: int


USERNAME = r"^[a-z0-9][a-z0-9._-]{1,62}$"  # ledger.directory's usernames


class AccessGrant(BaseModel):
    grantee: str = Field(min_length=2, max_length=63, pattern=USERNAME, examples=["truongphong"],
                         description="Tên đăng nhập của tài khoản được cấp quyền / the account's username",
                         json_schema_extra={"x-person": "account"})
    reason: str = Field(min_length=1, max_length=2000, pattern=TEXT)
    until: date | None = Field(default=None, description="Ngày cuối được xem (giờ Việt Nam); trống: đến khi thu "
                                                         "hồi / last day of access, or until revoked")


class AccessRevoke(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, pattern=TEXT)


class RecordRow(BaseModel):
    id: str
    agency_id: str
    code: str
    title: str
    series: str
    confidentiality: str
    retention_years: int | None
    closed_on: str | None
    retention_ends_on: str | None
    on_hold: bool
    on_loan: bool
    destruction: str | None
    files: int
    version: int
    updated_at: str


class RecordPage(BaseModel):
    items: list[RecordRow]
    next_cursor: str | None


class Close(BaseModel):
    closed_on: date | None = None


class Borrow(BaseModel):
    borrower: PersonOrExternal
    purpose: str = Field(min_length=1, max_length=500, pattern=TEXT)
    due_on: date
    approved_by: Account = Field(description="Lãnh đạo cơ quan hoặc lãnh đạo phòng ban duyệt cho mượn / the agency "
                                             "or department leader who approved the loan")


class Extend(BaseModel):
    due_on: date


class Return(BaseModel):
    received_by: Account
    note: str = Field(default="", max_length=2000, pattern=OPTIONAL_TEXT)


class DestructionApproval(BaseModel):
    decision_no: str = Field(min_length=1, max_length=100, pattern=TEXT)
    decided_by: Account = Field(description="Lãnh đạo cơ quan ký quyết định hủy / the agency leader who signed the "
                                            "decision")
    council: list[PersonOrExternal] = Field(min_length=1, max_length=50)


class LoanRow(BaseModel):
    record_id: str
    seq: int
    agency_id: str
    borrower: str | dict[str, Any] = Field(description="Tên đăng nhập, hoặc {\"external\": {\"name\", "
                                                   "\"organisation\"}} / a username, or an outsider")
    purpose: str
    due_on: str
    approved_by: str
    borrowed_on: str
    returned_on: str | None
    received_by: str | None
    overdue: bool


class LoanPage(BaseModel):
    items: list[LoanRow]
    next_cursor: str | None


class FeedEvent(BaseModel):
    position: int
    aggregate_id: str
    version: int
    kind: str
    event_type: str
    actor: str
    role: str
    agency_id: str
    occurred_at: str
    summary: str
    hash: str
    data: dict[str, Any] = Field(default={}, description="Dữ liệu của sự kiện (tệp: tham chiếu, không có nội dung) / "
                                                         "the event's data (files as references, not bytes)")


class Feed(BaseModel):
    items: list[FeedEvent]
    next_cursor: str | None
    last_position: int


Check = Literal["chain", "tree", "snapshot", "file", "evidence"]


class ChainBreakOut(BaseModel):
    """The first thing that does not hold: a broken chain, a snapshot that differs, a stored file wrong or gone.

    ``aggregate_id`` and ``version`` are null when the break is in an agency the caller may not see."""
    position: int = Field(description="the event's place in the log (0 for a snapshot)")
    aggregate_id: str | None
    version: int | None = Field(description="the event's number in its chain (of the snapshot, of the event "
                                            "that referenced the file)")
    reason: str = Field(description="English, as before: what does not hold")
    check: Check = Field(description="which check found it")
    reason_vi: str
    reason_en: str
    key: str | None = Field(description="the stored object, for a file or evidence break")
    text_vi: str = Field(description="one sentence for a person (names the document or record when visible)")
    text_en: str


class FileProblem(BaseModel):
    aggregate_id: str
    key: str
    code: str | None
    problem_vi: str | None
    problem_en: str | None
    check: Literal["file", "evidence"] = Field(description="a version, signed or record file; or destruction "
                                                           "minutes")
    filename: str
    version: int = Field(description="the event that referenced the file")


class TreeProblemOut(BaseModel):
    kind: str = Field(description="signature | root | truncated | missing | changed")
    reason_vi: str
    reason_en: str


class AuditReport(BaseModel):
    """One report, the same as `isoledger verify` and the web integrity page give (ledger.verification)."""
    intact: bool = Field(description="every chain, snapshot, file and evidence file checked holds")
    events: int = Field(description="events checked (of the documents and records in scope)")
    aggregates: int = Field(description="chains checked in scope (documents and records; the whole ledger "
                                        "also counts agencies and accounts)")
    first_break: ChainBreakOut | None
    files_checked: int = Field(description="version, signed and record files read and hashed")
    file_problems: list[FileProblem]
    agencies: list[str] | None = Field(description="the agencies in scope; null: the whole ledger")
    documents: int
    records: int
    snapshots_checked: int
    evidence_files_checked: int = Field(description="destruction minutes read and hashed")
    stopped_early: bool = Field(description="a broken chain stopped the check before snapshots and files")
    summary_vi: str = Field(description="«Đã kiểm tra 53 sự kiện của 12 tài liệu và hồ sơ, 20 tệp, 2 biên bản hủy.»")
    summary_en: str
    checkpoints_checked: int = Field(0, description="signed checkpoints the whole log was held against")
    tree_problems: list[TreeProblemOut] = Field(
        default_factory=list, description="events deleted or changed since a checkpoint, a truncated log, a bad "
                                          "checkpoint signature (positions in the log)")


class SignatureText(BaseModel):
    """A machine code with the words a person reads: Vietnamese, English, and what to do about it."""

    code: str
    vi: str
    en: str
    advice_vi: str
    advice_en: str


class SignatureWords(BaseModel):
    status: SignatureText
    indication: SignatureText  # explains the verdict (``ok``); its code may be ours, e.g. OK_AT_CURRENT_TIME
    coverage: SignatureText
    modification_level: SignatureText
    pades_level: SignatureText | None
    revocation: SignatureText
    signing_time: SignatureText | None  # which time ``signing_time`` is: the timestamp's, or the signer's claim
    trust_root: SignatureText  # the sentence naming the trusted root the chain ends at, or saying there is none


class SignatureCertificateOut(BaseModel):
    fingerprint: str
    subject: str
    issuer: str
    serial: str
    common_name: str
    organization: str
    issuer_name: str
    valid_from: str | None
    valid_until: str | None


class SignatureOut(BaseModel):
    field_name: str
    signer: str | None  # the certificate's common name
    signer_organization: str | None
    certificate: SignatureCertificateOut | None
    ok: bool
    intact: bool
    valid: bool
    trusted: bool
    trust_root: str | None  # subject of the trusted root the certificate chain ends at; None without such a chain
    trust_root_name: str | None  # that root's common name (else organisation), as a person calls it
    revoked: bool
    revocation: Literal["not_revoked", "revoked", "not_checked"]
    revoked_at: str | None
    coverage: str
    modification_level: str | None
    pades_level: str | None
    timestamp_valid: bool | None
    timestamp_time: str | None
    signer_reported_time: str | None
    signing_time: str | None  # the timestamp's time if valid, else the signer's claim; never the validation time
    signing_time_source: Literal["timestamp", "signer"] | None
    status: str  # ETSI EN 319 102-1 main indication: PASSED, INDETERMINATE, FAILED
    indication: str  # ETSI EN 319 102-1 sub-indication as pyHanko reports it
    detail: str
    text: SignatureWords


NO_TRUST_ROOTS = ("Máy chủ chưa cấu hình chứng thư gốc tin cậy (ISOLEDGER_TRUST_ROOTS): khi ký, mọi chứng thư số "
                  "đều được chấp nhận; không chữ ký nào được xác nhận là của tổ chức chứng thực tin cậy.",
                  "No trust roots are configured on this server (ISOLEDGER_TRUST_ROOTS): any certificate is accepted "
                  "for signing, and no signature can be confirmed as issued by a trusted authority.")


class TrustSetup(BaseModel):
    trust_roots_configured: bool = Field(description="Máy chủ có chứng thư gốc tin cậy / the server trusts some root")
    trust_warning: str | None = Field(default=None, description="Cảnh báo khi không có / the warning when none")
    trust_warning_en: str | None = None

    @classmethod
    def of(cls, configured: bool) -> dict[str, Any]:
        return {"trust_roots_configured": configured, "trust_warning": None if configured else NO_TRUST_ROOTS[0],
                "trust_warning_en": None if configured else NO_TRUST_ROOTS[1]}


class SignatureReportOut(TrustSetup):
    document_id: str
    n: int
    sha256: str
    signatures: list[SignatureOut]


class VerifyReportOut(TrustSetup):
    """The validation report of an uploaded PDF (not stored)."""

    filename: str
    size: int
    sha256: str
    signatures: list[SignatureOut]


class PublicDocument(BaseModel):
    id: str
    code: str
    title: str
    kind: str
    department: str
    in_force: int
    effective_from: str | None
    file_url: str


class PublicPage(BaseModel):
    agency_id: str
    agency_name: str
    items: list[PublicDocument]
    next_cursor: str | None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: str
    storage: str
