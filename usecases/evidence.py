"""Evidence for auditors: the signed checkpoints of the tree over the log, proofs, and evidence bundles."""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

from evidence.bundle import export_bundle
from ledger.actors import Actor
from ledger.errors import NotAllowed
from ledger.vocabulary import Role
from usecases import roles as R
from usecases.deps import Deps
from usecases.history import Histories, Kind
from usecases.visibility import Visibility, not_found


class Evidence:
    def __init__(self, deps: Deps, visibility: Visibility, history: Histories) -> None:
        self.deps, self.visibility, self.history = deps, visibility, history

    def checkpoints(self) -> Any:
        """The signed checkpoints, after a catch-up (which makes the checkpoint that is due)."""
        self.deps.projections.fresh()
        return self.deps.checkpoints

    def published(self) -> dict[str, Any] | None:
        """The latest signed checkpoint as the public page shows it (for outsiders to keep; times UTC ISO 8601,
        ``stamped`` the RFC 3161 time-stamp's time or None), or None when there is none."""
        import base64

        from evidence.isoledger_verify import read_timestamp

        checkpoints = self.deps.checkpoints
        if checkpoints is None:
            return None
        checkpoints.maybe_make()  # one is due after some minutes even when nothing new came in since the last catch-up
        found = checkpoints.latest()
        if found is None:
            return None
        stamped = None
        if found.timestamp_token:
            try:
                stamped = read_timestamp(base64.b64decode(found.timestamp_token))[1].isoformat()
            except ValueError:
                stamped = None
        return {"tree_size": found.tree_size, "root_hash": found.root_hash, "made_at": found.made_at,
                "note": found.note, "stamped": stamped, "key": checkpoints.key.verifier_key,
                "every_events": checkpoints.every_events, "every_minutes": round(checkpoints.every_seconds / 60)}

    def verifier_key(self) -> str:
        """The installation's checkpoint verifier key (public)."""
        return str(self.deps.checkpoints.key.verifier_key)

    def inclusion(self, actor: Actor, position: int, tree_size: int | None) -> Any:
        """The inclusion proof of the event at ``position`` (None without a checkpoint that includes it)."""
        if self.visibility.agency_of_event(position) not in self.visibility.visible_agencies(actor,
                                                                                             frozenset(R.FEED)):
            raise not_found(("sự kiện", "event"))
        return self.checkpoints().inclusion(position, tree_size)

    def bundle(self, actor: Actor, kind: Kind, aggregate_id: str, out: IO[bytes]) -> dict[str, Any]:
        """Writes the evidence bundle of a document or record ``actor`` may audit to ``out``; returns its state.

        A confidential record's bundle holds its files: only the records controller and the agency leader."""
        state = self.history.load(actor, kind, aggregate_id)
        if state.get("confidentiality") == "confidential" and not actor.roles & {Role.RECORDS_CONTROLLER,
                                                                                 Role.AGENCY_LEADER}:
            raise NotAllowed("Hồ sơ mật: chỉ người kiểm soát hồ sơ và lãnh đạo cơ quan được xuất gói chứng cứ có tệp "
                             "của hồ sơ.", "A confidential record's evidence bundle holds its files: only the "
                             "records controller and the agency leader may export it.", code="confidential")
        checkpoints = self.checkpoints()
        validate = None
        if self.deps.signing is not None:
            service = self.deps.signing()
            validate = lambda pdf: [asdict(r) for r in service.validate(pdf, offline=True)]  # noqa: E731
        export_bundle(self.deps.ledger, self.deps.archive, self.deps.db, checkpoints, state["id"], out,
                      validate=validate)
        return state
