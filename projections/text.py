"""Accent-insensitive folding of Vietnamese text for search ("quy trinh" finds "quy trình")."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def search_pattern(q: str) -> str:
    """A LIKE pattern matching the folded search column wherever ``q`` occurs, accents ignored.

    ``%`` and ``_`` in what the user typed are dropped, so they never act as wildcards."""
    return "%" + fold(q).replace("%", "").replace("_", "") + "%"
