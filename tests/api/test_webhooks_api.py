"""Webhooks against a real HTTP receiver on loopback: signed like Standard Webhooks, retried with backoff after
500s, dead-lettered and redelivered, every attempt visible; scoped to agencies. And the feed carries the data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from isoledger.webhooks import WebhookSender, verify
from ledger.actors import Actor
from tests.api.conftest import PASSWORD, Api
from tests.factories import OTHER, OWN
from tests.receiver import Receiver, receiver

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


@pytest.fixture
def hook_receiver() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


def register(api: Api, url: str, user: str = "quantri", **body: Any) -> dict[str, Any]:
    r = api.call("POST", "/api/v1/webhooks", user, json={"url": url, "kinds": ["Document.*"], **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def submit(api: Api, doc: str) -> None:
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                 json={"reviewers": ["truongphong"], "approver": "giamdoc"})
    assert r.status_code == 200, r.text


def test_a_delivery_is_signed_over_its_id_timestamp_and_body(api: Api, world: dict[str, Any],
                                                             hook_receiver: Receiver, clock: Any) -> None:
    hook = register(api, hook_receiver.url, description="Hệ thống QLVB&ĐH tỉnh")
    assert hook["secret"].startswith("whsec_") and hook["agencies"] == [OWN]
    listed = api.call("GET", "/api/v1/webhooks", "quantri").json()["items"]
    assert [h["id"] for h in listed] == [hook["id"]] and listed[0]["secret"] is None  # shown once
    submit(api, world[OWN]["document_id"])
    assert WebhookSender(api.ctx.uc, clock=clock).run_once() == {"delivered": 1, "retried": 0, "dead": 0}
    [(headers, body)] = hook_receiver.received
    assert verify(hook["secret"], headers, body)
    assert not verify(hook["secret"], headers, body + b" ")  # a changed body fails
    assert not verify("whsec_" + "A" * 32, headers, body)  # another secret fails
    event = json.loads(body)
    assert event["type"] == "Document.SubmittedForReview"
    assert event["data"]["data"] == {"version": 1, "reviewers": ["truongphong"], "approver": "giamdoc"}
    assert event["data"]["agency_id"] == OWN and event["data"]["hash"]
    assert WebhookSender(api.ctx.uc, clock=clock).run_once()["delivered"] == 0  # once


def test_500s_are_retried_with_growing_pauses_then_dead_lettered_and_redelivered(
        api: Api, world: dict[str, Any], hook_receiver: Receiver, clock: Any) -> None:
    hook = register(api, hook_receiver.url)
    hook_receiver.answers = [500, 500, 503]
    submit(api, world[OWN]["document_id"])
    sender = WebhookSender(api.ctx.uc, clock=clock, base_delay=60, max_attempts=3)
    assert sender.run_once()["retried"] == 1
    assert sender.run_once()["retried"] == 0  # waits 60 s
    clock.advance(seconds=61)
    assert sender.run_once()["retried"] == 1
    clock.advance(seconds=61)
    assert sender.run_once()["retried"] == 0  # now waits 120 s
    clock.advance(seconds=60)
    assert sender.run_once()["dead"] == 1
    dead = api.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", "quantri", params={"status": "dead"})
    [letter] = dead.json()["items"]
    assert [a["status_code"] for a in letter["attempts_made"]] == [500, 500, 503]
    assert api.call("POST", f"/api/v1/webhook-deliveries/{letter['id']}/redeliver", "quantri-b").status_code == 404
    r = api.call("POST", f"/api/v1/webhook-deliveries/{letter['id']}/redeliver", "quantri")
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert sender.run_once()["delivered"] == 1
    [again] = api.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", "quantri").json()["items"]
    assert again["status"] == "delivered" and [a["status_code"] for a in again["attempts_made"]] == [500, 500, 503, 200]
    ids = {h["webhook-id"] for h, _ in hook_receiver.received}
    assert ids == {letter["id"]}  # the same id on every retry: the receiver can drop duplicates


def test_a_webhook_hears_only_its_agencies_and_an_agency_administrator_registers_only_for_theirs(
        api: Api, world: dict[str, Any], hook_receiver: Receiver, clock: Any) -> None:
    register(api, hook_receiver.url)
    r = api.call("POST", "/api/v1/webhooks", "quantri", json={"url": hook_receiver.url, "kinds": ["*"],
                                                              "agencies": [OTHER]})
    assert r.status_code == 403
    api.call("POST", f"/api/v1/documents/{world[OTHER]['document_id']}/versions/1/submit", "thuky-b",
             json={"reviewers": [], "approver": "giamdoc-b"})
    assert WebhookSender(api.ctx.uc, clock=clock).run_once()["delivered"] == 0 and hook_receiver.received == []
    province = register(api, hook_receiver.url, user="admin", agencies=[OWN, OTHER], kinds=["*"])
    assert province["agencies"] == [OWN, OTHER]
    api.call("POST", f"/api/v1/documents/{world[OTHER]['document_id']}/versions/1/approve", "giamdoc-b")
    assert WebhookSender(api.ctx.uc, clock=clock).run_once()["delivered"] == 1
    assert json.loads(hook_receiver.received[0][1])["type"] == "Document.Approved"
    bad = api.call("POST", "/api/v1/webhooks", "quantri", json={"url": "ftp://x", "kinds": ["*"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "url"


def test_the_feed_carries_each_events_data_and_a_service_account_reads_nothing_else(
        api: Api, world: dict[str, Any]) -> None:
    api.ctx.directory.create_account(ADMIN, username="qlvb", agency_id=OWN, full_name="Hệ thống QLVB&ĐH",
                                     roles=["service_account"])
    api.ctx.store.set_password_hash("qlvb", api.ctx.passwords.hash(PASSWORD))
    r = api.call("GET", "/api/v1/events", "qlvb", params={"limit": 1000})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert {e["agency_id"] for e in items} == {OWN}
    [draft] = [e for e in items if e["event_type"] == "DraftCreated"]
    assert draft["data"]["file"]["sha256"] and draft["data"]["file"]["filename"] == "Quy trình kiểm soát.pdf"
    assert "content" not in json.dumps(draft["data"]) and draft["data"]["change_summary"] == "Ban hành lần đầu"
    for path in (f"/api/v1/documents/{world[OWN]['document_id']}", f"/api/v1/agencies/{OWN}/documents",
                 f"/api/v1/records/{world[OWN]['record_id']}", "/api/v1/notifications"):
        assert api.call("GET", path, "qlvb").status_code == 403, path


def test_a_confidential_records_file_names_are_withheld_from_the_feed_of_who_may_not_read_them(
        api: Api, world: dict[str, Any]) -> None:
    r = api.call("POST", f"/api/v1/agencies/{OWN}/records", "vanthu",
                 json={"code": "HS-M", "title": "Hồ sơ mật", "series": "Mật", "retention_years": 5,
                       "legal_basis": "Luật Lưu trữ", "confidentiality": "confidential"})
    rec = r.json()["id"]
    assert api.upload(f"/api/v1/records/{rec}/files", "vanthu", name="Danh sách cán bộ.pdf",
                      description="Danh sách mật").status_code == 201

    def added(user: str) -> dict[str, Any]:
        items = api.call("GET", "/api/v1/events", user, params={"limit": 1000}).json()["items"]
        return next(e["data"] for e in items if e["aggregate_id"] == rec and e["event_type"] == "FileAdded")
    assert added("vanthu")["file"]["filename"] == "Danh sách cán bộ.pdf"
    hidden = added("danhgia")  # the internal auditor reads the feed, not a confidential record's files
    assert "filename" not in hidden["file"] and "description" not in hidden and hidden["file"]["sha256"]


def test_the_dead_letters_are_redelivered_from_the_page(api: Api, world: dict[str, Any], hook_receiver: Receiver,
                                                        clock: Any) -> None:
    import re

    from tests.web.conftest import Browser

    hook = register(api, hook_receiver.url)
    hook_receiver.answers = [500]
    submit(api, world[OWN]["document_id"])
    sender = WebhookSender(api.ctx.uc, clock=clock, max_attempts=1)
    assert sender.run_once()["dead"] == 1
    web = Browser(api.client)
    web.login("quantri")
    page = web.get("/admin/webhooks").text
    assert f'data-webhook="{hook["id"]}"' in page and 'data-status="dead"' in page and "HTTP 500" in page
    delivery = re.search(r'data-delivery="([^"]+)" data-status="dead"', page).group(1)
    assert web.post(f"/admin/webhook-deliveries/{delivery}/redeliver", page="/admin/webhooks").status_code == 303
    assert sender.run_once()["delivered"] == 1
    page = web.get("/admin/webhooks").text
    assert 'data-status="delivered"' in page and "HTTP 200" in page
    web.client.cookies.clear()
    web.login("quantri-b")
    assert hook["id"] not in web.get("/admin/webhooks").text
