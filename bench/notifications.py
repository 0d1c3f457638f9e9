"""Benchmark of notifications: events/s through the outbox to a loopback SMTP server and a webhook receiver,
beside the bare send rate of the same SMTP and HTTP clients in the same run.

Run: `.venv/bin/python bench/notifications.py [--n 300]` (SQLite, a temporary home). Each of ``n`` documents is
submitted to one reviewer: the submission is one event that becomes one notification (one mail) and one webhook
delivery. Measured:
- outbox: the projections' catch-up that decides the notifications and deliveries (with the other views);
- mail: MailSender.run_once (claim, compose, STARTTLS + login per batch of 50, send, mark) vs the bare client:
  smtplib, one STARTTLS + login session, the same composed messages;
- webhooks: WebhookSender.run_once (claim, body from the feed, sign, POST, record the attempt) vs the bare client:
  httpx posting the same bodies;
- end to end: events/s from the submissions' commit to the last mail and the last POST.
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import ssl
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from isoledger.bootstrap import bootstrap, use_cases  # noqa: E402
from isoledger.mailer import MailSender, compose  # noqa: E402
from isoledger.settings import Settings  # noqa: E402
from isoledger.webhooks import WebhookSender  # noqa: E402
from ledger.actors import Actor  # noqa: E402
from tests.mailserver import PASSWORD, USERNAME, start_mail_server  # noqa: E402
from tests.receiver import receiver  # noqa: E402

AGENCY = "so-khcn-tra-vinh"
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
SEC = Actor("thuky", AGENCY, frozenset({"iso_secretary"}))
FILE = {"key": "scopes/x/" + "a" * 64, "sha256": "a" * 64, "size": 102400, "media_type": "application/pdf",
        "filename": "Quy trình kiểm soát tài liệu.pdf"}


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    n = parser.parse_args().n
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's deprecation notes, once per session
    with tempfile.TemporaryDirectory() as tmp, receiver() as hook_rx:
        home = Path(tmp)
        smtp = start_mail_server(home)
        services = bootstrap(Settings.from_env({"ISOLEDGER_HOME": str(home / "home")}))
        try:
            uc = use_cases(services)
            d = uc.deps.directory
            d.create_agency(ADMIN, agency_id=AGENCY, name="Sở Khoa học và Công nghệ tỉnh Trà Vinh", supervised_by=[])
            d.create_account(ADMIN, username="thuky", agency_id=AGENCY, full_name="Lê Thị Thu Hà",
                             roles=["iso_secretary"], email="thu.ha@travinh.gov.vn")
            d.create_account(ADMIN, username="giamdoc", agency_id=AGENCY, full_name="Nguyễn Văn Ánh",
                             roles=["agency_leader"], email="van.anh@travinh.gov.vn")
            d.create_account(ADMIN, username="truongphong", agency_id=AGENCY, full_name="Trần Quốc Bảo",
                             roles=["department_leader"], email="quoc.bao@travinh.gov.vn")
            manager = Actor("admin", AGENCY, frozenset({"admin"}))
            uc.webhooks.register(manager, url=hook_rx.url, kinds=["Document.SubmittedForReview"], agencies=[AGENCY])
            ledger = services.ledger
            docs = []
            for i in range(n):
                doc = ledger.register_document(SEC, code=f"QT-{i:04d}", title=f"Quy trình số {i}", kind="form",
                                               department="Văn phòng Sở")
                ledger.create_draft(SEC, doc, file=FILE, change_summary="Ban hành lần đầu")
                docs.append(doc)
            services.projector.catch_up()
            started = time.perf_counter()
            for doc in docs:
                ledger.submit_for_review(SEC, doc, 1, reviewers=["truongphong"], approver="giamdoc")
            committed = time.perf_counter()
            services.projector.catch_up()
            decided = time.perf_counter()
            mail = smtp.settings(public_url="https://iso.travinh.gov.vn")
            sent = MailSender(uc, mail).run_once(limit=n * 2)
            mailed = time.perf_counter()
            posted = WebhookSender(uc).run_once(limit=n * 2)
            hooked = time.perf_counter()
            assert sent.sent == n and posted["delivered"] == n, (sent, posted)
            assert len(smtp.messages) == n and len(hook_rx.received) == n

            # the same clients, bare: one SMTP session for every message; httpx posting the same bodies
            messages = [compose(mail, {"id": f"bare-{i}", "kind": "review_requested", "title": f"QT-{i:04d}",
                                       "n": 1, "actor": "thuky", "at": "2026-03-02T02:00:00+00:00",
                                       "subject": "document", "aggregate_id": docs[i]},
                                ("Trần Quốc Bảo", "quoc.bao@travinh.gov.vn"), ledger.clock()) for i in range(n)]
            t0 = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as s:
                s.starttls(context=ssl.create_default_context(cafile=str(smtp.ca_file)))
                s.login(USERNAME, PASSWORD)
                for msg in messages:
                    s.send_message(msg)
            bare_mail = time.perf_counter() - t0
            bodies = [body for _, body in hook_rx.received]
            with httpx.Client(timeout=10) as client:
                t0 = time.perf_counter()
                for body in bodies:
                    client.post(hook_rx.url, content=body, headers={"content-type": "application/json"})
                bare_http = time.perf_counter() - t0
        finally:
            services.close()
            smtp.stop()
    rows = [
        ("commands: submit for review (1 event each)", rate(n, committed - started), ""),
        ("outbox: decide notifications + deliveries (catch-up)", rate(n, decided - committed), ""),
        ("mail: MailSender, STARTTLS + login per 50", rate(n, mailed - decided),
         f"bare smtplib {rate(n, bare_mail):.0f}/s"),
        ("webhooks: WebhookSender, signed POST + attempt", rate(n, hooked - mailed),
         f"bare httpx {rate(n, bare_http):.0f}/s"),
        ("end to end: commit → last mail and POST", rate(n, hooked - committed), ""),
    ]
    print(f"notifications, SQLite, n={n} events (1 mail + 1 webhook each)")
    print(f"{'step':58} {'events/s':>9}  baseline (same client, same run)")
    for name, value, base in rows:
        print(f"{name:58} {value:9.0f}  {base}")
    print(f"mail: {rate(n, mailed - decided) / rate(n, bare_mail):.2f}× bare; "
          f"webhooks: {rate(n, hooked - mailed) / rate(n, bare_http):.2f}× bare")


if __name__ == "__main__":
    main()
