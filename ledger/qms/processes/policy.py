"""The quality policy (chính sách chất lượng, §5.2): one per agency and year, drafted by the ISO secretary,
approved and signed for approval by the agency leader on its formal document, then published."""

from __future__ import annotations

from ledger.qms.declaration import Deadline, Field, Process, Step
from ledger.qms.registry import register
from ledger.qms.rules import in_own_agency_year
from ledger.vocabulary import Role

SECRETARY = (Role.ISO_SECRETARY,)
LEADER = (Role.AGENCY_LEADER,)

POLICY = register(Process(
    name="quality_policy", collection="policies", clause="5.2",
    label=("Chính sách chất lượng", "Quality policy"),
    states={"draft": ("Dự thảo", "Draft"), "submitted": ("Trình phê duyệt", "Submitted"),
            "approved": ("Đã phê duyệt", "Approved"), "published": ("Đã công bố", "Published"),
            "withdrawn": ("Đã thu hồi", "Withdrawn")},
    final=("withdrawn",),
    key=("year",),
    title=lambda d: f"Chính sách chất lượng năm {d.get('year')}",
    department_field=None,
    published=("published",), public_fields=("year", "statement", "commitments"),
    deadlines=(Deadline("published", 2, 28, ("Công bố chính sách chất lượng", "Quality policy published")),),
    steps=(
        Step("draft", ("Soạn dự thảo", "Draft"), (), "draft", SECRETARY,
             fields=(Field("year", "year", ("Năm", "Year")),
                     Field("statement", "long_text", ("Nội dung chính sách", "Policy statement"), max_len=5000),
                     Field("commitments", "long_text", ("Cam kết (đáp ứng yêu cầu, cải tiến liên tục)",
                                                        "Commitments (requirements, continual improvement)"),
                           required=False, max_len=5000),
                     Field("document", "document", ("Văn bản ban hành", "Formal document"), required=False)),
             rules=(in_own_agency_year(),)),
        Step("revise", ("Sửa dự thảo", "Revise"), ("draft",), None, SECRETARY,
             fields=(Field("statement", "long_text", ("Nội dung chính sách", "Policy statement"), max_len=5000),
                     Field("commitments", "long_text", ("Cam kết", "Commitments"), required=False, max_len=5000),
                     Field("document", "document", ("Văn bản ban hành", "Formal document"), required=False))),
        Step("submit", ("Trình phê duyệt", "Submit"), ("draft",), "submitted", SECRETARY,
             fields=(Field("document", "document", ("Văn bản ban hành", "Formal document"), required=False),)),
        Step("return", ("Trả lại để sửa", "Return for changes"), ("submitted",), "draft", LEADER, reason=True),
        Step("approve", ("Phê duyệt", "Approve"), ("submitted",), "approved", LEADER, signature="approval",
             hint=("Ký phê duyệt văn bản chính sách trước (trang tài liệu → Ký số).",
                   "Sign the policy's formal document for approval first (document page → Sign).")),
        Step("publish", ("Công bố", "Publish"), ("approved",), "published", SECRETARY + LEADER),
        Step("withdraw", ("Thu hồi", "Withdraw"), ("approved", "published"), "withdrawn", LEADER, reason=True),
    ),
))
