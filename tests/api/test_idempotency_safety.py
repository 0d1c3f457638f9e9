"""Idempotency-Key replays need a session valid now, refuse another body (422), keep no secret and expire after
a day; the SQLite file is created 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from isoledger.bootstrap import bootstrap
from isoledger.settings import Settings
from tests.api.conftest import OWN, PASSWORD

DOCS = f"/api/v1/agencies/{OWN}/documents"
BODY = {"code": "BM-19", "title": "Phiếu đề nghị", "kind": "form", "department": "VP"}


def _token(api: Any, username: str) -> dict[str, str]:
    r = api.client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_replay_to_a_signed_out_token_is_refused_not_answered(api, world):
    bearer = _token(api, "thuky")
    key = {"Idempotency-Key": "dang-ky-bm-19", **bearer}
    assert api.client.post(DOCS, json=BODY, headers=key).status_code == 201
    assert api.client.delete("/api/v1/auth/session", headers=bearer).status_code == 204
    replay = api.client.post(DOCS, json=BODY, headers=key)
    assert replay.status_code == 401 and "Idempotent-Replayed" not in replay.headers


def test_the_same_key_with_another_body_is_422(api, world):
    key = {"Idempotency-Key": "dang-ky-bm-20"}
    assert api.call("POST", DOCS, "thuky", json=BODY, headers=key).status_code == 201
    other = api.call("POST", DOCS, "thuky", json={**BODY, "code": "BM-21"}, headers=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    same = api.call("POST", DOCS, "thuky", json=BODY, headers=key)
    assert same.status_code == 201 and same.headers["Idempotent-Replayed"] == "true"


def test_an_upload_replayed_with_the_same_key_and_file_is_one_file(api, world):
    rec = world[OWN]["record_id"]

    def add(data: bytes) -> Any:
        return api.call("POST", f"/api/v1/records/{rec}/files", "vanthu", headers={"Idempotency-Key": "tep-1"},
                        files={"file": ("bien-ban.pdf", data, "application/pdf")}, data={"description": "Biên bản"})

    first, again = add(_pdf()), add(_pdf())
    assert first.status_code == 201, first.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert add(_pdf("khac")).status_code == 422  # another file under the same key
    files = api.call("GET", f"/api/v1/records/{rec}", "vanthu").json()["files"]
    assert len(files) == 1


def _pdf(title: str = "QT-01") -> bytes:
    from tests.api.conftest import pdf_bytes

    return pdf_bytes(title)


def test_a_stored_response_keeps_no_generated_password(api, world):
    key = {"Idempotency-Key": "tao-nguoi-moi"}
    body = {"username": "nguoimoi", "full_name": "Người Mới", "roles": ["staff"]}
    first = api.call("POST", f"/api/v1/agencies/{OWN}/users", "admin", json=body, headers=key)
    generated = first.json()["initial_password"]
    assert first.status_code == 201 and generated
    with api.ctx.store.db.transaction(write=False) as cur:
        cur.execute("SELECT body FROM api_idempotency WHERE key='tao-nguoi-moi'")
        stored = cur.fetchone()[0]
    assert generated not in stored
    replay = api.call("POST", f"/api/v1/agencies/{OWN}/users", "admin", json=body, headers=key)
    assert replay.status_code == 201 and replay.json()["initial_password"] is None
    reset = {"Idempotency-Key": "dat-lai-mk"}
    one = api.call("POST", "/api/v1/users/nguoimoi/password-reset", "admin", headers=reset)
    assert one.json()["one_time_password"]
    assert api.call("POST", "/api/v1/users/nguoimoi/password-reset", "admin", headers=reset
                    ).json()["one_time_password"] is None


def test_a_stored_response_expires_after_a_day(api, world):
    key = {"Idempotency-Key": "dang-ky-bm-22"}
    assert api.call("POST", DOCS, "thuky", json={**BODY, "code": "BM-22"}, headers=key).status_code == 201
    with api.ctx.store.db.transaction() as cur:
        cur.execute("UPDATE api_idempotency SET created_at = created_at - 86401 WHERE key='dang-ky-bm-22'")
    again = api.call("POST", DOCS, "thuky", json={**BODY, "code": "BM-22"}, headers=key)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_code"  # run again, not replayed


def test_the_sqlite_file_is_created_readable_by_its_owner_only(tmp_path: Path):
    home = tmp_path / "home"
    services = bootstrap(Settings.from_env({"ISOLEDGER_HOME": str(home)}))
    try:
        mode = stat.S_IMODE(os.stat(home / "isoledger.sqlite3").st_mode)
    finally:
        services.close()
    assert mode == 0o600, oct(mode)
