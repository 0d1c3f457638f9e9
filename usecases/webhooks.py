"""Webhooks for other systems (LGSP, QLVB&ĐH, one-stop): endpoints, their deliveries and attempts, redelivery."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from ledger.actors import Actor
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.vocabulary import Role
from usecases.deps import Deps
from usecases.visibility import Visibility

MANAGERS = frozenset({"admin", Role.AGENCY_ADMIN})
HOOK_COLS = ("id", "owner_agency", "url", "kinds", "agencies", "description", "active", "since_position",
             "created_by", "created_at")
DELIVERY_COLS = ("id", "webhook_id", "position", "event_type", "agency_id", "status", "attempts", "next_at",
                 "last_status", "last_error", "created_at", "delivered_at")
STATUSES = ("pending", "sending", "delivered", "dead")


def _missing() -> NotFound:
    return NotFound("Không tìm thấy webhook.", "No such webhook.", field="id")


class Webhooks:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def _check(self, actor: Actor, agencies: list[str]) -> None:
        if not actor.roles & MANAGERS:
            raise NotAllowed("Chỉ quản trị được quản lý webhook.", "Only administrators manage webhooks.",
                             code="role_required")
        if "admin" not in actor.roles and any(a != actor.agency_id for a in agencies):
            raise NotAllowed("Quản trị cơ quan chỉ đăng ký webhook cho cơ quan mình.",
                             "An agency administrator registers webhooks for their own agency only.",
                             code="agency_scope", field="agencies")

    def register(self, actor: Actor, *, url: str, kinds: list[str], agencies: list[str] | None = None,
                 description: str = "") -> dict[str, Any]:
        """A new endpoint; the answer carries its secret (``whsec_…``), shown this once."""
        scope = list(dict.fromkeys(agencies or [actor.agency_id]))
        self._check(actor, scope)
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 2000:
            raise InvalidInput("Địa chỉ nhận phải là URL http(s) đầy đủ.", "The endpoint must be an http(s) URL.",
                               field="url")
        if not kinds or any(not isinstance(k, str) or not k or len(k) > 80 for k in kinds):
            raise InvalidInput("Hãy chọn loại sự kiện (ví dụ Document.Issued, Record.*, hoặc *).",
                               "Choose event kinds (e.g. Document.Issued, Record.*, or *).", field="kinds")
        for agency in scope:
            if self.deps.directory.find_agency(agency) is None:
                raise InvalidInput(f"Không có cơ quan {agency}.", f"No agency {agency}.", field="agencies")
        hook_id = uuid.uuid4().hex
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        since = int(self.deps.ledger.recorder.max_notification_id() or 0)
        with self.deps.db.transaction() as cur:
            cur.execute("INSERT INTO webhooks VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (hook_id, actor.agency_id, url, json.dumps(sorted(set(kinds))), json.dumps(scope), secret,
                         description[:500], 1, since, actor.user_id, self.deps.ledger.clock().isoformat()))
        return dict(self.get(actor, hook_id), secret=secret)

    def _visible(self, actor: Actor, row: dict[str, Any]) -> bool:
        return "admin" in actor.roles or (Role.AGENCY_ADMIN in actor.roles and row["owner_agency"] == actor.agency_id)

    def endpoints(self, actor: Actor) -> list[dict[str, Any]]:
        self._check(actor, [])
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(HOOK_COLS)} FROM webhooks ORDER BY created_at, id")
            rows = [self._hook(r) for r in cur.fetchall()]
        return [r for r in rows if self._visible(actor, r)]

    def get(self, actor: Actor, hook_id: str) -> dict[str, Any]:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(HOOK_COLS)} FROM webhooks WHERE id=?", (hook_id,))
            row = cur.fetchone()
        if row is None or not self._visible(actor, self._hook(row)):
            raise _missing()
        return self._hook(row)

    @staticmethod
    def _hook(row: Any) -> dict[str, Any]:
        hook = dict(zip(HOOK_COLS, row, strict=True))
        hook.update(kinds=json.loads(hook["kinds"]), agencies=json.loads(hook["agencies"]),
                    active=bool(hook["active"]))
        return hook

    def deliveries(self, actor: Actor, hook_id: str, *, status: str | None = None,
                   limit: int = 100) -> list[dict[str, Any]]:
        """The endpoint's deliveries, newest first, each with every attempt (time, HTTP status or error, ms)."""
        self.get(actor, hook_id)
        self.deps.projections.fresh()
        where, params = ("AND status=?", (status,)) if status else ("", ())
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(DELIVERY_COLS)} FROM webhook_deliveries WHERE webhook_id=? {where} "
                        f"ORDER BY position DESC LIMIT ?", (hook_id, *params, limit))
            rows = [dict(zip(DELIVERY_COLS, r, strict=True)) for r in cur.fetchall()]
            for row in rows:
                cur.execute("SELECT n, at, status_code, error, ms FROM webhook_attempts WHERE delivery_id=? ORDER BY n",
                            (row["id"],))
                row["attempts_made"] = [dict(zip(("n", "at", "status_code", "error", "ms"), a, strict=True))
                                        for a in cur.fetchall()]
        return rows

    def redeliver(self, actor: Actor, delivery_id: str) -> dict[str, Any]:
        """Puts a dead (or delivered) delivery back in line, at once; its earlier attempts stay visible."""
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT webhook_id FROM webhook_deliveries WHERE id=?", (delivery_id,))
            row = cur.fetchone()
        if row is None:
            raise NotFound("Không tìm thấy lần gửi.", "No such delivery.", field="id")
        self.get(actor, row[0])
        with self.deps.db.transaction() as cur:
            cur.execute("UPDATE webhook_deliveries SET status='pending', attempts=0, next_at=?, claimed_at=NULL "
                        "WHERE id=? AND status IN ('dead', 'delivered')", (self.deps.ledger.clock().isoformat(),
                                                                          delivery_id))
        return next(d for d in self.deliveries(actor, row[0]) if d["id"] == delivery_id)

    def agency_of_hook(self, hook_id: str) -> str | None:
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT owner_agency FROM webhooks WHERE id=?", (hook_id,))
            row = cur.fetchone()
        return None if row is None else str(row[0])
