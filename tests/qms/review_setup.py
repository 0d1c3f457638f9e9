"""A management review of the API tests' own agency brought to a given state through its routes (the two
departments of tests/qms/objectives_setup.py, the minutes signed for approval by the agency leader)."""

from __future__ import annotations

from typing import Any

from ledger.files import FileKind, file_scope
from tests.factories import CERT, OWN
from tests.qms.objectives_setup import LEADER, SECRETARY, Year, planning_year, stored_pdf

NOTICE = {"year": 2026, "meeting_date": "2026-03-20", "chair": "giamdoc",
          "agenda": "Xem xét kết quả hệ thống quản lý chất lượng năm 2026 theo TCVN ISO 9001:2015 mục 9.3."}


def step(api: Any, review: str, name: str, user: str, body: dict[str, Any] | None = None,
         status: int = 200) -> dict[str, Any]:
    r = api.call("POST", f"/api/v1/management-reviews/{review}/{name}", user, json=body or {})
    assert r.status_code == status, (name, user, r.text)
    return r.json()  # type: ignore[no-any-return]


def notified(api: Any, y: Year | None = None) -> tuple[Year, str]:
    """The 2026 review's notice sent, asking both departments for a report."""
    y = y or planning_year(api.ctx)
    r = api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "thuky", json=NOTICE)
    assert r.status_code == 201, r.text
    review = str(r.json()["id"])
    step(api, review, "ask", "thuky", {"department": y.planning, "topics": "Kết quả thực hiện mục tiêu, rủi ro."})
    step(api, review, "ask", "thuky", {"department": y.science, "topics": "Sự không phù hợp và khắc phục."})
    step(api, review, "notify", "thuky")
    return y, review


def reported(api: Any) -> tuple[Year, str]:
    y, review = notified(api)
    step(api, review, "report", "truongphong", {"department": y.planning, "report": "Đạt 5/6 mục tiêu quý I."})
    step(api, review, "report", "truongphong2", {"department": y.science, "report": "Hai sự không phù hợp."})
    return y, review


def minutes(api: Any, code: str = "BB-XXLD-2026") -> str:
    """The minutes, a document signed for approval by the agency leader (giamdoc)."""
    ctx, ledger = api.ctx, api.ctx.uc.deps.ledger
    doc = ledger.register_document(SECRETARY, code=code, title="Biên bản họp xem xét của lãnh đạo",
                                   kind="form", department="Văn phòng Sở")
    scope = file_scope(FileKind.VERSION, doc)
    n = ledger.create_draft(SECRETARY, doc, file=stored_pdf(ctx, "Bien ban", scope), change_summary="Biên bản")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[], approver="giamdoc")
    ledger.approve(LEADER, doc, n)
    ledger.record_signature(LEADER, doc, n, meaning="approval", signed_file=stored_pdf(ctx, "Bien ban ky", scope),
                            certificate=CERT, pades_level="B-T", signing_time="2026-03-20T16:00:00+07:00",
                            timestamp_time="2026-03-20T16:00:01+07:00")
    ctx.uc.deps.projections.after_command()
    return doc


def minuted(api: Any) -> tuple[Year, str]:
    y, review = reported(api)
    step(api, review, "freeze", "thuky")
    step(api, review, "hold", "thuky", {"held_on": "2026-03-02", "attendees": ["giamdoc", "truongphong"],
                                        "discussion": "Thảo luận kết quả, rủi ro và cải tiến."})
    step(api, review, "minute", "giamdoc", {"document": minutes(api), "conclusions": "Hai quyết định cải tiến."})
    return y, review


def frozen_review(w: Any, agency: str, secretary: str, leader: str) -> str:
    """A review of ``agency`` with its pack frozen, made through the ledger (for the general role matrix)."""
    from ledger.actors import Actor
    from usecases.review_pack import freeze_values

    admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
    dep = w.api.ctx.directory.create_department(admin, agency, code=f"XXLD-{w.n()}", name="Phòng Kế hoạch")["id"]
    sec = Actor(secretary, agency, frozenset({"iso_secretary"}))
    review = w.ledger.open_case(sec, "management_review", values=NOTICE | {
        "year": w.ledger.today().year, "meeting_date": w.ledger.today().isoformat(), "chair": leader})
    w.ledger.take_step(sec, review, "ask", values={"department": dep, "topics": "Mục tiêu chất lượng."})
    w.ledger.take_step(sec, review, "notify", values={})
    w.ledger.take_step(sec, review, "freeze", values=freeze_values(w.ledger, w.ledger.case(review)))
    return str(review)
