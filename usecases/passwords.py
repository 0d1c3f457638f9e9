"""The password rules: 12 to 200 characters, not the username, not one of the commonly used passwords."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ledger.errors import InvalidInput

MIN_PASSWORD = 12
MAX_PASSWORD = 200
# Common in Vietnam and not in the packaged list (which is English-speaking): checked the same way.
LOCAL = ("matkhau", "matkhau123", "matkhau123456", "matkhaumoi", "vietnam", "vietnam123456", "anhyeuem",
         "anhyeuem123456", "iloveyou1234", "isoledger", "isodientu", "quantri", "quantri123456", "admin1234567",
         "administrator")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords of the zxcvbn package's frequency list, and a few local ones, lowercase."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"]) | frozenset(LOCAL)


def _folded(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def check_password(password: Any, field: str = "password", *, username: str | None = None) -> str:
    """``password`` if it follows the rules; InvalidInput naming ``field`` (Vietnamese and English) otherwise."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
                           f"A password needs at least {MIN_PASSWORD} characters.", field=field,
                           code="password_too_short")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"Mật khẩu dài quá {MAX_PASSWORD} ký tự.",
                           f"The password is longer than {MAX_PASSWORD} characters.", field=field,
                           code="password_too_long")
    if username and _folded(password) in (_folded(username), _folded(username) * 2, _folded(username)[::-1]):
        raise InvalidInput("Mật khẩu không được là tên đăng nhập.", "The password must not be the username.",
                           field=field, code="password_is_username")
    if password.lower() in common_passwords() or _folded(password) in common_passwords():
        raise InvalidInput("Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị dò; hãy chọn mật khẩu khác.",
                           "This password is on the list of common passwords that are easily guessed; choose "
                           "another.", field=field, code="password_common")
    return password
