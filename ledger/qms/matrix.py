"""The scoring matrices of risks and opportunities, as versioned data: a version, once declared, never changes.

A risk scores likelihood × impact, an opportunity benefit × ease (6 − effort), each 1–5; the score falls in one
of four levels by the matrix's thresholds. An assessment is scored on the matrix in force on the day it was
made (Vietnam time) and records that matrix's version and the level, so a new version (a new entry below,
in force from a later day) never rewrites a past score: replaying an old event picks the old matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ledger.qms.declaration import Label

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LEVELS = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Matrix:
    """One version of a 5×5 matrix: ``axes`` name its rows and columns (both scored 1–5), ``thresholds`` the
    highest score of each level, ascending; ``ease`` scores the columns reversed (little effort scores high)."""

    version: str
    kind: str  # "risk" or "opportunity"
    since: date  # in force for assessments made on or after this day
    axes: tuple[tuple[str, Label], tuple[str, Label]]  # (field, label) of the rows, then of the columns
    thresholds: tuple[tuple[int, str], ...]
    labels: dict[str, Label]
    ease: bool = False

    def score(self, row: int, column: int) -> int:
        return row * ((6 - column) if self.ease else column)

    def level(self, score: int) -> str:
        for highest, level in self.thresholds:
            if score <= highest:
                return level
        return self.thresholds[-1][1]

    def cell_level(self, row: int, column: int) -> str:
        return self.level(self.score(row, column))


RISK_MATRIX_V1 = Matrix(
    version="R1", kind="risk", since=date(2024, 1, 1),
    axes=(("likelihood", ("Khả năng xảy ra", "Likelihood")), ("impact", ("Mức độ ảnh hưởng", "Impact"))),
    thresholds=((4, "low"), (9, "medium"), (14, "high"), (25, "critical")),
    labels={"low": ("Thấp", "Low"), "medium": ("Trung bình", "Medium"), "high": ("Cao", "High"),
            "critical": ("Nghiêm trọng", "Critical")})

OPPORTUNITY_MATRIX_V1 = Matrix(
    version="O1", kind="opportunity", since=date(2024, 1, 1),
    axes=(("benefit", ("Lợi ích", "Benefit")), ("effort", ("Công sức cần bỏ ra", "Effort"))),
    thresholds=((4, "low"), (9, "medium"), (14, "high"), (25, "critical")), ease=True,
    labels={"low": ("Thấp", "Low"), "medium": ("Trung bình", "Medium"), "high": ("Cao", "High"),
            "critical": ("Rất cao", "Very high")})

# Every version ever declared, oldest first. Add a new version here; never edit one that is in force or was.
MATRICES: list[Matrix] = [RISK_MATRIX_V1, OPPORTUNITY_MATRIX_V1]


def vn_day(moment: str) -> date:
    """The day in Vietnam of an ISO 8601 moment (an event's time)."""
    return datetime.fromisoformat(moment).astimezone(VN).date()


def matrix_on(kind: str, day: date) -> Matrix:
    """The version of ``kind``'s matrix in force on ``day``."""
    found = [m for m in MATRICES if m.kind == kind and m.since <= day]
    if not found:
        raise LookupError(f"no {kind} matrix in force on {day.isoformat()}")
    return max(found, key=lambda m: m.since)


def matrix_named(version: str) -> Matrix:
    """The matrix of that version (the one a past assessment records)."""
    return next(m for m in MATRICES if m.version == version)
