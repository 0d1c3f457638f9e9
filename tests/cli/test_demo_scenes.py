"""The demo's story interleaves scenes set by several processes' stories in time order."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from isoledger.demo import Demo
from isoledger.demo_clock import DemoClock


def story() -> tuple[Demo, list[tuple[str, Any]]]:
    clock = DemoClock("2025-01-06", "08:00")
    return Demo(SimpleNamespace(ledger=None), clock), []  # type: ignore[arg-type]


def test_scenes_play_in_time_order_as_the_story_passes_them() -> None:
    d, seen = story()
    d.on("2025-03-04", "09:00", lambda: seen.append(("audit notice", d.clock())))
    d.on("2025-02-03", "10:00", lambda: seen.append(("complaint", d.clock())))
    d.on("2025-05-05", "08:00", lambda: seen.append(("review", d.clock())))
    d.at("2025-03-10", "08:00")
    seen.append(("main story", d.clock()))
    assert [name for name, _ in seen] == ["complaint", "audit notice", "main story"]
    moments = [at for _, at in seen]
    assert moments == sorted(moments)
    assert moments[0].date().isoformat() == "2025-02-03" and moments[1].date().isoformat() == "2025-03-04"
    d.finish()
    assert [name for name, _ in seen][-1] == "review" and seen[-1][1].date().isoformat() == "2025-05-05"


def test_a_scene_the_clock_has_read_past_plays_at_once_and_time_still_goes_forward() -> None:
    d, seen = story()
    d.at("2025-01-06", "09:00")
    first = d.clock()
    for _ in range(400):  # the clock reads on, past 09:30
        d.clock()
    d.on("2025-01-06", "09:30", lambda: seen.append(("late scene", d.clock())))
    d.at("2025-01-07", "08:00")
    assert seen and seen[0][1] > first
