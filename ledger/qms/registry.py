"""Every declared QMS process by name; the declarations in ``ledger.qms.processes`` are loaded on first use."""

from __future__ import annotations

import importlib
import pkgutil

from ledger.errors import NotFound
from ledger.qms.declaration import Process

_PROCESSES: dict[str, Process] = {}


def register(process: Process) -> Process:
    """Adds a declaration (each module of ``ledger.qms.processes`` registers its own at import)."""
    known = _PROCESSES.get(process.name)
    if known is not None and known is not process:
        raise ValueError(f"process {process.name!r} is declared twice")
    if any(p.collection == process.collection and p is not process for p in _PROCESSES.values()):
        raise ValueError(f"collection {process.collection!r} is used twice")
    _PROCESSES[process.name] = process
    return process


def _load() -> None:
    package = importlib.import_module("ledger.qms.processes")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"ledger.qms.processes.{module.name}")


def processes() -> list[Process]:
    """Every declared process, by clause then name."""
    _load()
    return sorted(_PROCESSES.values(), key=lambda p: (p.clause, p.name))


def process_named(name: str) -> Process:
    if name not in _PROCESSES:
        _load()
    try:
        return _PROCESSES[name]
    except KeyError:
        raise NotFound(f"Không có quy trình «{name}».", f"No process '{name}'.", field="process") from None


def process_at(collection: str) -> Process:
    """The process whose API and page collection is ``collection`` (e.g. "policies")."""
    for p in processes():
        if p.collection == collection:
            return p
    raise NotFound(f"Không có quy trình «{collection}».", f"No process '{collection}'.", field="process")
