"""The controlled document (tài liệu): versions from draft through review, approval, signature and issue."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import event

from ledger import effect
from ledger import validation as v
from ledger.actors import Actor
from ledger.aggregate import LedgerAggregate
from ledger.approval import DEFAULT_DELEGATED, check_approving_role
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.people import AgencyRules, unchecked
from ledger.vocabulary import PENDING, Role, VersionStatus

# kind -> (Vietnamese label, English label, requires an approval signature before issue)
KINDS: dict[str, tuple[str, str, bool]] = {
    "procedure": ("Quy trình", "Procedure", True),
    "form": ("Biểu mẫu", "Form", False),
    "instruction": ("Hướng dẫn", "Work instruction", False),
    "regulation": ("Quy định", "Regulation", True),
    "quality_policy": ("Chính sách chất lượng", "Quality policy", True),
    "quality_objectives": ("Mục tiêu chất lượng", "Quality objectives", True),
    "context_analysis": ("Phân tích bối cảnh", "Context analysis", True),
    "audit_programme": ("Chương trình đánh giá nội bộ", "Internal audit programme", True),
    "audit_plan": ("Kế hoạch đánh giá nội bộ", "Internal audit plan", True),
    "management_review": ("Xem xét của lãnh đạo", "Management review", True),
    "improvement_programme": ("Chương trình cải tiến liên tục", "Continual improvement programme", True),
    "other": ("Tài liệu khác", "Other document", False),
}
SECRETARY = (Role.ISO_SECRETARY,)
# when the agency lets its records controller control documents
CONTROLLERS = (Role.ISO_SECRETARY, Role.RECORDS_CONTROLLER)
VERDICTS = ("agree", "agree_with_comments", "disagree")
MEANINGS = ("review", "approval")
# kind -> months between periodic reviews, until the document sets its own (ReviewPeriodSet)
REVIEW_MONTHS = {"procedure": 12, "form": 24, "instruction": 24, "regulation": 24, "quality_policy": 12,
                 "quality_objectives": 12, "context_analysis": 12, "audit_programme": 12, "audit_plan": 12,
                 "management_review": 12, "improvement_programme": 12, "other": 24}
MAX_REVIEW_MONTHS = 120
STATUS_VI = {
    "draft": "Dự thảo", "submitted": "Đang xem xét", "approved": "Đã phê duyệt",
    "rejected": "Bị từ chối", "issued": "Đã ban hành", "superseded": "Đã bị thay thế",
    "withdrawn": "Đã thu hồi",
}


class Document(LedgerAggregate):
    """One controlled document of one agency, with its numbered versions."""

    # Default for documents (and snapshots) from before periodic review periods existed; not annotated, so not a
    # dataclass field. None: the kind's REVIEW_MONTHS.
    review_months = cast("int | None", None)

    # ---- commands -------------------------------------------------------------------------
    @classmethod
    def register(cls, actor: Actor, *, id: UUID, code: str, title: str, kind: str,  # noqa: A002
                 department: str, controllers: tuple[str, ...] = SECRETARY) -> Document:
        meta = actor.meta(*controllers)
        created: Document = cls._create(cast(Any, cls).Registered, id=id, agency_id=actor.agency_id, code=code,
                                        title=v.text(title, "title"),
                   kind=v.choice(kind, "kind", KINDS), department=v.text(department, "department", max_len=200),
                   meta=meta)
        return created

    def create_draft(self, actor: Actor, *, file: Any, change_summary: str,
                     controllers: tuple[str, ...] = SECRETARY) -> int:
        meta = self._meta(actor, *controllers)
        self._check_active()
        pending = [x["n"] for x in self.versions if x["status"] in PENDING]
        if pending:
            raise RuleViolation(f"Phiên bản {pending[0]} chưa được ban hành hay thu hồi; hãy sửa phiên bản đó.",
                                f"Version {pending[0]} is still in progress; revise it instead.",
                                code="draft_in_progress")
        n = len(self.versions) + 1
        self._draft_created(version=n, file=v.file_ref(file),
                            change_summary=v.text(change_summary, "change_summary", max_len=2000), meta=meta)
        return n

    def revise(self, actor: Actor, n: int, *, file: Any, change_summary: str) -> None:
        meta = self._meta(actor, Role.ISO_SECRETARY, Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER, Role.STAFF)
        ver = self._numbered(n)
        if ver["status"] not in (VersionStatus.DRAFT, VersionStatus.REJECTED):
            raise RuleViolation(f"Chỉ sửa được dự thảo chưa trình hoặc bị từ chối (phiên bản {n} đang «"
                                f"{STATUS_VI[ver['status']]}»).",
                                f"Only a draft or rejected version can be revised (version {n} is {ver['status']}).",
                                code="not_revisable")
        if actor.user_id != ver["author"] and meta["role"] != Role.ISO_SECRETARY:
            raise NotAllowed("Chỉ người soạn dự thảo hoặc thư ký ISO được sửa dự thảo.",
                             "Only the draft's author or the ISO secretary may revise it.", code="not_author")
        self._draft_revised(version=n, file=v.file_ref(file),
                            change_summary=v.text(change_summary, "change_summary", max_len=2000), meta=meta)

    def submit(self, actor: Actor, n: int, *, reviewers: list[str], approver: str,
               controllers: tuple[str, ...] = SECRETARY, people: AgencyRules | None = None) -> None:
        meta = self._meta(actor, *controllers)
        (people or unchecked(self.agency_id)).check_people(self.kind, reviewers, approver)
        ver = self._numbered(n)
        if ver["status"] not in (VersionStatus.DRAFT, VersionStatus.REJECTED):
            raise RuleViolation(f"Phiên bản {n} không ở trạng thái dự thảo.", f"Version {n} is not a draft.",
                                code="not_a_draft")
        reviewers = v.user_ids(reviewers, "reviewers")
        approver = v.text(approver, "approver", max_len=100)
        if approver in reviewers:
            raise InvalidInput("Người phê duyệt không đồng thời là người xem xét.",
                                 "The approver cannot also be a reviewer.", field="approver")
        self._submitted(version=n, reviewers=reviewers, approver=approver, meta=meta)

    def review(self, actor: Actor, n: int, *, verdict: str, comment: str = "") -> None:
        meta = self._meta(actor, *sorted(actor.roles))
        ver = self._numbered(n)
        self._check_status(ver, VersionStatus.SUBMITTED)
        if actor.user_id not in ver["reviewers"]:
            raise NotAllowed("Bạn không có tên trong danh sách xem xét phiên bản này.",
                             "You are not a named reviewer of this version.", code="not_a_reviewer")
        if actor.user_id in ver["reviews"]:
            raise RuleViolation("Bạn đã cho ý kiến xem xét phiên bản này.", "You have already reviewed it.",
                                code="already_reviewed")
        self._reviewed(version=n, reviewer=actor.user_id, verdict=v.choice(verdict, "verdict", VERDICTS),
                       comment=v.text(comment, "comment", max_len=4000, required=False), meta=meta)

    def approve(self, actor: Actor, n: int, *, delegated: tuple[str, ...] = DEFAULT_DELEGATED) -> None:
        meta = self._meta(actor, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
        ver = self._check_approver(actor, n)
        check_approving_role(meta["role"], self.kind, delegated, KINDS[self.kind][0])
        missing = [r for r in ver["reviewers"] if r not in ver["reviews"]]
        if missing:
            raise RuleViolation(f"Còn {len(missing)} người chưa cho ý kiến xem xét: {', '.join(missing)}.",
                                f"{len(missing)} reviewer(s) have not reviewed yet: {', '.join(missing)}.",
                                code="reviews_pending")
        self._approved(version=n, approver=actor.user_id, meta=meta)

    def reject(self, actor: Actor, n: int, *, reason: str, delegated: tuple[str, ...] = DEFAULT_DELEGATED) -> None:
        meta = self._meta(actor, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
        self._check_approver(actor, n)
        check_approving_role(meta["role"], self.kind, delegated, KINDS[self.kind][0])
        self._rejected(version=n, approver=actor.user_id, reason=v.text(reason, "reason", max_len=4000),
                       meta=meta)

    def sign(self, actor: Actor, n: int, *, meaning: str, signed_file: Any, certificate: dict[str, str],
             pades_level: str, signing_time: str, timestamp_time: str | None,
             delegated: tuple[str, ...] = DEFAULT_DELEGATED) -> None:
        meta = self._meta(actor, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
        ver = self._numbered(n)
        meaning = v.choice(meaning, "meaning", MEANINGS)
        if meaning == "approval":
            self._check_status(ver, VersionStatus.APPROVED)
            check_approving_role(meta["role"], self.kind, delegated, KINDS[self.kind][0])
            if actor.user_id != ver["approver"] and meta["role"] != Role.AGENCY_LEADER:
                raise NotAllowed("Chỉ người phê duyệt hoặc lãnh đạo cơ quan được ký phê duyệt.",
                                 "Only the approver or an agency leader may sign for approval.",
                                 code="not_the_approver")
            if ver["signed_for_approval"]:
                raise RuleViolation("Phiên bản này đã được ký phê duyệt.", "This version is already signed.",
                                    code="already_signed")
        elif ver["status"] not in (VersionStatus.SUBMITTED, VersionStatus.APPROVED) or ver["signed_for_approval"]:
            raise RuleViolation("Chỉ ký xem xét trước khi ký phê duyệt.",
                                "Review signatures come before the approval signature.", code="review_too_late")
        cert = {k: v.text(certificate.get(k), f"certificate.{k}", max_len=1000)
                for k in ("fingerprint", "subject", "issuer", "serial")}
        self._signed(version=n, signer=actor.user_id, meaning=meaning, signed_file=v.file_ref(signed_file),
                     certificate=cert, pades_level=v.text(pades_level, "pades_level", max_len=10),
                     signing_time=v.text(signing_time, "signing_time", max_len=40),
                     timestamp_time=timestamp_time, meta=meta)

    def issue(self, actor: Actor, n: int, *, effective_from: date | str, distribution: list[str],
              today: date, controllers: tuple[str, ...] = SECRETARY, people: AgencyRules | None = None) -> None:
        """Issues version ``n``; it replaces the version in force from ``effective_from`` (at once if that
        day has come). Refused while another issued version is still waiting for its effective date."""
        meta = self._meta(actor, *controllers)
        ver = self._numbered(n)
        self._check_status(ver, VersionStatus.APPROVED)
        if KINDS[self.kind][2] and not ver["signed_for_approval"]:
            raise RuleViolation(f"«{KINDS[self.kind][0]}» phải được ký số phê duyệt trước khi ban hành.",
                                f"A {KINDS[self.kind][1].lower()} must be signed for approval before issue.",
                                code="signature_required")
        effective = v.iso_date(effective_from, "effective_from").isoformat()
        dist = (people or unchecked(self.agency_id)).pick("issue", "distribution", distribution)
        upcoming = effect.upcoming_on(self.versions, today)
        if upcoming is not None:
            day = _vn(self.versions[upcoming - 1]["effective_from"])
            raise RuleViolation(
                f"Phiên bản {upcoming} đã ban hành, chưa có hiệu lực (từ ngày {day}); hãy thu hồi phiên bản đó "
                "trước khi ban hành phiên bản khác.",
                f"Version {upcoming} is issued but not yet in force (from {day}); withdraw it before issuing "
                "another version.", code="issue_pending")
        previous = self.in_force
        if previous is not None and effective < self.versions[previous - 1]["effective_from"]:
            day = _vn(self.versions[previous - 1]["effective_from"])
            raise InvalidInput(f"Ngày hiệu lực không được trước ngày hiệu lực của phiên bản {previous} ({day}).",
                               f"The effective date cannot be before that of version {previous} ({day}).",
                               field="effective_from")
        self._issued(version=n, effective_from=effective, distribution=dist, meta=meta)
        if previous is not None:
            self._superseded(previous_version=previous, by_version=n, meta=meta)

    def withdraw(self, actor: Actor, n: int, *, reason: str, today: date) -> None:
        """Withdraws version ``n``. An issued version withdrawn before its effective date never takes
        effect: the version it was to replace is reinstated (in force as before)."""
        meta = self._meta(actor, Role.ISO_SECRETARY, Role.AGENCY_LEADER)
        ver = self._numbered(n)
        if ver["status"] in (VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN):
            upcoming = effect.upcoming_on(self.versions, today)
            if ver["status"] == VersionStatus.SUPERSEDED and effect.in_force_on(self.versions, today) == n and upcoming:
                day = _vn(self.versions[upcoming - 1]["effective_from"])
                raise RuleViolation(
                    f"Phiên bản {n} còn hiệu lực đến khi phiên bản {upcoming} có hiệu lực (ngày {day}); muốn "
                    f"giữ phiên bản {n}, hãy thu hồi phiên bản {upcoming}.",
                    f"Version {n} stays in force until version {upcoming} takes effect ({day}); to keep "
                    f"version {n}, withdraw version {upcoming}.", code="not_withdrawable")
            raise RuleViolation(f"Phiên bản {n} đã «{STATUS_VI[ver['status']]}».",
                                f"Version {n} is already {ver['status']}.", code="not_withdrawable")
        reason = v.text(reason, "reason", max_len=4000)
        before = None
        if ver["status"] == VersionStatus.ISSUED and effect.upcoming_on(self.versions, today) == n:
            before = effect.replaced(self.versions, ver)
        self._withdrawn(version=n, reason=reason, meta=meta)
        if before is not None:
            self._reinstated(version=before["n"], withdrawn_version=n, meta=meta)

    # ---- in force on a day ------------------------------------------------------------------
    def in_force_on(self, day: date) -> int | None:
        """The version in force on ``day`` (Vietnam date), or None."""
        return effect.in_force_on(self.versions, day)

    def upcoming_on(self, day: date) -> int | None:
        """The version issued but not yet in force on ``day``, or None."""
        return effect.upcoming_on(self.versions, day)

    def obsolete(self, actor: Actor, *, reason: str) -> None:
        meta = self._meta(actor, Role.ISO_SECRETARY, Role.AGENCY_LEADER)
        self._obsoleted(reason=v.text(reason, "reason", max_len=4000), meta=meta)

    # ---- checks ---------------------------------------------------------------------------
    def _meta(self, actor: Actor, *roles: str) -> dict[str, str]:
        meta = actor.meta(*roles)
        self.check_same_agency(meta)
        self._check_active()
        return meta

    def _check_active(self) -> None:
        if self.obsolete_reason is not None:
            raise RuleViolation("Tài liệu đã hết hiệu lực (bị hủy bỏ); không thể thay đổi.",
                                "The document is obsolete and cannot change.", code="document_obsolete")

    def _numbered(self, n: int) -> dict[str, Any]:
        if not isinstance(n, int) or not 1 <= n <= len(self.versions):
            raise RuleViolation(f"Không có phiên bản {n}.", f"There is no version {n}.", code="no_such_version")
        return self.versions[n - 1]

    def _check_status(self, ver: dict[str, Any], status: str) -> None:
        if ver["status"] != status:
            raise RuleViolation(f"Phiên bản {ver['n']} đang «{STATUS_VI[ver['status']]}», cần «{STATUS_VI[status]}».",
                                f"Version {ver['n']} is {ver['status']}, it must be {status}.",
                                code=f"not_{status}")

    def _check_approver(self, actor: Actor, n: int) -> dict[str, Any]:
        ver = self._numbered(n)
        self._check_status(ver, VersionStatus.SUBMITTED)
        if actor.user_id != ver["approver"]:
            raise NotAllowed("Bạn không phải người được chỉ định phê duyệt phiên bản này.",
                             "You are not the designated approver of this version.", code="not_the_approver")
        return ver

    # ---- events ---------------------------------------------------------------------------
    @event("Registered")
    def __init__(self, agency_id: str, code: str, title: str, kind: str, department: str,
                 meta: dict[str, str]) -> None:
        self.agency_id = agency_id
        self.code = code
        self.title = title
        self.kind = kind
        self.department = department
        self.versions: list[dict[str, Any]] = []
        # The version most recently issued and not withdrawn (the log's own bookkeeping, kept as it always
        # was so that old snapshots still match a replay); which version is in force on a day is in_force_on.
        self.in_force: int | None = None
        self.obsolete_reason: str | None = None

    @event("DraftCreated")
    def _draft_created(self, version: int, file: dict[str, Any], change_summary: str,
                       meta: dict[str, str]) -> None:
        self.versions.append({"n": version, "status": VersionStatus.DRAFT, "file": file,
                              "change_summary": change_summary, "author": meta["user_id"], "reviewers": [],
                              "approver": None, "reviews": {},
                              "signatures": [], "signed_for_approval": False, "effective_from": None,
                              "distribution": [], "reason": None})

    @event("DraftRevised")
    def _draft_revised(self, version: int, file: dict[str, Any], change_summary: str,
                       meta: dict[str, str]) -> None:
        ver = self.versions[version - 1]
        ver.update(file=file, change_summary=change_summary, status=VersionStatus.DRAFT, reviews={}, signatures=[],
                   reason=None)

    @event("SubmittedForReview")
    def _submitted(self, version: int, reviewers: list[str], approver: str, meta: dict[str, str]) -> None:
        ver = self.versions[version - 1]
        ver.update(status=VersionStatus.SUBMITTED, reviewers=list(reviewers), approver=approver, reviews={},
                   reason=None)

    @event("Reviewed")
    def _reviewed(self, version: int, reviewer: str, verdict: str, comment: str, meta: dict[str, str]) -> None:
        self.versions[version - 1]["reviews"][reviewer] = {"verdict": verdict, "comment": comment}

    @event("Approved")
    def _approved(self, version: int, approver: str, meta: dict[str, str]) -> None:
        self.versions[version - 1]["status"] = VersionStatus.APPROVED

    @event("Rejected")
    def _rejected(self, version: int, approver: str, reason: str, meta: dict[str, str]) -> None:
        self.versions[version - 1].update(status=VersionStatus.REJECTED, reason=reason)

    @event("Signed")
    def _signed(self, version: int, signer: str, meaning: str, signed_file: dict[str, Any],
                certificate: dict[str, str], pades_level: str, signing_time: str, timestamp_time: str | None,
                meta: dict[str, str]) -> None:
        ver = self.versions[version - 1]
        ver["file"] = signed_file
        ver["signatures"].append({"signer": signer, "meaning": meaning, "certificate": certificate,
                                  "pades_level": pades_level, "signing_time": signing_time,
                                  "timestamp_time": timestamp_time})
        if meaning == "approval":
            ver["signed_for_approval"] = True

    @event("Issued")
    def _issued(self, version: int, effective_from: str, distribution: list[str], meta: dict[str, str]) -> None:
        self.versions[version - 1].update(status=VersionStatus.ISSUED, effective_from=effective_from,
                                          distribution=list(distribution))
        self.in_force = version

    @event("Superseded")
    def _superseded(self, previous_version: int, by_version: int, meta: dict[str, str]) -> None:
        self.versions[previous_version - 1]["status"] = VersionStatus.SUPERSEDED

    @event("Withdrawn")
    def _withdrawn(self, version: int, reason: str, meta: dict[str, str]) -> None:
        self.versions[version - 1].update(status=VersionStatus.WITHDRAWN, reason=reason)
        if self.in_force == version:
            self.in_force = None

    @event("Reinstated")
    def _reinstated(self, version: int, withdrawn_version: int, meta: dict[str, str]) -> None:
        self.versions[version - 1]["status"] = VersionStatus.ISSUED
        self.versions[withdrawn_version - 1]["took_effect"] = False
        self.in_force = version

    @event("Obsoleted")
    def _obsoleted(self, reason: str, meta: dict[str, str]) -> None:
        self.obsolete_reason = reason
        for ver in self.versions:
            if ver["status"] in (VersionStatus.ISSUED, *PENDING):
                ver["status"] = VersionStatus.WITHDRAWN
                ver["reason"] = reason
        self.in_force = None


    # ---- read and understood (đã đọc và hiểu) ------------------------------------------------
    def acknowledge(self, actor: Actor, n: int) -> None:
        """``actor`` has read and understood issued version ``n`` (once; whether they are on its distribution is
        the directory's to say, checked by the caller)."""
        meta = self._meta(actor, *sorted(actor.roles))
        ver = self._numbered(n)
        self._check_status(ver, VersionStatus.ISSUED)
        if actor.user_id in ver.get("acknowledged", {}):
            raise RuleViolation(f"Bạn đã xác nhận đã đọc và hiểu phiên bản {n}.",
                                f"You have already acknowledged version {n}.", code="already_acknowledged")
        self._acknowledged(version=n, meta=meta)

    def remind_acknowledgement(self, actor: Actor, n: int, *, users: list[str],
                               controllers: tuple[str, ...] = SECRETARY) -> None:
        """The document controller reminds ``users`` (those who have not yet acknowledged) to read version ``n``."""
        meta = self._meta(actor, *controllers)
        ver = self._numbered(n)
        self._check_status(ver, VersionStatus.ISSUED)
        people = [u for u in v.user_ids(users, "users", at_least=1) if u not in ver.get("acknowledged", {})]
        if not people:
            raise RuleViolation("Mọi người được nhắc đã xác nhận đọc và hiểu.", "Everyone named has acknowledged it.",
                                code="nobody_to_remind")
        self._acknowledgement_reminded(version=n, users=people, meta=meta)

    @event("Acknowledged")
    def _acknowledged(self, version: int, meta: dict[str, str]) -> None:
        self.versions[version - 1].setdefault("acknowledged", {})[meta["user_id"]] = True

    @event("AcknowledgementReminded")
    def _acknowledgement_reminded(self, version: int, users: list[str], meta: dict[str, str]) -> None:
        pass


    # ---- periodic review (xem xét định kỳ) ----------------------------------------------------
    def set_review_period(self, actor: Actor, *, months: int, controllers: tuple[str, ...] = SECRETARY) -> None:
        """How often the document is reviewed, in months (the kind's default until set)."""
        meta = self._meta(actor, *controllers)
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_REVIEW_MONTHS:
            raise InvalidInput(f"Chu kỳ xem xét là số tháng từ 1 đến {MAX_REVIEW_MONTHS}.",
                               f"The review period is 1 to {MAX_REVIEW_MONTHS} months.", field="months")
        self._review_period_set(months=months, meta=meta)

    def confirm_unchanged(self, actor: Actor, *, comment: str, controllers: tuple[str, ...] = SECRETARY) -> None:
        """The periodic review ends with no change to the version in force (the other ending is a new draft)."""
        meta = self._meta(actor, *controllers)
        if self.in_force is None:
            raise RuleViolation("Tài liệu chưa có phiên bản đang hiệu lực để xem xét.",
                                "The document has no version in force to review.", code="nothing_in_force")
        self._reviewed_no_change(version=self.in_force, comment=v.text(comment, "comment", max_len=4000), meta=meta)

    @event("ReviewPeriodSet")
    def _review_period_set(self, months: int, meta: dict[str, str]) -> None:
        self.review_months = months

    @event("ReviewedNoChange")
    def _reviewed_no_change(self, version: int, comment: str, meta: dict[str, str]) -> None:
        pass


def _vn(iso: str) -> str:
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"
