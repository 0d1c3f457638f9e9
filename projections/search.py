"""Full-text search of the registers on each engine's own index: SQLite FTS5, PostgreSQL GIN over a tsvector.

Both index the ``search`` column the views keep (``projections.text.words``: code and title folded once in
Python, so "đ" is "d" and both engines see the very same words) and both answer the same question: every word
searched for is a word of the row, the last one possibly only its beginning ("bieu mau so 11" finds "Biểu mẫu số
11" and "… số 110"). Results are ranked the same way on both engines by ``sort_key`` (a text column, so paging
stays a keyset on one column): rows holding the words as one phrase first, then shorter texts first (the searched
words are more of what the row says: BM25's length normalisation, which is all that tells rows apart when every
row holds every word), then the code.
"""

from __future__ import annotations

from typing import Any

from projections.text import query_words

# The SQLite full-text tables (external content: they index the views' rows and store nothing else).
INDEX_TABLES = ("documents_fts", "records_fts")


def schema(postgres: bool) -> list[str]:
    """The indexes, made once with the view tables (by the owner role on PostgreSQL; no extension needed)."""
    if postgres:
        return [f"CREATE INDEX IF NOT EXISTS {table}_words ON {table} USING GIN (to_tsvector('simple', search))"
                for table in ("documents", "records")]
    statements = []
    for table in ("documents", "records"):
        fts = f"{table}_fts"
        statements += [
            f"""CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search, content='{table}',
                content_rowid='rowid', tokenize="unicode61 remove_diacritics 2")""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO {fts}(rowid, search) VALUES (new.rowid, new.search); END""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN
                INSERT INTO {fts}({fts}, rowid, search) VALUES ('delete', old.rowid, old.search); END""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search ON {table} BEGIN
                INSERT INTO {fts}({fts}, rowid, search) VALUES ('delete', old.rowid, old.search);
                INSERT INTO {fts}(rowid, search) VALUES (new.rowid, new.search); END""",
        ]
    return statements


def match(table: str, q: str | None, *, postgres: bool) -> tuple[str, list[Any]] | None:
    """``(condition, params)`` choosing the rows of ``table`` (documents, records) that ``q`` finds, through
    the engine's full-text index; None when ``q`` holds no word (nothing to search for: every row)."""
    found = query_words(q or "")
    if not found:
        return None
    if postgres:
        terms = " & ".join(found[:-1] + [f"{found[-1]}:*"])
        return "to_tsvector('simple', search) @@ to_tsquery('simple', ?)", [terms]
    terms = " AND ".join([f'"{w}"' for w in found[:-1]] + [f'"{found[-1]}"*'])
    return f"{table}.rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)", [terms]


def sort_key(q: str | None) -> tuple[str, list[Any]]:
    """``(expression, params)`` of the column a register is ordered and paged by: the code, or with words to
    search for, the rank (phrase first, then shorter first, as seven digits) followed by the code."""
    found = query_words(q or "")
    if not found:
        return "code", []
    return ("CAST((CASE WHEN (' ' || search) LIKE ? THEN 1 ELSE 2 END) * 1000000 + LENGTH(search) AS TEXT) "
            "|| code", ["% " + " ".join(found) + "%"])
