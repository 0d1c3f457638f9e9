"""Maps ISOLEDGER_DATABASE_URL onto eventsourcing's persistence settings, in one place."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.errors import InvalidInput

APP_NAME = "isoledger"


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgresql://", "postgres://"))


def sqlite_path(database_url: str) -> str:
    """The file of a ``sqlite:///path`` URL (or a bare path)."""
    if database_url.startswith("sqlite:///"):
        return database_url[len("sqlite:///"):]
    return database_url


def default_database_url(home: Path) -> str:
    return f"sqlite:///{(home / 'isoledger.sqlite3').resolve()}"


def eventsourcing_env(database_url: str, *, create_tables: bool = True) -> dict[str, str]:
    """The environment eventsourcing reads for this URL (PostgreSQL via psycopg 3, or SQLite)."""
    env = {"CREATE_TABLE": "y" if create_tables else "n", "ORIGINATOR_ID_TYPE": "uuid"}
    if is_postgres(database_url):
        parts = urlsplit(database_url)
        if not parts.path.strip("/"):
            raise InvalidInput("Địa chỉ PostgreSQL thiếu tên cơ sở dữ liệu.",
                               "The PostgreSQL URL names no database.", field="ISOLEDGER_DATABASE_URL")
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=unquote(parts.path.strip("/")),
            POSTGRES_HOST=parts.hostname or "127.0.0.1",
            POSTGRES_PORT=str(parts.port or 5432),
            POSTGRES_USER=unquote(parts.username or "postgres"),
            # eventsourcing requires the variable to exist even when the server trusts local connections.
            POSTGRES_PASSWORD=unquote(parts.password or ""),
            POSTGRES_POOL_SIZE="10",
            POSTGRES_MAX_OVERFLOW="20",
            POSTGRES_LOCK_TIMEOUT="10",
            POSTGRES_CONNECT_TIMEOUT="5",
            POSTGRES_PRE_PING="y",  # a pooled connection is tried before use: a restarted server costs no request
            APPLICATION_RECORDER_TOPIC="ledger.pg_recorder:ConcurrentApplicationRecorder",
        )
    else:
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        env.update(PERSISTENCE_MODULE="ledger.sqlite_recorder:LedgerSQLiteFactory", SQLITE_DBNAME=path,
                   SQLITE_LOCK_TIMEOUT="10",
                   APPLICATION_RECORDER_TOPIC="ledger.sqlite_recorder:RequestMarkingSQLiteRecorder")
    return env
