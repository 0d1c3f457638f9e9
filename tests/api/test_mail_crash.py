"""A sender killed mid-batch: what it had claimed is sent late by the next one, never twice and never lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from isoledger.mailer import MailSender
from ledger.actors import Actor
from tests.api.conftest import Api
from tests.api.test_mail import smtp  # noqa: F401 - the loopback SMTP server fixture
from tests.factories import OWN
from tests.mailserver import MailServer

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
REVIEWERS = [f"xemxet{i}" for i in range(1, 7)]

CHILD = """
import json, os, signal, sys
from pathlib import Path
from isoledger.bootstrap import bootstrap, use_cases
from isoledger.mailer import MailSender
from isoledger.settings import MailSettings, Settings
from pydantic import SecretStr

home, url, mail, kill_at, when = json.loads(sys.argv[1])
services = bootstrap(Settings.from_env({"ISOLEDGER_HOME": home, "ISOLEDGER_DATABASE_URL": url}))
uc = use_cases(services)
count = {"n": 0}

def hook(stage):
    def run(note_id):
        if stage == when:
            count["n"] += 1
            if count["n"] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
    return run

mail["password"] = SecretStr(mail["password"])
mail["ca_file"] = Path(mail["ca_file"])
MailSender(uc, MailSettings(**mail), before_send=hook("before"), after_send=hook("after")).run_once()
print("not killed")
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_sender_killed_mid_batch_leaves_nothing_lost_or_doubled(api: Api, world: dict[str, Any],
                                                                  smtp: MailServer,  # noqa: F811
                                                                  database_url: str, tmp_path: Path,
                                                                  when: str) -> None:
    for username in REVIEWERS:
        api.ctx.directory.create_account(ADMIN, username=username, agency_id=OWN, full_name=f"Người xem xét {username}",
                                         roles=["staff"], email=f"{username}@travinh.gov.vn")
    doc = world[OWN]["document_id"]
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": REVIEWERS, "approver": "giamdoc"})
    assert r.status_code == 200, r.text
    api.services.projector.catch_up()
    settings = smtp.settings()
    mail = {"host": settings.host, "port": settings.port, "username": settings.username,
            "password": settings.password.get_secret_value(), "sender": settings.sender,
            "ca_file": str(settings.ca_file), "public_url": settings.public_url}
    args = json.dumps([str(tmp_path), database_url, mail, 3, when])
    child = subprocess.run([sys.executable, "-c", CHILD, args], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    delivered_before = len(smtp.messages)
    assert delivered_before == (2 if when == "before" else 3)  # killed mid-batch: the rest were claimed, not sent
    states = Counter(n["mail"] for u in REVIEWERS
                     for n in api.ctx.uc.notifications.list(Actor(u, OWN, frozenset({"staff"}))))
    assert states["sending"] == 6 - delivered_before  # claimed by the dead sender
    now = lambda: datetime.now(UTC)  # noqa: E731 - the child's clock (the app's is a test's fixed one)
    assert MailSender(api.ctx.uc, settings, lease=300, clock=now).run_once().sent == 0  # a live claim is not stolen
    report = MailSender(api.ctx.uc, settings, lease=0, clock=now).run_once()  # once stale: sent late
    assert report.sent == 6 - delivered_before
    ids = Counter(m.message["Message-ID"] for m in smtp.messages)
    assert len(ids) == 6 and set(ids.values()) == {1}
    assert sorted(r for m in smtp.messages for r in m.rcpt_tos) == sorted(f"{u}@travinh.gov.vn" for u in REVIEWERS)
