"""Departments, approval rules and accounts over HTTP: the agency administrator at home, another agency's 404,
problem+json naming the field, If-Match, Idempotency-Key, paging; locked accounts lose their tokens at once."""

from __future__ import annotations

from tests.api.conftest import OTHER, OWN, PASSWORD

V1 = "/api/v1"


def new_department(api, user: str = "quantri", agency: str = OWN, code: str = "P-KHTC", **extra):  # type: ignore[no-untyped-def]
    r = api.call("POST", f"{V1}/agencies/{agency}/departments", user,
                 json={"code": code, "name": "Phòng Kế hoạch – Tài chính", **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_the_agency_administrator_creates_lists_renames_and_closes_a_department(api, world):
    dep = new_department(api, leader="truongphong")
    assert (dep["code"], dep["leader"], dep["closed"]) == ("P-KHTC", "truongphong", False)
    got = api.call("GET", f"{V1}/departments/{dep['id']}", "chuyenvien")
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    r = api.call("PATCH", f"{V1}/departments/{dep['id']}", "quantri", headers={"If-Match": '"1"'},
                 json={"name": "Phòng Tài chính", "leader": None})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["leader"], r.json()["version"]) == ("Phòng Tài chính", None, 3)
    stale = api.call("PATCH", f"{V1}/departments/{dep['id']}", "quantri", headers={"If-Match": '"1"'},
                     json={"action": "close"})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("application/problem+json")
    closed = api.call("PATCH", f"{V1}/departments/{dep['id']}", "quantri", json={"action": "close", "reason": "Sáp nhập"})
    assert closed.json()["closed"] is True
    listed = api.call("GET", f"{V1}/agencies/{OWN}/departments", "giamdoc").json()["items"]
    assert listed == []
    everything = api.call("GET", f"{V1}/agencies/{OWN}/departments", "giamdoc", params={"closed": True}).json()
    assert [d["name"] for d in everything["items"]] == ["Phòng Tài chính"]


def test_departments_are_paged_and_a_repeated_idempotency_key_creates_one(api, world):
    key = {"Idempotency-Key": "tao-phong-1"}
    body = {"code": "P-01", "name": "Phòng Một"}
    first = api.call("POST", f"{V1}/agencies/{OWN}/departments", "quantri", json=body, headers=key)
    again = api.call("POST", f"{V1}/agencies/{OWN}/departments", "quantri", json=body, headers=key)
    assert first.json() == again.json() and again.headers.get("Idempotent-Replayed") == "true"
    dup = api.call("POST", f"{V1}/agencies/{OWN}/departments", "quantri", json=body)
    assert dup.status_code == 409
    for i in range(2, 6):
        new_department(api, code=f"P-0{i}")
    seen, cursor = [], None
    while True:
        r = api.call("GET", f"{V1}/agencies/{OWN}/departments", "thuky",
                     params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [d["code"] for d in r["items"]]
        cursor = r["next_cursor"]
        if not cursor:
            break
    assert seen == ["P-01", "P-02", "P-03", "P-04", "P-05"]


def test_bad_department_input_is_a_problem_naming_the_field(api, world):
    r = api.call("POST", f"{V1}/agencies/{OWN}/departments", "quantri",
                 json={"code": "P-1", "name": "Phòng", "leader": "giamdoc-b"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "leader"
    assert r.json()["detail"] and r.json()["detail_en"]
    r = api.call("POST", f"{V1}/agencies/{OWN}/departments", "quantri",
                 json={"code": "P-1", "name": "Phòng", "parent_id": "khong-co"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parent_id"


def test_another_agencys_administrator_gets_404_for_its_departments_and_accounts(api, world):
    dep = new_department(api)
    for method, path, body in (
            ("GET", f"{V1}/departments/{dep['id']}", None),
            ("PATCH", f"{V1}/departments/{dep['id']}", {"name": "Khác"}),
            ("GET", f"{V1}/agencies/{OWN}/departments", None),
            ("POST", f"{V1}/agencies/{OWN}/departments", {"code": "X-1", "name": "Khác"}),
            ("GET", f"{V1}/agencies/{OWN}/users", None),
            ("POST", f"{V1}/agencies/{OWN}/users", {"username": "xam-nhap", "full_name": "X", "roles": ["staff"]}),
            ("PATCH", f"{V1}/users/chuyenvien", {"action": "lock"}),
            ("PATCH", f"{V1}/agencies/{OWN}/rules", {"delegated_kinds": []}),
            ("GET", f"{V1}/agencies/{OWN}/rules", None)):
        r = api.call(method, path, "quantri-b", json=body)
        assert r.status_code == 404, (method, path, r.text)
    assert api.call("GET", f"{V1}/auth/me", "chuyenvien").status_code == 200  # nothing was locked


def test_an_account_takes_a_department_of_its_own_agency_that_is_open(api, world):
    dep = new_department(api)
    foreign = new_department(api, "quantri-b", OTHER, "P-B")
    closed = new_department(api, code="P-DONG")
    api.call("PATCH", f"{V1}/departments/{closed['id']}", "quantri", json={"action": "close"})
    for bad in ("khong-co", foreign["id"], closed["id"]):
        r = api.call("POST", f"{V1}/agencies/{OWN}/users", "quantri",
                     json={"username": "moi", "full_name": "Người Mới", "roles": ["staff"], "department": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department", r.text
    r = api.call("POST", f"{V1}/agencies/{OWN}/users", "quantri",
                 json={"username": "moi", "full_name": "Người Mới", "roles": ["staff"], "department": dep["id"]})
    assert r.status_code == 201 and r.json()["department"] == dep["id"]
    r = api.call("PATCH", f"{V1}/users/moi", "quantri", json={"department": closed["id"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"
    r = api.call("PATCH", f"{V1}/users/moi", "quantri",
                 json={"department": "leadership", "full_name": "Người Mới Hơn", "email": "moi@so.gov.vn"})
    assert r.status_code == 200, r.text
    assert (r.json()["department"], r.json()["full_name"], r.json()["email"]) == (
        "leadership", "Người Mới Hơn", "moi@so.gov.vn")
    users = {u["username"]: u for u in api.call("GET", f"{V1}/agencies/{OWN}/users", "quantri").json()["items"]}
    assert users["moi"]["department"] == "leadership"
    refused = api.call("PATCH", f"{V1}/users/moi", "quantri", json={"roles": ["admin"]})
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_grantable"


def test_a_submit_naming_a_department_leader_as_approver_of_the_quality_policy_is_422_on_approver(api, world):
    r = api.call("POST", f"{V1}/agencies/{OWN}/documents", "thuky",
                 json={"code": "CS-01", "title": "Chính sách chất lượng", "kind": "quality_policy",
                       "department": "Văn phòng"})
    doc = r.json()["id"]
    assert api.upload(f"{V1}/documents/{doc}/versions", "thuky", change_summary="Lần đầu").status_code == 201
    r = api.call("POST", f"{V1}/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": ["truongphong"], "approver": "truongphong2"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "approver"
    r = api.call("POST", f"{V1}/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": [], "approver": "truongphong"})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "approver" and "lãnh đạo cơ quan" in r.json()["detail"]
    r = api.call("POST", f"{V1}/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": ["truongphong"], "approver": "giamdoc"})
    assert r.status_code == 200, r.text


def test_the_agency_sets_what_department_leaders_approve_and_lets_its_records_controller_control_documents(
        api, world):
    body = {"code": "KH-01", "title": "Kế hoạch đánh giá nội bộ", "kind": "audit_plan", "department": "VP"}
    refused = api.call("POST", f"{V1}/agencies/{OWN}/documents", "vanthu", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    rules = api.call("GET", f"{V1}/agencies/{OWN}/rules", "giamdoc")
    assert "audit_plan" not in rules.json()["delegated_kinds"]
    r = api.call("PATCH", f"{V1}/agencies/{OWN}/rules", "quantri", headers={"If-Match": rules.headers["ETag"]},
                 json={"delegated_kinds": ["audit_plan", "form"], "records_controller_controls_documents": True})
    assert r.status_code == 200 and r.json()["delegated_kinds"] == ["audit_plan", "form"]
    bad = api.call("PATCH", f"{V1}/agencies/{OWN}/rules", "quantri", json={"delegated_kinds": ["management_review"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "delegated_kinds"
    doc = api.call("POST", f"{V1}/agencies/{OWN}/documents", "vanthu", json=body)
    assert doc.status_code == 201, doc.text
    doc_id = doc.json()["id"]
    assert api.upload(f"{V1}/documents/{doc_id}/versions", "vanthu", change_summary="Lần đầu").status_code == 201
    r = api.call("POST", f"{V1}/documents/{doc_id}/versions/1/submit", "vanthu",
                 json={"reviewers": [], "approver": "truongphong"})
    assert r.status_code == 200, r.text
    assert api.call("POST", f"{V1}/documents/{doc_id}/versions/1/approve", "truongphong").status_code == 200


def test_locking_or_deactivating_an_account_ends_its_tokens_and_sessions_at_once(api, world):
    bearer = api.login("chuyenvien")
    session = api.client.post(f"{V1}/auth/session", data={"username": "danhgia", "password": PASSWORD})
    cookie = session.cookies.get("isoledger_session")
    assert api.call("GET", f"{V1}/auth/me", headers=bearer).status_code == 200
    assert api.client.get(f"{V1}/auth/me", cookies={"isoledger_session": cookie}).status_code == 200
    assert api.call("PATCH", f"{V1}/users/chuyenvien", "quantri", json={"action": "lock"}).status_code == 200
    assert api.call("PATCH", f"{V1}/users/danhgia", "quantri", json={"action": "deactivate"}).status_code == 200
    assert api.call("GET", f"{V1}/auth/me", headers=bearer).status_code == 401
    api.client.cookies.clear()
    assert api.client.get(f"{V1}/auth/me", cookies={"isoledger_session": cookie}).status_code == 401
    page = api.client.get("/documents", cookies={"isoledger_session": cookie}, follow_redirects=False)
    assert page.status_code in (302, 303, 401) and "/login" in page.headers.get("location", "/login")


def test_an_administrator_resets_a_password_to_a_one_time_one_that_the_user_then_changes(api, world):
    assert api.call("POST", f"{V1}/users/chuyenvien/password-reset", "quantri-b").status_code == 404
    r = api.call("POST", f"{V1}/users/chuyenvien/password-reset", "quantri")
    assert r.status_code == 200, r.text
    one_time = r.json()["one_time_password"]
    assert api.client.post(f"{V1}/auth/token", data={"username": "chuyenvien", "password": PASSWORD}
                           ).status_code == 401
    assert api.ctx.store.must_change_password("chuyenvien")
    token = api.client.post(f"{V1}/auth/token", data={"username": "chuyenvien", "password": one_time})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    wrong = api.call("POST", f"{V1}/auth/password", headers=headers,
                     json={"current_password": "sai-mat-khau", "new_password": "mat-khau-moi-cua-toi"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    ok = api.call("POST", f"{V1}/auth/password", headers=headers,
                  json={"current_password": one_time, "new_password": "mat-khau-moi-cua-toi"})
    assert ok.status_code == 204
    assert not api.ctx.store.must_change_password("chuyenvien")
    assert api.client.post(f"{V1}/auth/token", data={"username": "chuyenvien", "password": "mat-khau-moi-cua-toi"}
                           ).status_code == 200
