"""Which stored files the events reference (and which a destruction erased), for verify and sweep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ledger.files import FileRef, evidence_scope

_FILE_FIELDS = {"DraftCreated": "file", "DraftRevised": "file", "Signed": "signed_file", "FileAdded": "file"}


def referenced_files(ledger: Any, *, page_size: int = 2000) -> Iterator[tuple[str, FileRef]]:
    """Every (scope, FileRef) an event points at that has not been erased by a destruction."""
    live: dict[str, dict[str, FileRef]] = {}
    decode = ledger.mapper.transcoder.decode
    start = 0
    while True:
        page = ledger.recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not page:
            break
        for n in page:
            etype = n.topic.rpartition(".")[2]
            scope = str(n.originator_id)
            if etype in _FILE_FIELDS:
                ref = FileRef.from_dict(decode(n.state)[_FILE_FIELDS[etype]])
                live.setdefault(scope, {})[ref.key] = ref
            elif etype == "Destroyed":
                fields = decode(n.state)
                erased = set(fields["erased_hashes"])
                live[scope] = {k: r for k, r in live.get(scope, {}).items() if r.sha256 not in erased}
                ref = FileRef.from_dict(fields["minutes_file"])
                live.setdefault(evidence_scope(scope), {})[ref.key] = ref
        start = page[-1].id
    for scope, refs in live.items():
        for ref in refs.values():
            yield scope, ref
