"""Administrative procedures (TTHC): the one-stop system's feed imported through the ledger, and the agency's list."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.actors import Actor
from ledger.application import Ledger
from ledger.errors import InvalidInput
from usecases import roles as R
from usecases.deps import Deps
from usecases.tthc_import import Feed, problem
from usecases.visibility import Visibility

Page = tuple[list[dict[str, Any]], str | None]  # rows and the next page's cursor
READERS = frozenset(R.MEMBERS)  # the agency's own people, and the inspectors of agencies that supervise it
PROC_COLUMNS = ["id", "code", "name", "field", "level", "document"]


@dataclass(frozen=True)
class Imported:
    """What an import did: the counts of each change (all zero: nothing was recorded) and earlier imports of the
    same file (who, when)."""

    agency_id: str
    sha256: str
    rows: int
    changes: dict[str, int]
    earlier: list[dict[str, Any]]

    @property
    def changed(self) -> bool:
        return any(self.changes.values())


class Procedures:
    """The TTHC of each agency and their processing figures, as the one-stop system reports them."""

    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def import_feed(self, actor: Actor, feed: Feed, *, progress: Callable[[int], None] | None = None) -> Imported:
        """Records a checked feed in the actor's own agency (another agency: 404). A governing document must be
        one of the agency's registered documents (else the rows naming it are reported, nothing recorded)."""
        self.visibility.agency(feed.agency_id)
        self.visibility.check_own(actor, feed.agency_id)
        self.deps.projections.fresh()
        earlier = self.imports_of(feed.agency_id, feed.sha256)
        self._check_documents(feed)
        changes = self.deps.ledger.import_procedures(actor, feed.rows, sha256=feed.sha256, filename=feed.filename,
                                                     fmt=feed.format, progress=progress)
        if any(changes.values()):
            self.deps.projections.after_command()
        return Imported(feed.agency_id, feed.sha256, len(feed.rows), changes, earlier)

    def _check_documents(self, feed: Feed) -> None:
        codes = sorted({r.document for r in feed.rows if r.document})
        if not codes:
            return
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT code FROM documents WHERE agency_id=? AND code IN ({','.join('?' * len(codes))})",
                        (feed.agency_id, *codes))
            known = {r[0] for r in cur.fetchall()}
        missing = [problem(i, "document", f"Cơ quan không có tài liệu {r.document}.",
                           f"The agency has no document {r.document}.")
                   for i, r in zip(feed.lines, feed.rows, strict=True) if r.document and r.document not in known]
        if missing:
            raise InvalidInput(f"{len(missing)} dòng nêu tài liệu không có trong cơ quan; chưa ghi nhận gì.",
                               f"{len(missing)} row(s) name a document the agency does not have; nothing was "
                               "recorded.", field="document", code="bad_rows", problems=missing[:200],
                               more=max(0, len(missing) - 200))

    def imports_of(self, agency_id: str, sha256: str) -> list[dict[str, Any]]:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT imported_by, imported_at, rows, changes FROM tthc_imports WHERE agency_id=? AND "
                        "sha256=? ORDER BY position", (agency_id, sha256))
            return [{"imported_by": a, "imported_at": b, "rows": n, "changes": json.loads(c)}
                    for a, b, n, c in cur.fetchall()]

    # ---- reads ------------------------------------------------------------------------------------
    def listed(self, who: Any, agency_id: str, read: Callable[[Any, str, list[Any]], Page], *,
               public: bool = False) -> tuple[dict[str, Any], Page, dict[str, dict[str, dict[str, int]]]]:
        """The agency, a page of its procedures (``read(cursor, sql-from-where, params)``) and the figures of
        those procedures per month. ``public``: no caller (the disclosure portal), else the agency's people."""
        agency = self.visibility.agency(agency_id)
        if not public:
            self.visibility.check_visible(who, agency_id, READERS)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            page = read(cur, "FROM procedures WHERE agency_id=?", [agency_id])
            return agency, page, self._figures(cur, [p["id"] for p in page[0]])

    @staticmethod
    def _figures(cur: Any, ids: list[str]) -> dict[str, dict[str, dict[str, int]]]:
        out: dict[str, dict[str, dict[str, int]]] = {i: {} for i in ids}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            cur.execute("SELECT procedure_id, period, received, on_time, late, pending, corrections FROM "
                        f"procedure_figures WHERE procedure_id IN ({','.join('?' * len(chunk))}) ORDER BY period",
                        tuple(chunk))
            for pid, period, received, on_time, late, pending, corrections in cur.fetchall():
                out[pid][period] = {"received": received, "on_time": on_time, "late": late, "pending": pending,
                                    "corrections": corrections}
        return out

    def totals(self, agency_id: str) -> list[dict[str, Any]]:
        """The agency's figures summed per month, newest first (the portal's summary)."""
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT period, SUM(received), SUM(on_time), SUM(late), SUM(pending) FROM procedure_figures "
                        "WHERE agency_id=? GROUP BY period ORDER BY period DESC", (agency_id,))
            return [{"period": p, "received": int(a), "on_time": int(b), "late": int(c), "pending": int(d)}
                    for p, a, b, c, d in cur.fetchall()]


def document_id(agency_id: str, code: str | None) -> str | None:
    return Ledger.document_id(agency_id, code) if code else None
