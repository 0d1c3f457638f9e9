"""The notification centre: what each person was told (only what they may still see), read marks, e-mail choices."""

from __future__ import annotations

import json
from typing import Any

from ledger.actors import Actor
from ledger.errors import InvalidInput, LedgerError, NotFound
from ledger.vocabulary import AccountStatus
from projections.outbox import NOTE_COLS
from usecases import roles as R
from usecases.deps import Deps
from usecases.visibility import Visibility, Who

# kind -> (Vietnamese, English, may be turned off by e-mail)
KINDS: dict[str, tuple[str, str, bool]] = {
    "review_requested": ("Phiên bản chờ bạn xem xét", "A version awaits your review", True),
    "approval_requested": ("Phiên bản chờ bạn phê duyệt", "A version awaits your approval", True),
    "signature_waiting": ("Phiên bản chờ bạn ký số phê duyệt", "A version awaits your approval signature", False),
    "reviewed": ("Phiên bản của bạn đã được cho ý kiến xem xét", "Your version was reviewed", True),
    "approved": ("Phiên bản của bạn đã được phê duyệt", "Your version was approved", True),
    "rejected": ("Phiên bản của bạn bị từ chối", "Your version was rejected", True),
    "signed": ("Phiên bản của bạn đã được ký số", "Your version was signed", True),
    "issued": ("Phiên bản của bạn đã được ban hành", "Your version was issued", True),
    "distributed": ("Tài liệu mới ban hành gửi đến phòng của bạn: hãy đọc và xác nhận đã hiểu",
                    "A document issued to your department: read it and confirm you understood it", True),
    "ack_reminder": ("Nhắc: hãy đọc và xác nhận đã hiểu tài liệu đã ban hành",
                     "Reminder: read and confirm you understood an issued document", True),
    "destruction_to_approve": ("Đề nghị hủy hồ sơ chờ bạn phê duyệt", "A record's destruction awaits your approval",
                               False),
    "loan_due": ("Hồ sơ mượn sắp đến hạn trả (còn 3 ngày)", "A borrowed record is due back in 3 days", True),
    "loan_overdue": ("Hồ sơ mượn đã quá hạn trả", "A borrowed record is overdue", True),
    "retention_ended": ("Hồ sơ đã hết thời hạn bảo quản", "A record's retention period has ended", True),
    "review_due_soon": ("Tài liệu sắp đến hạn xem xét định kỳ (còn 30 ngày)",
                        "A document's periodic review is due in 30 days", True),
    "review_due": ("Tài liệu đến hạn xem xét định kỳ", "A document's periodic review is due", True),
    "report_requested": ("Cuộc xem xét của lãnh đạo chờ báo cáo của phòng bạn",
                         "A management review awaits your department's report", True),
    "inspection_shared": ("Cơ quan chủ quản đã lập lịch kiểm tra cơ quan bạn",
                          "The supervising agency scheduled an inspection of your agency", True),
    "complaint_received": ("Phản ánh mới từ trang công khai chờ giao xử lý",
                           "New feedback from the public page awaits assignment", True),
}
MODES = {"immediate": ("Gửi ngay", "At once"), "digest": ("Gộp vào thư cuối ngày", "In the daily digest"),
         "off": ("Không gửi thư", "No e-mail")}
PAGE = 50
DOC_READERS, REC_READERS = frozenset(R.MEMBERS), frozenset(R.RECORD_READERS)


def link_of(row: dict[str, Any]) -> str:
    """The page a notification is about (a path; the mail puts the product's address in front)."""
    if row["subject"] == "case":  # a QMS case: its page under the process's collection
        data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"] or "{}")
        return f"/qms/{data.get('collection', '')}/{row['aggregate_id']}"
    return f"/{'documents' if row['subject'] == 'document' else 'records'}/{row['aggregate_id']}"


def label(kind: str, lang: str = "vi") -> str:
    vi, en, _ = KINDS.get(kind, (kind, kind, True))
    return en if lang == "en" else vi


CONFIDENTIAL = '%"confidential"%'  # a notification whose data may say its record is confidential


class Notifications:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    # ---- who may be told ------------------------------------------------------------------
    def may_see(self, who: Who, row: dict[str, Any]) -> bool:
        """Whether ``who`` may still see what ``row`` is about: its agency, with a role that reads such things,
        and for a confidential record, its files (the same rules as reading the item)."""
        readers = DOC_READERS if row["subject"] in ("document", "case") else REC_READERS  # the item's readers
        if not (who.roles & readers) or not self.visibility.sees(who, row["agency_id"]):
            return False
        if row["subject"] == "record" and json.loads(row["data"]).get("confidential"):
            if not isinstance(who, Actor):
                who = Actor(getattr(who, "username", ""), who.agency_id, frozenset(who.roles))
            try:
                return self.deps.ledger.file_access(who, row["aggregate_id"]) is not None
            except LedgerError:
                return False
        return True

    def account(self, username: str) -> Actor | None:
        """The account as it is now (None when gone, locked or deactivated): who is checked before a mail."""
        found = self.deps.directory.find_account(username)
        if found is None or found.get("status", "active") != AccountStatus.ACTIVE:
            return None
        return Actor(username, found["agency_id"], frozenset(found["roles"]))

    # ---- the centre -----------------------------------------------------------------------
    def _rows(self, actor: Actor, where: str, params: tuple[Any, ...], limit: int | None) -> list[dict[str, Any]]:
        self.deps.projections.fresh()
        sql = f"SELECT {', '.join(NOTE_COLS)} FROM notifications WHERE user_id=?{where} ORDER BY at DESC, id"
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(sql + (f" LIMIT {int(limit) * 2 + 20}" if limit else ""), (actor.user_id, *params))
            rows = [dict(zip(NOTE_COLS, r, strict=True)) for r in cur.fetchall()]
        seen = [dict(r, link=link_of(r), label=label(r["kind"]), label_en=label(r["kind"], "en"),
                     data=json.loads(r["data"])) for r in rows if self.may_see(actor, r)]
        return seen[:limit] if limit else seen

    def list(self, actor: Actor, *, unread: bool = False, limit: int = PAGE) -> list[dict[str, Any]]:
        """``actor``'s notifications, newest first (only what they may still see)."""
        return self._rows(actor, " AND read_at IS NULL" if unread else "", (), limit)

    def unread_count(self, actor: Actor) -> int:
        """How many of ``actor``'s unread notifications they may still see: the bell on every page.

        Counted from an index, grouped by what ``may_see`` decides on (the subject's kind and the agency); only the
        notifications of records whose data mentions confidentiality are read row by row, as that depends on the
        record (a secretary with 43,610 unread: 0.8 s when each was read, a few ms so)."""
        self.deps.projections.fresh()
        unread = "FROM notifications WHERE user_id=? AND read_at IS NULL"
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT subject, agency_id, COUNT(*) {unread} GROUP BY subject, agency_id", (actor.user_id,))
            groups = cur.fetchall()
            cur.execute(f"SELECT agency_id, aggregate_id, data {unread} AND subject='record' AND data LIKE ?",
                        (actor.user_id, CONFIDENTIAL))
            flagged = cur.fetchall()
        visible = {(subject, agency) for subject, agency, _ in groups
                   if self.may_see(actor, {"subject": subject, "agency_id": agency, "data": "{}"})}
        hidden = sum(1 for agency, aggregate, data in flagged if ("record", agency) in visible and not self.may_see(
            actor, {"subject": "record", "agency_id": agency, "aggregate_id": aggregate, "data": data}))
        return sum(int(n) for subject, agency, n in groups if (subject, agency) in visible) - hidden

    def mark_read(self, actor: Actor, note_id: str) -> dict[str, Any]:
        """Marks one of ``actor``'s notifications read (404 for anyone else's)."""
        rows = self._rows(actor, " AND id=?", (note_id,), None)
        if not rows:
            raise NotFound("Không tìm thấy thông báo.", "No such notification.", field="id")
        if rows[0]["read_at"] is None:
            at = self.deps.ledger.clock().isoformat()
            with self.deps.db.transaction() as cur:
                cur.execute("UPDATE notifications SET read_at=? WHERE id=? AND user_id=? AND read_at IS NULL",
                            (at, note_id, actor.user_id))
            rows[0]["read_at"] = at
        return rows[0]

    def mark_all_read(self, actor: Actor) -> int:
        at = self.deps.ledger.clock().isoformat()
        with self.deps.db.transaction() as cur:
            cur.execute("UPDATE notifications SET read_at=? WHERE user_id=? AND read_at IS NULL", (at, actor.user_id))
            changed: Any = getattr(cur, "raw", cur)
            return int(changed.rowcount or 0)

    # ---- e-mail choices -------------------------------------------------------------------
    def preferences(self, actor: Actor) -> dict[str, str]:
        """Each kind's e-mail choice for ``actor`` (immediate unless they chose otherwise)."""
        return preferences_of(self.deps.db, actor.user_id)

    def set_preference(self, actor: Actor, kind: str, mode: str) -> dict[str, str]:
        if kind not in KINDS:
            raise InvalidInput("Loại thông báo không có.", "Unknown notification kind.", field="kind")
        if mode not in MODES:
            raise InvalidInput("Cách gửi thư là: gửi ngay, gộp cuối ngày hoặc không gửi.",
                               "The mode is immediate, digest or off.", field="mode")
        if mode == "off" and not KINDS[kind][2]:
            raise InvalidInput(f"«{KINDS[kind][0]}» luôn được gửi thư; không tắt được.",
                               f"“{KINDS[kind][1]}” is always e-mailed; it cannot be turned off.", field="mode")
        with self.deps.db.transaction() as cur:
            cur.execute("DELETE FROM notification_prefs WHERE user_id=? AND kind=?", (actor.user_id, kind))
            cur.execute("INSERT INTO notification_prefs VALUES (?, ?, ?)", (actor.user_id, kind, mode))
        return self.preferences(actor)


def preferences_of(db: Any, username: str) -> dict[str, str]:
    with db.transaction(write=False) as cur:
        cur.execute("SELECT kind, mode FROM notification_prefs WHERE user_id=?", (username,))
        chosen = dict(cur.fetchall())
    return {k: (chosen.get(k, "immediate") if KINDS[k][2] or chosen.get(k) != "off" else "immediate")
            for k in KINDS}


