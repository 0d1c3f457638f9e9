"""The environment is read in one module: isoledger/settings.py (through pydantic-settings)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "projections", "archive", "signing", "api", "isoledger")
READS_ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\s*\(|\bos\.getenvb?\b|from\s+os\s+import\s+[^\n]*\b(environ|getenv)"
                               r"|\bBaseSettings\b|\benvvar\s*=")


def _readers() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if READS_ENVIRONMENT.search(path.read_text(encoding="utf-8")):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_only_the_settings_module_reads_the_environment() -> None:
    assert _readers() == {"isoledger/settings.py"}


def test_the_settings_module_reads_it_through_pydantic_settings_only() -> None:
    text = (ROOT / "isoledger" / "settings.py").read_text(encoding="utf-8")
    assert "BaseSettings" in text and "os.environ" not in text and "getenv" not in text
