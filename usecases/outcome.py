"""What a command answers: the document or record, its new version (the ETag), and what it made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.files import FileRef
from usecases.deps import Deps


@dataclass(frozen=True)
class Done:
    id: str
    version: int
    n: int | None = None
    file: FileRef | None = None

    def file_dict(self) -> dict[str, Any] | None:
        return self.file.to_dict() if self.file is not None else None


def done(deps: Deps, aggregate_id: str, *, n: int | None = None, file: FileRef | None = None) -> Done:
    """After a command: wakes the read models' worker and answers the aggregate's new version."""
    deps.projections.after_command()
    return Done(aggregate_id, deps.ledger.current_version(aggregate_id), n, file)
