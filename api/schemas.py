"""Request and response bodies, one model per use (what comes in, what goes out)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.actors import ROLES
from ledger.document import KINDS

Role = Literal[tuple(ROLES)]  # type: ignore[valid-type]
Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]
TEXT = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"  # not blank, no
# control characters but tab and newline (what ledger.validation.text accepts)
OPTIONAL_TEXT = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,39}$"  # ledger.validation's document and record codes
Text = Field(min_length=1, max_length=500)


Name = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT)]  # a person or unit in a list


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


class AgencyOut(BaseModel):
    agency_id: str
    name: str
    supervised_by: list[str]
    version: int


class AgencyPage(BaseModel):
    items: list[AgencyOut]
    next_cursor: str | None


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=63, pattern=r"^[a-z0-9][a-z0-9._-]{1,62}$")
    full_name: str = Field(min_length=1, max_length=200, pattern=TEXT)
    roles: list[Role] = Field(min_length=1, max_length=8)  # type: ignore[valid-type]
    email: str = Field(default="", max_length=200)
    password: str | None = Field(default=None, min_length=10, max_length=200,
                                 description="Để trống thì hệ thống tạo mật khẩu / leave empty to generate one")


class UserPatch(BaseModel):
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=8)  # type: ignore[valid-type]
    action: Literal["lock", "unlock", "deactivate"] | None = None
    reason: str = Field(default="", max_length=500, pattern=OPTIONAL_TEXT)
    password: str | None = Field(default=None, min_length=10, max_length=200)


class UserOut(BaseModel):
    username: str
    agency_id: str
    full_name: str
    roles: list[str]
    email: str
    status: str
    version: int
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
    status: str
    file: FileOut
    change_summary: str
    author: str


class DocumentOut(Out):
    id: str
    agency_id: str
    code: str
    title: str
    kind: str
    department: str
    versions: list[VersionOut]
    in_force: int | None
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
    reviewers: list[Name] = Field(default=[], max_length=50)
    approver: str = Field(min_length=1, max_length=100, pattern=TEXT)


class Review(BaseModel):
    verdict: Literal["agree", "agree_with_comments", "disagree"]
    comment: str = Field(default="", max_length=4000, pattern=OPTIONAL_TEXT)


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=4000, pattern=TEXT)


class Issue(BaseModel):
    effective_from: date
    distribution: list[Name] = Field(default=[], max_length=200)


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
    retention_years: int | None = Field(ge=1, le=100, description="null = vĩnh viễn / permanent")
    legal_basis: str = Field(min_length=1, max_length=500, pattern=TEXT)
    confidentiality: Literal["public", "internal", "confidential"] = "internal"


class RecordOut(Out):
    id: str
    agency_id: str
    code: str
    title: str
    series: str
    retention_years: int | None
    files: list[dict[str, Any]]
    closed_on: str | None
    version: int


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
    borrower: str = Field(min_length=1, max_length=200, pattern=TEXT)
    purpose: str = Field(min_length=1, max_length=500, pattern=TEXT)
    due_on: date
    approved_by: str = Field(min_length=1, max_length=200, pattern=TEXT)


class Extend(BaseModel):
    due_on: date


class Return(BaseModel):
    received_by: str = Field(min_length=1, max_length=200, pattern=TEXT)
    note: str = Field(default="", max_length=2000, pattern=OPTIONAL_TEXT)


class DestructionApproval(BaseModel):
    decision_no: str = Field(min_length=1, max_length=100, pattern=TEXT)
    decided_by: str = Field(min_length=1, max_length=200, pattern=TEXT)
    council: list[Name] = Field(min_length=1, max_length=50)


class LoanRow(BaseModel):
    record_id: str
    seq: int
    agency_id: str
    borrower: str
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


class Feed(BaseModel):
    items: list[FeedEvent]
    next_cursor: str | None
    last_position: int


class ChainBreakOut(BaseModel):
    position: int
    aggregate_id: str | None
    version: int | None
    reason: str


class FileProblem(BaseModel):
    aggregate_id: str
    key: str
    code: str | None
    problem_vi: str | None
    problem_en: str | None


class AuditReport(BaseModel):
    intact: bool
    events: int
    aggregates: int
    first_break: ChainBreakOut | None
    files_checked: int
    file_problems: list[FileProblem]


class SignatureOut(BaseModel):
    field_name: str
    signer: str | None
    certificate: dict[str, str] | None
    ok: bool
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    coverage: str
    modification_level: str | None
    timestamp_valid: bool | None
    timestamp_time: str | None
    signing_time: str | None
    indication: str
    detail: str


class SignatureReportOut(BaseModel):
    document_id: str
    n: int
    sha256: str
    signatures: list[SignatureOut]


class VerifyReportOut(BaseModel):
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
