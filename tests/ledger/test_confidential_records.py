"""A confidential (Mật) record's files are read by its controller, its leader and accounts granted access, and
every such read is an event in the record's chain."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ledger.actors import Actor
from ledger.directory import Directory
from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.verify import verify_chains
from tests.factories import AGENCY, ARCHIVIST, DEPT_LEADER, LEADER, OTHER_AGENCY, actor, file_ref

ADMIN = Actor("admin", "quan-tri", frozenset({"admin"}))
AUDITOR = actor("danh.gia", "internal_auditor")
STAFF = actor("cong.chuc", "staff")
INSPECTOR = actor("kiem.tra", "inspector", agency=OTHER_AGENCY)


@pytest.fixture
def people(ledger):  # type: ignore[no-untyped-def]
    d = Directory(ledger)
    d.create_agency(ADMIN, agency_id=OTHER_AGENCY, name="Chi cục", supervised_by=[])
    d.create_agency(ADMIN, agency_id=AGENCY, name="Sở KH&CN", supervised_by=[OTHER_AGENCY])
    for who, name in ((ARCHIVIST, "Văn Thư"), (LEADER, "Giám Đốc"), (DEPT_LEADER, "Trưởng Phòng"),
                      (AUDITOR, "Đánh Giá"), (STAFF, "Công Chức"), (INSPECTOR, "Kiểm Tra")):
        d.create_account(ADMIN, username=who.user_id, agency_id=who.agency_id, full_name=name,
                         roles=sorted(who.roles))
    return d


def confidential(ledger, code="HS-M1"):  # type: ignore[no-untyped-def]
    rec = ledger.open_record(ARCHIVIST, code=code, title="Hồ sơ kỷ luật", series="Tổ chức cán bộ",
                             retention_years=10, legal_basis="Thông tư 10/2022/TT-BNV", confidentiality="confidential")
    ledger.add_file(ARCHIVIST, rec, file=file_ref(code, "Biên bản kỷ luật.pdf"), description="Biên bản")
    return rec


def test_controller_and_leader_read_and_each_read_is_an_event_with_who(ledger, people):
    rec = confidential(ledger)
    assert ledger.read_record_file(ARCHIVIST, rec, 1)["filename"] == "Biên bản kỷ luật.pdf"
    ledger.read_record_file(LEADER, rec, 1)
    reads = [e for e in ledger.history(rec) if e["type"] == "ConfidentialFileRead"]
    assert [(e["data"]["reader"], e["data"]["role"], e["data"]["basis"]) for e in reads] == [
        ("van.thu", "records_controller", "role"), ("giam.doc", "agency_leader", "role")]
    assert reads[0]["data"]["sha256"] == file_ref("HS-M1")["sha256"]
    assert all(e["meta"]["user_id"] == e["data"]["reader"] for e in reads)
    assert ledger.record(rec)["confidential_reads"] == 2
    assert verify_chains(ledger).intact


@pytest.mark.parametrize("who", [DEPT_LEADER, AUDITOR, STAFF, INSPECTOR], ids=lambda a: a.user_id)
def test_others_may_not_read_and_nothing_is_recorded(ledger, people, who):
    rec = confidential(ledger)
    before = ledger.current_version(rec)
    with pytest.raises(NotAllowed) as err:
        ledger.read_record_file(who, rec, 1)
    assert err.value.code == "confidential_record"
    assert ledger.current_version(rec) == before


def test_a_grant_lets_one_account_read_until_it_is_revoked(ledger, people, clock):
    rec = confidential(ledger)
    ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Đánh giá nội bộ 2026",
                               until="2026-03-10")
    ledger.read_record_file(AUDITOR, rec, 1)
    with pytest.raises(NotAllowed):
        ledger.read_record_file(DEPT_LEADER, rec, 1)  # the grant names one account
    ledger.revoke_record_access(ARCHIVIST, rec, grantee=AUDITOR.user_id, reason="Đã xong")
    with pytest.raises(NotAllowed):
        ledger.read_record_file(AUDITOR, rec, 1)
    types = [e["type"] for e in ledger.history(rec)]
    assert types[-3:] == ["AccessGranted", "ConfidentialFileRead", "AccessRevoked"]
    read = ledger.history(rec)[-2]["data"]
    assert (read["reader"], read["role"], read["basis"]) == ("danh.gia", "internal_auditor", "grant")
    assert verify_chains(ledger).intact


def test_a_grant_ends_after_its_until_day(ledger, people, clock):
    rec = confidential(ledger)
    ledger.grant_record_access(ARCHIVIST, rec, grantee=AUDITOR.user_id, reason="Thanh tra", until="2026-03-02")
    ledger.read_record_file(AUDITOR, rec, 1)
    clock.advance(days=1)
    with pytest.raises(NotAllowed):
        ledger.read_record_file(AUDITOR, rec, 1)


@pytest.mark.parametrize(("grantee", "why"), [
    ("khong.co", "không phải tài khoản"), (INSPECTOR.user_id, "không phải tài khoản"),
    (STAFF.user_id, "không có vai trò"), (LEADER.user_id, "theo vai trò")])
def test_the_grantee_must_be_an_active_record_reader_of_the_agency(ledger, people, grantee, why):
    rec = confidential(ledger)
    with pytest.raises(InvalidInput) as err:
        ledger.grant_record_access(LEADER, rec, grantee=grantee, reason="Cần xem")
    assert err.value.field == "grantee" and why in err.value.message_vi


def test_a_locked_account_cannot_be_granted(ledger, people):
    rec = confidential(ledger)
    people.lock(ADMIN, AUDITOR.user_id, reason="Nghỉ phép")
    with pytest.raises(InvalidInput) as err:
        ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Cần xem")
    assert err.value.field == "grantee"


def test_only_the_leader_or_controller_grants_and_only_on_confidential_records(ledger, people):
    rec = confidential(ledger)
    with pytest.raises(NotAllowed):
        ledger.grant_record_access(DEPT_LEADER, rec, grantee=AUDITOR.user_id, reason="Cần xem")
    internal = ledger.open_record(ARCHIVIST, code="HS-N1", title="Hồ sơ", series="Chung", retention_years=5,
                                  legal_basis="Thông tư 10/2022")
    with pytest.raises(RuleViolation) as err:
        ledger.grant_record_access(LEADER, internal, grantee=AUDITOR.user_id, reason="Cần xem")
    assert err.value.code == "not_confidential"
    with pytest.raises(InvalidInput) as bad:
        ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Cần xem", until="2026-03-01")
    assert bad.value.field == "until"
    ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Cần xem")
    with pytest.raises(RuleViolation) as twice:
        ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Cần xem")
    assert twice.value.code == "already_granted"
    with pytest.raises(RuleViolation) as none:
        ledger.revoke_record_access(LEADER, rec, grantee=DEPT_LEADER.user_id, reason="Nhầm")
    assert none.value.code == "not_granted"


def test_an_internal_records_files_are_read_without_an_event(ledger, people):
    rec = ledger.open_record(ARCHIVIST, code="HS-N2", title="Hồ sơ", series="Chung", retention_years=5,
                             legal_basis="Thông tư 10/2022")
    ledger.add_file(ARCHIVIST, rec, file=file_ref("n2"))
    before = ledger.current_version(rec)
    ledger.read_record_file(AUDITOR, rec, 1)
    assert ledger.current_version(rec) == before


def test_time_travel_shows_the_grants_as_they_were(ledger, people):
    rec = confidential(ledger)
    ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Đánh giá")
    granted_at = datetime.fromisoformat(ledger.history(rec)[-1]["timestamp"]) + timedelta(microseconds=1)
    ledger.revoke_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Xong")
    assert list(ledger.state_at(rec, as_of=granted_at)["grants"]) == [AUDITOR.user_id]
    assert ledger.state_at(rec)["grants"] == {}


def test_reads_past_the_snapshot_interval_keep_grants_and_snapshots_verify(ledger, people):
    from ledger.application import SNAPSHOT_INTERVAL
    from ledger.verify import verify_snapshots

    rec = confidential(ledger)
    ledger.grant_record_access(LEADER, rec, grantee=AUDITOR.user_id, reason="Đánh giá")
    for _ in range(SNAPSHOT_INTERVAL + 5):
        ledger.read_record_file(AUDITOR, rec, 1)
    report = verify_chains(ledger)
    assert report.intact
    snapshots = verify_snapshots(ledger, report.versions, interval=SNAPSHOT_INTERVAL)
    assert snapshots.checked >= 1 and snapshots.first_break is None
    state = ledger.state_at(rec)
    assert list(state["grants"]) == [AUDITOR.user_id] and state["confidential_reads"] == SNAPSHOT_INTERVAL + 5
