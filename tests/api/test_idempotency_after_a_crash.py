"""A key claimed by a server process that then stopped (kill -9 mid-request) does not hold its retries off for
minutes: once that process's heartbeat is gone, the retry runs the command if nothing of it was written, or says
that it was applied if it was; never twice. A key held by a live process stays in progress."""

from __future__ import annotations

import time
from typing import Any

from api.store import GONE_AFTER, Claim
from ledger.actors import Actor
from ledger.requests import writing_for
from tests.api.conftest import OWN

DOCS = f"/api/v1/agencies/{OWN}/documents"
BODY = {"code": "BM-31", "title": "Phiếu đề nghị sửa đổi", "kind": "form", "department": "VP"}


def _claimed_by(api: Any, key: str, instance: str, *, beat_ago: float | None) -> Claim:
    """What a process ``instance`` left behind when it stopped: the key claimed, its last heartbeat ``beat_ago``."""
    store = api.ctx.store
    claim = store.reserve("thuky", key, "POST", DOCS, "", instance=instance)
    assert isinstance(claim, Claim)
    with store.db.transaction() as cur:
        if beat_ago is None:
            cur.execute("DELETE FROM api_instances WHERE instance=?", (instance,))
        else:
            cur.execute("UPDATE api_instances SET seen_at=? WHERE instance=?", (time.time() - beat_ago, instance))
    return claim


def _documents(api: Any, code: str) -> list[dict[str, Any]]:
    items = api.call("GET", DOCS, "thuky", params={"q": code, "status": "all"}).json()["items"]
    return [d for d in items if d["code"] == code]


def test_a_key_left_pending_by_a_stopped_process_runs_when_nothing_of_it_was_written(api, world):
    _claimed_by(api, "crash-1", "stopped-process", beat_ago=GONE_AFTER + 1)
    retry = api.call("POST", DOCS, "thuky", json=BODY, headers={"Idempotency-Key": "crash-1"})
    assert retry.status_code == 201, retry.text
    again = api.call("POST", DOCS, "thuky", json=BODY, headers={"Idempotency-Key": "crash-1"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json()
    assert len(_documents(api, "BM-31")) == 1


def test_a_key_whose_command_was_written_before_the_crash_answers_applied_and_writes_nothing_again(api, world):
    claim = _claimed_by(api, "crash-2", "stopped-process", beat_ago=None)
    with writing_for(claim.request):  # the stopped process had written its command, not yet its answer
        api.ctx.ledger.register_document(Actor("thuky", OWN, frozenset({"iso_secretary"})),
                                         code="BM-32", title="Phiếu đã ghi", kind="form", department="VP")
    api.ctx.fresh()
    body = {**BODY, "code": "BM-32", "title": "Phiếu đã ghi"}
    retry = api.call("POST", DOCS, "thuky", json=body, headers={"Idempotency-Key": "crash-2"})
    assert retry.status_code == 409, retry.text
    problem = retry.json()
    assert problem["code"] == "request_already_applied" and problem["errors"][0]["field"] == "Idempotency-Key"
    assert "đã được thực hiện" in problem["detail"] and problem["detail_en"].startswith("This request was applied")
    again = api.call("POST", DOCS, "thuky", json=body, headers={"Idempotency-Key": "crash-2"})
    assert again.status_code == 409 and again.headers["Idempotent-Replayed"] == "true"
    assert len(_documents(api, "BM-32")) == 1


def test_a_key_held_by_a_live_process_stays_in_progress(api, world):
    _claimed_by(api, "crash-3", "live-process", beat_ago=1.0)
    retry = api.call("POST", DOCS, "thuky", json={**BODY, "code": "BM-33"}, headers={"Idempotency-Key": "crash-3"})
    assert retry.status_code == 409 and retry.json()["code"] == "request_in_progress"
    assert retry.headers["Retry-After"] == "1"
    assert _documents(api, "BM-33") == []


def test_a_key_freed_by_a_server_error_keeps_its_request_so_a_written_command_is_not_applied_twice(api, world):
    store = api.ctx.store
    claim = store.reserve("thuky", "crash-4", "POST", DOCS, "", instance=api.app.state.instance)
    assert isinstance(claim, Claim)
    with writing_for(claim.request):
        api.ctx.ledger.register_document(Actor("thuky", OWN, frozenset({"iso_secretary"})),
                                         code="BM-34", title="Phiếu", kind="form", department="VP")
    store.release("thuky", "crash-4")  # the answer failed (a 5xx) after the events were written
    api.ctx.fresh()
    retry = api.call("POST", DOCS, "thuky", json={**BODY, "code": "BM-34", "title": "Phiếu"},
                     headers={"Idempotency-Key": "crash-4"})
    assert retry.status_code == 409 and retry.json()["code"] == "request_already_applied"
    assert len(_documents(api, "BM-34")) == 1
