"""Sign-in CSRF: the login form carries a pre-session token (a signed, dated cookie and a hidden field derived
from it), so a sign-in posted from elsewhere, or with a stale form, is refused with a clear message."""

from __future__ import annotations

import re
import time
import warnings

import pytest

from api.deps import SESSION_COOKIE
from api.web import home
from tests.web.conftest import PASSWORD, Browser, Site

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

REFUSED = "Biểu mẫu đăng nhập đã hết hạn hoặc thiếu mã chống giả mạo (CSRF)"


def post_login(web: Browser, **data: str) -> object:
    return web.client.post("/login", data={"username": "thuky", "password": PASSWORD, "next": "/", **data},
                           follow_redirects=False)


def test_a_sign_in_without_the_token_is_refused_in_vietnamese(web: Browser) -> None:
    r = post_login(web)
    assert r.status_code == 403 and REFUSED in r.text and 'role="alert"' in r.text
    assert SESSION_COOKIE not in r.cookies and "Traceback" not in r.text
    assert 'value="thuky"' in r.text  # the username is kept; the password never is
    fresh = re.search(r'action="/login".*?name="csrf" value="([^"]+)"', r.text, re.S).group(1)  # a new token
    assert post_login(web, csrf=fresh).status_code == 303


def test_a_forged_or_foreign_token_is_refused(web: Browser, site: Site) -> None:
    token = web.login_csrf()
    assert post_login(web, csrf=token[:-2] + "xx").status_code == 403
    with TestClient(site.app) as other:  # another browser: the token without its cookie (a cross-site post)
        r = other.post("/login", data={"csrf": token, "username": "thuky", "password": PASSWORD},
                       follow_redirects=False)
        assert r.status_code == 403 and REFUSED in r.text
        other.get("/login")  # its own cookie does not make someone else's token valid
        r = other.post("/login", data={"csrf": token, "username": "thuky", "password": PASSWORD},
                       follow_redirects=False)
        assert r.status_code == 403
    web.client.cookies.set(home.LOGIN_COOKIE, "abc.1.def", path="/login")
    assert post_login(web, csrf=token).status_code == 403


def test_an_old_sign_in_form_has_expired(web: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    token = web.login_csrf()
    later = time.time() + home.LOGIN_TTL + 5
    monkeypatch.setattr(home.time, "time", lambda: later)
    r = post_login(web, csrf=token)
    assert r.status_code == 403 and REFUSED in r.text


def test_the_english_message_and_a_good_sign_in_clears_the_form_cookie(web: Browser) -> None:
    web.get("/lang/en")
    r = post_login(web)
    assert r.status_code == 403 and "lacks its anti-forgery (CSRF) token" in r.text
    r = post_login(web, csrf=web.login_csrf())
    assert r.status_code == 303 and SESSION_COOKIE in r.cookies
    assert 'isoledger_login=""' in r.headers.get("set-cookie", "")
