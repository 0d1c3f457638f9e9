"""The demo dataset: Sở Khoa học và Công nghệ tỉnh Trà Vinh, its documents and records, through two years."""

from __future__ import annotations

import heapq
import io
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from isoledger.bootstrap import Services
from isoledger.demo_clock import DemoClock
from isoledger.demo_pdfs import Paper, render
from ledger.actors import Actor
from ledger.clock import clocked
from ledger.errors import NotFound
from ledger.files import FileRef
from ledger.vocabulary import Role

AGENCY_ID = "so-khcn-tra-vinh"
AGENCY_NAME = "Sở Khoa học và Công nghệ tỉnh Trà Vinh"
SUPERVISOR_ID = "chi-cuc-tdc-tra-vinh"
SUPERVISOR_NAME = "Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh Trà Vinh"
# The story starts when the Sở moves its quality management system onto the software (see demo_story):
# its directory first, then its documents from 09/12/2024.
STARTS = ("2024-12-05", "08:00")

# username -> (full name, roles, agency): one account per role and a leader per department, for `serve` to print
# (their departments: isoledger.demo_agency).
DEMO_PEOPLE: dict[str, tuple[str, tuple[str, ...], str]] = {
    "thuky": ("Lê Thị Thu Hà", (Role.ISO_SECRETARY, Role.STAFF), AGENCY_ID),
    "giamdoc": ("Nguyễn Văn Ánh", (Role.AGENCY_LEADER,), AGENCY_ID),
    "chanhvanphong": ("Nguyễn Thị Mỹ Linh", (Role.DEPARTMENT_LEADER,), AGENCY_ID),
    "truongphong": ("Trần Quốc Bảo", (Role.DEPARTMENT_LEADER,), AGENCY_ID),
    "phophong": ("Phạm Thị Diễm", (Role.DEPARTMENT_LEADER,), AGENCY_ID),
    "truongqlcn": ("Thạch Văn Sơn", (Role.DEPARTMENT_LEADER,), AGENCY_ID),
    "chanhthanhtra": ("Lâm Văn Phước", (Role.DEPARTMENT_LEADER,), AGENCY_ID),
    "vanthu": ("Đặng Minh Khoa", (Role.RECORDS_CONTROLLER,), AGENCY_ID),
    "chuyenvien": ("Huỳnh Thị Ngọc Ánh", (Role.STAFF,), AGENCY_ID),
    "danhgia": ("Võ Thành Đạt", (Role.INTERNAL_AUDITOR,), AGENCY_ID),
    "quantri": ("Trương Văn Hậu", (Role.AGENCY_ADMIN,), AGENCY_ID),
    "kiemtra": ("Thạch Thị Sà Rây", (Role.INSPECTOR,), SUPERVISOR_ID),
}


def actor(username: str) -> Actor:
    _, roles, agency = DEMO_PEOPLE[username]
    return Actor(username, agency, frozenset(roles))


class Demo:
    """The steps of the story, each by the person whose job it is, at the demo clock's time."""

    def __init__(self, services: Services, clock: DemoClock) -> None:
        self.s = services
        self.ledger = services.ledger
        self.clock = clock
        # Scenes set for a later moment (``on``), played in time order as the story's clock passes them
        self._scenes: list[tuple[datetime, int, str, str, Callable[[], None]]] = []
        self._order = itertools.count()
        self.documents: dict[str, str] = {}
        # (document, version) -> the empty area on the last page where a visible signature and seal go
        self.signature_boxes: dict[tuple[str, int], tuple[float, float, float, float]] = {}
        self.records: dict[str, str] = {}
        self.departments: dict[str, str] = {}  # code -> id, the Sở's departments
        self.cases: dict[str, str] = {}  # QMS cases by the story's own key (isoledger.demo_risks)
        self._signing: Any = None
        self._signer: Any = None
        self._pki: Any = None

    def at(self, day: str, at: str = "08:00") -> None:
        """Moves the story to ``day`` at ``at`` (never back), first playing every scene set before then."""
        target = DemoClock._moment(day, at)
        while self._scenes and self._scenes[0][0] < target:
            self._play(heapq.heappop(self._scenes))
        self.clock.at(day, at)

    def on(self, day: str, at: str, scene: Callable[[], None]) -> None:
        """Sets ``scene`` (one moment's steps: it must not move the clock itself) to be played at ``day`` ``at``.

        A process's story is told as scenes on its own dates, so several processes' years interleave in time
        order without one story having to know another's dates; a scene whose moment the clock has already read
        past plays at once, a little later than set."""
        heapq.heappush(self._scenes, (DemoClock._moment(day, at), next(self._order), day, at, scene))

    def finish(self) -> None:
        """Plays the scenes still waiting, in time order (the end of the story)."""
        while self._scenes:
            self._play(heapq.heappop(self._scenes))

    def _play(self, item: tuple[datetime, int, str, str, Callable[[], None]]) -> None:
        _, _, day, at, scene = item
        self.clock.at_least(day, at)
        scene()

    def put(self, scope: str, data: bytes, filename: str) -> dict[str, Any]:
        return self.s.archive.put(io.BytesIO(data), filename, scope).to_dict()

    def sign(self, doc: str, n: int) -> None:
        """The agency leader signs version ``n`` for approval (on QT-02 a department leader first reviews it
        with a certificate under no trusted root), at the demo clock's time, with visible Decree 30 stamps."""
        from isoledger.demo_pki import PASSPHRASE, DemoPki, untrusted_pkcs12
        from signing import SigningConfig, build_signing_service, open_pkcs12_signer

        if self._signing is None:  # the demo's own root, trusted by this installation ($ISOLEDGER_HOME/trust-roots)
            self._pki = DemoPki.create()
            self._pki.trust_in(self.s.settings.home)
            self._signing = build_signing_service(SigningConfig(check_signer=False), clock=self.clock)
            self._signer = open_pkcs12_signer(self._pki.pkcs12(DEMO_PEOPLE["giamdoc"][0], AGENCY_NAME), PASSPHRASE)
        if self.ledger.document(doc)["code"] == "QT-02":  # one signature deliberately under no trusted root
            untrusted = untrusted_pkcs12(DEMO_PEOPLE["truongphong"][0], AGENCY_NAME)
            self._sign_as(doc, n, "truongphong", "review", open_pkcs12_signer(untrusted, PASSPHRASE))
        self._sign_as(doc, n, "giamdoc", "approval", self._signer)

    def _sign_as(self, doc: str, n: int, user: str, meaning: str, signer: Any) -> None:
        from signing import Look, Meaning
        from signing.errors import AppearanceError
        from signing.placement import Position, place, read_layout
        from signing.samples import sample_seal_png, sample_signature_png

        version = self.ledger.document(doc)["versions"][n - 1]
        pdf = self.s.archive.read_bytes(FileRef.from_dict(version["file"]), doc)
        look = Look(sample_signature_png(), sample_seal_png() if meaning == "approval" else None)
        layout = read_layout(pdf, None)
        try:  # the approval goes where the paper left room for it: between the signer's title and name
            reserved = self.signature_boxes.get((doc, n)) if meaning == "approval" else None
            placement = place(layout, Meaning(meaning), reserved, Position.BOTTOM_RIGHT)
        except AppearanceError:
            placement = place(layout, Meaning(meaning), None, Position.BOTTOM_RIGHT)
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

    def document(self, code: str, title: str, kind: str, department: str = "Văn phòng Sở") -> str:
        doc = self.ledger.register_document(actor("thuky"), code=code, title=title, kind=kind,
                                            department=department)
        self.documents[code] = doc
        return doc

    def draft(self, doc: str, paper: Paper, filename: str, summary: str) -> int:
        pdf = render(paper)
        ref = self.put(doc, pdf.content, f"{filename}.pdf")
        n = self.ledger.create_draft(actor("thuky"), doc, file=ref, change_summary=summary)
        self.signature_boxes[(doc, n)] = pdf.signature_box
        return n

    def submit(self, doc: str, n: int, *reviewers: str) -> None:
        self.ledger.submit_for_review(actor("thuky"), doc, n, reviewers=list(reviewers), approver="giamdoc")

    def review(self, doc: str, n: int, reviewer: str, comment: str = "Thống nhất nội dung.",
               verdict: str = "agree") -> None:
        self.ledger.review(actor(reviewer), doc, n, verdict=verdict, comment=comment)

    def approve(self, doc: str, n: int) -> None:
        self.ledger.approve(actor("giamdoc"), doc, n)

    def directory(self) -> None:
        """The Sở and the Chi cục, their departments with leaders, every account placed (before anything else)."""
        from isoledger.demo_agency import build_directory
        from ledger.directory import Directory

        ids = build_directory(Directory(self.ledger), [(SUPERVISOR_ID, SUPERVISOR_NAME, []),
                                                       (AGENCY_ID, AGENCY_NAME, [SUPERVISOR_ID])], DEMO_PEOPLE)
        self.departments = {key.split(":")[1]: dep for key, dep in ids.items() if key.startswith(f"{AGENCY_ID}:")}

    def issue(self, doc: str, n: int, effective: str) -> None:
        """Issued to the leadership and every department of the Sở."""
        self.ledger.issue(actor("thuky"), doc, n, effective_from=effective,
                          distribution=["leadership", *self.departments.values()])

    def record(self, code: str, title: str, series: str, years: int | None, basis: str) -> str:
        rec = self.ledger.open_record(actor("vanthu"), code=code, title=title, series=series, retention_years=years,
                                      legal_basis=basis, confidentiality="internal")
        self.records[code] = rec
        return rec

    def file(self, rec: str, paper: Paper, name: str) -> None:
        ref = self.put(rec, render(paper).content, f"{name}.pdf")
        self.ledger.add_file(actor("vanthu"), rec, file=ref, description=name)

    def close(self) -> None:
        if self._signing is not None:
            self._signing.close()


def load_demo(services: Services) -> dict[str, Any]:
    """Loads the dataset once; a second call finds it and changes nothing.

    Every event is stamped with the demo clock, which walks from December 2024 to November 2026 in office
    hours, so time-travel, effective dates, loans and retention read as they would in a real agency.
    """
    from isoledger import demo_story

    ledger = services.ledger
    try:
        ledger.document(ledger.document_id(AGENCY_ID, "QT-01"))
        return {"loaded": False, "message": "đã có sẵn / already loaded", "people": DEMO_PEOPLE}
    except NotFound:
        pass
    clock = DemoClock(*STARTS)
    d = Demo(services, clock)
    try:
        with clocked(clock):
            demo_story.tell(d)
    finally:
        d.close()
    services.projector.catch_up()
    ends = clock().astimezone(UTC)
    from isoledger.demo_province import PEOPLE as PROVINCE_PEOPLE

    return {"loaded": True, "people": {**DEMO_PEOPLE, **PROVINCE_PEOPLE}, "documents": d.documents,
            "records": d.records,
            "ends": ends.isoformat(),
            "message": f"{AGENCY_NAME}: {len(d.documents)} tài liệu, {len(d.records)} hồ sơ, "
                       f"từ 12/2024 đến {ends:%m/%Y}"}
