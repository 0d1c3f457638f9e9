"""The demo's small province: four more agencies of different levels supervised by the Chi cục TĐC Trà Vinh, the
province's 2026 plan issued by its inspector, new guidance in November, and each agency at its own stage — the
Sở Tư pháp on time, two districts part way, a commune clearly late — so the dashboard shows done, due and late."""

from __future__ import annotations

from datetime import date

from isoledger.demo import SUPERVISOR_ID, Demo, actor
from isoledger.demo_pdfs import Paper, Section, render
from ledger.actors import Actor
from ledger.calendar.year_plan import Plans
from ledger.directory import Directory
from ledger.vocabulary import AgencyLevel, Role

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({Role.ADMIN}))
AGENCIES = (("so-tu-phap-tra-vinh", "Sở Tư pháp tỉnh Trà Vinh", AgencyLevel.PROVINCE, "tp"),
            ("ubnd-huyen-cang-long", "UBND huyện Càng Long", AgencyLevel.DISTRICT, "cl"),
            ("ubnd-huyen-cau-ke", "UBND huyện Cầu Kè", AgencyLevel.DISTRICT, "ck"),
            ("ubnd-xa-phuong-thanh", "UBND xã Phương Thạnh", AgencyLevel.COMMUNE, "pt"))
# username -> (full name, roles, agency): each agency's ISO secretary and leader (their passwords: `serve`).
PEOPLE: dict[str, tuple[str, tuple[str, ...], str]] = {
    "thuky-tp": ("Kim Thị Bích Ngọc", (Role.ISO_SECRETARY, Role.STAFF), "so-tu-phap-tra-vinh"),
    "giamdoc-tp": ("Trần Văn Đức", (Role.AGENCY_LEADER,), "so-tu-phap-tra-vinh"),
    "thuky-cl": ("Nguyễn Thị Kiều Oanh", (Role.ISO_SECRETARY, Role.STAFF), "ubnd-huyen-cang-long"),
    "chutich-cl": ("Lê Văn Hùng", (Role.AGENCY_LEADER,), "ubnd-huyen-cang-long"),
    "thuky-ck": ("Thạch Sô Phia", (Role.ISO_SECRETARY, Role.STAFF), "ubnd-huyen-cau-ke"),
    "chutich-ck": ("Dương Văn Tâm", (Role.AGENCY_LEADER,), "ubnd-huyen-cau-ke"),
    "thuky-pt": ("Võ Thị Hồng Nhung", (Role.ISO_SECRETARY, Role.STAFF), "ubnd-xa-phuong-thanh"),
    "chutich-pt": ("Huỳnh Văn Lợi", (Role.AGENCY_LEADER,), "ubnd-xa-phuong-thanh"),
}
FORM_TITLE = "Phiếu theo dõi giải quyết hồ sơ thủ tục hành chính"


def _person(username: str) -> Actor:
    _, roles, agency = PEOPLE[username]
    return Actor(username, agency, frozenset(roles))


def story(d: Demo) -> None:
    d.on("2026-01-05", "08:30", lambda: _agencies(d))
    d.on("2026-01-06", "09:00", lambda: Plans(d.ledger).issue(actor("kiemtra"), 2026))
    d.on("2026-03-10", "09:30", lambda: _form_issued(d, "tp", "2026-03-16"))  # Sở Tư pháp: reviewed in time
    d.on("2026-09-21", "14:00", lambda: _form_issued(d, "cl", "2026-09-28"))  # Càng Long: after 31/08
    d.on("2026-11-16", "10:00", lambda: Plans(d.ledger).record_guidance(
        actor("kiemtra"), 2026, day=date(2026, 11, 16),
        title="Quyết định của UBND tỉnh sửa đổi quy trình nội bộ giải quyết TTHC (rà soát lại trong 30 ngày làm việc)"))


def _agencies(d: Demo) -> None:
    directory = Directory(d.ledger)
    for agency_id, name, level, _ in AGENCIES:
        if directory.find_agency(agency_id) is None:
            directory.create_agency(ADMIN, agency_id=agency_id, name=name, supervised_by=[SUPERVISOR_ID],
                                    level=level)
    for username, (full_name, roles, agency_id) in PEOPLE.items():
        if directory.find_account(username) is None:
            directory.create_account(ADMIN, username=username, agency_id=agency_id, full_name=full_name,
                                     roles=list(roles))


def _form_issued(d: Demo, key: str, effective: str) -> None:
    """The agency's form BM-01 drafted, approved by its leader and issued: its documents reviewed this year."""
    name = next(n for _, n, _, k in AGENCIES if k == key)
    secretary = _person(f"thuky-{key}")
    leader = _person(next(u for u, (_, roles, _) in PEOPLE.items()
                          if u.endswith(f"-{key}") and Role.AGENCY_LEADER in roles))
    doc = d.ledger.register_document(secretary, code="BM-01", title=FORM_TITLE, kind="form", department="Văn phòng")
    paper = Paper(kind="Biểu mẫu", title=FORM_TITLE,
                  number="Mã hiệu: BM-01", dated=date.fromisoformat(effective), parent="UBND TỈNH TRÀ VINH",
                  agency=name.upper(), signer_title="NGƯỜI LẬP PHIẾU", recipients=(),
                  sections=(Section("I. THÔNG TIN HỒ SƠ", ("Mã hồ sơ: …………………………", "Ngày tiếp nhận: …………")),))
    ref = d.put(doc, render(paper).content, "BM-01 Phiếu theo dõi.pdf")
    n = d.ledger.create_draft(secretary, doc, file=ref, change_summary="Rà soát năm 2026, ban hành lại")
    d.ledger.submit_for_review(secretary, doc, n, reviewers=[], approver=leader.user_id)
    d.ledger.approve(leader, doc, n)
    d.ledger.issue(secretary, doc, n, effective_from=effective, distribution=["leadership"])
