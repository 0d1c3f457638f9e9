"""The context of the organisation (bối cảnh của tổ chức, §4.1–4.2): for one agency and year, its internal and
external issues by SWOT quadrant and category, and its interested parties with their needs and expectations and how
each is monitored — drafted by the ISO secretary, approved and signed for approval by the agency leader, published.

A year's analysis is one case (keyed by the year); issues and parties are added, changed and removed by steps, so
the analysis as it stood on any day — the snapshot the leader approved included — is rebuilt from the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import RuleViolation
from ledger.qms.declaration import Applied, Deadline, Field, Process, Step, Taking
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year
from ledger.vocabulary import Role

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)
QUADRANTS = {"strength": ("Điểm mạnh (S)", "Strength (S)"), "weakness": ("Điểm yếu (W)", "Weakness (W)"),
             "opportunity": ("Cơ hội (O)", "Opportunity (O)"), "threat": ("Thách thức (T)", "Threat (T)")}
INTERNAL = ("strength", "weakness")  # S and W are internal issues, O and T external (§4.1)
CATEGORIES = {"legal": ("Pháp lý, chính sách", "Legal and policy"), "organisation": ("Tổ chức, bộ máy", "Organisation"),
              "people": ("Nhân lực", "People"), "technology": ("Công nghệ, hạ tầng", "Technology and infrastructure"),
              "finance": ("Tài chính", "Finance"), "society": ("Kinh tế - xã hội", "Economy and society"),
              "service": ("Dịch vụ công, TTHC", "Public services"), "other": ("Khác", "Other")}
DOCUMENT = Field("document", "document", ("Văn bản phê duyệt bối cảnh", "Formal document of the analysis"),
                 required=False)
ITEM_ID = Field("item_id", "text", ("Mã mục", "Item id"), max_len=20)
ISSUE_FIELDS = (Field("quadrant", "choice", ("Nhóm SWOT", "SWOT quadrant"), choices=QUADRANTS),
                Field("category", "choice", ("Lĩnh vực", "Category"), choices=CATEGORIES),
                Field("description", "long_text", ("Nội dung vấn đề", "The issue"), max_len=2000))
PARTY_FIELDS = (Field("name", "text", ("Bên quan tâm", "Interested party"), max_len=300),
                Field("needs", "long_text", ("Nhu cầu và mong đợi", "Needs and expectations"), max_len=2000),
                Field("monitoring", "long_text", ("Cách theo dõi, xem xét", "How they are monitored"), max_len=2000))


# ---- effects (pure over the event) ------------------------------------------------------
def add_issue(data: dict[str, Any], applied: Applied) -> None:
    issues = data.setdefault("issues", [])
    quadrant = applied.values["quadrant"]
    issues.append({"id": f"V{data.get('issue_seq', 0) + 1}", "quadrant": quadrant,
                   "origin": "internal" if quadrant in INTERNAL else "external",
                   "category": applied.values["category"], "description": applied.values["description"],
                   "by": applied.user_id, "at": applied.at})
    data["issue_seq"] = data.get("issue_seq", 0) + 1


def add_party(data: dict[str, Any], applied: Applied) -> None:
    parties = data.setdefault("parties", [])
    parties.append({"id": f"B{data.get('party_seq', 0) + 1}", "name": applied.values["name"],
                    "needs": applied.values["needs"], "monitoring": applied.values["monitoring"],
                    "by": applied.user_id, "at": applied.at})
    data["party_seq"] = data.get("party_seq", 0) + 1


def remove_item(data: dict[str, Any], applied: Applied) -> None:
    """Takes an issue (V…) or a party (B…) out of the analysis; the events keep that it was there."""
    item = applied.values["item_id"]
    for key in ("issues", "parties"):
        data[key] = [x for x in data.get(key, []) if x["id"] != item]


def approved(data: dict[str, Any], applied: Applied) -> None:
    """The snapshot the leader approved: the issues and parties as they stood, kept beside the live lists."""
    data["approved_snapshot"] = {"issues": [dict(x) for x in data.get("issues", [])],
                                 "parties": [dict(x) for x in data.get("parties", [])],
                                 "by": applied.user_id, "at": applied.at}
    data.update(applied.values)


# ---- rules ---------------------------------------------------------------------------------
def item_exists(t: Taking) -> None:
    item = t.values.get("item_id")
    if not any(x["id"] == item for key in ("issues", "parties") for x in t.data.get(key, [])):
        raise RuleViolation(f"Không có mục «{item}» trong bối cảnh.", f"The analysis has no item '{item}'.",
                            field="item_id", code="no_such_item")


def complete_analysis(t: Taking) -> None:
    """A context is submitted with every SWOT quadrant and at least one interested party (§4.1, §4.2)."""
    quadrants = {x["quadrant"] for x in t.data.get("issues", [])}
    missing = [QUADRANTS[q] for q in QUADRANTS if q not in quadrants]
    if missing:
        raise RuleViolation("Bối cảnh chưa có vấn đề thuộc: " + ", ".join(m[0] for m in missing) + ".",
                            "The analysis has no issue of: " + ", ".join(m[1] for m in missing) + ".",
                            field="issues", code="analysis_incomplete")
    if not t.data.get("parties"):
        raise RuleViolation("Bối cảnh chưa có bên quan tâm nào.", "The analysis names no interested party.",
                            field="parties", code="analysis_incomplete")


def derive(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    issues = list(data.get("issues", []))
    return {"issues": len(issues), "parties": len(data.get("parties", [])),
            "by_quadrant": {q: sum(1 for x in issues if x["quadrant"] == q) for q in QUADRANTS},
            "internal": sum(1 for x in issues if x["origin"] == "internal"),
            "external": sum(1 for x in issues if x["origin"] == "external")}


CONTEXT = register(Process(
    name="context", collection="context", clause="4.1",
    label=("Bối cảnh của tổ chức", "Context of the organisation"),
    states={"draft": ("Dự thảo", "Draft"), "submitted": ("Trình phê duyệt", "Submitted"),
            "approved": ("Đã phê duyệt", "Approved"), "published": ("Đã công bố", "Published"),
            "superseded": ("Đã thay thế", "Superseded")},
    final=("superseded",),
    key=("year",),
    title=lambda d: f"Bối cảnh của tổ chức năm {d.get('year')}",
    department_field=None,
    published=("published",), public_fields=("year", "scope", "issues", "parties"),
    derive=derive,
    deadlines=(Deadline("approved", 2, 28, ("Phân tích bối cảnh được phê duyệt", "Context analysis approved")),),
    steps=(
        Step("draft", ("Lập phân tích bối cảnh", "Draft the analysis"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("scope", "long_text", ("Phạm vi áp dụng HTQLCL", "Scope of the QMS"), max_len=3000),
                     DOCUMENT),
             rules=(in_own_agency_year(),)),
        Step("add_issue", ("Thêm vấn đề", "Add an issue"), ("draft",), None, SECRETARY, fields=ISSUE_FIELDS,
             effect=add_issue),
        Step("add_party", ("Thêm bên quan tâm", "Add an interested party"), ("draft",), None, SECRETARY,
             fields=PARTY_FIELDS, effect=add_party),
        Step("remove_item", ("Bỏ một mục", "Remove an item"), ("draft",), None, SECRETARY, fields=(ITEM_ID,),
             reason=True, rules=(item_exists,), effect=remove_item),
        Step("submit", ("Trình phê duyệt", "Submit"), ("draft",), "submitted", SECRETARY, fields=(DOCUMENT,),
             rules=(complete_analysis,)),
        Step("return", ("Trả lại để sửa", "Return for changes"), ("submitted",), "draft", LEADER, reason=True),
        Step("approve", ("Phê duyệt", "Approve"), ("submitted",), "approved", LEADER, signature="approval",
             effect=approved,
             hint=("Ký phê duyệt văn bản bối cảnh trước (trang tài liệu → Ký số).",
                   "Sign the analysis's formal document for approval first (document page → Sign).")),
        Step("publish", ("Công bố", "Publish"), ("approved",), "published", SECRETARY + LEADER),
        Step("supersede", ("Thay thế bằng bản phân tích mới", "Superseded by a new analysis"),
             ("approved", "published"), "superseded", LEADER, reason=True),
    ),
))
