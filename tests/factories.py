"""People and files the behaviour tests act with (agency "Sở KH&CN Trà Vinh")."""

from __future__ import annotations

import hashlib

from ledger.actors import Actor

AGENCY = "so-khcn-tra-vinh"
OTHER_AGENCY = "so-tu-phap-tien-giang"


def actor(user: str, *roles: str, agency: str = AGENCY) -> Actor:
    return Actor(user, agency, frozenset(roles))


SECRETARY = actor("thu.ky", "iso_secretary", "staff")
LEADER = actor("giam.doc", "agency_leader")
DEPT_LEADER = actor("truong.phong", "department_leader")
REVIEWER = actor("pho.phong", "department_leader")
ARCHIVIST = actor("van.thu", "records_controller")
STRANGER = actor("thu.ky.khac", "iso_secretary", agency=OTHER_AGENCY)


def file_ref(content: str = "nội dung", name: str = "Quy trình kiểm soát tài liệu.pdf") -> dict[str, object]:
    data = content.encode()
    digest = hashlib.sha256(data).hexdigest()
    return {"key": f"scopes/test/{digest}", "sha256": digest, "size": len(data), "media_type": "application/pdf",
            "filename": name}


CERT = {"fingerprint": "ab" * 32, "subject": "CN=Nguyễn Văn Ánh", "issuer": "CN=CA Chính phủ", "serial": "1234"}


def issued_document(ledger, code: str = "QT-01", kind: str = "procedure", store=None) -> str:  # type: ignore[no-untyped-def]
    """A document taken through draft, review, approval, signature and issue of version 1.

    ``store(ref, scope) -> ref`` puts real bytes in an archive; by default refs point at nothing."""
    store = store or (lambda ref, scope: ref)
    doc = ledger.register_document(SECRETARY, code=code, title="Quy trình kiểm soát tài liệu", kind=kind,
                                   department="Văn phòng Sở")
    n = ledger.create_draft(SECRETARY, doc, file=store(file_ref(code), doc), change_summary="Ban hành lần đầu")
    ledger.submit_for_review(SECRETARY, doc, n, reviewers=[REVIEWER.user_id], approver=LEADER.user_id)
    ledger.review(REVIEWER, doc, n, verdict="agree")
    ledger.approve(LEADER, doc, n)
    ledger.record_signature(LEADER, doc, n, meaning="approval",
                            signed_file=store(file_ref(code + "-signed", "Quy trình (đã ký).pdf"), doc),
                            certificate=CERT, pades_level="B-T", signing_time="2026-03-02T09:00:00+07:00",
                            timestamp_time="2026-03-02T09:00:01+07:00")
    ledger.issue(SECRETARY, doc, n, effective_from="2026-03-02", distribution=["leadership"])
    return doc


# The two-agency world the API and web tests build: one user per role in the own agency, the inspector
# in the agency that supervises it, and a few people of another agency.
WORLD_PASSWORD = "mat-khau-thu-nghiem-42"
OWN, OTHER, SUPERVISOR = "so-khcn-a", "so-tu-phap-b", "chi-cuc-tdc-s"
WORLD_PEOPLE = {
    "thuky": ("Lê Thị Thu Hà", ["iso_secretary", "staff"], OWN),
    "giamdoc": ("Nguyễn Văn Ánh", ["agency_leader"], OWN),
    "truongphong": ("Trần Quốc Bảo", ["department_leader"], OWN),
    "vanthu": ("Đặng Minh Khoa", ["records_controller"], OWN),
    "chuyenvien": ("Huỳnh Thị Ngọc Ánh", ["staff"], OWN),
    "danhgia": ("Võ Thành Đạt", ["internal_auditor"], OWN),
    "kiemtra": ("Thạch Thị Sà Rây", ["inspector"], SUPERVISOR),
    "thuky-b": ("Ngô Văn Bình", ["iso_secretary"], OTHER),
    "vanthu-b": ("Lý Thị Cúc", ["records_controller"], OTHER),
    "giamdoc-b": ("Mai Văn Dũng", ["agency_leader"], OTHER),
    "quantri": ("Phạm Thị Quyên", ["agency_admin"], OWN),
    "quantri-b": ("Tô Văn Phúc", ["agency_admin"], OTHER),
}
