"""Measured targets: the periods of a measurement frequency and the status a series of measurements gives.

The status of an objective (on track, at risk, missed, achieved) is never typed in: ``status`` derives it from
the direction, baseline and target, the measurements entered per period (the latest entry of a period counts)
and the day it is asked on. Comparisons are exact (``Fraction`` of the stored numbers), so a value equal to
the target or to the expected progress is never misjudged by a rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

Label = tuple[str, str]

DIRECTIONS: dict[str, Label] = {"increase": ("Tăng", "Increase"), "decrease": ("Giảm", "Decrease"),
                                "maintain": ("Duy trì (không thấp hơn chỉ tiêu)", "Maintain (not below target)")}
FREQUENCIES: dict[str, Label] = {"monthly": ("Hằng tháng", "Monthly"), "quarterly": ("Hằng quý", "Quarterly"),
                                 "half_yearly": ("6 tháng một lần", "Half-yearly"), "yearly": ("Hằng năm", "Yearly")}
STATUSES: dict[str, Label] = {"not_measured": ("Chưa có số liệu", "Not measured yet"),
                              "on_track": ("Đúng tiến độ", "On track"),
                              "at_risk": ("Có nguy cơ không đạt", "At risk"),
                              "missed": ("Không đạt", "Missed"), "achieved": ("Đạt", "Achieved")}
LATE_AFTER = timedelta(days=30)  # a period's measurement is late this long after the period ends

_ROMAN = ("I", "II", "III", "IV")


def periods(frequency: str) -> list[str]:
    """The period codes of a year: ``M01``..``M12``, ``Q1``..``Q4``, ``H1``, ``H2`` or ``Y``."""
    return {"monthly": [f"M{m:02d}" for m in range(1, 13)], "quarterly": [f"Q{q}" for q in range(1, 5)],
            "half_yearly": ["H1", "H2"], "yearly": ["Y"]}.get(frequency, [])


def span(year: int, period: str) -> tuple[date, date]:
    """The first and last day of ``period`` in ``year``."""
    months = {"Y": (1, 12), "H1": (1, 6), "H2": (7, 12)}.get(period)
    if months is None and period.startswith("Q"):
        q = int(period[1:])
        months = (3 * q - 2, 3 * q)
    if months is None:
        m = int(period[1:])
        months = (m, m)
    first, last = months
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), end - timedelta(days=1)


def period_label(period: str) -> Label:
    """«Quý III» / "Q3", «Tháng 5» / "May"-like labels for a period code."""
    if period == "Y":
        return "Cả năm", "Full year"
    if period in ("H1", "H2"):
        return ("6 tháng đầu năm", "First half") if period == "H1" else ("6 tháng cuối năm", "Second half")
    if period.startswith("Q"):
        return f"Quý {_ROMAN[int(period[1:]) - 1]}", period
    return f"Tháng {int(period[1:])}", f"Month {int(period[1:])}"


def met(direction: str, value: float, target: float | Fraction) -> bool:
    """Whether ``value`` reaches ``target``: at least it (increase, maintain) or at most it (decrease)."""
    v, t = Fraction(value), Fraction(target)
    return v <= t if direction == "decrease" else v >= t


def series(frequency: str, measurements: Iterable[Mapping[str, Any]]) -> list[tuple[str, float]]:
    """(period, value) in period order, the latest entry of each period counting (a correction supersedes)."""
    order = periods(frequency)
    latest: dict[str, float] = {}
    for m in measurements:
        if m.get("period") in order:
            latest[str(m["period"])] = float(m["value"])
    return [(p, latest[p]) for p in order if p in latest]


def status(*, direction: str, baseline: float, target: float, frequency: str, year: int,
           measurements: Iterable[Mapping[str, Any]], today: date, closed: bool = False) -> dict[str, Any]:
    """``{"status", "series", "latest", "expected", "late"}``: the status, the values per period, the latest
    (period, value), the value expected by the latest measured period on a straight line from the baseline to the
    target, and the periods due (ended over LATE_AFTER ago) with no measurement after them.

    Final (the last period measured, the year over for LATE_AFTER, or the case closed): achieved if the latest
    value reaches the target, else missed. Before that: at risk when a measurement is late; on track when the latest
    value reaches the target or (increase, decrease) its expected progress; at risk otherwise."""
    order = periods(frequency)
    measured = series(frequency, measurements)
    due = [p for p in order if span(year, p)[1] + LATE_AFTER < today]
    final = closed or today > date(year, 12, 31) + LATE_AFTER
    out: dict[str, Any] = {"series": [[p, v] for p, v in measured], "latest": None, "expected": None, "late": []}
    if not measured:
        out["late"] = due
        out["status"] = "missed" if final else ("at_risk" if due else "not_measured")
        return out
    last, value = measured[-1]
    k = order.index(last) + 1
    out["latest"] = [last, value]
    out["late"] = due[k:]
    if final or k == len(order):
        out["status"] = "achieved" if met(direction, value, target) else "missed"
        return out
    expected: Fraction | None = None
    if direction in ("increase", "decrease"):
        expected = Fraction(baseline) + (Fraction(target) - Fraction(baseline)) * k / len(order)
        out["expected"] = float(expected)
    if out["late"]:
        out["status"] = "at_risk"
    elif met(direction, value, target) or (expected is not None and met(direction, value, expected)):
        out["status"] = "on_track"
    else:
        out["status"] = "at_risk"
    return out
