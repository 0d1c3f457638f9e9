"""Who has read and understood each issued version (đã đọc và hiểu): one row per person and version."""

from __future__ import annotations

from projections.views import Ev, Exec

TABLES = ("acknowledgements",)

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS acknowledgements (
        document_id TEXT NOT NULL, n INTEGER NOT NULL, user_id TEXT NOT NULL, agency_id TEXT NOT NULL,
        at TEXT NOT NULL, PRIMARY KEY (document_id, n, user_id))""",
]


def apply(x: Exec, e: Ev) -> None:
    if e.kind == "Document" and e.type == "Acknowledged":
        m = e.f["meta"]
        x("INSERT INTO acknowledgements VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
          (e.aggregate_id, e.f["version"], m["user_id"], m["agency_id"], e.at))
