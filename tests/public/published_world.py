"""Every kind of public item of the portal, and a non-public one of each kind beside it, in the API tests' world
(agency "so-khcn-a" and another agency "so-tu-phap-b"): markers in their texts tell which is which."""

from __future__ import annotations

import io
import runpy
from pathlib import Path
from typing import Any

from ledger.actors import Actor
from ledger.files import FileKind, file_scope
from signing.testing import sample_pdf
from tests.factories import CERT, OTHER, OWN, WORLD_PEOPLE
from usecases.tthc_import import read_feed

GEN = runpy.run_path(str(Path(__file__).resolve().parents[2] / "samples" / "tthc" / "generate.py"))
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
PEOPLE = {OWN: ("thuky", "giamdoc", "truongphong", "vanthu"), OTHER: ("thuky-b", "giamdoc-b", None, "vanthu-b")}
# What may be shown, per agency, and what must never be (any agency's page, any answer).
PUBLIC = {OWN: ["CÔNG-KHAI-CHÍNH-SÁCH-A", "CÔNG-KHAI-BỐI-CẢNH-A", "CÔNG-KHAI-ĐIỂM-MẠNH-A", "CÔNG-KHAI-BÊN-A",
                "CÔNG-KHAI-TÀI-LIỆU-A", "CÔNG-KHAI-HỒ-SƠ-A", "Cấp Giấy chứng nhận đăng ký hoạt động khoa học"],
          OTHER: ["CÔNG-KHAI-CHÍNH-SÁCH-B", "CÔNG-KHAI-TÀI-LIỆU-B", "CÔNG-KHAI-HỒ-SƠ-B", "9.999999-B"]}
SECRET = ["BÍ-MẬT-DỰ-THẢO-CHÍNH-SÁCH", "BÍ-MẬT-CHÍNH-SÁCH-CHƯA-CÔNG-BỐ", "BÍ-MẬT-BỐI-CẢNH", "BÍ-MẬT-HỒ-SƠ-MẬT",
          "BÍ-MẬT-HỒ-SƠ-NỘI-BỘ", "BÍ-MẬT-TÀI-LIỆU-DỰ-THẢO", "BÍ-MẬT-CỦA-B", "0294 3862 123"]
EMAIL = "{}@khcn.example.gov.vn"


def actor(username: str) -> Actor:
    _, roles, agency = WORLD_PEOPLE[username]
    return Actor(username, agency, frozenset(roles))


def _pdf(ctx: Any, title: str, scope: str) -> dict[str, Any]:
    return dict(ctx.uc.deps.archive.put(io.BytesIO(sample_pdf(1, title)), f"{title}.pdf", scope).to_dict())


def signed_document(ctx: Any, agency: str, code: str, title: str, *, issue: bool) -> str:
    """A document of ``agency`` approved and signed for approval by its leader; issued (in force) if ``issue``."""
    ledger = ctx.uc.deps.ledger
    sec, leader, reviewer, _ = (actor(u) if u else None for u in PEOPLE[agency])
    assert sec and leader
    doc = ledger.register_document(sec, code=code, title=title, kind="procedure", department="Văn phòng")
    scope = file_scope(FileKind.VERSION, doc)
    n = ledger.create_draft(sec, doc, file=_pdf(ctx, code, scope), change_summary="Ban hành")
    ledger.submit_for_review(sec, doc, n, reviewers=[reviewer.user_id] if reviewer else [], approver=leader.user_id)
    if reviewer:
        ledger.review(reviewer, doc, n, verdict="agree")
    ledger.approve(leader, doc, n)
    ledger.record_signature(leader, doc, n, meaning="approval", signed_file=_pdf(ctx, f"{code} da ky", scope),
                            certificate=CERT, pades_level="B-T", signing_time="2026-01-10T09:00:00+07:00",
                            timestamp_time="2026-01-10T09:00:01+07:00")
    if issue:
        ledger.issue(sec, doc, n, effective_from=ledger.today().isoformat(), distribution=["leadership"])
    return doc


def policy(ctx: Any, agency: str, year: int, statement: str, upto: str) -> str:
    """A quality policy of ``year`` taken to state ``upto`` (draft, approved or published)."""
    ledger = ctx.uc.deps.ledger
    sec, leader = actor(PEOPLE[agency][0]), actor(PEOPLE[agency][1])
    case = ledger.open_case(sec, "quality_policy", values={"year": year, "statement": statement,
                                                           "commitments": f"Cam kết {statement}"})
    if upto == "draft":
        return case
    doc = signed_document(ctx, agency, f"CSCL-{year}", f"Chính sách chất lượng {year}", issue=False)
    ledger.take_step(sec, case, "submit", values={"document": doc})
    ledger.take_step(leader, case, "approve", values={})
    if upto == "published":
        ledger.take_step(sec, case, "publish", values={})
    return case


def context(ctx: Any, year: int, scope: str, publish: bool) -> str:
    ledger = ctx.uc.deps.ledger
    sec, leader = actor("thuky"), actor("giamdoc")
    case = ledger.open_case(sec, "context", values={"year": year, "scope": scope})
    tag = "CÔNG-KHAI" if publish else "BÍ-MẬT"
    for quadrant in ("strength", "weakness", "opportunity", "threat"):
        text = "CÔNG-KHAI-ĐIỂM-MẠNH-A" if publish and quadrant == "strength" else f"{tag}-BỐI-CẢNH {quadrant}"
        ledger.take_step(sec, case, "add_issue", values={"quadrant": quadrant, "category": "service",
                                                         "description": text})
    ledger.take_step(sec, case, "add_party", values={"name": "CÔNG-KHAI-BÊN-A" if publish else "BÍ-MẬT-BỐI-CẢNH bên",
                                                     "needs": "Giải quyết đúng hạn", "monitoring": "Khảo sát"})
    if publish:
        doc = signed_document(ctx, OWN, f"PTBC-{year}", f"Phân tích bối cảnh {year}", issue=False)
        ledger.take_step(sec, case, "submit", values={"document": doc})
        ledger.take_step(leader, case, "approve", values={})
        ledger.take_step(sec, case, "publish", values={})
    return case


def record(ctx: Any, agency: str, code: str, title: str, confidentiality: str) -> str:
    return str(ctx.uc.deps.ledger.open_record(actor(PEOPLE[agency][3]), code=code, title=title, series="Công khai",
                                              retention_years=5, legal_basis="Thông tư 10/2022",
                                              confidentiality=confidentiality))


def procedures(ctx: Any, agency: str, items: list[dict[str, Any]]) -> None:
    feed = read_feed(GEN["as_json"](items, agency), "igate.json")
    ctx.uc.tthc.import_feed(actor(PEOPLE[agency][0]), feed)


def publish_everything(api: Any) -> dict[str, Any]:
    """Both agencies' public items, each beside non-public ones of its kind; every account with an e-mail."""
    ctx = api.ctx
    for username in WORLD_PEOPLE:
        ctx.directory.change_details(ADMIN, username, email=EMAIL.format(username))
    out: dict[str, Any] = {}
    out["policy"] = policy(ctx, OWN, 2026, "CÔNG-KHAI-CHÍNH-SÁCH-A: lấy người dân làm trung tâm.", "published")
    policy(ctx, OWN, 2027, "BÍ-MẬT-DỰ-THẢO-CHÍNH-SÁCH, liên hệ 0294 3862 123", "draft")
    policy(ctx, OWN, 2025, "BÍ-MẬT-CHÍNH-SÁCH-CHƯA-CÔNG-BỐ", "approved")
    out["context"] = context(ctx, 2026, "CÔNG-KHAI-BỐI-CẢNH-A: toàn bộ hoạt động giải quyết TTHC.", True)
    context(ctx, 2027, "BÍ-MẬT-BỐI-CẢNH phạm vi", False)
    out["document"] = signed_document(ctx, OWN, "QT-05", "CÔNG-KHAI-TÀI-LIỆU-A quy trình giải quyết TTHC", issue=True)
    ctx.uc.deps.ledger.register_document(actor("thuky"), code="QT-09", title="BÍ-MẬT-TÀI-LIỆU-DỰ-THẢO",
                                         kind="procedure", department="Văn phòng")
    record(ctx, OWN, "HS-CK-01", "CÔNG-KHAI-HỒ-SƠ-A kết quả giải quyết TTHC", "public")
    record(ctx, OWN, "HS-MAT-01", "BÍ-MẬT-HỒ-SƠ-MẬT", "confidential")
    record(ctx, OWN, "HS-NB-01", "BÍ-MẬT-HỒ-SƠ-NỘI-BỘ", "internal")
    procedures(ctx, OWN, GEN["rows"](procedures=4, months=3, first="2026-08"))
    # the other agency: its own public items (shown on its page only), and its secrets
    policy(ctx, OTHER, 2026, "CÔNG-KHAI-CHÍNH-SÁCH-B", "published")
    policy(ctx, OTHER, 2027, "BÍ-MẬT-CỦA-B chính sách dự thảo", "draft")
    signed_document(ctx, OTHER, "QT-07", "CÔNG-KHAI-TÀI-LIỆU-B", issue=True)
    ctx.uc.deps.ledger.register_document(actor("thuky-b"), code="QT-08", title="BÍ-MẬT-CỦA-B tài liệu",
                                         kind="procedure", department="Văn phòng")
    record(ctx, OTHER, "HS-CK-09", "CÔNG-KHAI-HỒ-SƠ-B", "public")
    record(ctx, OTHER, "HS-MAT-09", "BÍ-MẬT-CỦA-B hồ sơ mật", "confidential")
    procedures(ctx, OTHER, [dict(GEN["rows"](procedures=1, months=1)[0], code="2.999999", document="QT-07",
                                 name="Thủ tục 9.999999-B")])
    ctx.uc.deps.projections.fresh()
    return out
