"""Which stored files the events reference (and which a destruction erased), for verify and sweep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ledger.files import FileKind, FileRef, stored_scope

_FILE_FIELDS = {"DraftCreated": ("file", FileKind.VERSION), "DraftRevised": ("file", FileKind.VERSION),
                "Signed": ("signed_file", FileKind.SIGNED), "FileAdded": ("file", FileKind.RECORD),
                "SignatureImageSet": ("file", FileKind.IMAGE), "SealImageSet": ("file", FileKind.IMAGE)}

_CASE_EVENTS = ("CaseOpened", "StepTaken")
_REF_KEYS = frozenset(("key", "sha256", "size", "media_type", "filename"))


def case_files(values: Any) -> Iterator[FileRef]:
    """The files a QMS step's values name (a ``file`` field's value, in any list of them), in order."""
    if isinstance(values, dict) and _REF_KEYS <= set(values):
        yield FileRef.from_dict(values)
    elif isinstance(values, dict):
        for value in values.values():
            yield from case_files(value)
    elif isinstance(values, list):
        for value in values:
            yield from case_files(value)


@dataclass(frozen=True)
class Reference:
    """A file an event points at: whose it is, what kind, the scope it is stored under, and which event named it."""

    aggregate_id: str
    kind: FileKind
    scope: str
    ref: FileRef
    position: int
    version: int


def references(ledger: Any, *, after: int = 0, page_size: int = 2000) -> Iterator[Reference]:
    """Every file an event (after position ``after``) points at that has not been erased by a destruction, in the
    order first named."""
    live: dict[str, dict[str, Reference]] = {}
    decode = ledger.mapper.transcoder.decode
    start = after
    while True:
        page = ledger.recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not page:
            break
        for n in page:
            etype = n.topic.rpartition(".")[2]
            agg = str(n.originator_id)
            if etype in _FILE_FIELDS:
                name, kind = _FILE_FIELDS[etype]
                _add(live, agg, kind, FileRef.from_dict(decode(n.state)[name]), n)
            elif etype in _CASE_EVENTS:
                for ref in case_files(decode(n.state).get("values", {})):
                    _add(live, agg, FileKind.CASE, ref, n)
            elif etype == "Destroyed":
                fields = decode(n.state)
                erased = set(fields["erased_hashes"])
                live[agg] = {k: r for k, r in live.get(agg, {}).items()
                             if r.kind is FileKind.EVIDENCE or r.ref.sha256 not in erased}
                _add(live, agg, FileKind.EVIDENCE, FileRef.from_dict(fields["minutes_file"]), n)
        start = page[-1].id
    yield from sorted((r for refs in live.values() for r in refs.values()), key=lambda r: r.position)


def _add(live: dict[str, dict[str, Reference]], agg: str, kind: FileKind, ref: FileRef, n: Any) -> None:
    scope = stored_scope(kind, agg, ref)
    live.setdefault(agg, {}).setdefault(ref.key, Reference(agg, kind, scope, ref, n.id, n.originator_version))


def referenced_files(ledger: Any, *, page_size: int = 2000) -> Iterator[tuple[str, FileRef]]:
    """Every (scope, FileRef) an event points at that has not been erased by a destruction."""
    for r in references(ledger, page_size=page_size):
        yield r.scope, r.ref
