"""The risk heat map, drawn on the server as SVG: a 5×5 grid of likelihood × impact with the number of risks in each
cell, coloured by the level of the matrix in force; every text XML-escaped, nothing loaded, readable without
JavaScript (each cell also says its numbers in a <title>)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ledger.qms.matrix import Matrix
from ledger.qms.processes.risks import latest

COLOURS = {"low": "#cfe8cf", "medium": "#fff0a6", "high": "#ffc285", "critical": "#f08a80"}
CELL, LEFT, TOP = 64, 96, 56
WORDS = {"count": ("rủi ro", "risks"), "legend": ("Mức rủi ro", "Risk level"),
         "none": ("Chưa có rủi ro nào được đánh giá.", "No risk has been assessed yet.")}


def cells_of(cases: Iterable[Mapping[str, Any]]) -> Counter[tuple[int, int]]:
    """(likelihood, impact) -> how many of ``cases`` (open risks) stand in that cell by their latest assessment."""
    counts: Counter[tuple[int, int]] = Counter()
    for case in cases:
        data = case.get("data") or {}
        now = latest(data) if data.get("kind") == "risk" else None
        if now is not None:
            counts[(int(now["likelihood"]), int(now["impact"]))] += 1
    return counts


def risk_svg(counts: Mapping[tuple[int, int], int], matrix: Matrix, *, title: str, lang: str = "vi",
             heading: str | None = None) -> str:
    """The heat map as a standalone SVG document: ``title`` names what it shows (for screen readers and as a
    tooltip), ``heading`` is the line written above the grid (by default the title)."""
    i = 1 if lang == "en" else 0
    rows_label, columns_label = matrix.axes[0][1][i], matrix.axes[1][1][i]
    width, height = LEFT + 5 * CELL + 48, TOP + 5 * CELL + 112
    total = sum(counts.values())
    summary = f"{rows_label} × {columns_label}: {total} {WORDS['count'][i]}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="heatmap-title heatmap-desc" '
           f'font-family="DejaVu Sans, Arial, sans-serif" data-matrix={quoteattr(matrix.version)} '
           f'data-total="{total}">',
           f'<title id="heatmap-title">{escape(title)}</title>',
           f'<desc id="heatmap-desc">{escape(summary)}</desc>',
           f'<text x="8" y="24" font-size="14" font-weight="bold" fill="#1f2a3c" data-heading="1">'
           f'{escape(heading or title)}</text>']
    for row in range(1, 6):
        y = TOP + (5 - row) * CELL
        out.append(f'<text x="{LEFT - 10}" y="{y + CELL / 2 + 5}" font-size="13" text-anchor="end">{row}</text>')
        for column in range(1, 6):
            x = LEFT + (column - 1) * CELL
            level = matrix.cell_level(row, column)
            n = counts.get((row, column), 0)
            tip = (f"{rows_label} {row} × {columns_label} {column} — {matrix.labels[level][i]}: "
                   f"{n} {WORDS['count'][i]}")
            out.append(f'<g data-likelihood="{row}" data-impact="{column}" data-count="{n}" data-level="{level}">'
                       f'<title>{escape(tip)}</title>'
                       f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{COLOURS[level]}" '
                       f'stroke="#ffffff" stroke-width="2"/>'
                       + (f'<text x="{x + CELL / 2}" y="{y + CELL / 2 + 7}" font-size="20" font-weight="bold" '
                          f'text-anchor="middle" fill="#1f2a3c">{n}</text>' if n else "")
                       + "</g>")
    bottom = TOP + 5 * CELL
    for column in range(1, 6):
        out.append(f'<text x="{LEFT + (column - 1) * CELL + CELL / 2}" y="{bottom + 20}" font-size="13" '
                   f'text-anchor="middle">{column}</text>')
    out.append(f'<text x="{LEFT + 5 * CELL / 2}" y="{bottom + 42}" font-size="13" text-anchor="middle" '
               f'data-axis="columns">{escape(columns_label)} →</text>')
    middle = TOP + 5 * CELL / 2
    out.append(f'<text x="28" y="{middle}" font-size="13" text-anchor="middle" transform="rotate(-90 28 {middle})" '
               f'data-axis="rows">{escape(rows_label)} →</text>')
    x = LEFT
    out.append(f'<text x="{LEFT}" y="{bottom + 70}" font-size="12" fill="#3a4659">'
               f'{escape(WORDS["legend"][i])} ({escape(matrix.version)}):</text>')
    for level, colour in COLOURS.items():
        label = matrix.labels[level][i]
        out.append(f'<rect x="{x}" y="{bottom + 80}" width="14" height="14" fill="{colour}" stroke="#8a94a6"/>'
                   f'<text x="{x + 19}" y="{bottom + 92}" font-size="12" data-legend="{level}">{escape(label)}</text>')
        x += 24 + 8 * len(label)
    out.append("</svg>")
    return "".join(out)
