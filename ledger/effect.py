"""Which version of a document is in force on a day: a function of its recorded versions and of that day.

Issuing a version records ``Issued`` and, in the same transaction, ``Superseded`` for the version it
replaces; the replacement takes effect on the new version's ``effective_from`` (from 00:00 Vietnam
time), so until then the superseded version stays in force and the new one is "issued, not yet in
force" (upcoming). Withdrawing an upcoming version records ``Withdrawn`` and ``Reinstated``: the
version it would have replaced is simply in force again. Nothing here reads a clock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.vocabulary import VersionStatus


def latest_issued(versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The version most recently issued and not withdrawn (at most one has the status ``issued``)."""
    return next((v for v in reversed(versions) if v["status"] == VersionStatus.ISSUED), None)


def replaced(versions: list[dict[str, Any]], latest: dict[str, Any]) -> dict[str, Any] | None:
    """The version ``latest`` takes over from: the one issued before it, if that one was superseded by it
    (rather than withdrawn first). A version withdrawn before its effective date never took effect."""
    for ver in reversed(versions[:latest["n"] - 1]):
        if ver["effective_from"] is None or ver.get("took_effect", True) is False:
            continue
        return ver if ver["status"] == VersionStatus.SUPERSEDED else None
    return None


def in_force_on(versions: list[dict[str, Any]], day: date) -> int | None:
    """The number of the version in force on ``day``, or None."""
    latest = latest_issued(versions)
    if latest is None:
        return None
    if latest["effective_from"] <= day.isoformat():
        return int(latest["n"])
    before = replaced(versions, latest)
    if before is not None and before["effective_from"] <= day.isoformat():
        return int(before["n"])
    return None


def upcoming_on(versions: list[dict[str, Any]], day: date) -> int | None:
    """The number of the version issued but not yet in force on ``day`` (its date is later), or None."""
    latest = latest_issued(versions)
    if latest is None or latest["effective_from"] <= day.isoformat():
        return None
    return int(latest["n"])
