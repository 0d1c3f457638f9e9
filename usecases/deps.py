"""What the use cases work with, built once by the composition root (``isoledger.bootstrap.use_cases``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.application import Ledger
from ledger.directory import Directory
from projections.db import Database
from projections.worker import ProjectionWorker


@dataclass
class Deps:
    """The ledger and its directory, the read models and their worker, the archive, checkpoints and signing.

    ``signing()`` builds (or returns) the signing service, None where signing is not configured;
    ``pkcs11_for(username)`` gives the server-side token configured for a user, or None; ``credentials``
    keeps passwords (``set_password(username, password)``: the API's store, hashed).
    """

    ledger: Ledger
    directory: Directory
    db: Database
    projections: ProjectionWorker
    archive: Any
    checkpoints: Any = None
    signing: Callable[[], Any] | None = None
    pkcs11_for: Callable[[str], Any] | None = None
    credentials: Any = None
