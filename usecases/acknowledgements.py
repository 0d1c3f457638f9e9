"""Read and understood (đã đọc và hiểu): the members of a version's distribution acknowledge it; who has, per
department; the controller reminds the rest; the report as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.actors import Actor
from ledger.errors import NotAllowed
from projections.outbox import distribution_members
from usecases import roles as R
from usecases.deps import Deps
from usecases.documents import version_of
from usecases.outcome import Done, done
from usecases.visibility import Visibility

READERS = frozenset(R.MEMBERS)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NO_DEPARTMENT = ("Chưa thuộc phòng ban", "No department")


class Acknowledgements:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def _members(self, agency_id: str, distribution: list[str]) -> list[tuple[str, str | None]]:
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            return distribution_members(cur, agency_id, distribution)

    def acknowledge(self, actor: Actor, document_id: str, n: int) -> Done:
        """``actor`` read and understood version ``n``: only someone its distribution names."""
        state = self.visibility.document(actor, document_id, READERS, command=True)
        ver = version_of(state, n)
        if actor.user_id not in {u for u, _ in self._members(state["agency_id"], ver.get("distribution") or [])}:
            raise NotAllowed("Bạn không thuộc nơi nhận của phiên bản này.",
                             "You are not on this version's distribution.", code="not_on_distribution")
        self.deps.ledger.acknowledge(actor, document_id, n)
        return done(self.deps, document_id, n=n)

    def status(self, actor: Actor, document_id: str, n: int) -> dict[str, Any]:
        """Who has and who has not acknowledged version ``n``, per department (members as they are now)."""
        state = self.visibility.document(actor, document_id, READERS)
        ver = version_of(state, n)
        members = self._members(state["agency_id"], ver.get("distribution") or [])
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT user_id, at FROM acknowledgements WHERE document_id=? AND n=?", (document_id, n))
            acked = dict(cur.fetchall())
            cur.execute("SELECT id, name FROM departments WHERE agency_id=?", (state["agency_id"],))
            names = dict(cur.fetchall())
            cur.execute("SELECT username, full_name FROM users WHERE agency_id=?", (state["agency_id"],))
            people = dict(cur.fetchall())
        groups: dict[str | None, dict[str, Any]] = {}
        for username, dept in members:
            group = groups.setdefault(dept, {"id": dept, "name": names.get(dept) if dept else None, "members": [],
                                             "done": 0, "total": 0})
            group["members"].append({"username": username, "full_name": people.get(username, username),
                                     "acknowledged_at": acked.get(username)})
            group["total"] += 1
            group["done"] += username in acked
        departments = sorted(groups.values(), key=lambda g: (g["name"] is None, g["name"] or ""))
        return {"document_id": document_id, "n": n, "status": ver["status"], "departments": departments,
                "done": sum(g["done"] for g in departments), "total": sum(g["total"] for g in departments),
                "pending": [m["username"] for g in departments for m in g["members"] if not m["acknowledged_at"]],
                "mine": actor.user_id in {u for u, _ in members} and actor.user_id not in acked}

    def remind(self, actor: Actor, document_id: str, n: int) -> Done:
        """The controller reminds everyone who has not acknowledged version ``n`` yet (one event, a notice each)."""
        self.visibility.document(actor, document_id, READERS, command=True)
        pending = self.status(actor, document_id, n)["pending"]
        self.deps.ledger.remind_acknowledgement(actor, document_id, n, users=pending)
        return done(self.deps, document_id, n=n)

    def report_csv(self, actor: Actor, document_id: str, n: int) -> bytes:
        """The version's acknowledgement report: UTF-8 with a byte-order mark (so spreadsheets keep the accents)."""
        state = self.visibility.document(actor, document_id, READERS)
        found = self.status(actor, document_id, n)
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["Mã tài liệu", "Tên tài liệu", "Phiên bản", "Phòng ban", "Tài khoản", "Họ và tên",
                    "Đã đọc và hiểu lúc (giờ Việt Nam)"])
        for g in found["departments"]:
            for m in g["members"]:
                at = m["acknowledged_at"]
                when = datetime.fromisoformat(at).astimezone(VN).strftime("%d/%m/%Y %H:%M") if at else "Chưa"
                w.writerow([state["code"], state["title"], n, g["name"] or NO_DEPARTMENT[0], m["username"],
                            m["full_name"], when])
        w.writerow([])
        w.writerow(["Tổng cộng", "", n, "", "", f"{found['done']}/{found['total']} đã xác nhận", ""])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
