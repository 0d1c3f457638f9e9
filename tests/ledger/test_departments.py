"""Departments as event-sourced aggregates: created, renamed, given a leader, closed; accounts placed in them;
who may manage them; time-travel over them; the read model follows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger.actors import Actor
from ledger.clock import clocked
from ledger.department import LEADERSHIP
from ledger.directory import Directory, account_uuid
from ledger.errors import InvalidInput, NotAllowed, RuleViolation, StaleVersion
from ledger.integrity import GENESIS
from ledger.verify import verify_chains

AGENCY, OTHER = "so-khcn-tra-vinh", "so-tu-phap-tien-giang"
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
AGENCY_ADMIN = Actor("quan.tri", AGENCY, frozenset({"agency_admin"}))
OTHER_ADMIN = Actor("quan.tri.b", OTHER, frozenset({"agency_admin"}))
LEADER = Actor("giam.doc", AGENCY, frozenset({"agency_leader"}))


@pytest.fixture
def directory(ledger) -> Directory:  # type: ignore[no-untyped-def]
    d = Directory(ledger)
    d.create_agency(ADMIN, agency_id=AGENCY, name="Sở Khoa học và Công nghệ Trà Vinh", supervised_by=[])
    d.create_agency(ADMIN, agency_id=OTHER, name="Sở Tư pháp Tiền Giang", supervised_by=[])
    d.create_account(ADMIN, username="giam.doc", agency_id=AGENCY, full_name="Nguyễn Văn Ánh",
                     roles=["agency_leader"], department=LEADERSHIP)
    d.create_account(ADMIN, username="truong.phong", agency_id=AGENCY, full_name="Trần Quốc Bảo",
                     roles=["department_leader"])
    d.create_account(ADMIN, username="nguoi.khac", agency_id=OTHER, full_name="Ngô Văn Bình", roles=["staff"])
    return d


def test_a_department_is_created_renamed_given_a_leader_and_closed_as_chained_events(ledger, directory, clock):
    dep = directory.create_department(AGENCY_ADMIN, AGENCY, code="p-khtc", name="Phòng Kế hoạch",
                                      leader="truong.phong")
    assert (dep["code"], dep["leader"], dep["closed"], dep["parent_id"]) == ("P-KHTC", "truong.phong", False, None)
    clock.advance(hours=1)
    directory.rename_department(AGENCY_ADMIN, dep["id"], "Phòng Kế hoạch – Tài chính", expected_version=1)
    directory.change_department_leader(ADMIN, dep["id"], None)
    closed = directory.close_department(AGENCY_ADMIN, dep["id"], reason="Sáp nhập")
    assert (closed["name"], closed["leader"], closed["closed"], closed["version"]) == (
        "Phòng Kế hoạch – Tài chính", None, True, 4)
    history = ledger.history(dep["id"])
    assert [e["type"] for e in history] == ["DepartmentCreated", "DepartmentRenamed", "DepartmentLeaderChanged",
                                            "DepartmentClosed"]
    assert history[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(history, history[1:], strict=False))
    assert [e["meta"]["role"] for e in history] == ["agency_admin", "agency_admin", "admin", "agency_admin"]
    assert verify_chains(ledger).intact


def test_time_travel_shows_a_department_as_it_was(ledger, directory, clock):
    with clocked(clock):
        dep = directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng Sở")
        before = clock.now
        clock.advance(days=1)
        directory.rename_department(ADMIN, dep["id"], "Văn phòng")
    assert ledger.state_at(dep["id"], as_of=before + timedelta(minutes=1))["name"] == "Văn phòng Sở"
    assert ledger.state_at(dep["id"], version=2)["name"] == "Văn phòng"
    assert ledger.state_at(dep["id"], as_of=before - timedelta(days=1)) is None
    assert [e["type"] for e in ledger.history(dep["id"], as_of=before + timedelta(minutes=1))] == [
        "DepartmentCreated"]


def test_a_code_is_used_once_per_agency_but_again_in_another(directory):
    directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng")
    with pytest.raises(RuleViolation) as e:
        directory.create_department(ADMIN, AGENCY, code="vp", name="Văn phòng 2")
    assert e.value.code == "duplicate_id"
    assert directory.create_department(ADMIN, OTHER, code="VP", name="Văn phòng")["agency_id"] == OTHER


def test_a_parent_must_be_an_open_department_of_the_same_agency(directory):
    parent = directory.create_department(ADMIN, AGENCY, code="KHTC", name="Phòng Kế hoạch – Tài chính")
    child = directory.create_department(ADMIN, AGENCY, code="KHTC-KT", name="Tổ Kế toán", parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]
    foreign = directory.create_department(ADMIN, OTHER, code="VP", name="Văn phòng")
    for bad in (foreign["id"], "khong-co"):
        with pytest.raises(InvalidInput) as e:
            directory.create_department(ADMIN, AGENCY, code=f"X-{len(bad)}", name="Tổ", parent_id=bad)
        assert e.value.field == "parent_id"
    directory.close_department(ADMIN, parent["id"])
    with pytest.raises(InvalidInput) as e:
        directory.create_department(ADMIN, AGENCY, code="KHTC-TQ", name="Tổ Thủ quỹ", parent_id=parent["id"])
    assert e.value.field == "parent_id"


def test_the_leader_must_be_an_active_account_of_the_agency(directory):
    for bad in ("nguoi.khac", "khong.ai"):
        with pytest.raises(InvalidInput) as e:
            directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng", leader=bad)
        assert e.value.field == "leader"
    dep = directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng")
    directory.lock(ADMIN, "truong.phong", reason="Nghỉ phép")
    with pytest.raises(InvalidInput) as e:
        directory.change_department_leader(ADMIN, dep["id"], "truong.phong")
    assert e.value.field == "leader"


def test_an_agency_administrator_manages_only_its_own_agency(directory):
    with pytest.raises(NotAllowed) as e:
        directory.create_department(OTHER_ADMIN, AGENCY, code="VP", name="Văn phòng")
    assert e.value.code == "other_agency"
    dep = directory.create_department(AGENCY_ADMIN, AGENCY, code="VP", name="Văn phòng")
    with pytest.raises(NotAllowed):
        directory.rename_department(OTHER_ADMIN, dep["id"], "Khác")
    with pytest.raises(NotAllowed):
        directory.rename_department(LEADER, dep["id"], "Khác")
    with pytest.raises(NotAllowed):
        directory.lock(OTHER_ADMIN, "giam.doc", reason="")
    with pytest.raises(NotAllowed) as e:
        directory.create_account(AGENCY_ADMIN, username="moi", agency_id=AGENCY, full_name="Người Mới",
                                 roles=["admin"])
    assert e.value.code == "role_not_grantable"


def test_a_closed_department_cannot_change_or_take_people(directory):
    dep = directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng")
    directory.close_department(ADMIN, dep["id"])
    with pytest.raises(RuleViolation) as e:
        directory.rename_department(ADMIN, dep["id"], "Văn phòng mới")
    assert e.value.code == "department_closed"
    with pytest.raises(InvalidInput) as e2:
        directory.move_to_department(ADMIN, "truong.phong", dep["id"])
    assert e2.value.field == "department"


def test_accounts_are_placed_in_departments_and_their_details_change_as_events(ledger, directory):
    dep = directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng")
    other = directory.create_department(ADMIN, OTHER, code="VP", name="Văn phòng")
    created = directory.create_account(AGENCY_ADMIN, username="chuyen.vien", agency_id=AGENCY,
                                       full_name="Huỳnh Thị Ngọc Ánh", roles=["staff"], department=dep["id"])
    assert created["department"] == dep["id"]
    with pytest.raises(InvalidInput) as e:
        directory.move_to_department(AGENCY_ADMIN, "chuyen.vien", other["id"])
    assert e.value.field == "department"
    directory.move_to_department(AGENCY_ADMIN, "chuyen.vien", LEADERSHIP)
    state = directory.change_details(AGENCY_ADMIN, "chuyen.vien", full_name="Huỳnh Ngọc Ánh",
                                     email="anh@travinh.gov.vn")
    assert (state["department"], state["full_name"], state["email"]) == (LEADERSHIP, "Huỳnh Ngọc Ánh",
                                                                         "anh@travinh.gov.vn")
    with pytest.raises(InvalidInput) as e:
        directory.change_details(AGENCY_ADMIN, "chuyen.vien", full_name=None, email="khong-phai-thu")
    assert e.value.field == "email"
    with pytest.raises(StaleVersion):
        directory.move_to_department(AGENCY_ADMIN, "chuyen.vien", dep["id"], expected_version=1)
    types = [e["type"] for e in ledger.history(str(account_uuid("chuyen.vien")))]
    assert types == ["AccountCreated", "AccountMovedToDepartment", "AccountDetailsChanged"]


def test_an_account_created_before_departments_existed_replays_without_one(ledger, directory):
    # "truong.phong" was created without a department: the field defaults, the account is not yet placed.
    assert directory.account("truong.phong")["department"] is None
    assert ledger.state_at(str(account_uuid("truong.phong")), version=1)["department"] is None


def test_the_read_model_lists_departments_and_each_users_department(ledger, directory, projector):
    dep = directory.create_department(ADMIN, AGENCY, code="VP", name="Văn phòng", leader="truong.phong")
    directory.move_to_department(ADMIN, "truong.phong", dep["id"])
    directory.rename_department(ADMIN, dep["id"], "Văn phòng Sở")
    directory.close_department(ADMIN, dep["id"])
    projector.catch_up()
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT code, name, leader, closed, version FROM departments WHERE id=?", (dep["id"],))
        assert tuple(cur.fetchone()) == ("VP", "Văn phòng Sở", "truong.phong", 1, 3)
        cur.execute("SELECT username, department FROM users WHERE agency_id=? ORDER BY username", (AGENCY,))
        assert [tuple(r) for r in cur.fetchall()] == [("giam.doc", LEADERSHIP), ("truong.phong", dep["id"])]
    before = projector.db and sorted(projector.dump()["departments"])
    projector.rebuild()
    assert sorted(projector.dump()["departments"]) == before
