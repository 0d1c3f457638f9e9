"""A realistic province, written through the ledger's own commands in batches: agencies on three levels,
departments, accounts, documents through their lifecycle and records with files, loans and destructions.

Every event is made by the same command a person's request runs (same checks, same hash chain); ``Ledger.batch``
only saves a few hundred commands' events in one transaction instead of one each. Event times follow a simulated
clock from January 2021 to November 2026, so loans fall due and retention periods end as in a real registry.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ledger.actors import Actor
from ledger.application import Ledger
from ledger.clock import clocked
from ledger.directory import Directory
from ledger.files import evidence_scope

START, END = datetime(2021, 1, 4, 1, 0, tzinfo=UTC), datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ADMIN = Actor("admin", "ubnd-tinh", frozenset({"admin"}))
CERT = {"fingerprint": "ab" * 32, "subject": "CN=Lãnh đạo", "issuer": "CN=CA Chính phủ", "serial": "1234"}

# ---- vocabulary (the seeds' words: procedures, forms, records of a provincial administration) ----------------
DISTRICTS = ["Càng Long", "Châu Thành", "Cầu Kè", "Tiểu Cần", "Cầu Ngang", "Trà Cú", "Duyên Hải", "Long Đức",
             "Hòa Thuận", "Đại Phúc", "Song Lộc", "Hiếu Tử", "Phước Hưng", "Lưu Nghiệp Anh", "Đôn Châu", "Mỹ Long"]
SO = ["Tư pháp", "Khoa học và Công nghệ", "Tài chính", "Xây dựng", "Y tế", "Giáo dục và Đào tạo", "Nội vụ",
      "Tài nguyên và Môi trường", "Công Thương", "Nông nghiệp và Phát triển nông thôn", "Lao động - Thương binh "
      "và Xã hội", "Văn hóa, Thể thao và Du lịch", "Giao thông vận tải", "Kế hoạch và Đầu tư", "Thông tin và "
      "Truyền thông", "Ngoại vụ"]
PHONG = ["Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý chuyên ngành", "Phòng Thanh tra",
         "Phòng Tổ chức cán bộ", "Bộ phận Một cửa"]
ACTIONS = ["tiếp nhận và giải quyết", "kiểm soát", "quản lý", "thẩm định", "cấp phép", "kiểm tra", "theo dõi",
           "đánh giá", "lưu trữ", "xử lý", "phê duyệt", "công bố", "rà soát", "tiếp nhận", "cấp đổi", "đăng ký"]
OBJECTS = ["hồ sơ thủ tục hành chính", "tài liệu", "hồ sơ", "đơn thư khiếu nại, tố cáo", "văn bản đi, đến",
           "đề tài khoa học cấp cơ sở", "giấy phép xây dựng", "đăng ký kinh doanh", "hồ sơ đất đai",
           "chứng thực bản sao", "hộ tịch", "tài sản công", "ngân sách", "công chức, viên chức", "sáng kiến",
           "thiết bị đo lường", "an toàn bức xạ", "sở hữu trí tuệ", "tiêu chuẩn đo lường chất lượng",
           "đào tạo, bồi dưỡng", "phản ánh, kiến nghị", "dữ liệu điện tử", "hợp đồng", "công trình"]
DOMAINS = ["", "", "lĩnh vực tư pháp", "lĩnh vực đất đai", "lĩnh vực khoa học và công nghệ", "lĩnh vực giáo dục",
           "lĩnh vực y tế", "lĩnh vực xây dựng", "lĩnh vực tài chính", "lĩnh vực nội vụ", "tại Bộ phận Một cửa",
           "trên môi trường điện tử", "cấp huyện", "cấp xã"]
FORMS = ["Phiếu đề nghị", "Sổ theo dõi", "Phiếu kiểm soát", "Biên bản", "Giấy biên nhận", "Báo cáo"]
SERIES = ["Thủ tục hành chính", "Công văn đi", "Công văn đến", "Đánh giá nội bộ", "Xem xét của lãnh đạo",
          "Khiếu nại, tố cáo", "Tổ chức cán bộ", "Kế hoạch - Tài chính", "Hợp đồng", "Thanh tra, kiểm tra"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Kim",
            "Thạch", "Sơn"]
GIVEN = ["Văn Ánh", "Thị Thu Hà", "Minh Khoa", "Thành Đạt", "Thị Cúc", "Quốc Bảo", "Ngọc Hân", "Hữu Phước",
         "Thị Mỹ Linh", "Đức Thắng", "Kim Ngân", "Hoàng Long"]
KINDS = [("procedure", 40), ("form", 25), ("instruction", 15), ("regulation", 10), ("quality_objectives", 4),
         ("audit_plan", 3), ("management_review", 3)]
KIND_LABEL = {"procedure": "Quy trình", "instruction": "Hướng dẫn", "regulation": "Quy định",
              "quality_objectives": "Mục tiêu chất lượng", "audit_plan": "Kế hoạch đánh giá nội bộ",
              "management_review": "Xem xét của lãnh đạo"}
CODE_PREFIX = {"procedure": "QT", "form": "BM", "instruction": "HD", "regulation": "QD", "quality_objectives": "MT",
               "audit_plan": "KH", "management_review": "XX"}
DOC_EVENTS, RECORD_EVENTS = 26, 6  # about how many events one document, one record adds (for the sizing)


@dataclass
class Agency:
    agency_id: str
    name: str
    weight: float
    secretary: Actor
    leader: Actor
    reviewers: list[Actor]
    controller: Actor
    departments: list[str]
    staff: list[str] = field(default_factory=list)
    documents: int = 0
    records: int = 0


class SimClock:
    """Moves forward a little with every event; ``clocked`` makes it the ledger's time and "today"."""

    def __init__(self, events: int) -> None:
        self.now = START
        self.step = (END - START) / max(events, 1)

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def today(self) -> date:
        return (self.now + timedelta(hours=7)).date()


def title(rng: random.Random, kind: str) -> str:
    obj = rng.choice(OBJECTS)
    if kind == "form":
        words = f"{rng.choice(FORMS)} {rng.choice(ACTIONS)} {obj}"
    elif kind in ("quality_objectives", "audit_plan", "management_review"):
        words = f"{KIND_LABEL[kind]} năm {rng.randint(2021, 2026)}"
    else:
        words = f"{KIND_LABEL[kind]} {rng.choice(ACTIONS)} {obj} {rng.choice(DOMAINS)}"
    return words.strip()[0].upper() + words.strip()[1:]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def file_ref(scope: str, text: str, name: str) -> dict[str, Any]:
    """A reference to a PDF of the scope (the bytes are not stored: verify runs without reading files)."""
    digest = hashlib.sha256(f"{scope}:{text}".encode()).hexdigest()
    return {"key": f"scopes/{scope}/{digest}", "sha256": digest, "size": 102_400, "media_type": "application/pdf",
            "filename": f"{name[:80]}.pdf"}


class Province:
    """Builds the province into ``ledger`` (empty): ``build()`` writes about ``events`` events."""

    def __init__(self, ledger: Ledger, events: int, *, seed: int = 17, batch: int = 200,
                 password: Callable[[str], None] | None = None) -> None:
        self.ledger, self.events, self.batch = ledger, events, batch
        self.rng = random.Random(seed)
        self.clock = SimClock(events)
        self.directory = Directory(ledger)
        self.agencies: list[Agency] = []
        self.password = password or (lambda username: None)
        self.doc_share = 0.4  # of the events: documents (the rest: records), as in a year of the province

    # ---- the directory --------------------------------------------------------------------------------------
    def build_directory(self) -> None:
        count = min(250, max(12, self.events // 4000))
        staff_each = max(2, min(34, self.events // 30_000))
        d, rng = self.directory, self.rng
        d.create_agency(ADMIN, agency_id="ubnd-tinh", name="Ủy ban nhân dân tỉnh Trà Vinh", supervised_by=[])
        levels: list[tuple[str, str, list[str]]] = [("ubnd-tinh", "Văn phòng UBND tỉnh Trà Vinh", [])]
        districts = []
        for i in range(1, count):
            if i <= len(SO):
                levels.append((f"so-{i:02d}", f"Sở {SO[i - 1]} tỉnh Trà Vinh", ["ubnd-tinh"]))
            elif i <= len(SO) + len(DISTRICTS):
                aid = f"huyen-{i:02d}"
                districts.append(aid)
                levels.append((aid, f"Ủy ban nhân dân huyện {DISTRICTS[i - len(SO) - 1]}", ["ubnd-tinh"]))
            else:
                parent = districts[i % len(districts)]
                levels.append((f"xa-{i:03d}", f"Ủy ban nhân dân xã {rng.choice(DISTRICTS)} {i}", [parent]))
        for rank, (aid, name, sup) in enumerate(levels):
            if aid != "ubnd-tinh":
                d.create_agency(ADMIN, agency_id=aid, name=name, supervised_by=sup)
            self.agencies.append(self._staff(aid, name, 1.0 / (rank + 1), staff_each))

    def _staff(self, aid: str, name: str, weight: float, staff_each: int) -> Agency:
        d, rng = self.directory, self.rng
        deps = []
        for j, dep in enumerate(PHONG[:3 + len(aid) % 4]):
            deps.append(d.create_department(ADMIN, aid, code=f"P{j + 1:02d}", name=dep)["id"])

        def account(user: str, roles: list[str], j: int) -> Actor:
            d.create_account(ADMIN, username=user, agency_id=aid, full_name=person(rng), roles=roles,
                             department=deps[j % len(deps)], email=f"{user}@travinh.gov.vn")
            self.password(user)
            return Actor(user, aid, frozenset(roles))

        sec = account(f"{aid}.thuky", ["iso_secretary", "staff"], 0)
        leader = account(f"{aid}.giamdoc", ["agency_leader"], 0)
        reviewers = [account(f"{aid}.truongphong{j}", ["department_leader"], j) for j in range(1, 3)]
        ctl = account(f"{aid}.vanthu", ["records_controller"], 0)
        agency = Agency(aid, name, weight, sec, leader, reviewers, ctl, deps)
        agency.staff = [account(f"{aid}.cv{j:02d}", ["staff"], j).user_id for j in range(staff_each)]
        return agency

    # ---- documents and records ------------------------------------------------------------------------------
    def build(self, events: int | None = None, *, progress: Callable[[int], None] | None = None) -> int:
        """Writes documents and records until about ``events`` more events are in the log; returns how many."""
        goal = events if events is not None else self.events
        if not self.agencies:
            with clocked(self.clock):
                self.build_directory()
        start = self.ledger.recorder.max_notification_id() or 0
        weights = [a.weight for a in self.agencies]
        written = 0
        while written < goal:
            with clocked(self.clock), self.ledger.batch():
                for _ in range(self.batch):
                    agency = self.rng.choices(self.agencies, weights)[0]
                    if self.rng.random() < self.doc_share * RECORD_EVENTS / (
                            self.doc_share * RECORD_EVENTS + (1 - self.doc_share) * DOC_EVENTS):
                        self._document(agency)
                    else:
                        self._record(agency)
            now = (self.ledger.recorder.max_notification_id() or 0) - start
            if progress:
                progress(now - written)
            written = now
        return written

    def _document(self, a: Agency) -> None:
        led, rng = self.ledger, self.rng
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        a.documents += 1
        code = f"{CODE_PREFIX[kind]}-{a.documents:05d}"
        doc = led.register_document(a.secretary, code=code, title=title(rng, kind), kind=kind,
                                    department=rng.choice(PHONG))
        versions = rng.choice([1, 1, 2, 3, 4, 5, 6, 7])
        for n in range(1, versions + 1):
            last = n == versions
            led.create_draft(a.secretary, doc, file=file_ref(doc, f"v{n}", code),
                             change_summary="Ban hành lần đầu" if n == 1 else f"Sửa đổi lần {n - 1}")
            if last and rng.random() < 0.08:
                return  # a draft still being written: the secretary's inbox
            reviewers = rng.sample(a.reviewers, rng.choice([1, 1, 2]))
            led.submit_for_review(a.secretary, doc, n, reviewers=[r.user_id for r in reviewers],
                                  approver=a.leader.user_id)
            if last and rng.random() < 0.05:
                return  # waiting for its reviewers
            for r in reviewers:
                led.review(r, doc, n, verdict=rng.choice(["agree", "agree", "agree_with_comments"]),
                           comment="Thống nhất" if rng.random() < 0.5 else "")
            if rng.random() < 0.1:
                led.reject(a.leader, doc, n, reason="Đề nghị bổ sung căn cứ pháp lý")
                led.revise_draft(a.secretary, doc, n, file=file_ref(doc, f"v{n}b", code),
                                 change_summary="Bổ sung căn cứ pháp lý")
                led.submit_for_review(a.secretary, doc, n, reviewers=[], approver=a.leader.user_id)
            led.approve(a.leader, doc, n)
            if kind != "form" and kind != "instruction":
                led.record_signature(a.leader, doc, n, meaning="approval",
                                     signed_file=file_ref(doc, f"v{n}-signed", code), certificate=CERT,
                                     pades_level="B-T", signing_time=self.clock.now.isoformat())
            led.issue(a.secretary, doc, n, effective_from=self.clock.today(), distribution=a.departments[:3])
        if rng.random() < 0.03:
            led.obsolete(a.secretary, doc, reason="Không còn phù hợp với quy định hiện hành")

    def _record(self, a: Agency) -> None:
        led, rng, today = self.ledger, self.rng, self.clock.today()
        a.records += 1
        series = rng.choice(SERIES)
        years = rng.choice([2, 5, 5, 10, 10, 20, None])
        ended = years is not None and rng.random() < 0.15  # closed long ago: its retention has ended
        year = today.year - 21 if ended else rng.randint(today.year - 12, today.year)
        rec = led.open_record(a.controller, code=f"HS-{year}-{a.records:06d}",
                              title=f"Hồ sơ {rng.choice(ACTIONS)} {rng.choice(OBJECTS)} năm {year}", series=series,
                              retention_years=years, confidentiality="internal",
                              legal_basis="Thông tư 10/2022/TT-BNV quy định thời hạn bảo quản tài liệu")
        files = [file_ref(rec, f"f{i}", f"{series} {i}") for i in range(rng.choice([1, 1, 2, 3]))]
        for f in files:
            led.add_file(a.controller, rec, file=f, description="Bản số hóa")
        if rng.random() < 0.15:
            led.lend(a.controller, rec, borrower=rng.choice(a.staff), purpose="Phục vụ thanh tra, kiểm tra",
                     due_on=today + timedelta(days=rng.choice([7, 14, 30])), approved_by=a.leader.user_id)
            if rng.random() < 0.03:
                return  # still out (overdue once its date has passed)
            led.take_back(a.controller, rec, received_by=a.controller.user_id)
        if not ended and rng.random() < 0.2:
            return  # still open
        led.close_record(a.controller, rec, closed_on=date(year, 12, 31) if year < today.year else today)
        if ended and rng.random() < 0.7:
            led.propose_destruction(a.controller, rec, reason="Hết thời hạn bảo quản")
            led.approve_destruction(a.leader, rec, decision_no=f"{a.records}/QĐ-{a.agency_id.upper()}",
                                    decided_by=a.leader.user_id, council=[a.leader.user_id, a.controller.user_id])
            witnesses = rng.sample(a.staff, 2)  # two of the agency's staff (accounts, as the rule requires)
            led.record_destruction(a.controller, rec, executed_by=a.controller.user_id, witnesses=witnesses,
                                   method="crypto_shredding",
                                   minutes_file=file_ref(evidence_scope(rec), "minutes", "Biên bản hủy"),
                                   erased_hashes=[f["sha256"] for f in files])
        elif rng.random() < 0.01:
            led.place_hold(a.controller, rec, reason="Phục vụ giải quyết khiếu nại")

    def biggest(self) -> Agency:
        return max(self.agencies, key=lambda a: a.documents + a.records)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
