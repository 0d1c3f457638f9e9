"""Paging for long lists: a cursor on the sort key (``?after=`` / ``?before=``), so rows added or removed
meanwhile never shift a page; links to the first, previous and next pages keep the filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

PAGE_SIZE = 50  # rows of a register page
TIMELINE_PAGE = 50  # events of a timeline page


@dataclass
class Pager:
    total: int
    first: int  # 1-based position of the page's first row (0 when empty)
    last: int
    first_url: str | None = None
    prev_url: str | None = None
    next_url: str | None = None
    last_url: str | None = None

    @property
    def several(self) -> bool:
        return bool(self.first_url or self.prev_url or self.next_url or self.last_url)


def url_with(request: Request, **changes: Any) -> str:
    """This page's address with some query values changed (None removes one); ``ok`` never carries over."""
    query = {k: v for k, v in request.query_params.items() if k not in ("after", "before", "start", "ok")}
    query.update({k: v for k, v in changes.items() if v is not None})
    return request.url.path + ("?" + urlencode(query) if query else "")


def keyset(request: Request, cur: Any, select: str, base: str, params: list[Any], *, after: str | None,
           before: str | None, size: int = PAGE_SIZE, key: str = "code") -> tuple[list[dict[str, Any]], Pager]:
    """One page of ``SELECT <select> <base>`` (``base`` = ``FROM ... WHERE ...``) ordered by ``key``, a unique
    column: ``after`` = the rows following that key, ``before`` = the rows preceding it."""
    if before:
        tail, extra, backwards = f" AND {key} < ? ORDER BY {key} DESC LIMIT ?", [before, size + 1], True
    elif after:
        tail, extra, backwards = f" AND {key} > ? ORDER BY {key} LIMIT ?", [after, size + 1], False
    else:
        tail, extra, backwards = f" ORDER BY {key} LIMIT ?", [size + 1], False
    cur.execute(f"SELECT {select} {base}{tail}", tuple(params + extra))
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    cur.execute(f"SELECT COUNT(*) {base}", tuple(params))
    total = int(cur.fetchone()[0])
    earlier = 0
    if rows:
        cur.execute(f"SELECT COUNT(*) {base} AND {key} < ?", tuple([*params, rows[0][key]]))
        earlier = int(cur.fetchone()[0])
    pager = Pager(total=total, first=earlier + 1 if rows else 0, last=earlier + len(rows))
    if rows and earlier:
        pager.first_url = url_with(request)
        pager.prev_url = url_with(request, before=rows[0][key])
    if rows and (more if not backwards else earlier + len(rows) < total):
        pager.next_url = url_with(request, after=rows[-1][key])
    return rows, pager


def numbered(request: Request, items: list[Any], start: int | None, size: int) -> tuple[list[Any], Pager]:
    """A page of an in-memory list by position (a timeline: events are numbered 1..n and never removed)."""
    total = len(items)
    last_start = max(1, ((total - 1) // size) * size + 1) if total else 1
    begin = min(max(1, start or 1), last_start)
    chunk = items[begin - 1:begin - 1 + size]
    pager = Pager(total=total, first=begin if chunk else 0, last=begin + len(chunk) - 1 if chunk else 0)
    if begin > 1:
        pager.first_url = url_with(request)
        pager.prev_url = url_with(request, start=max(1, begin - size))
    if begin + size <= total:
        pager.next_url = url_with(request, start=begin + size)
        pager.last_url = url_with(request, start=last_start)
    return chunk, pager
