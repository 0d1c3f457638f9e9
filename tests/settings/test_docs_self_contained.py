"""README.md and docs/ stand alone: every link and cited path is inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
OUTSIDE = re.compile(r"(?<![\w./-])(?:shared/|\.\./|/work/)|\b(?:DESIGN|STYLE|API)\.md\b")
REQUIRED = ["README.md", "docs/design.md", "docs/api.md"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_page_names_no_file_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not OUTSIDE.findall(text), OUTSIDE.findall(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_points_at_a_file_of_the_repository(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"{page.name} links to {target}"


def test_the_design_and_the_contract_are_in_the_repository() -> None:
    for name in REQUIRED:
        assert (ROOT / name).is_file(), name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/design.md)" in readme and "(docs/api.md)" in readme


def test_the_event_catalogue_names_every_event_the_ledger_defines() -> None:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    names = set()
    for module in ("document", "record", "directory"):
        names |= set(re.findall(r'@event\("(\w+)"\)', (ROOT / "ledger" / f"{module}.py").read_text(encoding="utf-8")))
    assert names and not {n for n in names if f"`{n}`" not in design}


def test_the_contract_lists_every_route_of_the_api() -> None:
    contract = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = []
    for router in (ROOT / "api" / "routers").glob("*.py"):
        text = router.read_text(encoding="utf-8")
        prefix = "/api/v1/auth" if router.stem == "auth" else ("" if router.stem in ("public", "health")
                                                                   or router.stem.startswith("public_") else "/api/v1")
        for path in re.findall(r'@router\.(?:get|post|patch|put|delete)\("([^"]+)"', text):
            full = prefix + path
            last = full.rsplit("/", 1)[-1]
            if full not in contract and f"`/{last}`" not in contract:
                missing.append(full)
    assert not missing, missing
