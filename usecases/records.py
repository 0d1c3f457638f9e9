"""Records (hồ sơ): open, add files, close, holds, loans, destruction, confidential access, reading files."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.actors import Actor
from ledger.errors import NotFound
from ledger.files import FileKind, file_scope
from ledger.vocabulary import GrantState
from usecases import roles as R
from usecases.deps import Deps
from usecases.files import OpenFile, Upload, open_stored, store
from usecases.outcome import Done, done
from usecases.visibility import RECORD, Visibility

READERS = frozenset(R.RECORD_READERS)


def as_seen_by(state: dict[str, Any], access: str | None) -> dict[str, Any]:
    """The record as someone whose file access is ``access`` sees it: without ``access`` (a confidential record,
    not theirs to read), each file is only its size, type and hash — no name, no description, no bytes."""
    shown = dict(state, file_access=access)
    if access is None:
        shown["files"] = [{"withheld": True, "description": None,
                           "file": {k: f["file"][k] for k in ("sha256", "size", "media_type")}}
                          for f in state["files"]]
    return shown


class Records:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def _own(self, actor: Actor, record_id: str) -> None:
        self.visibility.check_own_record(actor, record_id)

    def open(self, actor: Actor, agency_id: str, *, code: str, title: str, series: str,
             retention_years: int | None, legal_basis: str, confidentiality: str = "normal") -> Done:
        self.visibility.check_own(actor, agency_id)
        record_id = self.deps.ledger.open_record(actor, code=code, title=title, series=series,
                                                 retention_years=retention_years, legal_basis=legal_basis,
                                                 confidentiality=confidentiality)
        return done(self.deps, record_id)

    def get(self, actor: Actor, record_id: str) -> dict[str, Any]:
        """The record as ``actor`` may see it (a confidential record's files withheld from who may not read them)."""
        state = self.visibility.record(actor, record_id, READERS)
        return as_seen_by(state, self.deps.ledger.file_access(actor, record_id))

    def add_file(self, actor: Actor, record_id: str, upload: Upload, *, description: str = "",
                 expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        ref = store(self.deps.archive, upload, file_scope(FileKind.RECORD, record_id))  # files, then facts
        self.deps.ledger.add_file(actor, record_id, file=ref.to_dict(), description=description,
                                  expected_version=expected_version)
        return done(self.deps, record_id, file=ref)

    def open_file(self, actor: Actor, record_id: str, index: int) -> OpenFile:
        """A record's ``index``-th file (from 1): who may not read it is refused before the archive is touched; a
        confidential record's read is saved as an event once the object opened and before any byte is sent."""
        state = self.visibility.record(actor, record_id, READERS)
        if state["destroyed"] or not 1 <= index <= len(state["files"]):
            raise NotFound("Không có tệp này trong hồ sơ.", "No such file in the record.", code="no_such_file",
                           field="index")
        ledger = self.deps.ledger
        ledger.check_file_access(actor, record_id)
        record_read = (lambda: ledger.read_record_file(actor, record_id, index)) \
            if state["confidentiality"] == "confidential" else None
        return open_stored(self.deps.archive, state["files"][index - 1]["file"], record_id, record_read)

    def close(self, actor: Actor, record_id: str, *, closed_on: date | str | None = None,
              expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.close_record(actor, record_id, closed_on=closed_on, expected_version=expected_version)
        return done(self.deps, record_id)

    def place_hold(self, actor: Actor, record_id: str, *, reason: str, expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.place_hold(actor, record_id, reason=reason, expected_version=expected_version)
        return done(self.deps, record_id)

    def release_hold(self, actor: Actor, record_id: str, *, expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.release_hold(actor, record_id, expected_version=expected_version)
        return done(self.deps, record_id)

    def lend(self, actor: Actor, record_id: str, *, borrower: str, purpose: str, due_on: date | str,
             approved_by: str, expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.lend(actor, record_id, borrower=borrower, purpose=purpose, due_on=due_on,
                              approved_by=approved_by, expected_version=expected_version)
        return done(self.deps, record_id)

    def extend_loan(self, actor: Actor, record_id: str, *, due_on: date | str,
                    expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.extend_loan(actor, record_id, due_on=due_on, expected_version=expected_version)
        return done(self.deps, record_id)

    def take_back(self, actor: Actor, record_id: str, *, received_by: str, note: str = "",
                  expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.take_back(actor, record_id, received_by=received_by, note=note,
                                   expected_version=expected_version)
        return done(self.deps, record_id)

    def propose_destruction(self, actor: Actor, record_id: str, *, reason: str,
                            expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.propose_destruction(actor, record_id, reason=reason, expected_version=expected_version)
        return done(self.deps, record_id)

    def approve_destruction(self, actor: Actor, record_id: str, *, decision_no: str, decided_by: str,
                            council: list[str], expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.approve_destruction(actor, record_id, decision_no=decision_no, decided_by=decided_by,
                                             council=council, expected_version=expected_version)
        return done(self.deps, record_id)

    def execute_destruction(self, actor: Actor, record_id: str, minutes: Upload, *, executed_by: str,
                            witnesses: list[str], method: str = "crypto_shredding",
                            expected_version: int | None = None) -> Done:
        """Stores the minutes, shreds the record's files and records it; rehearsed first, because shredding
        cannot be undone if the ledger then refused the event."""
        self._own(actor, record_id)
        ledger, archive = self.deps.ledger, self.deps.archive
        known = ledger.rehearse_destruction(actor, record_id, executed_by=executed_by, witnesses=witnesses,
                                            method=method, expected_version=expected_version)
        stored = store(archive, minutes, file_scope(FileKind.EVIDENCE, record_id))
        erased = archive.destroy_scope(file_scope(FileKind.RECORD, record_id))
        ledger.record_destruction(actor, record_id, executed_by=executed_by, witnesses=witnesses, method=method,
                                  minutes_file=stored.to_dict(), erased_hashes=sorted(set(erased) & set(known)),
                                  expected_version=expected_version)
        return done(self.deps, record_id, file=stored)

    def grant_access(self, actor: Actor, record_id: str, *, grantee: str, reason: str,
                     until: date | str | None = None, expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.grant_record_access(actor, record_id, grantee=grantee, reason=reason, until=until,
                                             expected_version=expected_version)
        return done(self.deps, record_id)

    def revoke_access(self, actor: Actor, record_id: str, *, grantee: str, reason: str,
                      expected_version: int | None = None) -> Done:
        self._own(actor, record_id)
        self.deps.ledger.revoke_record_access(actor, record_id, grantee=grantee, reason=reason,
                                              expected_version=expected_version)
        return done(self.deps, record_id)

    def grants(self, actor: Actor, record_id: str) -> list[dict[str, Any]]:
        """Every grant of the record, newest first, with its state and how often the grantee read a file."""
        self.visibility.record(actor, record_id, READERS)
        self.deps.projections.fresh()
        today = self.deps.ledger.today().isoformat()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT g.grantee, g.granted_by, g.reason, g.until, g.granted_at, g.revoked_at, "
                        "g.revoked_by, g.reads, u.full_name FROM record_grants g LEFT JOIN users u "
                        "ON u.username=g.grantee WHERE g.record_id=? ORDER BY g.seq DESC", (record_id,))
            cols = [c[0] for c in cur.description]  # type: ignore[attr-defined]
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        for r in rows:
            r["state"] = GrantState.REVOKED if r["revoked_at"] else \
                GrantState.EXPIRED if r["until"] and r["until"] < today else GrantState.ACTIVE
        return rows


__all__ = ["RECORD", "Records", "as_seen_by"]
