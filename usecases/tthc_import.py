"""The one-stop system's (một cửa / iGate) TTHC feed: a JSON or CSV file read into checked rows (docs/tthc.md)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from ledger.errors import InvalidInput, LedgerError
from ledger.tthc import Row, check_row

FORMAT = "isoledger-tthc/1"
COLUMNS = ("code", "name", "field", "level", "document", "period", "received", "on_time", "late", "pending")
MAX_ROWS = 200_000
MAX_PROBLEMS = 200  # a report longer than this says only how many more there were


@dataclass(frozen=True)
class Feed:
    """A feed file read and checked: its agency, rows, SHA-256 and format ("json" or "csv")."""

    agency_id: str
    rows: list[Row]
    sha256: str
    filename: str
    format: str
    lines: list[int]  # each row's number in the file (the CSV line, or the JSON row from 1)


def problem(row: int, field: str | None, vi: str, en: str) -> dict[str, Any]:
    return {"row": row, "field": field, "detail": vi, "detail_en": en}


def read_feed(data: bytes, filename: str, *, agency_id: str | None = None) -> Feed:
    """Every row checked before anything is recorded: InvalidInput (code ``bad_rows``) lists each bad row's number
    (the CSV line, or the JSON row from 1), field and what is wrong, in Vietnamese and English."""
    sha256 = hashlib.sha256(data).hexdigest()
    fmt = "json" if filename.lower().endswith(".json") or data.lstrip()[:1] in (b"{", b"[") else "csv"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("Tệp phải mã hóa UTF-8.", "The file must be UTF-8.", field="file") from None
    named, raw = _json_rows(text) if fmt == "json" else _csv_rows(text)
    if len(raw) > MAX_ROWS:
        raise InvalidInput(f"Tệp có quá {MAX_ROWS:,} dòng.".replace(",", "."),
                           f"The file has more than {MAX_ROWS:,} rows.", field="rows")
    problems: list[dict[str, Any]] = []
    agencies = {a for a in named if a}
    if agency_id and agencies - {agency_id}:
        problems.append(problem(0, "agency_id", f"Tệp dành cho cơ quan {', '.join(sorted(agencies))}, không phải "
                                f"{agency_id}.", f"The file is for {', '.join(sorted(agencies))}, not {agency_id}."))
    elif not agency_id and len(agencies) != 1:
        problems.append(problem(0, "agency_id", "Cần đúng một cơ quan: ghi agency_id trong tệp hoặc dùng --agency.",
                                "Exactly one agency is needed: agency_id in the file, or --agency."))
    rows: list[Row] = []
    lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    listing: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, item in raw:
        try:
            row = check_row(item)
        except LedgerError as e:
            problems.append(problem(number, e.field, e.message_vi, e.message_en))
            continue
        first = seen.setdefault((row.code, row.period), number)
        if first != number:
            problems.append(problem(number, "period", f"Thủ tục {row.code} kỳ {row.period} đã có ở dòng {first}.",
                                    f"Procedure {row.code}, period {row.period} is already on row {first}."))
            continue
        before = listing.setdefault(row.code, (number, row.listing))
        differ = [k for k in row.listing if row.listing[k] != before[1][k]]
        if differ:
            problems.append(problem(number, differ[0], f"Thủ tục {row.code}: «{differ[0]}» khác với dòng {before[0]}.",
                                    f"Procedure {row.code}: '{differ[0]}' differs from row {before[0]}."))
            continue
        rows.append(row)
        lines.append(number)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        raise InvalidInput(f"Tệp có {len(problems)} lỗi; chưa ghi nhận gì.",
                           f"The file has {len(problems)} problem(s); nothing was recorded.", field="rows",
                           code="bad_rows", problems=shown, more=len(problems) - len(shown))
    return Feed(agency_id or next(iter(agencies)), rows, sha256, filename, fmt, lines)


def _json_rows(text: str) -> tuple[set[str], list[tuple[int, dict[str, Any]]]]:
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise InvalidInput(f"Tệp JSON không đọc được: {e}.", f"The JSON file cannot be read: {e}.",
                           field="file") from None
    if isinstance(doc, dict):
        if doc.get("format", FORMAT) != FORMAT:
            raise InvalidInput(f"Định dạng «{doc.get('format')}» không được hỗ trợ; dùng {FORMAT}.",
                               f"Format '{doc.get('format')}' is not supported; use {FORMAT}.", field="format")
        agency, items = doc.get("agency_id"), doc.get("rows")
    else:
        agency, items = None, doc
    if not isinstance(items, list):
        raise InvalidInput("Tệp JSON cần danh sách «rows».", "The JSON file needs a 'rows' list.", field="rows")
    out = [(i, x if isinstance(x, dict) else {}) for i, x in enumerate(items, start=1)]
    named = {str(agency)} if agency else {str(x["agency_id"]) for _, x in out if x.get("agency_id")}
    return named, out


def _csv_rows(text: str) -> tuple[set[str], list[tuple[int, dict[str, Any]]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header and c != "document"]
    if missing:
        raise InvalidInput(f"Dòng tiêu đề thiếu cột: {', '.join(missing)}.",
                           f"The header row lacks the column(s): {', '.join(missing)}.", field="file")
    reader.fieldnames = header
    out = []
    for item in reader:
        out.append((reader.line_num, {k: (val.strip() if isinstance(val, str) else val) for k, val in item.items()
                                      if k is not None}))
    return {x["agency_id"] for _, x in out if x.get("agency_id")}, out
