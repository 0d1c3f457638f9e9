"""A one-time password (after an administrator's reset) must be changed before a bearer token does anything else."""

from __future__ import annotations

from tests.api.conftest import OWN, PASSWORD

V1 = "/api/v1"


def one_time_bearer(api) -> tuple[dict[str, str], str]:  # type: ignore[no-untyped-def]
    one_time = api.call("POST", f"{V1}/users/chuyenvien/password-reset", "quantri").json()["one_time_password"]
    token = api.client.post(f"{V1}/auth/token", data={"username": "chuyenvien", "password": one_time})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}, one_time


def test_a_bearer_token_for_a_one_time_password_is_refused_until_the_password_is_changed(api, world):
    headers, one_time = one_time_bearer(api)
    for method, path in (("GET", f"{V1}/auth/me"), ("GET", f"{V1}/agencies/{OWN}/documents"),
                         ("POST", f"{V1}/agencies/{OWN}/documents")):
        r = api.call(method, path, headers=headers, json={"code": "QT-99", "title": "X", "kind": "form",
                                                          "department": "leadership"})
        assert r.status_code == 403, (path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "password_change_required" and "mật khẩu" in body["detail"]
        assert "one-time password" in body["detail_en"]
    changed = api.call("POST", f"{V1}/auth/password", headers=headers,
                       json={"current_password": one_time, "new_password": "mat-khau-moi-cua-toi"})
    assert changed.status_code == 204
    me = api.call("GET", f"{V1}/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "chuyenvien"


def test_a_one_time_password_holder_may_still_sign_out_and_others_are_not_affected(api, world):
    headers, _ = one_time_bearer(api)
    assert api.call("GET", f"{V1}/auth/me", "danhgia").status_code == 200
    assert api.call("DELETE", f"{V1}/auth/session", headers=headers).status_code == 204
    assert api.call("GET", f"{V1}/auth/me", headers=headers).status_code == 401
    assert api.client.post(f"{V1}/auth/token", data={"username": "chuyenvien", "password": PASSWORD}
                           ).status_code == 401
