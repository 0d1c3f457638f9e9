"""Server-side SVG charts of quality objectives (no JavaScript, nothing from a CDN): the measurements of one objective
against its target over the year's periods, and a small multiple of a department's objectives.

Pure string building: every text (titles, labels, Vietnamese diacritics) is XML-escaped; every plotted point carries
its period and value (``data-period``, ``data-value``) and a ``<title>`` a screen reader or a hover shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ledger.numbers import number
from ledger.qms.measures import STATUSES, period_label, periods

COLOURS = {"achieved": "#1b7f3b", "on_track": "#1f6fb2", "at_risk": "#b86e00", "missed": "#b3261e",
           "not_measured": "#6b6b6b"}
FONT = "font-family=\"system-ui, sans-serif\""


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _text(x: float, y: float, content: str, *, size: int = 11, anchor: str = "start", fill: str = "#222",
          weight: str = "normal", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" {FONT}{extra}>{escape(content)}</text>')


def _panel(obj: Mapping[str, Any], x0: float, y0: float, w: float, h: float, lang: str,
           compact: bool) -> list[str]:
    """One objective's chart in the box (x0, y0, w, h): axes, target line, expected path, measured points."""
    data, derived = obj.get("data") or {}, obj.get("derived") or {}
    order = periods(str(data.get("frequency", "")))
    unit = str(data.get("unit", ""))
    measured = [(str(p), float(v)) for p, v in derived.get("series", [])]
    target, baseline = float(data.get("target", 0)), float(data.get("baseline", 0))
    status = str(derived.get("status", "not_measured"))
    colour = COLOURS.get(status, COLOURS["not_measured"])
    top, bottom = (40.0, 22.0) if compact else (40.0, 34.0)
    left, right = (38.0, 10.0) if compact else (52.0, 96.0)
    px, py, pw, ph = x0 + left, y0 + top, w - left - right, h - top - bottom
    values = [target, baseline, *(v for _, v in measured)]
    low, high = min(values), max(values)
    pad = (high - low) * 0.12 or max(abs(high) * 0.05, 1.0)
    low, high = low - pad, high + pad

    def sx(i: int) -> float:
        return px + (i + 0.5) * pw / max(len(order), 1)

    def sy(v: float) -> float:
        return py + ph - (v - low) / (high - low) * ph

    title = str(obj.get("title", ""))
    label_status = _pick(STATUSES.get(status, STATUSES["not_measured"]), lang)
    out = [f'<g class="objective" data-id={quoteattr(str(obj.get("id", "")))} data-status="{status}">',
           f"<title>{escape(title)} — {escape(label_status)}</title>",
           f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#fff" stroke="#d0d0d0"/>',
           _text(x0 + 8, y0 + 16, title[:39] + "…" if compact and len(title) > 40 else title,
                 size=10 if compact else 13, weight="bold", extra=' class="chart-title"'),
           _text(x0 + 8 if compact else x0 + w - 8, y0 + (30 if compact else 32), label_status,
                 size=10 if compact else 11, anchor="start" if compact else "end", fill=colour, weight="bold",
                 extra=' class="chart-status"'),
           f'<line x1="{px:.1f}" y1="{py + ph:.1f}" x2="{px + pw:.1f}" y2="{py + ph:.1f}" stroke="#888"/>',
           f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{px:.1f}" y2="{py + ph:.1f}" stroke="#888"/>']
    for v in (low + pad, high - pad) if high - pad != low + pad else (low + pad,):
        out.append(_text(px - 4, sy(v) + 4, number(v, lang, 2), size=9, anchor="end", fill="#555",
                         extra=' class="y-label"'))
    for i, p in enumerate(order):
        if compact and len(order) > 6 and i % 3 != 2:
            continue
        out.append(_text(sx(i), py + ph + 14, _pick(period_label(p), lang), size=9, anchor="middle", fill="#555",
                         extra=f' class="x-label" data-period="{p}"'))
    target_label = f"{_pick(('Chỉ tiêu', 'Target'), lang)} {number(target, lang, 2)}{unit and ' ' + unit}"
    out.append(f'<line class="target" data-value="{target}" x1="{px:.1f}" y1="{sy(target):.1f}" '
               f'x2="{px + pw:.1f}" y2="{sy(target):.1f}" stroke="#1b7f3b" stroke-dasharray="6 4"/>')
    if not compact:
        out.append(_text(px + pw + 6, sy(target) + 4, target_label, size=10, fill="#1b7f3b",
                         extra=' class="target-label"'))
    if data.get("direction") in ("increase", "decrease") and order:
        out.append(f'<line class="expected" x1="{px:.1f}" y1="{sy(baseline):.1f}" x2="{sx(len(order) - 1):.1f}" '
                   f'y2="{sy(target):.1f}" stroke="#999" stroke-dasharray="2 3"/>')
    points = [(sx(order.index(p)), sy(v), p, v) for p, v in measured if p in order]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        out.append(f'<polyline class="measured" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y, p, v in points:
        tip = f"{_pick(period_label(p), lang)}: {number(v, lang, 2)}{unit and ' ' + unit}"
        out.append(f'<circle class="point" data-period="{p}" data-value="{v}" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                   f'fill="{colour}"><title>{escape(tip)}</title></circle>')
        if not compact:
            out.append(_text(x, y - 8, number(v, lang, 2), size=10, anchor="middle", fill=colour,
                             extra=f' class="point-label" data-period="{p}"'))
    if not points:
        out.append(_text(px + pw / 2, py + ph / 2, _pick(("Chưa có số liệu đo", "No measurement yet"), lang),
                         size=11, anchor="middle", fill="#6b6b6b", extra=' class="empty"'))
    out.append("</g>")
    return out


def _svg(width: float, height: float, label: str, body: Iterable[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label={quoteattr(label)}>'
            f'<title>{escape(label)}</title>{"".join(body)}</svg>')


def objective_chart(obj: Mapping[str, Any], lang: str = "vi", width: int = 560, height: int = 280) -> str:
    """One objective: its measurements per period against the target line and the expected path."""
    label = f"{_pick(('Số liệu đo so với chỉ tiêu', 'Measurements against target'), lang)}: {obj.get('title', '')}"
    return _svg(width, height, label, _panel(obj, 0, 0, width, height, lang, compact=False))


def department_chart(objs: Sequence[Mapping[str, Any]], name: str, lang: str = "vi", columns: int = 3,
                     cell: tuple[int, int] = (260, 160)) -> str:
    """A small multiple: one compact panel per objective of the department, ``columns`` to a row."""
    w, h = cell
    rows = max((len(objs) + columns - 1) // columns, 1)
    body: list[str] = []
    for i, obj in enumerate(objs):
        body += _panel(obj, (i % columns) * (w + 8), (i // columns) * (h + 8), w, h, lang, compact=True)
    if not objs:
        body.append(_text(8, 20, _pick(("Phòng chưa có mục tiêu.", "The department has no objectives."), lang)))
    label = f"{_pick(('Mục tiêu chất lượng của', 'Quality objectives of'), lang)} {name}"
    return _svg(columns * (w + 8) - 8 if objs else w, rows * (h + 8) - 8, label, body)
