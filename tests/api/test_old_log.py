"""An event log recorded before people were picked and states were typed (at commit 5dc8627, with free-text
borrowers, council, witnesses and distribution) replays, and the JSON API answers over it exactly as it did then."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from tests.api.conftest import PASSWORD, make_api

HERE = Path(__file__).parent / "old_log"


@pytest.fixture
def replayed(database_url: str, tmp_path: Path, ledger: Any, projector: Any) -> Any:
    events = json.loads((HERE / "events.json").read_text(encoding="utf-8"))
    ledger.recorder.insert_events([StoredEvent(originator_id=UUID(e["originator_id"]),
                                               originator_version=e["originator_version"], topic=e["topic"],
                                               state=e["state"].encode("utf-8")) for e in events])
    api = make_api(database_url, tmp_path, ledger, projector)
    with api.client:
        for username in ("giamdoc", "quantri"):
            api.ctx.store.set_password_hash(username, api.ctx.passwords.hash(PASSWORD))
        yield api
    api.archive.close()


def test_an_old_event_log_replays_and_the_api_answers_as_it_did(replayed: Any) -> None:
    recorded = json.loads((HERE / "answers.json").read_text(encoding="utf-8"))
    assert len(recorded["answers"]) == 10
    for path, answer in recorded["answers"].items():
        r = replayed.call("GET", path, "quantri" if path.endswith("/users") else "giamdoc")
        assert r.status_code == 200, (path, r.text)
        assert r.json() == answer, path


def test_the_old_free_text_names_are_shown_on_the_pages_as_they_were_written(replayed: Any) -> None:
    old = json.loads((HERE / "answers.json").read_text(encoding="utf-8"))["old"]
    signed_in = replayed.client.post("/api/v1/auth/session", data={"username": "giamdoc", "password": PASSWORD})
    assert signed_in.status_code == 200
    page = replayed.client.get(f"/records/{old}").text
    assert "hội đồng: Nguyễn Văn Ánh; Lê Thị Thu Hà" in page and "Đặng Minh Khoa; chứng kiến: Võ Thành Đạt" in page
    assert "Phòng Kế hoạch" in replayed.client.get("/loans").text
