"""The state diagrams in docs/qms.md are drawn from the declarations: the committed DOT is what the code gives
today, each committed SVG was rendered from that DOT, and `isoledger qms diagrams` writes both."""

from __future__ import annotations

import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from isoledger.cli import app
from ledger.qms.diagram import to_dot
from ledger.qms.registry import processes
from tests.environment import require
from usecases.qms_diagrams import HASH_MARK, dot_text

DOCS = Path(__file__).resolve().parents[2] / "docs"
FOLDER = DOCS / "qms"
REGENERATE = "run `isoledger qms diagrams` and commit docs/qms/"


def _drawn_from(svg: str) -> str | None:
    m = re.search(re.escape(HASH_MARK) + r"([0-9a-f]{64}) -->", svg)
    return m.group(1) if m else None


def test_every_committed_dot_is_what_the_declaration_gives_today() -> None:
    for p in processes():
        committed = FOLDER / f"{p.name}.dot"
        assert committed.exists(), f"docs/qms/{p.name}.dot is missing: {REGENERATE}"
        assert committed.read_text(encoding="utf-8") == to_dot(p), f"docs/qms/{p.name}.dot is stale: {REGENERATE}"


def test_every_committed_svg_was_rendered_from_the_committed_dot() -> None:
    for p in processes():
        dot = (FOLDER / f"{p.name}.dot").read_bytes()
        svg = (FOLDER / f"{p.name}.svg").read_text(encoding="utf-8")
        assert _drawn_from(svg) == hashlib.sha256(dot).hexdigest(), f"docs/qms/{p.name}.svg is stale: {REGENERATE}"
        ET.fromstring(svg.encode())  # well-formed SVG


def test_docs_show_every_process_and_nothing_left_of_a_removed_one() -> None:
    names = {p.name for p in processes()}
    stems = {f.stem for f in FOLDER.iterdir()}
    assert stems == names, f"docs/qms holds other diagrams than the processes': {REGENERATE}"
    text = (DOCS / "qms.md").read_text(encoding="utf-8")
    for name in names:
        assert f"](qms/{name}.svg)" in text, f"docs/qms.md does not show docs/qms/{name}.svg"


def test_the_cli_writes_each_dot_and_an_svg_drawn_from_it(tmp_path: Path) -> None:
    require(shutil.which("dot") is not None, "Graphviz (Debian package graphviz) is needed to draw the diagrams")
    out = tmp_path / "qms"
    result = CliRunner().invoke(app, ["qms", "diagrams", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for p in processes():
        dot = (out / f"{p.name}.dot").read_text(encoding="utf-8")
        assert dot == to_dot(p)
        svg = (out / f"{p.name}.svg").read_text(encoding="utf-8")
        assert _drawn_from(svg) == hashlib.sha256(dot.encode()).hexdigest()
        for label in p.states.values():  # the Vietnamese state names survive into the picture
            assert f">{label[0]}</text>" in svg


def test_the_current_state_is_the_one_drawn_highlighted() -> None:
    p = processes()[0]
    state = next(iter(p.states))
    marked = dot_text(p, state)
    assert marked != to_dot(p) and f'"{state}" [fillcolor="#ffd54f"' in marked
    assert dot_text(p, "no-such-state") == to_dot(p)
