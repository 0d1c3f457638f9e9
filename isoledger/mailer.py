"""E-mail of notifications: Vietnamese messages (plain text and HTML, a link), sent over SMTP with STARTTLS.

The outbox decided who is told (``mail='pending'``); the sender claims a batch (``sending``, with the time),
sends each message outside any transaction and marks it ``sent`` one by one. A sender that dies between the two
leaves ``sending`` rows whose claim goes stale after ``lease`` seconds: they are sent by the next run, late, with
the same Message-ID. A notice is never dropped: an error puts it back (retried with a growing pause, ``failed``
after MAX_ATTEMPTS). Kinds chosen "daily digest" wait as ``digest`` and go out in one mail per person and day.
"""

from __future__ import annotations

import hashlib
import html
import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import Any
from zoneinfo import ZoneInfo

from isoledger.passes import Passes
from isoledger.settings import MailSettings
from usecases.layer import UseCases
from usecases.notifications import KINDS, label, link_of, preferences_of

log = logging.getLogger("isoledger.mail")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_ATTEMPTS = 8
BATCH = 50
CLAIM_COLS = ("id", "user_id", "agency_id", "kind", "subject", "aggregate_id", "n", "title", "actor", "at", "data",
              "mail", "mail_attempts", "mail_claimed_at")


# ---- the messages -------------------------------------------------------------------------------
def message_id(key: str) -> str:
    """The same Message-ID every time a notice (or digest) is sent: a late resend is recognisably the same mail."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@isoledger>"


def _vntime(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(VN).strftime("%d/%m/%Y %H:%M")


def _line(note: dict[str, Any]) -> str:
    version = f" (phiên bản {note['n']})" if note.get("n") else ""
    return f"{label(note['kind'])}: {note['title']}{version}"


def _message(mail: MailSettings, to: tuple[str, str], subject: str, key: str, now: datetime, text: str,
             page: str) -> Message:
    """Plain text and HTML alternatives in UTF-8; headers encoded whole (RFC 2047), so diacritics and the
    spaces between words survive every mail reader."""
    msg = MIMEMultipart("alternative")
    msg["Subject"] = Header(subject, "utf-8")
    msg["From"] = formataddr(("ISO điện tử", mail.sender), charset="utf-8")
    msg["To"] = formataddr(to, charset="utf-8")
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(key)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Isoledger-Notification"] = key
    msg.attach(MIMEText(text, "plain", "utf-8"))
    msg.attach(MIMEText(page, "html", "utf-8"))
    return msg


def _footer(mail: MailSettings) -> tuple[str, str]:
    url = html.escape(mail.public_url)
    return (f"\n—\nThư tự động từ ISO điện tử; chọn cách nhận thư tại {mail.public_url}/notifications\n",
            f'<p style="color:#4d5560">Thư tự động từ ISO điện tử; <a href="{url}/notifications">chọn cách nhận '
            "thư</a>.</p>")


def compose(mail: MailSettings, note: dict[str, Any], to: tuple[str, str], now: datetime) -> Message:
    """One notice: the subject says what happened, the body who did it and when, and links the page."""
    url = mail.public_url + link_of(note)
    line = _line(note)
    foot_text, foot_html = _footer(mail)
    text = (f"Kính gửi {to[0]},\n\n{line}.\nNgười thực hiện: {note['actor']}, lúc {_vntime(note['at'])}.\n\n"
            f"Xem tại: {url}\n" + foot_text)
    page = (f'<!doctype html><html lang="vi"><body><p>Kính gửi {html.escape(to[0])},</p>'
            f"<p><strong>{html.escape(line)}</strong>.<br>Người thực hiện: {html.escape(note['actor'])}, lúc "
            f'{_vntime(note["at"])}.</p><p><a href="{html.escape(url)}">Mở trang</a></p>{foot_html}</body></html>')
    return _message(mail, to, f"[ISO điện tử] {line}", note["id"], now, text, page)


def compose_digest(mail: MailSettings, notes: list[dict[str, Any]], to: tuple[str, str], day: str, key: str,
                   now: datetime) -> Message:
    """A day's notices in one mail, each with its link."""
    d = datetime.fromisoformat(day).strftime("%d/%m/%Y")
    foot_text, foot_html = _footer(mail)
    lines = [f"- {_line(n)} — {n['actor']}, {_vntime(n['at'])}\n  {mail.public_url + link_of(n)}" for n in notes]
    text = f"Kính gửi {to[0]},\n\nCác thông báo ngày {d}:\n\n" + "\n".join(lines) + "\n" + foot_text
    items = "".join(f'<li><a href="{html.escape(mail.public_url + link_of(n))}">{html.escape(_line(n))}</a> — '
                    f"{html.escape(n['actor'])}, {_vntime(n['at'])}</li>" for n in notes)
    page = (f'<!doctype html><html lang="vi"><body><p>Kính gửi {html.escape(to[0])},</p>'
            f"<p>Các thông báo ngày {d}:</p><ul>{items}</ul>{foot_html}</body></html>")
    return _message(mail, to, f"[ISO điện tử] Tổng hợp thông báo ngày {d} ({len(notes)})", key, now, text, page)


# ---- the connection -----------------------------------------------------------------------------
class SmtpTransport:
    """One SMTP session per batch: STARTTLS (certificate checked), then the login, then the messages."""

    def __init__(self, mail: MailSettings) -> None:
        self.mail = mail
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        m = self.mail
        smtp = smtplib.SMTP(m.host or "", m.port, timeout=m.timeout)
        try:
            smtp.ehlo()
            if m.starttls:
                context = ssl.create_default_context(cafile=str(m.ca_file) if m.ca_file else None)
                smtp.starttls(context=context)
                smtp.ehlo()
            if m.username:
                smtp.login(m.username, m.password.get_secret_value() if m.password else "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return self

    def send(self, msg: Message) -> None:
        assert self._smtp is not None
        self._smtp.send_message(msg)

    def __exit__(self, *exc: object) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


# ---- the sender ---------------------------------------------------------------------------------
@dataclass
class Sent:
    sent: int = 0
    digests: int = 0
    skipped: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)


class MailSender:
    """Delivers what the outbox decided; ``run_once`` is one pass, ``start`` a thread doing passes until ``stop``.

    ``after_send(note_id)`` is called once a mail is marked sent (the crash tests kill the process there)."""

    def __init__(self, uc: UseCases, mail: MailSettings, *, clock: Callable[[], datetime] | None = None,
                 lease: float = 300.0, transport: Callable[[MailSettings], Any] = SmtpTransport,
                 after_send: Callable[[str], None] | None = None, before_send: Callable[[str], None] | None = None
                 ) -> None:
        self.uc, self.mail, self.lease = uc, mail, lease
        self.db = uc.deps.db
        self.clock = clock or uc.deps.ledger.clock
        self.transport = transport
        self.after_send, self.before_send = after_send, before_send
        self._passes = Passes(self.run_once, "isoledger-mail", log, "mail")

    # ---- a pass -------------------------------------------------------------------------
    def run_once(self, *, limit: int = 1000) -> Sent:
        self.uc.deps.projections.fresh()
        out = Sent()
        while out.sent + out.skipped < limit:
            batch = self._claim(min(BATCH, limit - out.sent - out.skipped), out)
            if not batch:
                break
            self._send(batch, out)
        self._digests(out)
        return out

    def _claim(self, size: int, out: Sent) -> list[dict[str, Any]]:
        """Moves up to ``size`` due notices to ``sending`` (or to ``off``/``digest``/``skipped``).

        Who a notice goes to is worked out first, outside any transaction; each claim is then a conditional
        update that only one sender wins (several processes may run senders)."""
        now = self.clock()
        stale = (now - timedelta(seconds=self.lease)).isoformat()
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(CLAIM_COLS)} FROM notifications WHERE mail='pending' OR "
                        "(mail='sending' AND mail_claimed_at < ?) ORDER BY at, id LIMIT ?", (stale, size * 4))
            rows = [dict(zip(CLAIM_COLS, r, strict=True)) for r in cur.fetchall()]
        routed = []
        for row in rows:
            if len(routed) >= size:
                break
            if row["mail"] == "pending" and row["mail_attempts"] and row["mail_claimed_at"] and \
                    row["mail_claimed_at"] > (now - _pause(row["mail_attempts"])).isoformat():
                continue  # waiting before its next try
            routed.append((row, *self._route(row)))
        claimed: list[dict[str, Any]] = []
        with self.db.transaction() as cur:
            for row, state, person in routed:
                sets = ("mail='sending', mail_claimed_at=?, mail_attempts=mail_attempts+1" if state == "sending"
                        else "mail=?, mail_done_at=?")
                params = (now.isoformat(),) if state == "sending" else (
                    state, now.isoformat() if state in ("off", "skipped") else None)
                cur.execute(f"UPDATE notifications SET {sets} WHERE id=? AND (mail='pending' OR (mail='sending' AND "
                            "mail_claimed_at < ?))", (*params, row["id"], stale))
                if rowcount(cur) != 1:
                    continue  # another sender took it
                if state == "sending":
                    claimed.append(dict(row, to=person))
                else:
                    out.skipped += state in ("off", "skipped")
        return claimed

    def _route(self, row: dict[str, Any]) -> tuple[str, tuple[str, str] | None]:
        """Where a notice goes now: ``sending`` to whom, or ``digest``, ``off``, ``skipped`` (no address, or no
        longer someone who may see the item)."""
        account = self.uc.notifications.account(row["user_id"])
        found = self.uc.deps.directory.find_account(row["user_id"]) if account is not None else None
        if account is None or found is None or not found.get("email") or not self.uc.notifications.may_see(
                account, row):
            return "skipped", None
        mode = preferences_of(self.db, row["user_id"])[row["kind"]] if row["kind"] in KINDS else "immediate"
        if mode in ("off", "digest"):
            return mode, None
        return "sending", (str(found["full_name"]), str(found["email"]))

    def _send(self, batch: list[dict[str, Any]], out: Sent) -> None:
        now = self.clock()
        try:
            with self.transport(self.mail) as smtp:
                for row in batch:
                    if self.before_send:
                        self.before_send(row["id"])
                    smtp.send(compose(self.mail, row, row["to"], now))
                    self._mark(row["id"], "sent", None)
                    out.sent += 1
                    if self.after_send:
                        self.after_send(row["id"])
        except (smtplib.SMTPException, OSError, ssl.SSLError) as e:
            log.warning("mail: %s", e)
            out.errors.append(str(e))
            with self.db.transaction() as cur:
                for row in batch:
                    cur.execute("UPDATE notifications SET mail=CASE WHEN mail_attempts >= ? THEN 'failed' ELSE "
                                "'pending' END, mail_error=? WHERE id=? AND mail='sending'",
                                (MAX_ATTEMPTS, str(e)[:500], row["id"]))
                    out.retried += 1

    def _mark(self, note_id: str, state: str, error: str | None) -> None:
        with self.db.transaction() as cur:
            cur.execute("UPDATE notifications SET mail=?, mail_done_at=?, mail_error=? WHERE id=?",
                        (state, self.clock().isoformat(), error, note_id))

    # ---- digests ------------------------------------------------------------------------
    def _digests(self, out: Sent) -> None:
        """One mail per person and Vietnam day for their ``digest`` notices, once that day's digest hour has come."""
        now = self.clock().astimezone(VN)
        stale = (self.clock() - timedelta(seconds=self.lease)).isoformat()
        with self.db.transaction() as cur:
            cur.execute("SELECT id, user_id, day FROM mail_digests WHERE status='sending' AND claimed_at < ?",
                        (stale,))
            pending = [tuple(r) for r in cur.fetchall()]
            cur.execute("SELECT id, user_id, at FROM notifications WHERE mail='digest'")
            groups: dict[tuple[str, str], list[str]] = {}
            fresh: list[tuple[str, str, str]] = []
            for note_id, user, at in cur.fetchall():
                day = datetime.fromisoformat(at).astimezone(VN).date()
                if day < now.date() or now.hour >= self.mail.digest_hour:
                    groups.setdefault((user, day.isoformat()), []).append(note_id)
            for (user, day), ids in groups.items():
                digest = uuid.uuid4().hex
                cur.execute("INSERT INTO mail_digests VALUES (?,?,?,?,?,?,?,?,?)",
                            (digest, user, day, "sending", len(ids), 1, self.clock().isoformat(), None, None))
                for i in range(0, len(ids), 500):
                    chunk = ids[i:i + 500]
                    cur.execute(f"UPDATE notifications SET mail='digesting', digest_id=? WHERE mail='digest' AND id IN "
                                f"({','.join('?' * len(chunk))})", (digest, *chunk))
                fresh.append((digest, user, day))
            mine = []
            for digest, user, day in pending:  # a stale one is taken by one sender only
                cur.execute("UPDATE mail_digests SET claimed_at=?, attempts=attempts+1 WHERE id=? AND claimed_at < ?",
                            (self.clock().isoformat(), digest, stale))
                if rowcount(cur) == 1:
                    mine.append((digest, user, day))
        for digest, user, day in fresh + mine:
            self._send_digest(digest, user, day, out)

    def _send_digest(self, digest: str, user: str, day: str, out: Sent) -> None:
        cols = ("id", "user_id", "agency_id", "kind", "subject", "aggregate_id", "n", "title", "actor", "at", "data")
        with self.db.transaction(write=False) as cur:
            cur.execute(f"SELECT {', '.join(cols)} FROM notifications WHERE digest_id=? ORDER BY at, id", (digest,))
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        account = self.uc.notifications.account(user)
        found = self.uc.deps.directory.find_account(user) if account is not None else None
        shown = [r for r in rows if account is not None and self.uc.notifications.may_see(account, r)]
        try:
            if shown and found and found.get("email"):
                with self.transport(self.mail) as smtp:
                    smtp.send(compose_digest(self.mail, shown, (str(found["full_name"]), str(found["email"])), day,
                                             f"digest:{digest}", self.clock()))
                out.digests += 1
        except (smtplib.SMTPException, OSError, ssl.SSLError) as e:
            log.warning("mail digest: %s", e)
            out.errors.append(str(e))
            with self.db.transaction() as cur:
                cur.execute("UPDATE mail_digests SET attempts=attempts+1, error=? WHERE id=?", (str(e)[:500], digest))
            return
        with self.db.transaction() as cur:
            cur.execute("UPDATE mail_digests SET status='sent', done_at=? WHERE id=?",
                        (self.clock().isoformat(), digest))
            cur.execute("UPDATE notifications SET mail='digested', mail_done_at=? WHERE digest_id=?",
                        (self.clock().isoformat(), digest))

    # ---- in the background ----------------------------------------------------------------
    def start(self, poll: float = 2.0) -> None:
        """A thread that passes every ``poll`` seconds (or when woken) until ``stop``; errors are logged."""
        self._passes.start(poll)

    def wake(self) -> None:
        self._passes.wake()

    def stop(self) -> None:
        self._passes.stop()


def _pause(attempts: int) -> timedelta:
    """How long a notice waits before its next try: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def rowcount(cur: Any) -> int:
    """How many rows the last statement changed (on both engines)."""
    return int(getattr(cur, "raw", cur).rowcount or 0)
