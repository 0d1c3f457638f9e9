"""Accent-insensitive folding of Vietnamese text for search ("quy trinh" finds "quy trình")."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")  # letters and digits; anything else separates words


class _Folded(dict[int, str]):
    """Each character without its accents (NFD, then no combining marks; đ is d), worked out once per character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        self[code] = folded
        return folded


_FOLDED = _Folded({ord("đ"): "d", ord("Đ"): "D"})


def fold(text: str) -> str:
    return text.translate(_FOLDED).lower()


def words(text: str) -> str:
    """The folded words of ``text``, one space between them: what the search indexes hold ("QT-01 Quy trình
    tiếp nhận" -> "qt 01 quy trinh tiep nhan"). Both engines' tokenizers split this text the same way."""
    return " ".join(_WORD.findall(fold(text)))


def query_words(q: str) -> list[str]:
    """The folded words of what someone searched for. ``%`` and ``_`` are dropped (never wildcards, never
    separators: "quy_trình" is the one word "quytrinh")."""
    return _WORD.findall(fold(q).replace("%", "").replace("_", ""))

