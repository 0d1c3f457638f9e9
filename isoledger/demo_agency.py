"""The demo's directory: the Sở and the Chi cục inspecting it, their departments and leaders, every account placed."""

from __future__ import annotations

from ledger.actors import Actor
from ledger.department import LEADERSHIP
from ledger.directory import Directory
from ledger.vocabulary import Role

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({Role.ADMIN}), request_id="demo")

# agency -> (code, name, leader) of its departments, as the Sở KH&CN Trà Vinh is organised.
DEMO_DEPARTMENTS: dict[str, list[tuple[str, str, str | None]]] = {
    "so-khcn-tra-vinh": [
        ("VP", "Văn phòng", "chanhvanphong"),
        ("KHTC", "Phòng Kế hoạch - Tài chính", "truongphong"),
        ("QLKH", "Phòng Quản lý khoa học", "phophong"),
        ("QLCN", "Phòng Quản lý công nghệ và chuyên ngành", "truongqlcn"),
        ("TTRA", "Thanh tra Sở", "chanhthanhtra"),
    ],
    "chi-cuc-tdc-tra-vinh": [("QLTC", "Phòng Quản lý Tiêu chuẩn - Chất lượng", None)],
}
# username -> the code of their department, or the agency's leadership.
PLACES = {"giamdoc": LEADERSHIP, "chanhvanphong": "VP", "thuky": "VP", "vanthu": "VP", "quantri": "VP",
          "truongphong": "KHTC", "phophong": "QLKH", "truongqlcn": "QLCN", "chuyenvien": "QLCN",
          "chanhthanhtra": "TTRA", "danhgia": "TTRA", "kiemtra": "QLTC"}


def build_directory(directory: Directory, agencies: list[tuple[str, str, list[str]]],
                    people: dict[str, tuple[str, tuple[str, ...], str]]) -> dict[str, str]:
    """Creates the agencies, their accounts (each in their department) and departments with their leaders;
    returns ``agency:code`` -> department id."""
    for agency_id, name, supervised_by in agencies:
        if directory.find_agency(agency_id) is None:
            directory.create_agency(ADMIN, agency_id=agency_id, name=name, supervised_by=supervised_by)
    for username, (full_name, roles, agency_id) in people.items():
        if directory.find_account(username) is None:
            directory.create_account(ADMIN, username=username, agency_id=agency_id, full_name=full_name,
                                     roles=list(roles))
    ids: dict[str, str] = {}
    for agency_id, departments in DEMO_DEPARTMENTS.items():
        for code, name, leader in departments:
            dep = directory.create_department(ADMIN, agency_id, code=code, name=name, leader=leader)
            ids[f"{agency_id}:{code}"] = str(dep["id"])
    for username, (_, _, agency_id) in people.items():
        place = PLACES[username]
        directory.move_to_department(ADMIN, username, place if place == LEADERSHIP else ids[f"{agency_id}:{place}"])
    return ids
