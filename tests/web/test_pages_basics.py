"""Sign in and out, the language switch, the home page per role and the public page (no browser)."""

from __future__ import annotations

from tests.web.conftest import OWN, OWN_NAME, Browser, Site


def test_pages_need_sign_in_and_send_you_back_after(web: Browser) -> None:
    r = web.get("/inbox?tab=all", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/inbox%3Ftab%3Dall"
    r = web.client.post("/login", data={"csrf": web.login_csrf(), "username": "thuky",
                                        "password": "mat-khau-thu-nghiem-42", "next": "/inbox?tab=all"},
                        follow_redirects=False)
    assert r.headers["location"] == "/inbox?tab=all"


def test_wrong_password_is_shown_beside_the_field_in_vietnamese(web: Browser) -> None:
    r = web.client.post("/login", data={"csrf": web.login_csrf(), "username": "thuky", "password": "sai"})
    assert r.status_code == 401
    assert 'id="e-password"' in r.text and "Tên đăng nhập hoặc mật khẩu không đúng." in r.text
    assert "Traceback" not in r.text


def test_sign_in_never_redirects_to_another_site(web: Browser) -> None:
    r = web.client.post("/login", data={"csrf": web.login_csrf(), "username": "thuky",
                                        "password": "mat-khau-thu-nghiem-42", "next": "//evil.example/x"},
                        follow_redirects=False)
    assert r.headers["location"] == "/"


def test_home_of_the_secretary_lists_what_waits(web: Browser) -> None:
    web.login("thuky")
    r = web.get("/")
    assert r.status_code == 200
    assert "Dự thảo cần hoàn thiện" in r.text and "Lê Thị Thu Hà" in r.text and OWN_NAME in r.text


def test_home_of_archive_staff_shows_loans_and_destruction(web: Browser) -> None:
    web.login("vanthu")
    text = web.get("/").text
    assert "Hồ sơ mượn sắp đến hạn hoặc quá hạn" in text and "chờ hủy" in text


def test_language_switch_to_english_and_back(web: Browser) -> None:
    web.login("giamdoc")
    r = web.get("/lang/en?next=/", follow_redirects=True)
    assert '<html lang="en">' in r.text and "Waiting for your approval" in r.text
    r = web.get("/lang/vi?next=/", follow_redirects=True)
    assert "Chờ bạn phê duyệt" in r.text


def test_sign_out_needs_the_csrf_token_and_then_clears_the_session(web: Browser) -> None:
    web.login("thuky")
    r = web.client.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = web.post("/logout")
    assert r.status_code == 303 and r.headers["location"] == "/login?ok=signed_out"
    assert web.get("/", follow_redirects=False).status_code == 303


def test_public_page_needs_no_sign_in(web: Browser, site: Site) -> None:
    r = web.get(f"/cong-khai/{OWN}")
    assert r.status_code == 200 and OWN_NAME in r.text and "Chưa có tài liệu nào được công bố." in r.text
    assert web.get("/cong-khai/khong-co").status_code == 404


def test_signing_out_revokes_the_session_even_for_a_copied_cookie(web: Browser) -> None:
    web.login("thuky")
    stolen = dict(web.client.cookies)
    assert web.get("/", follow_redirects=False).status_code == 200
    assert web.post("/logout").status_code == 303
    for name, value in stolen.items():
        web.client.cookies.set(name, value)
    assert web.get("/", follow_redirects=False).status_code == 303  # back to the sign-in page
