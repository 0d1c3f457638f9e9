"""The declaration of conformity (công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015): the decision
and the declaration document, both controlled documents signed for approval by the agency leader, published with
the scope of the QMS; a re-declaration when the scope changes supersedes the published one, with a reason.

A re-declaration names the declaration it replaces (``supersedes``) and why (``change_reason``); once it is
published, the leader marks the earlier one ``superseded`` naming the new one (``superseded_by``), which must be
published and name it. Whether an agency has declared for a year is derived from these cases
(``usecases.conformity``), never ticked by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import RuleViolation
from ledger.qms.declaration import Applied, Deadline, Field, Process, Rule, Step, Taking, merge
from ledger.qms.matrix import vn_day
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year
from ledger.vocabulary import Role, VersionStatus

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)
STANDARD = "TCVN ISO 9001:2015"
DECISION = Field("decision", "document", ("Quyết định công bố", "Decision to declare"))
DOCUMENT = Field("document", "document", ("Bản công bố", "Declaration document"))
SCOPE = Field("scope", "long_text", ("Phạm vi HTQLCL: quy trình, TTHC áp dụng (mỗi dòng một mục)",
                                     "Scope of the QMS: processes and procedures covered (one per line)"),
              max_len=5000)


def scope_lines(text: Any) -> list[str]:
    """The scope's lines as declared: one process or administrative procedure each, blanks dropped."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


# ---- rules -------------------------------------------------------------------------------------
def signed_by_leader(field: str) -> Rule:
    """The document in ``field`` has a version approved or issued that carries the actor's approval signature."""
    def rule(t: Taking) -> None:
        doc_id = t.values.get(field) or t.data.get(field)
        doc = t.world.document(str(doc_id)) if doc_id else None
        if doc is not None and any(
                ver.get("status") in (VersionStatus.APPROVED, VersionStatus.ISSUED) and any(
                    s.get("meaning") == "approval" and s.get("signer") == t.actor.user_id
                    for s in ver.get("signatures", []))
                for ver in doc.get("versions", [])):
            return
        code = doc.get("code") if doc else "?"
        raise RuleViolation(f"Quyết định công bố «{code}» chưa được lãnh đạo {t.actor.user_id} ký phê duyệt.",
                            f"The decision {code} has no approval signature by {t.actor.user_id} yet.",
                            field=field, code="signature_required")
    return rule


def redeclaration_has_reason(t: Taking) -> None:
    if t.values.get("supersedes") and not t.values.get("change_reason"):
        raise RuleViolation("Công bố lại cần nêu lý do (phạm vi thay đổi thế nào).",
                            "A re-declaration needs the reason (how the scope changed).", field="change_reason",
                            code="reason_required")


def replaces_published(t: Taking) -> None:
    """The declaration a re-declaration replaces is published (not a draft, not already superseded)."""
    earlier = t.values.get("supersedes") or t.data.get("supersedes")
    if not earlier:
        return
    found = t.world.case(str(earlier))
    if found is None or found.get("state") != "published":
        raise RuleViolation("Bản công bố được thay thế phải đang ở trạng thái đã công bố.",
                            "The declaration replaced must be the published one.", field="supersedes",
                            code="not_published")


def replacement_published(t: Taking) -> None:
    """Superseded only by a published declaration that names this one as the one it replaces."""
    new = t.world.case(str(t.values.get("superseded_by")))
    if new is None or new.get("state") != "published" or new.get("data", {}).get("supersedes") != t.case_id:
        raise RuleViolation("Chỉ thay thế bằng bản công bố lại đã công bố và nêu bản này là bản được thay thế.",
                            "Only a published re-declaration that names this declaration supersedes it.",
                            field="superseded_by", code="not_a_replacement")


# ---- effects ------------------------------------------------------------------------------------
def published(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data.update(published_on=vn_day(applied.at).isoformat(), published_at=applied.at, published_by=applied.user_id)


def superseded(data: dict[str, Any], applied: Applied) -> None:
    merge(data, applied)
    data["superseded_on"] = vn_day(applied.at).isoformat()


def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    return {"scope_items": len(scope_lines(data.get("scope"))), "redeclaration": bool(data.get("supersedes"))}


def _title(d: Mapping[str, Any]) -> str:
    again = " (công bố lại)" if d.get("supersedes") else ""
    return f"Công bố HTQLCL phù hợp {STANDARD} năm {d.get('year')}{again}"


CONFORMITY = register(Process(
    name="conformity_declaration", collection="conformity-declarations", clause="4.3",
    published=("published",), public_fields=("year", "scope", "published_on"),
    label=("Công bố hệ thống quản lý chất lượng phù hợp", "Declaration of conformity"),
    states={"draft": ("Dự thảo", "Draft"), "submitted": ("Trình ký công bố", "Submitted"),
            "published": ("Đã công bố", "Published"), "superseded": ("Đã được công bố lại", "Superseded"),
            "cancelled": ("Đã hủy", "Cancelled")},
    final=("superseded", "cancelled"),
    title=_title,
    derive=derive,
    department_field=None,
    deadlines=(Deadline("published", 12, 30, ("Công bố HTQLCL phù hợp", "Declaration of conformity published")),),
    steps=(
        Step("draft", ("Soạn công bố", "Draft"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")), SCOPE,
                     Field("decision", "document", ("Quyết định công bố", "Decision to declare"), required=False),
                     Field("document", "document", ("Bản công bố", "Declaration document"), required=False),
                     Field("supersedes", "ref", ("Bản công bố được thay thế", "Declaration replaced"),
                           required=False, process="conformity_declaration"),
                     Field("change_reason", "long_text", ("Lý do công bố lại (phạm vi thay đổi)",
                                                          "Why it is declared again (scope change)"),
                           required=False, max_len=2000)),
             rules=(in_own_agency_year(), redeclaration_has_reason, replaces_published)),
        Step("revise", ("Sửa dự thảo", "Revise"), ("draft",), None, SECRETARY,
             fields=(SCOPE,
                     Field("decision", "document", ("Quyết định công bố", "Decision to declare"), required=False),
                     Field("document", "document", ("Bản công bố", "Declaration document"), required=False))),
        Step("submit", ("Trình ký công bố", "Submit"), ("draft",), "submitted", SECRETARY,
             fields=(DECISION, DOCUMENT)),
        Step("return", ("Trả lại để sửa", "Return for changes"), ("submitted",), "draft", LEADER, reason=True),
        Step("publish", ("Ký và công bố", "Sign and publish"), ("submitted",), "published", LEADER,
             signature="approval", rules=(signed_by_leader("decision"), replaces_published), effect=published,
             hint=("Ký phê duyệt quyết định và bản công bố trước (trang tài liệu → Ký số); bản công bố hiện trên "
                   "trang công khai của cơ quan.",
                   "Sign the decision and the declaration for approval first (document page → Sign); the "
                   "declaration appears on the agency's public page.")),
        Step("supersede", ("Thay thế bằng bản công bố lại", "Superseded by a re-declaration"), ("published",),
             "superseded", LEADER, reason=True,
             fields=(Field("superseded_by", "ref", ("Bản công bố lại", "The re-declaration"),
                           process="conformity_declaration"),),
             rules=(replacement_published,), effect=superseded),
        Step("cancel", ("Hủy", "Cancel"), ("draft", "submitted"), "cancelled", SECRETARY + LEADER, reason=True),
    ),
))
