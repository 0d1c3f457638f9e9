"""What the tests need from the machine, and what to do when it is missing."""

from __future__ import annotations

import os

import pytest


def require(available: bool, why: str) -> None:
    """Skip a test whose outside tool is missing on a developer's machine; in CI (CI=true), where
    `make test` installs every tool, a missing tool fails the run instead of hiding tests."""
    if available:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI installs it through `make install`)")
    pytest.skip(why)
