"""Working days in Vietnam: Monday to Friday, except the public holidays (Tết, Giỗ Tổ, 30/4, 1/5, 2/9...)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[date, str]:
    """The public holidays of ``year`` with their Vietnamese names, observed and substituted days included (the
    maintained ``holidays`` calendar, which follows each year's Government decisions)."""
    found = holidays.country_holidays("VN", years=year, language="vi")
    return dict(found.items())


def holiday(day: date) -> str | None:
    """The holiday's name when ``day`` is a public holiday, else None."""
    return _holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday(day) is None


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``n`` = 0 gives ``start`` if it is
    a working day, else the next working day."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


@lru_cache(maxsize=64)
def _worked_by(year: int) -> tuple[int, tuple[int, ...]]:
    """``year``'s first day (ordinal) and, for each of its days, how many working days it has up to that day."""
    first = date(year, 1, 1).toordinal()
    counts, worked = [], 0
    for ordinal in range(first, date(year, 12, 31).toordinal() + 1):
        worked += is_working_day(date.fromordinal(ordinal))
        counts.append(worked)
    return first, tuple(counts)


def _worked_up_to(day: date) -> int:
    first, counts = _worked_by(day.year)
    return counts[day.toordinal() - first]


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``): from
    each year's running count, not day by day (the province dashboard asks it for every agency and step)."""
    if end <= start:
        return 0
    total = -_worked_up_to(start)
    for year in range(start.year, end.year):
        total += _worked_up_to(date(year, 12, 31))
    return total + _worked_up_to(end)
