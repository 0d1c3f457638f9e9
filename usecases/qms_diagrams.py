"""A QMS process's state diagram as SVG: Graphviz ``dot`` run on ``ledger.qms.diagram.to_dot``, one state marked."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from ledger.qms.declaration import Process
from ledger.qms.diagram import to_dot
from ledger.qms.registry import process_named

CURRENT = 'fillcolor="#ffd54f", color="#8a5a00", penwidth=2.5'  # the state a case is in
HASH_MARK = "<!-- isoledger dot sha256: "


class GraphvizMissing(RuntimeError):
    """``dot`` (Debian package graphviz) is not installed."""


def dot_text(process: Process, current: str | None = None, lang: str = "vi") -> str:
    """The process's DOT; with ``current``, that state drawn highlighted (a later node statement wins in DOT)."""
    text = to_dot(process, lang)
    if current is None or current not in process.states:
        return text
    name = current.replace('"', '\\"')
    return text[: text.rstrip().rfind("}")] + f'  "{name}" [{CURRENT}];\n}}\n'


def render(dot: str) -> str:
    """SVG of ``dot`` (``dot -Tsvg``), with a comment naming the SHA-256 of the DOT it was drawn from."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing("Graphviz 'dot' is not installed (Debian package graphviz)")
    svg = subprocess.run([exe, "-Tsvg"], input=dot.encode(), capture_output=True, check=True, timeout=30).stdout
    text = svg.decode()
    start = text.find("<svg")
    mark = f"{HASH_MARK}{hashlib.sha256(dot.encode()).hexdigest()} -->\n"
    return text[:start] + mark + text[start:]


@lru_cache(maxsize=256)
def svg(process_name: str, current: str | None = None, lang: str = "vi") -> str:
    """The diagram of one process with ``current`` highlighted, rendered once per process, state and language."""
    return render(dot_text(process_named(process_name), current, lang))


def inline(process_name: str, current: str | None = None, lang: str = "vi") -> str | None:
    """The ``<svg>`` element alone (to sit inside a page), or None without Graphviz."""
    try:
        text = svg(process_name, current, lang)
    except GraphvizMissing:
        return None
    return text[text.find("<svg"):]


def write_docs(folder: Path, processes: list[Process]) -> list[Path]:
    """``<process>.dot`` and ``<process>.svg`` for each process in ``folder`` (docs/qms): what docs/qms.md shows."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for p in processes:
        dot = to_dot(p)
        (folder / f"{p.name}.dot").write_text(dot, encoding="utf-8")
        (folder / f"{p.name}.svg").write_text(render(dot), encoding="utf-8")
        written += [folder / f"{p.name}.dot", folder / f"{p.name}.svg"]
    return written
