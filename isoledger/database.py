"""`isoledger init`: creates every table as the owner role and grants the runtime role what it may do."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from ledger.application import Ledger
from ledger.config import APP_NAME, is_postgres
from projections import outbox
from projections.db import Database
from projections.runner import Projector

EVENT_TABLES = (f"{APP_NAME}_events", f"{APP_NAME}_snapshots", f"{APP_NAME}_events_positions")
HISTORY_TABLES = ("merkle_checkpoints", "merkle_verified")
REQUESTS_TABLE = f"{APP_NAME}_events_requests"  # ledger.requests: which request wrote events; marks are pruned


def initialise(owner_url: str, runtime_url: str) -> list[str]:
    """Creates the event and view tables; on PostgreSQL with two roles, the runtime role may only
    SELECT and INSERT the event tables (append-only), while it may rewrite the rebuildable views."""
    ledger = Ledger(owner_url, create_tables=True)
    db = Database(owner_url)
    try:
        Projector(ledger, db).create_tables()
        done = ["event tables", "projection tables"]
        runtime_user = unquote(urlsplit(runtime_url).username or "")
        owner_user = unquote(urlsplit(owner_url).username or "")
        if is_postgres(owner_url) and runtime_user and runtime_user != owner_user:
            role = '"' + runtime_user.replace('"', '""') + '"'
            views = ", ".join(["projection_tracking", *Projector.tables(), *outbox.KEPT])
            with db.transaction() as cur:
                cur.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
                cur.execute(f"REVOKE ALL ON {', '.join(EVENT_TABLES)} FROM PUBLIC, {role}")
                cur.execute(f"GRANT SELECT, INSERT ON {', '.join(EVENT_TABLES)} TO {role}")
                cur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
                cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {views} TO {role}")
                # Signed checkpoints and the verifications that reproduced them are history, not rebuildable
                # views: appended, never rewritten.
                cur.execute(f"REVOKE ALL ON {', '.join(HISTORY_TABLES)} FROM PUBLIC, {role}")
                cur.execute(f"GRANT SELECT, INSERT ON {', '.join(HISTORY_TABLES)} TO {role}")
                # A request's mark is written with its events and forgotten after two days; never rewritten.
                cur.execute(f"REVOKE ALL ON {REQUESTS_TABLE} FROM PUBLIC, {role}")
                cur.execute(f"GRANT SELECT, INSERT, DELETE ON {REQUESTS_TABLE} TO {role}")
            done.append(f"grants for {runtime_user}: SELECT, INSERT only on {', '.join(EVENT_TABLES)}, "
                        f"{', '.join(HISTORY_TABLES)}; SELECT, INSERT, DELETE on {REQUESTS_TABLE}")
        return done
    finally:
        db.close()
        ledger.close()
