"""Twenty clients at once on a real server: one wins each step, the rest get 409 or 412, chains stay intact."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from ledger.verify import verify_chains
from tests.api.conftest import OWN

CLIENTS = 20


@pytest.fixture
def live(api):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _all_at_once(base, path, headers, body, etag):
    barrier = threading.Barrier(CLIENTS)

    def one(_):
        with httpx.Client(base_url=base, timeout=60) as c:
            barrier.wait()
            return c.post(path, json=body, headers={**headers, "If-Match": etag}).status_code
    with ThreadPoolExecutor(CLIENTS) as pool:
        return sorted(pool.map(one, range(CLIENTS)))


def test_twenty_clients_approve_and_issue_the_same_document_once(api, world, live):
    doc = world[OWN]["document_id"]
    api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
             json={"reviewers": [], "approver": "giamdoc"})
    etag = api.call("GET", f"/api/v1/documents/{doc}", "thuky").headers["ETag"]
    approvals = _all_at_once(live, f"/api/v1/documents/{doc}/versions/1/approve", api.login("giamdoc"), None, etag)
    assert approvals.count(200) == 1 and set(approvals) <= {200, 409, 412}, approvals
    etag = api.call("GET", f"/api/v1/documents/{doc}", "thuky").headers["ETag"]
    issues = _all_at_once(live, f"/api/v1/documents/{doc}/versions/1/issue", api.login("thuky"),
                          {"effective_from": "2026-03-05", "distribution": ["leadership"]}, etag)
    assert issues.count(200) == 1 and set(issues) <= {200, 409, 412}, issues
    events = [e["type"] for e in api.services.ledger.history(doc)]
    assert events.count("Approved") == 1 and events.count("Issued") == 1
    assert verify_chains(api.services.ledger).intact


def test_twenty_clients_without_if_match_still_apply_the_step_once(api, world, live):
    doc = world[OWN]["document_id"]
    api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
             json={"reviewers": [], "approver": "giamdoc"})
    approvals = _all_at_once(live, f"/api/v1/documents/{doc}/versions/1/approve", api.login("giamdoc"), None, "*")
    assert approvals.count(200) == 1 and set(approvals) <= {200, 409, 412}, approvals
    assert verify_chains(api.services.ledger).intact
