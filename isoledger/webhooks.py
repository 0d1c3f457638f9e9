"""Webhook delivery: signed POSTs (Standard Webhooks headers, HMAC-SHA256), retried with exponential backoff, then
dead-lettered; every attempt recorded.

Headers: ``webhook-id`` (the delivery's id, the same on every retry), ``webhook-timestamp`` (Unix seconds) and
``webhook-signature: v1,<base64 HMAC-SHA256>`` over ``{webhook-id}.{webhook-timestamp}.{body}`` with the key the
endpoint's secret encodes (``whsec_<base64>``), as https://www.standardwebhooks.com describes; receivers reject a
timestamp more than 5 minutes old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from isoledger.passes import Passes
from usecases.layer import UseCases

log = logging.getLogger("isoledger.webhooks")
MAX_ATTEMPTS = 6
BASE_DELAY = 30.0  # seconds before the first retry; then doubled each time (30 s, 1 min, 2, 4, 8 min)


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None,
           tolerance: float = 300) -> bool:
    """What a receiver checks (and the tests): a signature of ours, made within ``tolerance`` seconds."""
    msg_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not stamp.isdigit() or abs((now or time.time()) - int(stamp)) > tolerance:
        return False
    expected = signature(secret, msg_id, int(stamp), body)
    return any(hmac.compare_digest(expected, s) for s in headers.get("webhook-signature", "").split())


class WebhookSender:
    """Delivers due webhook deliveries; ``run_once`` is one pass, ``start`` a thread until ``stop``."""

    def __init__(self, uc: UseCases, *, clock: Callable[[], datetime] | None = None, base_delay: float = BASE_DELAY,
                 max_attempts: int = MAX_ATTEMPTS, timeout: float = 10.0, lease: float = 120.0) -> None:
        self.uc, self.db = uc, uc.deps.db
        self.clock = clock or uc.deps.ledger.clock
        self.base_delay, self.max_attempts, self.lease = base_delay, max_attempts, lease
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)
        self._passes = Passes(self.run_once, "isoledger-webhooks", log, "webhook")

    def run_once(self, *, limit: int = 500) -> dict[str, int]:
        self.uc.deps.projections.fresh()
        done = {"delivered": 0, "retried": 0, "dead": 0}
        for delivery in self._claim(limit):
            done[self._deliver(delivery)] += 1
        return done

    def _claim(self, limit: int) -> list[dict[str, Any]]:
        now = self.clock()
        stale = (now - timedelta(seconds=self.lease)).isoformat()
        cols = ("d.id", "d.webhook_id", "d.position", "d.attempts", "w.url", "w.secret")
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(cols)} FROM webhook_deliveries d JOIN webhooks w ON w.id=d.webhook_id "
                        "WHERE w.active=1 AND ((d.status='pending' AND d.next_at <= ?) OR (d.status='sending' AND "
                        "d.claimed_at < ?)) ORDER BY d.position LIMIT ?", (now.isoformat(), stale, limit))
            rows = [dict(zip(("id", "webhook_id", "position", "attempts", "url", "secret"), r, strict=True))
                    for r in cur.fetchall()]
        claimed = []
        with self.db.transaction() as cur:
            for row in rows:
                cur.execute("UPDATE webhook_deliveries SET status='sending', claimed_at=? WHERE id=? AND "
                            "(status='pending' OR (status='sending' AND claimed_at < ?))", (now.isoformat(), row["id"],
                                                                                          stale))
                if int(getattr(cur, "raw", cur).rowcount or 0) == 1:
                    claimed.append(row)
        return claimed

    def body(self, position: int) -> bytes:
        """The event as the feed gives it, with its data (a confidential record's file names left out)."""
        with self.db.transaction(write=False) as cur:
            cols = ("position", "aggregate_id", "version", "kind", "event_type", "actor", "role", "agency_id",
                    "occurred_at", "summary", "hash")
            cur.execute(f"SELECT {', '.join(cols)} FROM audit WHERE position=?", (position,))
            row = cur.fetchone()
        [event] = self.uc.feed.with_data([dict(zip(cols, row, strict=True))], lambda record_id: False)
        return json.dumps({"type": f"{event['kind']}.{event['event_type']}", "timestamp": event["occurred_at"],
                           "data": event}, ensure_ascii=False, separators=(",", ":")).encode()

    def _deliver(self, d: dict[str, Any]) -> str:
        body = self.body(d["position"])
        stamp = int(time.time())
        headers = {"content-type": "application/json", "user-agent": "isoledger-webhooks/1",
                   "webhook-id": d["id"], "webhook-timestamp": str(stamp),
                   "webhook-signature": signature(d["secret"], d["id"], stamp, body)}
        started = time.perf_counter()
        status, error = None, None
        try:
            status = self.client.post(d["url"], content=body, headers=headers).status_code
        except httpx.HTTPError as e:
            error = f"{type(e).__name__}: {e}"[:500]
        ms = int((time.perf_counter() - started) * 1000)
        ok = status is not None and 200 <= status < 300
        attempts = d["attempts"] + 1
        now = self.clock()
        outcome = "delivered" if ok else ("dead" if attempts >= self.max_attempts else "retried")
        with self.db.transaction() as cur:
            cur.execute("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id=?", (d["id"],))
            n = int(cur.fetchone()[0]) + 1
            cur.execute("INSERT INTO webhook_attempts VALUES (?,?,?,?,?,?)",
                        (d["id"], n, now.isoformat(), status, error or (None if ok else f"HTTP {status}"), ms))
            next_at = now + timedelta(seconds=self.base_delay * 2 ** (attempts - 1))
            cur.execute("UPDATE webhook_deliveries SET status=?, attempts=?, next_at=?, last_status=?, last_error=?, "
                        "delivered_at=?, claimed_at=NULL WHERE id=?",
                        ({"delivered": "delivered", "dead": "dead", "retried": "pending"}[outcome], attempts,
                         next_at.isoformat(), status, error, now.isoformat() if ok else None, d["id"]))
        return outcome

    # ---- in the background ----------------------------------------------------------------
    def start(self, poll: float = 2.0) -> None:
        """A thread that passes every ``poll`` seconds (or when woken) until ``stop``; errors are logged."""
        self._passes.start(poll)

    def wake(self) -> None:
        self._passes.wake()

    def stop(self) -> None:
        self._passes.stop()
        self.client.close()
