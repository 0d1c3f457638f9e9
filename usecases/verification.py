"""The integrity check: the whole ledger (``ledger.verification``) or one document's or record's chain and files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.actors import Actor
from ledger.application import SNAPSHOT_INTERVAL
from ledger.files import FileKind, FileRef, file_scope, stored_scope
from ledger.integrity import GENESIS, canonical_bytes, chain_hash
from ledger.verification import Finding, IntegrityReport, verify_ledger
from ledger.vocabulary import Role
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import Visibility

AUDIT = frozenset(R.AUDIT)


@dataclass(frozen=True)
class LedgerCheck:
    """A report, and whether the caller may be told which document or record its first break is in."""

    report: IntegrityReport
    named: bool

    def to_dict(self) -> dict[str, Any]:
        """The report as the API answers it and the audit page shows it."""
        report, shown, brk = self.report, self.named, self.report.first_break
        first = None
        if brk is not None:
            first = {"position": brk.position, "aggregate_id": brk.aggregate_id if shown else None,
                     "version": brk.version if shown else None, "reason": brk.reason_en, "check": brk.check,
                     "reason_vi": brk.reason_vi, "reason_en": brk.reason_en, "key": brk.key if shown else None,
                     "text_vi": brk.text("vi", named=shown), "text_en": brk.text("en", named=shown)}
        problems = [{"aggregate_id": f.aggregate_id, "key": f.key, "code": f.problem_code, "problem_vi": f.reason_vi,
                     "problem_en": f.reason_en, "check": f.check, "filename": f.filename, "version": f.version}
                    for f in report.file_problems]
        return {"intact": report.intact, "events": report.events, "aggregates": report.aggregates,
                "first_break": first, "files_checked": report.files, "file_problems": problems,
                "agencies": list(report.agencies) if report.agencies is not None else None,
                "documents": report.documents, "records": report.records, "snapshots_checked": report.snapshots,
                "evidence_files_checked": report.evidence_files, "stopped_early": report.stopped_early,
                "summary_vi": report.summary("vi"), "summary_en": report.summary("en"),
                "checkpoints_checked": report.checkpoints,
                "tree_problems": [{"kind": t.problem_code or "tree", "reason_vi": t.reason_vi,
                                   "reason_en": t.reason_en} for t in report.tree_problems]}


class Verification:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def check_ledger(self, actor: Actor, *, agency_id: str | None = None, files: bool = True) -> LedgerCheck:
        """The check `isoledger verify` makes: every chain of the log, then the snapshots and stored files of the
        documents and records of ``agency_id`` (without it: the caller's agencies; the administrator's, all)."""
        admin = Role.ADMIN in actor.roles
        if agency_id is not None:
            if not admin:
                self.visibility.check_visible(actor, agency_id, AUDIT)
            agencies: list[str] | None = [agency_id]
        else:
            agencies = None if admin else self.visibility.visible_agencies(actor, AUDIT)
        self.deps.projections.fresh()  # the tree read model names what a checkpoint no longer finds
        report = self.run(agencies=agencies, files=files)
        return LedgerCheck(report, self._named(actor, report.first_break))

    def run(self, *, agencies: list[str] | None = None, files: bool = True,
            progress: Callable[[int], None] | None = None, since: Any = None) -> IntegrityReport:
        """``ledger.verification.verify_ledger`` over this installation (the operator's `isoledger verify`);
        ``since`` a verified checkpoint (``last_verified()``): only what came after it, the earlier events held
        against its signed root and the stored tree."""
        checkpoints = self.deps.checkpoints
        return verify_ledger(self.deps.ledger, self.deps.archive if files else None, agencies=agencies,
                             snapshot_interval=SNAPSHOT_INTERVAL, tree=lambda: checkpoints.verify_tree(since),
                             since=since.tree_size if since else 0, after=since.last_position if since else 0,
                             progress=progress)

    def last_verified(self) -> Any:
        """The largest checkpoint an earlier verification reproduced (None: there is none; verify everything)."""
        return self.deps.checkpoints.last_verified()

    def events_after(self, since: Any) -> int:
        """How many events a verification ``since`` that checkpoint walks (for a progress bar)."""
        after = since.last_position if since else 0
        return max((self.deps.ledger.recorder.max_notification_id() or 0) - after, 0)

    def record_verified(self, report: IntegrityReport, since: Any) -> None:
        """Notes the checkpoint ``report`` reproduced, so the next verification starts there."""
        self.deps.checkpoints.record_verified(report.verified_size, report.verified_position,
                                              "incremental" if since else "full")

    def _named(self, actor: Actor, brk: Finding | None) -> bool:
        if brk is None or Role.ADMIN in actor.roles:
            return True
        return brk.agency_id is not None and brk.agency_id in self.visibility.visible_agencies(actor, AUDIT)

    def chain(self, aggregate_id: str) -> dict[str, Any]:
        """Recomputes one aggregate's hash chain: intact, or the first event that does not hold."""
        ledger = self.deps.ledger
        decode = ledger.mapper.transcoder.decode
        previous, count = GENESIS, 0
        for stored in ledger.recorder.select_events(UUID(aggregate_id)):
            fields = decode(stored.state)
            recomputed = chain_hash(previous, canonical_bytes(aggregate_id, stored.originator_version,
                                                              stored.topic, fields))
            if stored.originator_version != count + 1 or fields.get("prev_hash") != previous or \
                    fields.get("hash") != recomputed:
                return {"intact": False, "events": count, "broken_at": stored.originator_version}
            previous, count = recomputed, count + 1
        return {"intact": True, "events": count, "broken_at": None}

    def files(self, state: dict[str, Any]) -> tuple[int, list[dict[str, str]]]:
        """How many files of a loaded document or record were read back, and the problems found in them."""
        problems = []
        checked = stored_files(state)
        for ref, scope in checked:
            result = self.deps.archive.verify(ref, scope)
            if not result.ok:
                problems.append({"name": ref.filename, "problem_vi": result.problem_vi,
                                 "problem_en": result.problem_en})
        return len(checked), problems


def stored_files(state: dict[str, Any]) -> list[tuple[FileRef, str]]:
    """The files one document or record keeps, each with its scope: a document's versions; a record's files, or
    once it is destroyed, its destruction minutes."""
    if state["type"] == "Document":
        return [(FileRef.from_dict(v["file"]), file_scope(FileKind.VERSION, state["id"])) for v in state["versions"]]
    out = [] if state.get("destroyed") else [(FileRef.from_dict(f["file"]), file_scope(FileKind.RECORD, state["id"]))
                                             for f in state["files"]]
    minutes = (state.get("destruction") or {}).get("minutes_file")
    if minutes:
        ref = FileRef.from_dict(minutes)
        out.append((ref, stored_scope(FileKind.EVIDENCE, state["id"], ref)))
    return out
