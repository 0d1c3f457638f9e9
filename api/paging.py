"""Keyset pagination: an opaque cursor holding the sort key of the last row of the previous page."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import Query

from api.errors import ApiError

Limit = Annotated[int, Query(ge=1, le=500, description="Số mục mỗi trang / page size")]
Cursor = Annotated[str | None, Query(max_length=500, description="next_cursor của trang trước / from the last page")]


def encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")


def decode(cursor: str | None, arity: int) -> list[Any] | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        values = None
    if not isinstance(values, list) or len(values) != arity or not all(_storable(v) for v in values):
        raise ApiError(400, "invalid_cursor", "Con trỏ trang không hợp lệ.", "The cursor is invalid.",
                       field="cursor")
    return values


def _storable(value: Any) -> bool:
    """A key a database compares: text without NUL, or an integer of 64 bits (a larger one overflows SQLite)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and "\x00" not in value


def page(cur: Any, sql: str, params: list[Any], keys: list[str], cursor: str | None, limit: int,
         columns: list[str]) -> tuple[list[dict[str, Any]], str | None]:
    """Runs ``sql`` (which ends in a WHERE clause) ordered by ``keys``, one page after ``cursor``."""
    after = decode(cursor, len(keys))
    if after is not None:
        sql += f" AND ({', '.join(keys)}) > ({', '.join('?' * len(keys))})"
        params = [*params, *after]
    sql += f" ORDER BY {', '.join(keys)} LIMIT ?"
    cur.execute(sql, (*params, limit + 1))
    rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode([rows[-1][k.split(".")[-1]] for k in keys])
    return rows, nxt
