"""A server-side SVG chart of an agency's inspection scores over the years (no JavaScript, nothing from a CDN): one
bar per concluded inspection, coloured by its classification, against the pass mark of the scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from api.web.charts import _svg, _text
from ledger.qms.processes.inspections import CLASSES, KINDS, SCALE_V1

COLOURS = {"meets": "#1b7f3b", "not_yet": "#b3261e"}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _day(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) >= 10 else iso


def score_chart(scores: Sequence[Mapping[str, Any]], name: str, lang: str = "vi", width: int = 640,
                height: int = 300) -> str:
    """``scores`` as ``uc.inspections.scores`` gives them (oldest first); each bar carries ``data-year`` and
    ``data-total`` and a ``<title>`` with the date, kind, total and classification."""
    label = f"{_pick(('Điểm kiểm tra qua các năm', 'Inspection scores over the years'), lang)}: {name}"
    left, right, top, bottom = 48.0, 16.0, 28.0, 44.0
    plot_w, plot_h = width - left - right, height - top - bottom
    maximum = max([int(s.get("maximum") or SCALE_V1.maximum) for s in scores] or [SCALE_V1.maximum])
    body = [_text(left, 18, label, size=13, weight="bold")]
    for tick in range(0, maximum + 1, 20):
        y = top + plot_h * (1 - tick / maximum)
        body.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(_text(left - 6, y + 4, str(tick), size=10, anchor="end", fill="#555"))
    pass_y = top + plot_h * (1 - SCALE_V1.pass_mark / maximum)
    body.append(f'<line x1="{left:.1f}" y1="{pass_y:.1f}" x2="{width - right:.1f}" y2="{pass_y:.1f}" '
                f'stroke="#b86e00" stroke-dasharray="6 4" data-pass-mark="{SCALE_V1.pass_mark}"/>')
    body.append(_text(width - right, pass_y - 4, f"{_pick(CLASSES['meets'], lang)} ≥ {SCALE_V1.pass_mark}",
                      size=10, anchor="end", fill="#b86e00"))
    if not scores:
        body.append(_text(left + plot_w / 2, top + plot_h / 2,
                          _pick(("Chưa có kết quả kiểm tra nào được kết luận.", "No concluded inspection yet."), lang),
                          anchor="middle", fill="#555"))
    slot = plot_w / max(len(scores), 1)
    bar = min(56.0, slot * 0.6)
    for i, s in enumerate(scores):
        total, cls = int(s["total"]), str(s["classification"])
        x = left + slot * i + (slot - bar) / 2
        h = plot_h * total / maximum
        tip = (f"{_day(str(s['planned_on']))} — {_pick(KINDS.get(str(s['kind']), ('', '')), lang)}: {total}/"
               f"{s['maximum']} — {_pick(CLASSES.get(cls, (cls, cls)), lang)}")
        body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{COLOURS.get(cls, "#6b6b6b")}" data-year="{s["year"]}" data-total="{total}" '
                    f'data-classification="{escape(cls)}"><title>{escape(tip)}</title></rect>')
        body.append(_text(x + bar / 2, top + plot_h - h - 4, str(total), size=11, anchor="middle", weight="bold"))
        body.append(_text(x + bar / 2, height - bottom + 16, _day(str(s["planned_on"])), size=10, anchor="middle"))
    return _svg(width, height, label, body)
