"""The demo dataset: Sở Khoa học và Công nghệ tỉnh Trà Vinh, its documents and records, through their lifecycle."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from isoledger.bootstrap import Services
from ledger.actors import Actor
from ledger.errors import NotFound
from ledger.files import evidence_scope

AGENCY_ID = "so-khcn-tra-vinh"
AGENCY_NAME = "Sở Khoa học và Công nghệ tỉnh Trà Vinh"
SUPERVISOR_ID = "chi-cuc-tdc-tra-vinh"
SUPERVISOR_NAME = "Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh Trà Vinh"
DEPARTMENTS = ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý Khoa học",
               "Phòng Quản lý Công nghệ và Thị trường công nghệ"]

# username -> (full name, roles, agency): one account per role, for `make run` to print.
DEMO_PEOPLE: dict[str, tuple[str, tuple[str, ...], str]] = {
    "thuky": ("Lê Thị Thu Hà", ("iso_secretary", "staff"), AGENCY_ID),
    "giamdoc": ("Nguyễn Văn Ánh", ("agency_leader",), AGENCY_ID),
    "truongphong": ("Trần Quốc Bảo", ("department_leader",), AGENCY_ID),
    "phophong": ("Phạm Thị Diễm", ("department_leader",), AGENCY_ID),
    "vanthu": ("Đặng Minh Khoa", ("records_controller",), AGENCY_ID),
    "chuyenvien": ("Huỳnh Thị Ngọc Ánh", ("staff",), AGENCY_ID),
    "danhgia": ("Võ Thành Đạt", ("internal_auditor",), AGENCY_ID),
    "kiemtra": ("Thạch Thị Sà Rây", ("inspector",), SUPERVISOR_ID),
}


def actor(username: str) -> Actor:
    _, roles, agency = DEMO_PEOPLE[username]
    return Actor(username, agency, frozenset(roles))


def _pdf(title: str, pages: int = 2) -> bytes:
    from signing.samples import sample_pdf

    ascii_title = title.encode("ascii", "replace").decode()
    return sample_pdf(pages, ascii_title)


class _Demo:
    def __init__(self, services: Services) -> None:
        self.s = services
        self.ledger = services.ledger
        self._signing: Any = None
        self._signer: Any = None
        self._pki: Any = None

    def put(self, scope: str, data: bytes, filename: str) -> dict[str, Any]:
        return self.s.archive.put(io.BytesIO(data), filename, scope).to_dict()

    def sign(self, doc: str, n: int) -> None:
        from isoledger.demo_pki import PASSPHRASE, DemoPki, untrusted_pkcs12
        from signing import SigningConfig, build_signing_service, open_pkcs12_signer

        if self._signing is None:  # the demo's own root, trusted by this installation ($ISOLEDGER_HOME/trust-roots)
            self._pki = DemoPki.create()
            self._pki.trust_in(self.s.settings.home)
            self._signing = build_signing_service(SigningConfig(check_signer=False))
            self._signer = open_pkcs12_signer(self._pki.pkcs12(DEMO_PEOPLE["giamdoc"][0], AGENCY_NAME), PASSPHRASE)
        if self.ledger.document(doc)["code"] == "QT-02":  # one signature deliberately under no trusted root
            untrusted = untrusted_pkcs12(DEMO_PEOPLE["truongphong"][0], AGENCY_NAME)
            self._sign_as(doc, n, "truongphong", "review", open_pkcs12_signer(untrusted, PASSPHRASE))
        self._sign_as(doc, n, "giamdoc", "approval", self._signer)

    def _sign_as(self, doc: str, n: int, user: str, meaning: str, signer: Any) -> None:
        from ledger.files import FileRef
        from signing import Look, Meaning
        from signing.placement import Position, place, read_layout
        from signing.samples import sample_seal_png, sample_signature_png

        version = self.ledger.document(doc)["versions"][n - 1]
        pdf = self.s.archive.read_bytes(FileRef.from_dict(version["file"]), doc)
        look = Look(sample_signature_png(), sample_seal_png() if meaning == "approval" else None)
        placement = place(read_layout(pdf, None), Meaning(meaning), None, Position.BOTTOM_RIGHT)
        signed = self._signing.sign(pdf, signer, signer_name=DEMO_PEOPLE[user][0], agency=AGENCY_NAME,
                                    meaning=meaning, look=look, placement=placement)
        content = signed.content
        if signer is self._signer:  # the demo root's CRL, so the signature validates as trusted
            content = self._pki.with_revocation_info(content, signer.certificate)
        name = version["file"]["filename"].removesuffix(".pdf").removesuffix(" (đã ký)") + " (đã ký).pdf"
        ref = self.put(doc, content, name)
        f = signed.facts
        self.ledger.record_signature(actor(user), doc, n, meaning=meaning, signed_file=ref,
                                     certificate={"fingerprint": f.certificate.fingerprint_sha256,
                                                  "subject": f.certificate.subject, "issuer": f.certificate.issuer,
                                                  "serial": f.certificate.serial},
                                     pades_level=f.level.value, signing_time=f.signing_time.isoformat(),
                                     timestamp_time=f.timestamp_time.isoformat() if f.timestamp_time else None)

    def document(self, code: str, title: str, kind: str, department: str) -> str:
        return self.ledger.register_document(actor("thuky"), code=code, title=title, kind=kind, department=department)

    def draft(self, doc: str, title: str, summary: str) -> int:
        ref = self.put(doc, _pdf(title), f"{title}.pdf")
        return self.ledger.create_draft(actor("thuky"), doc, file=ref, change_summary=summary)

    def approve(self, doc: str, n: int, *, reviewers: tuple[str, ...] = ("truongphong",)) -> None:
        self.ledger.submit_for_review(actor("thuky"), doc, n, reviewers=list(reviewers), approver="giamdoc")
        for r in reviewers:
            self.ledger.review(actor(r), doc, n, verdict="agree", comment="Thống nhất nội dung.")
        self.ledger.approve(actor("giamdoc"), doc, n)

    def issue(self, doc: str, n: int, effective: str, *, signed: bool = True) -> None:
        if signed:
            self.sign(doc, n)
        self.ledger.issue(actor("thuky"), doc, n, effective_from=effective, distribution=DEPARTMENTS)

    def close(self) -> None:
        if self._signing is not None:
            self._signing.close()


def load_demo(services: Services) -> dict[str, Any]:
    """Loads the dataset once; a second call finds it and changes nothing."""
    ledger = services.ledger
    try:
        ledger.document(str(ledger._unique_id("document", AGENCY_ID, "QT-01")))
        return {"loaded": False, "message": "đã có sẵn / already loaded", "people": DEMO_PEOPLE}
    except NotFound:
        pass
    d = _Demo(services)
    try:
        qt01 = d.document("QT-01", "Quy trình kiểm soát tài liệu", "procedure", "Văn phòng Sở")
        n = d.draft(qt01, "Quy trình kiểm soát tài liệu", "Ban hành lần đầu theo TCVN ISO 9001:2015")
        d.approve(qt01, n)
        d.issue(qt01, n, "2025-01-02")
        n = d.draft(qt01, "Quy trình kiểm soát tài liệu - sửa đổi 1", "Bổ sung bước phân phối tài liệu điện tử")
        d.approve(qt01, n, reviewers=("truongphong", "phophong"))
        d.issue(qt01, n, "2026-01-05")

        qt02 = d.document("QT-02", "Quy trình kiểm soát hồ sơ", "procedure", "Văn phòng Sở")
        n = d.draft(qt02, "Quy trình kiểm soát hồ sơ", "Ban hành lần đầu")
        d.approve(qt02, n)
        d.issue(qt02, n, "2025-01-02")

        cs = d.document("CSCL", "Chính sách chất lượng", "quality_policy", "Văn phòng Sở")
        n = d.draft(cs, "Chính sách chất lượng", "Chính sách chất lượng giai đoạn 2025-2030")
        d.approve(cs, n, reviewers=())
        d.issue(cs, n, "2025-01-02")

        bm = d.document("BM-01", "Phiếu đề nghị sửa đổi tài liệu", "form", "Văn phòng Sở")
        n = d.draft(bm, "Phiếu đề nghị sửa đổi tài liệu", "Biểu mẫu kèm QT-01")
        d.approve(bm, n, reviewers=())
        d.issue(bm, n, "2025-01-02", signed=False)

        mt = d.document("MTCL-2026", "Mục tiêu chất lượng năm 2026", "quality_objectives", "Văn phòng Sở")
        n = d.draft(mt, "Mục tiêu chất lượng năm 2026", "Mục tiêu đo lường được, có thời hạn, đến 28/02")
        ledger.submit_for_review(actor("thuky"), mt, n, reviewers=["truongphong", "phophong"], approver="giamdoc")
        ledger.review(actor("truongphong"), mt, n, verdict="agree_with_comments",
                      comment="Đề nghị bổ sung chỉ tiêu tỷ lệ hồ sơ giải quyết đúng hạn ≥ 98%.")

        kh = d.document("KH-DGNB-2026", "Kế hoạch đánh giá nội bộ năm 2026", "audit_plan", "Văn phòng Sở")
        d.draft(kh, "Kế hoạch đánh giá nội bộ năm 2026", "Dự thảo: đánh giá trước 20/10")

        hd = d.document("HD-05", "Hướng dẫn số hóa hồ sơ lưu trữ", "instruction", "Phòng Quản lý Khoa học")
        n = d.draft(hd, "Hướng dẫn số hóa hồ sơ lưu trữ", "Dự thảo lần 1")
        ledger.submit_for_review(actor("thuky"), hd, n, reviewers=[], approver="giamdoc")
        ledger.reject(actor("giamdoc"), hd, n, reason="Chưa nêu định dạng tệp và độ phân giải khi quét.")

        _records(d)
    finally:
        d.close()
    services.projector.catch_up()
    return {"loaded": True, "message": f"{AGENCY_NAME}: 7 tài liệu, 5 hồ sơ", "people": DEMO_PEOPLE}


def _records(d: _Demo) -> None:
    ledger, vt = d.ledger, actor("vanthu")
    today = ledger.today()

    def record(code: str, title: str, series: str, years: int | None, basis: str, files: list[str]) -> str:
        rec = ledger.open_record(vt, code=code, title=title, series=series, retention_years=years,
                                 legal_basis=basis, confidentiality="internal")
        for name in files:
            ref = d.put(rec, _pdf(name, 1), f"{name}.pdf")
            ledger.add_file(vt, rec, file=ref, description=name)
        return rec

    basis = "Thông tư 10/2022/TT-BNV quy định thời hạn bảo quản tài liệu"
    old = record("HS-DGNB-2019", "Hồ sơ đánh giá nội bộ năm 2019", "Đánh giá nội bộ", 5, basis,
                 ["Chương trình đánh giá 2019", "Báo cáo đánh giá 2019"])
    ledger.close_record(vt, old, closed_on="2019-12-31")
    ledger.propose_destruction(vt, old, reason="Hết thời hạn bảo quản 5 năm")
    ledger.approve_destruction(actor("giamdoc"), old, decision_no="45/QĐ-SKHCN", decided_by=DEMO_PEOPLE["giamdoc"][0],
                               council=["Nguyễn Văn Ánh", "Lê Thị Thu Hà", "Đặng Minh Khoa"])
    minutes = d.put(evidence_scope(old), _pdf("Bien ban huy ho so", 1), "Biên bản hủy hồ sơ HS-DGNB-2019.pdf")
    erased = d.s.archive.destroy_scope(old)
    ledger.record_destruction(vt, old, executed_by="vanthu", witnesses=["Lê Thị Thu Hà", "Võ Thành Đạt"],
                              method="crypto_shredding", minutes_file=minutes, erased_hashes=erased)

    review = record("HS-XXLD-2025", "Hồ sơ xem xét của lãnh đạo năm 2025", "Xem xét của lãnh đạo", 10, basis,
                    ["Thông báo họp xem xét", "Biên bản họp xem xét của lãnh đạo"])
    ledger.close_record(vt, review, closed_on="2025-10-25")
    ledger.lend(vt, review, borrower="Võ Thành Đạt (đánh giá viên nội bộ)", purpose="Chuẩn bị đánh giá nội bộ 2026",
                due_on=(today + timedelta(days=7)).isoformat(), approved_by="giamdoc")

    complaint = record("HS-KN-2021", "Hồ sơ giải quyết khiếu nại năm 2021", "Khiếu nại, tố cáo", 5, basis,
                       ["Đơn khiếu nại", "Quyết định giải quyết"])
    ledger.close_record(vt, complaint, closed_on="2021-06-30")
    ledger.place_hold(vt, complaint, reason="Thanh tra tỉnh yêu cầu giữ nguyên hồ sơ phục vụ thanh tra")

    policy = record("HS-CSCL", "Hồ sơ ban hành chính sách chất lượng", "Hệ thống quản lý chất lượng", None,
                    "Luật Lưu trữ 2024: bảo quản vĩnh viễn", ["Quyết định ban hành chính sách chất lượng"])
    ledger.close_record(vt, policy, closed_on="2025-01-02")

    due = record("HS-TTHC-2019", "Hồ sơ giải quyết thủ tục hành chính năm 2019", "Thủ tục hành chính", 5, basis,
                 ["Sổ theo dõi hồ sơ TTHC 2019"])
    ledger.close_record(vt, due, closed_on="2019-12-31")
