"""The demo's clock: office hours in Vietnam, moved forward by the script, a little later at every reading."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Office hours of a provincial department: 07:30-11:30 and 13:30-17:00, Monday to Friday.
OFFICE_HOURS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))


def in_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(VN)
    return local.weekday() < 5 and any(start <= local.time() < end for start, end in OFFICE_HOURS)


class DemoClock:
    """Readings go strictly forward, 20 to 80 seconds apart, from the moment last set with ``at``."""

    def __init__(self, day: str, at: str = "08:00") -> None:
        self._now = self._moment(day, at)
        self._readings = 0

    @staticmethod
    def _moment(day: str, at: str) -> datetime:
        moment = datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=VN)
        if not in_office_hours(moment):
            raise ValueError(f"{day} {at} is outside office hours in Vietnam")
        return moment

    def at(self, day: str, at: str = "08:00") -> None:
        """Moves to ``day`` at ``at`` (Vietnam time); never back in time."""
        moment = self._moment(day, at)
        if moment <= self._now:
            raise ValueError(f"{day} {at} is not after {self._now.isoformat()}")
        self._now = moment

    def at_least(self, day: str, at: str = "08:00") -> None:
        """Moves to ``day`` at ``at`` unless the clock has already read past it (then it stays where it is)."""
        moment = self._moment(day, at)
        if moment > self._now:
            self._now = moment

    def __call__(self) -> datetime:
        self._readings += 1
        self._now += timedelta(seconds=20 + (self._readings * 37) % 61)
        return self._now.astimezone(UTC)
