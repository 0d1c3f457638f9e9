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

from projections.text import query_words, words

# The SQLite full-text tables (external content: they index the views' rows and store nothing else).
INDEX_TABLES = ("documents_fts", "records_fts")


def schema(postgres: bool) -> list[str]:
    """The indexes, made once with the view tables (by the owner role on PostgreSQL; no extension needed)."""
    if postgres:  # the agency's words weighted A, the row's own D (to_tsvector's default)
        return [statement for table in ("documents", "records") for statement in (
            f"""ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS
                (setweight(to_tsvector('simple', translate(agency_id, '-', ' ')), 'A')
                 || to_tsvector('simple', search)) STORED""",
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING GIN (search_vector)")]
    statements = []
    for table in ("documents", "records"):
        fts = f"{table}_fts"
        statements += [
            f"""CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(agency_id, search, content='{table}',
                content_rowid='rowid', tokenize="unicode61 remove_diacritics 2")""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO {fts}(rowid, agency_id, search) VALUES (new.rowid, new.agency_id, new.search); END""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN
                INSERT INTO {fts}({fts}, rowid, agency_id, search)
                VALUES ('delete', old.rowid, old.agency_id, old.search); END""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF agency_id, search ON {table} BEGIN
                INSERT INTO {fts}({fts}, rowid, agency_id, search)
                VALUES ('delete', old.rowid, old.agency_id, old.search);
                INSERT INTO {fts}(rowid, agency_id, search) VALUES (new.rowid, new.agency_id, new.search); END""",
        ]
    return statements


def source(table: str, q: str | None, agency_id: str | None = None, *, postgres: bool) -> tuple[str, list[Any]]:
    """``(FROM ..., params)``: the rows of ``table`` (documents, records) that ``q`` finds, through the engine's
    full-text index; every row when ``q`` holds no word. Columns are to be named ``table.column``.

    With ``agency_id`` the index is asked only for that agency's rows (its id's words are indexed beside the
    text: an FTS5 column on SQLite, words of weight A in PostgreSQL's stored ``search_vector``), so words common
    to a whole province cost no more than one agency's share; the caller still compares ``agency_id`` itself, as
    ids sharing words ("so-01", "so-01-b") both match there. On SQLite the index is read first (a CROSS JOIN
    keeps that order)."""
    found = query_words(q or "")
    if not found:
        return f"FROM {table}", []
    if postgres:
        terms = " & ".join([f"{w}:D" for w in found[:-1]] + [f"{found[-1]}:*D"]
                           + [f"{w}:A" for w in words(agency_id or "").split()])
        return f"FROM {table} WHERE {table}.search_vector @@ to_tsquery('simple', ?)", [terms]
    terms = " AND ".join([f'"{w}"' for w in found[:-1]] + [f'"{found[-1]}"*'])
    if agency_id and words(agency_id):
        terms = f'agency_id : "{words(agency_id)}" AND search : ({terms})'
    return (f"FROM {table}_fts CROSS JOIN {table} ON {table}.rowid = {table}_fts.rowid WHERE {table}_fts MATCH ?",
            [terms])


def sort_key(table: str, q: str | None) -> tuple[str, list[Any]]:
    """``(expression, params)`` of the column a register is ordered and paged by: the code, or with words to
    search for, the rank (phrase first, then shorter first, as seven digits) followed by the code."""
    found = query_words(q or "")
    if not found:
        return f"{table}.code", []
    return (f"CAST((CASE WHEN (' ' || {table}.search) LIKE ? THEN 1 ELSE 2 END) * 1000000 + LENGTH({table}.search) "
            f"AS TEXT) || {table}.code", ["% " + " ".join(found) + "%"])
