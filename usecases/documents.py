"""Controlled documents: register, draft, revise, submit, review, approve, reject, issue, withdraw, obsolete."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.actors import Actor
from ledger.errors import NotFound
from ledger.files import FileKind, file_scope
from usecases import roles as R
from usecases.deps import Deps
from usecases.files import OpenFile, Upload, open_stored, store
from usecases.outcome import Done, done
from usecases.visibility import Visibility

READERS = frozenset(R.MEMBERS)


def version_of(state: dict[str, Any], n: int) -> dict[str, Any]:
    """Version ``n`` of the document (from 1), or 404 naming ``n``."""
    if not 1 <= n <= len(state["versions"]):
        raise NotFound(f"Không có phiên bản {n}.", f"There is no version {n}.", code="no_such_version", field="n")
    return state["versions"][n - 1]  # type: ignore[no-any-return]


class Documents:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def _own(self, actor: Actor, document_id: str) -> None:
        self.visibility.check_own_document(actor, document_id)

    def get(self, actor: Actor, document_id: str) -> dict[str, Any]:
        """The document now, if ``actor`` may read it (another agency's: 404)."""
        return self.visibility.document(actor, document_id, READERS)

    def register(self, actor: Actor, agency_id: str, *, code: str, title: str, kind: str, department: str) -> Done:
        self.visibility.check_own(actor, agency_id)
        document_id = self.deps.ledger.register_document(actor, code=code, title=title, kind=kind,
                                                         department=department)
        return done(self.deps, document_id)

    def create_draft(self, actor: Actor, document_id: str, upload: Upload, *, change_summary: str,
                     expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        ref = store(self.deps.archive, upload, file_scope(FileKind.VERSION, document_id))  # files, then facts
        n = self.deps.ledger.create_draft(actor, document_id, file=ref.to_dict(), change_summary=change_summary,
                                          expected_version=expected_version)
        return done(self.deps, document_id, n=n, file=ref)

    def revise_draft(self, actor: Actor, document_id: str, n: int, upload: Upload, *, change_summary: str,
                     expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        ref = store(self.deps.archive, upload, file_scope(FileKind.VERSION, document_id))
        self.deps.ledger.revise_draft(actor, document_id, n, file=ref.to_dict(), change_summary=change_summary,
                                      expected_version=expected_version)
        return done(self.deps, document_id, n=n, file=ref)

    def submit(self, actor: Actor, document_id: str, n: int, *, reviewers: list[str], approver: str,
               expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.submit_for_review(actor, document_id, n, reviewers=reviewers, approver=approver,
                                           expected_version=expected_version)
        return done(self.deps, document_id, n=n)

    def review(self, actor: Actor, document_id: str, n: int, *, verdict: str, comment: str = "",
               expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.review(actor, document_id, n, verdict=verdict, comment=comment,
                                expected_version=expected_version)
        return done(self.deps, document_id, n=n)

    def approve(self, actor: Actor, document_id: str, n: int, *, expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.approve(actor, document_id, n, expected_version=expected_version)
        return done(self.deps, document_id, n=n)

    def reject(self, actor: Actor, document_id: str, n: int, *, reason: str,
               expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.reject(actor, document_id, n, reason=reason, expected_version=expected_version)
        return done(self.deps, document_id, n=n)

    def issue(self, actor: Actor, document_id: str, n: int, *, effective_from: date | str, distribution: list[str],
              expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.issue(actor, document_id, n, effective_from=effective_from, distribution=distribution,
                               expected_version=expected_version)
        return done(self.deps, document_id, n=n)

    def withdraw(self, actor: Actor, document_id: str, n: int, *, reason: str,
                 expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.withdraw(actor, document_id, n, reason=reason, expected_version=expected_version)
        return done(self.deps, document_id, n=n)

    def obsolete(self, actor: Actor, document_id: str, *, reason: str, expected_version: int | None = None) -> Done:
        self._own(actor, document_id)
        self.deps.ledger.obsolete(actor, document_id, reason=reason, expected_version=expected_version)
        return done(self.deps, document_id)

    def open_file(self, actor: Actor, document_id: str, n: int) -> OpenFile:
        """The verified bytes of version ``n``'s current file (after its signatures)."""
        state = self.get(actor, document_id)
        return open_stored(self.deps.archive, version_of(state, n)["file"], file_scope(FileKind.VERSION, document_id))

    def open_public_file(self, document_id: str) -> OpenFile:
        """The file of the version in force, for anyone (công khai): 404 for a document not in force."""
        try:
            state = self.deps.ledger.document(document_id)
        except NotFound:
            raise NotFound("Không tìm thấy tài liệu.", "No such document.", field="id") from None
        if state["in_force"] is None:
            raise NotFound("Không tìm thấy tài liệu.", "No such document.", field="id")
        return open_stored(self.deps.archive, state["versions"][state["in_force"] - 1]["file"], document_id)
