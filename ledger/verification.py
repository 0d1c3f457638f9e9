"""The one integrity check (CLI, API, web page): chains, snapshots, files and destruction evidence, with counts;
of the whole log, or incrementally of what is new since the last verified checkpoint."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from ledger.files import FileKind, FileRef
from ledger.references import references
from ledger.verify import Chain, ChainBreak, verify_chains, verify_snapshots

ITEMS = ("Document", "Record")
AGENCY_CHAINS = (*ITEMS, "Case")  # what a check of some agencies walks: their documents, records and QMS cases
_WHAT = {"Document": ("tài liệu", "document"), "Record": ("hồ sơ", "record"), "Agency": ("cơ quan", "agency"),
         "Account": ("tài khoản", "account"), "Department": ("phòng ban", "department"),
         "Case": ("mục QMS", "QMS case")}


class TreeProblem(Protocol):
    kind: str
    message_vi: str
    message_en: str
    positions: tuple[int, ...]
    aggregate_ids: tuple[str, ...]


class TreeCheck(Protocol):
    """The result of holding the log against its signed checkpoints (evidence.verify_tree)."""

    checkpoints: int
    latest_verified: int
    latest_position: int  # the log position of the last event of the checkpoint ``latest_verified``

    @property
    def problems(self) -> list[Any]: ...


class FileChecker(Protocol):
    def verify(self, ref: FileRef, scope: str) -> Any:
        """Reads the stored bytes; the result has ``ok``, ``code``, ``problem_en`` and ``problem_vi``."""


@dataclass(frozen=True)
class Finding:
    """Something that does not hold: a broken chain, a snapshot that differs, a stored file that is wrong or gone.

    ``position`` and ``version`` name the event (its place in the log, its number in its chain) that the
    finding is about: the broken event, the snapshot's version, or the event that referenced the file."""

    check: str  # "chain" | "tree" | "snapshot" | "file" | "evidence"
    aggregate_id: str
    aggregate_type: str | None
    agency_id: str | None
    item_code: str | None
    position: int
    version: int
    reason_en: str
    reason_vi: str
    key: str | None = None
    scope: str | None = None
    filename: str | None = None
    problem_code: str | None = None

    def text(self, lang: str = "vi", *, named: bool = True) -> str:
        """One sentence a person understands; ``named=False`` leaves out which document or record it is."""
        en = lang == "en"
        what = _WHAT.get(self.aggregate_type or "", ("mục", "item"))[1 if en else 0]
        whose = (f" {'of' if en else 'của'} {what} {self.item_code or self.aggregate_id}") if named else ""
        reason = self.reason_en if en else self.reason_vi
        if self.check == "tree":
            return reason
        if self.check == "chain":
            return (f"The hash chain{whose} breaks at event {self.version} (position {self.position} of the log): "
                    f"{reason}." if en else
                    f"Chuỗi băm{whose} bị đứt ở sự kiện thứ {self.version} (vị trí {self.position} trong sổ): "
                    f"{reason}.")
        if self.check == "snapshot":
            return (f"The snapshot{whose} at event {self.version}: {reason}." if en else
                    f"Ảnh chụp trạng thái{whose} ở sự kiện thứ {self.version}: {reason}.")
        name = f" «{self.filename}»" if self.filename and named else ""
        if self.check == "evidence":
            return (f"The destruction minutes{name}{whose}: {reason}" if en else
                    f"Biên bản hủy{name}{whose}: {reason}")
        return f"The file{name}{whose}: {reason}" if en else f"Tệp{name}{whose}: {reason}"


@dataclass(frozen=True)
class IntegrityReport:
    """What was checked (``agencies`` None: the whole ledger) with counts, and the first break if any.

    ``events``, ``aggregates``, ``documents`` and ``records`` count the chains walked in the scope;
    ``snapshots``, ``files`` (version, signed and record files) and ``evidence_files`` (destruction minutes)
    count what was read and compared. A broken chain stops the check (``stopped_early``): later events
    cannot be trusted, so no snapshot or file is read. ``since`` > 0: an incremental check, of the events after
    the checkpoint of that size only (at log position ``after``); the earlier ones were verified before.
    ``verified_size`` and ``verified_position``: the largest checkpoint the log reproduces, and where it ends."""

    agencies: tuple[str, ...] | None
    events: int
    aggregates: int
    documents: int
    records: int
    snapshots: int
    files: int
    evidence_files: int
    files_checked: bool
    stopped_early: bool
    first_break: Finding | None
    file_problems: tuple[Finding, ...]
    checkpoints: int = 0  # signed checkpoints the log was held against (0: not checked)
    tree_problems: tuple[Finding, ...] = ()
    since: int = 0
    after: int = 0
    verified_size: int = 0
    verified_position: int = 0
    cases: int = 0  # QMS cases (a policy, an objective...) among the chains walked

    @property
    def intact(self) -> bool:
        return self.first_break is None

    def summary(self, lang: str = "vi") -> str:
        """What was checked, in words: «Đã kiểm tra 53 sự kiện của 12 tài liệu và hồ sơ, 20 tệp, 2 biên bản hủy.»"""
        en = lang == "en"
        items = self.documents + self.records
        others = self.aggregates - items - self.cases
        parts = [f"Checked {_n(self.events, 'event')} of {items} documents and records" if en else
                 f"Đã kiểm tra {self.events} sự kiện của {items} tài liệu và hồ sơ"]
        if self.since:
            parts[0] = (f"Incremental, since the verified checkpoint of {self.since} events: " + parts[0][0].lower()
                        + parts[0][1:] + " (new events)" if en else
                        f"Kiểm tra gia tăng, từ điểm kiểm tra đã xác minh cỡ {self.since}: " + parts[0][0].lower()
                        + parts[0][1:] + " (sự kiện mới)")
        if self.cases:
            parts[0] += f", {_n(self.cases, 'QMS case')}" if en else f", {self.cases} mục QMS"
        if others:
            parts[0] += f" and {others} agencies and accounts" if en else f" cùng {others} cơ quan và tài khoản"
        if self.checkpoints:
            parts.append(_n(self.checkpoints, "signed checkpoint") if en else
                         f"{self.checkpoints} điểm kiểm tra đã ký")
        if self.snapshots:
            parts.append(_n(self.snapshots, "snapshot") if en else f"{self.snapshots} ảnh chụp trạng thái")
        if self.stopped_early:
            parts.append("stopped at the broken chain: no file was read" if en else
                         "dừng ở chuỗi băm bị đứt: chưa đọc tệp nào")
        elif self.files_checked:
            parts.append(_n(self.files, "file") if en else f"{self.files} tệp")
            parts.append(f"{self.evidence_files} destruction minutes" if en else
                         f"{self.evidence_files} biên bản hủy")
        else:
            parts.append("files not checked" if en else "không kiểm tra tệp")
        return ", ".join(parts) + "."


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def verify_ledger(ledger: Any, archive: FileChecker | None, *, agencies: Collection[str] | None = None,
                  snapshot_interval: int, progress: Callable[[int], None] | None = None,
                  tree: Callable[[], TreeCheck] | None = None, since: int = 0, after: int = 0) -> IntegrityReport:
    """Checks every chain of the log (a break anywhere is the first break) and, with ``tree``, the whole log
    against its signed checkpoints (what a chain cannot show: deleted events, a truncated log); then, for the
    documents and records of ``agencies`` (None: every aggregate), their snapshots and every file their events
    still reference, destruction minutes included. ``archive`` None: files are not read.

    ``after`` > 0 (incremental, from the verified checkpoint of size ``since``, which ends at that position;
    ``tree`` must then hold the log from the same checkpoint): only the events after ``after`` are walked, and
    only the snapshots of the aggregates they touch and the files they name are read."""
    chains = verify_chains(ledger, after=after, progress=progress)
    tree_report = tree() if tree is not None else None
    tree_findings = tuple(_tree_finding(t, chains.chains) for t in (tree_report.problems if tree_report else []))
    checkpoints = tree_report.checkpoints if tree_report else 0
    marks = {"since": since, "after": after,
             "verified_size": tree_report.latest_verified if tree_report else 0,
             "verified_position": tree_report.latest_position if tree_report else 0}
    scope = tuple(sorted(agencies)) if agencies is not None else None
    members = {k: c for k, c in chains.chains.items()
               if scope is None or (c.kind in AGENCY_CHAINS and c.agency_id in scope)}
    brk = chains.first_break
    counts = {"events": sum(c.walked for c in members.values()), "aggregates": len(members),
              "documents": sum(c.kind == "Document" for c in members.values()),
              "records": sum(c.kind == "Record" for c in members.values()),
              "cases": sum(c.kind == "Case" for c in members.values())}
    if brk is not None:
        return IntegrityReport(scope, **counts, snapshots=0, files=0, evidence_files=0, files_checked=False,
                               stopped_early=True, first_break=_chain_finding(brk, chains.chains, "chain"),
                               file_problems=(), checkpoints=checkpoints,
                               tree_problems=tree_findings, **marks)
    snaps = verify_snapshots(ledger, {k: c.version for k, c in members.items()}, interval=snapshot_interval)
    first = tree_findings[0] if tree_findings else None
    if first is None and snaps.first_break:
        first = _chain_finding(snaps.first_break, members, "snapshot")
    files = evidence = 0
    problems: list[Finding] = []
    if archive is not None:
        for r in references(ledger, after=after):
            if r.aggregate_id not in members:
                continue
            result = archive.verify(r.ref, r.scope)
            if r.kind is FileKind.EVIDENCE:
                evidence += 1
            else:
                files += 1
            if not result.ok:
                chain = members[r.aggregate_id]
                problems.append(Finding(
                    "evidence" if r.kind is FileKind.EVIDENCE else "file", r.aggregate_id, chain.kind,
                    chain.agency_id, chain.code, r.position, r.version,
                    result.problem_en or "the stored file does not match",
                    result.problem_vi or "tệp lưu trữ không khớp",
                    key=r.ref.key, scope=r.scope, filename=r.ref.filename, problem_code=result.code))
    return IntegrityReport(scope, **counts, snapshots=snaps.checked, files=files, evidence_files=evidence,
                           files_checked=archive is not None, stopped_early=False,
                           first_break=first or (problems[0] if problems else None), file_problems=tuple(problems),
                           checkpoints=checkpoints, tree_problems=tree_findings, **marks)


def _chain_finding(brk: ChainBreak, chains: dict[str, Chain], check: str) -> Finding:
    chain = chains.get(brk.aggregate_id)
    return Finding(check, brk.aggregate_id, chain.kind if chain else None, chain.agency_id if chain else None,
                   chain.code if chain else None, brk.position, brk.version, brk.reason, brk.reason_vi)


def _tree_finding(problem: TreeProblem, chains: dict[str, Chain]) -> Finding:
    aggregate = problem.aggregate_ids[0] if problem.aggregate_ids else ""
    chain = chains.get(aggregate)
    return Finding("tree", aggregate, chain.kind if chain else None, chain.agency_id if chain else None,
                   chain.code if chain else None, problem.positions[0] if problem.positions else 0, 0,
                   problem.message_en, problem.message_vi, problem_code=problem.kind)
