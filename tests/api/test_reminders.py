"""Reminders that depend on the day: loans due in 3 days and overdue, retention ended; once, whoever runs them."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from ledger.actors import Actor
from tests.api.conftest import Api
from tests.factories import OWN

ARCHIVIST = Actor("vanthu", OWN, frozenset({"records_controller"}))


def kinds(api: Api, user: str) -> list[str]:
    r = api.call("GET", "/api/v1/notifications", user)
    assert r.status_code == 200, r.text
    return sorted(n["kind"] for n in r.json()["items"])


def lend(api: Api, record: str, borrower: str, due_on: str) -> None:
    r = api.call("POST", f"/api/v1/records/{record}/loans", "vanthu",
                 json={"borrower": borrower, "purpose": "Đánh giá nội bộ", "due_on": due_on, "approved_by": "giamdoc"})
    assert r.status_code == 200, r.text


def test_a_loan_due_in_three_days_then_overdue_tells_the_borrower_and_the_controller_once_each(
        api: Api, world: dict[str, Any]) -> None:
    lend(api, world[OWN]["record_id"], "truongphong", "2026-03-05")  # today is 02/03/2026 in Vietnam
    reminders = api.ctx.uc.reminders
    assert reminders.run(date(2026, 3, 1)).total == 0  # four days before: not yet
    done = reminders.run(date(2026, 3, 2))
    assert (done.loan_due, done.loan_overdue) == (2, 0)
    assert reminders.run(date(2026, 3, 2)).total == 0 and reminders.run(date(2026, 3, 3)).total == 0  # once
    assert kinds(api, "truongphong") == ["loan_due"] and kinds(api, "vanthu") == ["loan_due"]
    note = api.call("GET", "/api/v1/notifications", "truongphong").json()["items"][0]
    assert note["link"] == f"/records/{world[OWN]['record_id']}" and note["actor"] == "isoledger"
    assert note["label"] == "Hồ sơ mượn sắp đến hạn trả (còn 3 ngày)" and note["data"]["due_on"] == "2026-03-05"
    assert reminders.run(date(2026, 3, 6)).loan_overdue == 2
    assert reminders.run(date(2026, 3, 7)).total == 0
    assert kinds(api, "truongphong") == ["loan_due", "loan_overdue"]
    assert kinds(api, "thuky-b") == [] and kinds(api, "vanthu-b") == [] and kinds(api, "kiemtra") == []


def test_a_borrower_who_may_not_see_the_record_is_not_told(api: Api, world: dict[str, Any]) -> None:
    r = api.call("POST", f"/api/v1/agencies/{OWN}/records", "vanthu",
                 json={"code": "HS-M", "title": "Hồ sơ mật", "series": "Mật", "retention_years": 5,
                       "legal_basis": "Luật Lưu trữ", "confidentiality": "confidential"})
    secret = r.json()["id"]
    lend(api, secret, "truongphong", "2026-03-04")  # a records reader, but without a grant to the files
    lend(api, world[OWN]["record_id"], "chuyenvien", "2026-03-04")  # staff: reads no records
    api.ctx.uc.reminders.run(date(2026, 3, 2))
    assert kinds(api, "truongphong") == [] and kinds(api, "chuyenvien") == []
    assert kinds(api, "vanthu") == ["loan_due", "loan_due"]


def test_a_record_whose_retention_ended_tells_the_records_controller(api: Api, world: dict[str, Any]) -> None:
    api.services.ledger.close_record(ARCHIVIST, world[OWN]["record_id"], closed_on="2020-01-10")  # 5 years
    assert api.ctx.uc.reminders.run(date(2026, 3, 2)).retention_ended == 1
    assert api.ctx.uc.reminders.run(date(2026, 3, 3)).retention_ended == 0
    assert kinds(api, "vanthu") == ["retention_ended"] and kinds(api, "giamdoc") == []


def test_one_process_at_a_time_and_two_at_once_still_tell_once(api: Api, world: dict[str, Any]) -> None:
    from usecases.reminders import Reminders

    lend(api, world[OWN]["record_id"], "truongphong", "2026-03-03")
    uc = api.ctx.uc
    first, second = Reminders(uc.deps, uc.notifications), Reminders(uc.deps, uc.notifications)
    assert first.acquire("remind", 600) and not second.acquire("remind", 600)
    assert not second.run_scheduled(date(2026, 3, 2)).ran
    first.release("remind")
    results: list[Any] = []
    runs = [threading.Thread(target=lambda r=r: results.append(r.run_scheduled(date(2026, 3, 2))))
            for r in (first, second)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert sum(r.total for r in results) == 2 and kinds(api, "vanthu") == ["loan_due"]


def test_the_servers_scheduled_job_reminds_at_start(api: Api, world: dict[str, Any], database_url: str,
                                                    tmp_path: Any, ledger: Any, projector: Any) -> None:
    import time

    from tests.api.conftest import make_api

    lend(api, world[OWN]["record_id"], "truongphong", "2026-03-04")
    served = make_api(database_url, tmp_path / "second", ledger, projector, remind_every=3600)
    with served.client:
        deadline = time.monotonic() + 20
        while not kinds(api, "vanthu") and time.monotonic() < deadline:
            time.sleep(0.2)
    served.archive.close()
    assert kinds(api, "vanthu") == ["loan_due"] and kinds(api, "truongphong") == ["loan_due"]
