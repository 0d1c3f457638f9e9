"""Administration pages: the province administrator manages agencies and who supervises them; an agency's
administrator manages its departments, rules and accounts only (another agency's pages are 404); a reset
password is one-time; a locked account's session ends at once; every user changes their own password."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, OWN, OWN_NAME, PASSWORD, Browser


def _department(site, agency: str = OWN, code: str = "P-KHTC", name: str = "Phòng Kế hoạch – Tài chính") -> str:  # type: ignore[no-untyped-def]
    admin = site.actor("quantri") if agency == OWN else site.actor("quantri-b")
    return str(site.ctx.directory.create_department(admin, agency, code=code, name=name)["id"])


def test_the_province_administrator_adds_an_agency_and_sets_who_supervises_it(site, web):
    web.login("admin")
    home = web.get("/")
    assert 'href="/admin"' in home.text
    page = web.get("/admin")
    assert page.status_code == 200 and OWN_NAME in page.text
    r = web.post("/admin/agencies", {"agency_id": "so-noi-vu-c", "name": "Sở Nội vụ C", "supervised_by": [OWN]},
                 page="/admin")
    assert r.status_code == 303 and r.headers["location"] == "/admin/agencies/so-noi-vu-c?ok=agency"
    shown = web.get(r.headers["location"])
    assert "Sở Nội vụ C" in shown.text and "Đã lưu thông tin cơ quan." in shown.text
    bad = web.post("/admin/agencies", {"agency_id": "Sai Mã!", "name": "X"}, page="/admin")
    assert bad.status_code == 422 and "Mã cơ quan gồm chữ thường" in bad.text
    r = web.post("/admin/agencies/so-noi-vu-c", {"name": "Sở Nội vụ tỉnh C", "supervised_by": [OTHER]},
                 page="/admin/agencies/so-noi-vu-c")
    assert r.status_code == 303
    assert "Sở Nội vụ tỉnh C" in web.get("/admin/agencies/so-noi-vu-c").text
    assert site.ctx.directory.agency("so-noi-vu-c")["supervised_by"] == [OTHER]


def test_the_agency_administrator_builds_departments_and_creates_an_account_with_a_one_time_password(site, web):
    web.login("quantri")
    r = web.get("/admin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/admin/agencies/{OWN}"
    page = f"/admin/agencies/{OWN}"
    assert 'action="/admin/agencies"' not in web.get(page).text  # agencies are the province's, not theirs
    r = web.post(f"/admin/agencies/{OWN}/departments", {"code": "P-KHTC", "name": "Phòng Kế hoạch – Tài chính",
                                                        "leader": "truongphong"}, page=page)
    assert r.status_code == 303, r.text
    listed = web.get(page).text
    assert "Phòng Kế hoạch – Tài chính" in listed and "Trần Quốc Bảo" in listed
    dep = re.search(r'href="/admin/departments/([0-9a-f-]+)"', listed).group(1)
    dup = web.post(f"/admin/agencies/{OWN}/departments", {"code": "P-KHTC", "name": "Lần hai"}, page=page)
    assert dup.status_code == 409 and "đã được dùng" in dup.text
    r = web.post(f"/admin/agencies/{OWN}/accounts", {"username": "nhanvien", "full_name": "Lâm Thị Ngọc Hân",
                                                     "email": "han@so-a.gov.vn", "department": dep,
                                                     "roles": ["staff"]}, page=page)
    assert r.status_code == 201, r.text
    one_time = re.search(r"<code>([^<]+)</code>", r.text).group(1)
    assert "Phòng Kế hoạch – Tài chính" in r.text
    assert "Lâm Thị Ngọc Hân" in web.get(page).text
    # The new user signs in with it and is sent to change it before anything else.
    with TestClient(site.app, raise_server_exceptions=False) as other:
        user = Browser(other)
        user.login("nhanvien", one_time)
        r = user.get("/documents", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/account/password"
        form = user.get("/account/password")
        assert "mật khẩu dùng một lần" in form.text
        wrong = user.post("/account/password", {"current_password": "sai", "new_password": "mat-khau-moi-123",
                                                "confirm_password": "mat-khau-moi-123"}, page="/account/password")
        assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng." in wrong.text
        r = user.post("/account/password", {"current_password": one_time, "new_password": "mat-khau-moi-123",
                                            "confirm_password": "mat-khau-moi-123"}, page="/account/password")
        assert r.status_code == 303
        assert user.get("/documents", follow_redirects=False).status_code == 200
    refused = web.post(f"/admin/agencies/{OWN}/accounts", {"username": "xx", "full_name": "X", "roles": ["admin"],
                                                           "department": "leadership"}, page=page)
    assert refused.status_code == 403


def test_an_agency_administrator_cannot_see_or_change_another_agencys_accounts(site, web):
    other_dep = _department(site, OTHER, "VP-B", "Văn phòng Sở Tư pháp")
    web.login("quantri")
    for url in (f"/admin/agencies/{OTHER}", "/admin/accounts/thuky-b", f"/admin/departments/{other_dep}",
                f"/admin/agencies/{OTHER}/accounts/new"):
        r = web.get(url)
        assert r.status_code == 404, url
        assert "Ngô Văn Bình" not in r.text
    r = web.post("/admin/accounts/thuky-b/lock", {"reason": "x"}, page=f"/admin/agencies/{OWN}")
    assert r.status_code == 404
    r = web.post("/admin/accounts/thuky-b", {"full_name": "Đổi tên", "roles": ["staff"]}, page=f"/admin/agencies/{OWN}")
    assert r.status_code == 404
    r = web.post(f"/admin/agencies/{OTHER}/departments", {"code": "X", "name": "X"}, page=f"/admin/agencies/{OWN}")
    assert r.status_code == 404
    assert site.ctx.directory.account("thuky-b")["status"] == "active"
    assert site.ctx.directory.account("thuky-b")["full_name"] == "Ngô Văn Bình"


def test_people_who_are_not_administrators_do_not_get_the_pages(web):
    web.login("giamdoc")
    assert 'href="/admin"' not in web.get("/").text
    assert web.get("/admin").status_code == 403
    assert web.get(f"/admin/agencies/{OWN}").status_code == 403


def test_locking_an_account_ends_its_open_session_at_once_and_unlocking_restores_sign_in(site, web):
    with TestClient(site.app, raise_server_exceptions=False) as other:
        user = Browser(other)
        user.login("chuyenvien")
        assert user.get("/documents", follow_redirects=False).status_code == 200
        web.login("quantri")
        r = web.post("/admin/accounts/chuyenvien/lock", {"reason": "Nghỉ phép"}, page="/admin/accounts/chuyenvien")
        assert r.status_code == 303
        assert "Bị khóa" in web.get("/admin/accounts/chuyenvien").text
        r = user.get("/documents", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        web.post("/admin/accounts/chuyenvien/unlock", page="/admin/accounts/chuyenvien")
        user.login("chuyenvien")
        assert user.get("/documents", follow_redirects=False).status_code == 200
        r = web.post("/admin/accounts/chuyenvien/deactivate", {"reason": "Nghỉ hưu"},
                     page="/admin/accounts/chuyenvien")
        assert r.status_code == 303
        assert user.get("/documents", follow_redirects=False).status_code == 303


def test_the_administrator_changes_details_department_and_roles_and_resets_a_password(site, web):
    dep = _department(site)
    web.login("quantri")
    page = "/admin/accounts/danhgia"
    r = web.post(page, {"full_name": "Võ Thành Đạt (ĐGNB)", "email": "dat@so-a.gov.vn", "department": dep,
                        "roles": ["internal_auditor", "staff"]}, page=page)
    assert r.status_code == 303, r.text
    shown = web.get(page).text
    assert "Võ Thành Đạt (ĐGNB)" in shown and "Phòng Kế hoạch – Tài chính" in shown
    account = site.ctx.directory.account("danhgia")
    assert (account["department"], account["roles"], account["email"]) == (dep, ["internal_auditor", "staff"],
                                                                            "dat@so-a.gov.vn")
    bad = web.post(page, {"full_name": "X", "email": "khong-phai-thu", "roles": ["staff"]}, page=page)
    assert bad.status_code == 422 and "thư điện tử không hợp lệ" in bad.text
    r = web.post(f"{page}/reset-password", page=page)
    one_time = re.search(r"<code>([^<]+)</code>", r.text).group(1)
    with TestClient(site.app, raise_server_exceptions=False) as other:
        user = Browser(other)
        user.login("danhgia", one_time)
        assert user.get("/audit", follow_redirects=False).headers["location"] == "/account/password"
    assert not site.ctx.passwords.verify(site.ctx.store.password_hash("danhgia"), PASSWORD)


def test_the_agency_delegates_approval_on_the_rules_form_but_never_a_reserved_kind(site, web):
    web.login("quantri")
    page = f"/admin/agencies/{OWN}"
    form = web.get(page).text
    assert 'value="audit_plan"' in form and 'value="quality_policy"' not in form
    r = web.post(f"{page}/rules", {"delegated_kinds": ["audit_plan", "form"], "controls": "yes"}, page=page)
    assert r.status_code == 303
    agency = site.ctx.directory.agency(OWN)
    assert agency["delegated_kinds"] == ["audit_plan", "form"] and agency["records_controller_controls_documents"]
    r = web.post(f"{page}/rules", {"delegated_kinds": ["quality_policy"]}, page=page)
    assert r.status_code == 422 and "không thể ủy quyền" in r.text


def test_the_pages_speak_english_when_asked(web):
    web.login("quantri")
    web.client.cookies.set("isoledger_lang", "en")
    page = web.get(f"/admin/agencies/{OWN}").text
    assert "Approval rules" in page and "Add a department" in page and "Quy tắc phê duyệt" not in page
    assert "Change your password" in web.get("/account/password").text


def test_saving_the_details_of_an_account_not_yet_placed_does_not_put_it_in_a_department(site, web):
    web.login("quantri")
    page = "/admin/accounts/vanthu"
    form = web.get(page).text
    assert "(chưa xếp phòng ban)" in form
    r = web.post(page, {"full_name": "Đặng Minh Khoa", "email": "khoa@so-a.gov.vn", "department": "",
                        "roles": ["records_controller"]}, page=page)
    assert r.status_code == 303
    account = site.ctx.directory.account("vanthu")
    assert (account["department"], account["email"]) == (None, "khoa@so-a.gov.vn")
