"""The frozen input pack of a management review: assembled from the log as of the freeze, byte-identical when rebuilt
after many more events, its hash the one the freeze event recorded; it shows what was raised before the freeze and
nothing raised after."""

from __future__ import annotations

import hashlib
import json
import subprocess

from tests.factories import OWN
from tests.qms.review_setup import minutes, reported, step


def nonconformity(api, dep: str, title: str) -> str:  # type: ignore[no-untyped-def]
    r = api.call("POST", f"/api/v1/agencies/{OWN}/nonconformities", "danhgia", json={
        "year": 2026, "department": dep, "source": "audit_finding", "title": title,
        "description": "Phát hiện trong đợt đánh giá nội bộ tháng 3."})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def pack(api, review: str, user: str = "giamdoc"):  # type: ignore[no-untyped-def]
    r = api.call("GET", f"/api/v1/management-reviews/{review}/input-pack", user)
    assert r.status_code == 200, r.text
    return r


def test_the_pack_rebuilt_after_many_more_events_is_byte_identical_and_matches_the_freeze_event(api, world) -> None:
    y, review = reported(api)
    first = nonconformity(api, y.planning, "Hồ sơ đề tài xử lý quá hạn")
    nonconformity(api, y.science, "Sổ theo dõi thiết bị đo chưa cập nhật")
    assert api.call("GET", f"/api/v1/management-reviews/{review}/input-pack", "thuky").json()["code"] == "not_frozen"
    step(api, review, "freeze", "thuky")
    frozen = pack(api, review)
    history = api.call("GET", f"/api/v1/management-reviews/{review}/history", "thuky").json()
    event = next(e for e in history["events"] if e["data"]["step"] == "freeze")["data"]["values"]
    assert hashlib.sha256(frozen.content).hexdigest() == event["pack_sha256"] == frozen.headers["X-Pack-SHA256"]
    assert frozen.headers["X-Pack-Verified"] == "true" and int(frozen.headers["X-Pack-Position"]) == \
        event["pack_position"]
    # many more events: new nonconformities, the first one worked to an action done, the review's own steps
    later = nonconformity(api, y.planning, "Phiếu khảo sát không được lưu")
    for name, user, body in (("analyse", "truongphong", {"method": "five_whys", "causes": "Không ai theo dõi"}),
                             ("plan", "truongphong", {"plan": "p", "criteria": "c", "check_on": "2099-01-01"}),
                             ("actions", "truongphong", {"action": "Lập sổ", "owner": "chuyenvien",
                                                         "due": "2099-01-01"})):
        assert api.call("POST", f"/api/v1/nonconformities/{first}/{name}", user, json=body).status_code == 200
    assert api.call("POST", f"/api/v1/nonconformities/{first}/complete_action", "chuyenvien",
                    json={"action_id": "A1"}).status_code == 200
    for n in range(5):
        nonconformity(api, y.science, f"Sự không phù hợp phát sinh sau {n}")
    step(api, review, "hold", "thuky", {"held_on": "2026-03-02", "attendees": ["giamdoc"], "discussion": "d"})
    step(api, review, "minute", "giamdoc", {"document": minutes(api), "conclusions": "Một quyết định."})
    rebuilt = pack(api, review, "thuky")
    assert rebuilt.content == frozen.content and rebuilt.headers["X-Pack-Verified"] == "true"
    assert later not in rebuilt.text


def test_the_pack_shows_the_two_nonconformities_raised_before_the_freeze_and_not_one_raised_after(api, world) -> None:
    y, review = reported(api)
    before = {nonconformity(api, y.planning, "Hồ sơ đề tài xử lý quá hạn"),
              nonconformity(api, y.science, "Sổ theo dõi thiết bị đo chưa cập nhật")}
    step(api, review, "freeze", "thuky")
    after = nonconformity(api, y.planning, "Phiếu khảo sát không được lưu")
    body = json.loads(pack(api, review).content)
    ncs = body["nonconformities"]
    assert {i["id"] for i in ncs["items"]} == before and after not in {i["id"] for i in ncs["items"]}
    assert ncs["by_state"] == {"raised": 2} and ncs["by_source"] == {"audit_finding": 2}
    assert [i["title"] for i in ncs["items"]] == ["Hồ sơ đề tài xử lý quá hạn",
                                                   "Sổ theo dõi thiết bị đo chưa cập nhật"]  # diacritics kept
    assert [r["department"] for r in body["review"]["reports"]] == [y.planning, y.science]
    assert body["review"]["missing_reports"] == [] and body["internal_audits"] == {"by_state": {}, "items": []}
    assert body["complaints"] == {"by_state": {}, "items": []} and body["previous_review"] is None
    assert body["as_of"]["day"] == "2026-03-02"


def test_the_pack_reports_the_previous_reviews_actions_as_they_stood(api, world, clock) -> None:
    from tests.qms.objectives_setup import planning_year

    y = planning_year(api.ctx)
    prior = api.call("POST", f"/api/v1/agencies/{OWN}/management-reviews", "thuky", json={
        "year": 2025, "meeting_date": "2026-03-02", "chair": "giamdoc", "agenda": "Xem xét năm 2025."}).json()["id"]
    step(api, prior, "ask", "thuky", {"department": y.planning, "topics": "Mục tiêu."})
    step(api, prior, "notify", "thuky")
    step(api, prior, "freeze", "thuky")
    step(api, prior, "hold", "thuky", {"held_on": "2026-03-02", "attendees": ["giamdoc"], "discussion": "d"})
    step(api, prior, "minute", "giamdoc", {"document": minutes(api, "BB-2025"), "conclusions": "c"})
    step(api, prior, "actions", "thuky", {"action": "Số hóa hồ sơ", "owner": "chuyenvien", "due": "2026-06-30"})
    step(api, prior, "complete_action", "chuyenvien", {"action_id": "A1"})
    step(api, prior, "actions", "thuky", {"action": "Đào tạo", "owner": "truongphong", "due": "2026-06-30"})
    from tests.qms.review_setup import notified

    _, review = notified(api, y)
    step(api, review, "freeze", "thuky")
    step(api, prior, "complete_action", "truongphong", {"action_id": "A2"})  # after the freeze: not in the pack
    previous = json.loads(pack(api, review).content)["previous_review"]
    assert previous["id"] == prior and [(a["id"], a["status"]) for a in previous["actions"]] == [
        ("A1", "done"), ("A2", "open")]


def test_the_pack_reads_as_a_pdf_with_its_vietnamese_text_and_the_hash_of_the_frozen_json(api, world,
                                                                                          tmp_path) -> None:
    y, review = reported(api)
    nonconformity(api, y.planning, "Hồ sơ đề tài xử lý quá hạn")
    step(api, review, "freeze", "thuky")
    frozen = pack(api, review)
    r = api.call("GET", f"/api/v1/management-reviews/{review}/input-pack?format=pdf", "giamdoc")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["X-Pack-SHA256"] == frozen.headers["X-Pack-SHA256"]
    (tmp_path / "pack.pdf").write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "Hồ sơ đề tài xử lý quá hạn" in text and "Phòng Kế hoạch - Tài chính" in text
    assert frozen.headers["X-Pack-SHA256"] in text.replace("\n", "")
