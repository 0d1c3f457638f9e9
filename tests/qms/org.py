"""The people and departments of the QMS process tests (Sở KH&CN Trà Vinh), as directory entries of a ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ledger.actors import Actor
from ledger.department import LEADERSHIP
from ledger.directory import Directory
from tests.factories import AGENCY, OTHER_AGENCY, actor

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
LEADER = actor("giam.doc", "agency_leader")
SECRETARY = actor("thu.ky", "iso_secretary", "staff")
KHTC_LEADER = actor("truong.phong", "department_leader")  # leads the Phòng Kế hoạch - Tài chính
QLKH_LEADER = actor("pho.phong", "department_leader")  # leads the Phòng Quản lý Khoa học
STAFF = actor("chuyen.vien", "staff")
STAFF_2 = actor("ke.toan", "staff")
AUDITOR = actor("danh.gia", "internal_auditor")
STRANGER = actor("thu.ky.khac", "iso_secretary", agency=OTHER_AGENCY)
PEOPLE = {LEADER: "Nguyễn Văn Ánh", SECRETARY: "Lê Thị Thu Hà", KHTC_LEADER: "Trần Quốc Bảo",
          QLKH_LEADER: "Phạm Thị Diễm", STAFF: "Huỳnh Thị Ngọc Ánh", STAFF_2: "Thạch Thị Mỹ Linh",
          AUDITOR: "Võ Thành Đạt", STRANGER: "Ngô Văn Bình"}


@dataclass
class Org:
    ledger: Any
    khtc: str  # Phòng Kế hoạch - Tài chính
    qlkh: str  # Phòng Quản lý Khoa học
    foreign: str  # a department of another agency


def build_org(ledger: Any) -> Org:
    d = Directory(ledger)
    d.create_agency(ADMIN, agency_id=AGENCY, name="Sở Khoa học và Công nghệ tỉnh Trà Vinh", supervised_by=[])
    d.create_agency(ADMIN, agency_id=OTHER_AGENCY, name="Sở Tư pháp tỉnh Tiền Giang", supervised_by=[])
    for who, name in PEOPLE.items():
        d.create_account(ADMIN, username=who.user_id, agency_id=who.agency_id, full_name=name,
                         roles=sorted(who.roles), department=LEADERSHIP if who is LEADER else None)
    khtc = d.create_department(ADMIN, AGENCY, code="KHTC", name="Phòng Kế hoạch - Tài chính",
                               leader=KHTC_LEADER.user_id)["id"]
    qlkh = d.create_department(ADMIN, AGENCY, code="QLKH", name="Phòng Quản lý Khoa học",
                               leader=QLKH_LEADER.user_id)["id"]
    foreign = d.create_department(ADMIN, OTHER_AGENCY, code="VP", name="Văn phòng Sở Tư pháp")["id"]
    return Org(ledger, str(khtc), str(qlkh), str(foreign))


@pytest.fixture
def org(ledger: Any) -> Org:
    return build_org(ledger)
