"""A process's state diagram, drawn from its declaration: Graphviz DOT text (rendered to SVG by ``dot``)."""

from __future__ import annotations

from ledger.actors import ROLES
from ledger.qms.declaration import Process


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def to_dot(process: Process, lang: str = "vi") -> str:
    """DOT for ``process``: a node per state (final ones doubled), an edge per step labelled with its name and
    who may take it; the opening step comes from a start dot. Stable output: the same declaration gives the
    same bytes."""
    i = 1 if lang == "en" else 0
    lines = [f"digraph {_q(process.name)} {{", '  rankdir=LR; bgcolor="white";',
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="DejaVu Sans", fontsize=11];',
             '  edge [fontname="DejaVu Sans", fontsize=9, color="#4a5a75"];',
             '  start [shape=circle, width=0.18, label="", style=filled, fillcolor="#1f3b63"];']
    for state, label in process.states.items():
        extra = ', peripheries=2, fillcolor="#e4f3e8"' if state in process.final else ""
        lines.append(f"  {_q(state)} [label={_q(label[i])}{extra}];")
    for step in process.steps:
        who = ", ".join(ROLES[r][i] for r in step.roles)
        sig = (" ✍" if step.signature else "")
        text = f"{step.label[i]}{sig}\\n({who})"
        sources = ["start"] if step.opens else list(step.sources)
        for src in sources:
            target = step.target or src
            lines.append(f"  {_q(src)} -> {_q(target)} [label={_q(text)}];")
            if step.branch:  # the other states the step leads to, for some values of one of its fields
                name, targets = step.branch
                choices = next((f.choices for f in step.fields if f.name == name), {})
                for value, other in targets.items():
                    shown = choices[value][i] if value in choices else value
                    lines.append(f"  {_q(src)} -> {_q(other)} [label={_q(f'{step.label[i]}: {shown}')}, "
                                 'style=dashed];')
    lines.append("}")
    return "\n".join(lines) + "\n"
