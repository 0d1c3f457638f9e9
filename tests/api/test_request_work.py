"""A request does its work once: one read of the document per command, no write lock for a read with nothing new."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.api.conftest import OTHER, OWN


@pytest.fixture
def reads(api: Any, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """Every aggregate whose stored events the ledger reads, in order (a spy on the real recorder)."""
    recorder = api.ctx.ledger.recorder
    seen: list[UUID] = []
    select = recorder.select_events

    def spy(originator_id: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(UUID(str(originator_id)))
        return select(originator_id, *args, **kwargs)

    monkeypatch.setattr(recorder, "select_events", spy)
    return seen


def test_a_command_reads_its_document_once(api: Any, world: dict[str, Any], reads: list[UUID]) -> None:
    doc = world[OWN]["document_id"]
    r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", change_summary="Sửa lần một")
    assert r.status_code == 200, r.text
    reads.clear()
    r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", change_summary="Sửa lần hai")
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 4  # registered, drafted, revised twice: the answer names the saved version
    assert reads.count(UUID(doc)) == 1  # not once for the agency check, again for the command, again for the ETag


def test_a_command_on_another_agencys_document_is_still_404(api: Any, world: dict[str, Any]) -> None:
    theirs = world[OTHER]["document_id"]
    r = api.upload(f"/api/v1/documents/{theirs}/versions/1/revise", "thuky", change_summary="Sửa")
    assert r.status_code == 404
    r = api.upload("/api/v1/documents/00000000-0000-0000-0000-000000000000/versions/1/revise", "thuky",
                   change_summary="Sửa")
    assert r.status_code == 404


def test_a_read_with_nothing_new_takes_no_write_transaction(api: Any, world: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    api.ctx.uc.deps.projections.close()  # no background catch-up racing the reads below
    assert api.call("GET", f"/api/v1/agencies/{OWN}/documents?status=all", "thuky").status_code == 200  # caught up
    db = api.ctx.db
    writes: list[bool] = []
    transaction = db.transaction

    def spy(*args: Any, **kwargs: Any) -> Any:
        writes.append(kwargs.get("write", True))
        return transaction(*args, **kwargs)

    monkeypatch.setattr(db, "transaction", spy)
    for _ in range(3):
        assert api.call("GET", f"/api/v1/agencies/{OTHER}/documents?status=all", "thuky-b").status_code == 200
    assert True not in writes
