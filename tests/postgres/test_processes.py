"""Four server processes over one PostgreSQL database and one file store — two `serve --workers 2`, as two hosts
behind a load balancer: writes through all of them keep every read model consistent, and an Idempotency-Key sent
to two of them at once applies its command once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledger.application import Ledger
from projections.db import Database
from projections.runner import Projector
from signing.testing import sample_pdf
from tests.pgserver import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-bon-tien-trinh"
AGENCY = "so-bon-tien-trinh"


def _start(env: dict[str, str], port: int, *workers: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "isoledger.cli", "serve", "--no-demo", "--host", "127.0.0.1",
                             "--port", str(port), *workers], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(900):
        assert proc.poll() is None, "the server process ended"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture
def four(pg_server: Any, tmp_path: Path) -> Any:
    url = pg_server.create_database(f"procs_{uuid.uuid4().hex[:8]}")
    env = dict(os.environ, ISOLEDGER_HOME=str(tmp_path), ISOLEDGER_DATABASE_URL=url, PYTHONPATH=str(ROOT),
               ISOLEDGER_ADMIN_PASSWORD=PASSWORD, ISOLEDGER_INSECURE_COOKIES="1")
    ports = [free_port() for _ in range(2)]
    procs = [_start(env, ports[0], "--workers", "2")]  # the first start makes the admin and the keys in the home
    try:
        _wait(ports[0], procs[0])
        procs.append(_start(env, ports[1], "--workers", "2"))
        _wait(ports[1], procs[1])
        for proc in procs:
            assert len(_children(proc.pid)) == 2  # two worker processes under each
        yield url, [f"http://127.0.0.1:{p}" for p in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)


def _children(pid: int) -> list[int]:
    deadline = time.monotonic() + 60
    while True:
        found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                 if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]  # not the resource tracker
        if len(found) >= 2 or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _token(base: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.mark.timeout(1800)  # four interpreters start on a 2-core machine shared with other work
def test_four_processes_share_one_consistent_ledger(four: Any) -> None:
    url, bases = four
    admin = _token(bases[0], "admin")
    assert httpx.post(f"{bases[1]}/api/v1/agencies", headers=admin, timeout=30,
                      json={"agency_id": AGENCY, "name": "Sở Bốn Tiến Trình"}).status_code == 201
    r = httpx.post(f"{bases[0]}/api/v1/agencies/{AGENCY}/users", headers=admin, timeout=30, json={
        "username": "thuky4", "full_name": "Thư ký", "roles": ["iso_secretary"], "password": PASSWORD})
    assert r.status_code == 201, r.text
    me = _token(bases[1], "thuky4")
    pdf = sample_pdf(1, "Quy trinh bon tien trinh")

    def write(i: int) -> tuple[str, str]:
        base = bases[i % 2]
        for _ in range(12):
            r = httpx.post(f"{base}/api/v1/agencies/{AGENCY}/documents", headers=me, timeout=60, json={
                "code": f"QT-{i:03}", "title": "Quy trình tiếp nhận hồ sơ", "kind": "form", "department": "VP"})
            if r.status_code != 503:
                break
        assert r.status_code == 201, r.text
        doc = r.json()["id"]
        up = bases[(i + 1) % 2]  # the upload through another host than the registration
        r = httpx.post(f"{up}/api/v1/documents/{doc}/versions", headers=me, timeout=60,
                       data={"change_summary": "Dự thảo đầu"},
                       files={"file": ("Quy trình.pdf", io.BytesIO(pdf), "application/pdf")})
        assert r.status_code == 201, r.text
        return doc, up

    def twice(i: int) -> list[httpx.Response]:
        """The same Idempotency-Key sent to two processes at the same time."""
        key = {**me, "Idempotency-Key": f"dup-{i}"}
        body = {"code": f"ID-{i:03}", "title": "Hồ sơ gửi hai lần", "kind": "form", "department": "VP"}
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(lambda b: httpx.post(f"{b}/api/v1/agencies/{AGENCY}/documents", headers=key,
                                                      json=body, timeout=60), (bases[0], bases[1])))

    with ThreadPoolExecutor(24) as pool:
        written = list(pool.map(write, range(40)))
        pairs = list(pool.map(twice, range(12)))
    assert {up for _, up in written} == set(bases)

    for i, pair in enumerate(pairs):
        codes = sorted(r.status_code for r in pair)
        assert codes in ([201, 201], [201, 409]), [r.text for r in pair]
        created = [r for r in pair if r.status_code == 201]
        assert len({r.json()["id"] for r in created}) == 1
        # Retried later, the key replays the first answer and creates nothing.
        again = httpx.post(f"{bases[i % 2]}/api/v1/agencies/{AGENCY}/documents", timeout=60,
                           headers={**me, "Idempotency-Key": f"dup-{i}"},
                           json={"code": f"ID-{i:03}", "title": "Hồ sơ gửi hai lần", "kind": "form",
                                 "department": "VP"})
        assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
        assert again.json()["id"] == created[0].json()["id"]

    # Every process lists every document (each catches the shared views up before it reads).
    for base in bases:
        listed = httpx.get(f"{base}/api/v1/agencies/{AGENCY}/documents?status=all&limit=200", headers=me,
                           timeout=60).json()["items"]
        assert sorted(d["code"] for d in listed) == sorted([f"QT-{i:03}" for i in range(40)]
                                                             + [f"ID-{i:03}" for i in range(12)])
        assert all(d["version"] == 2 for d in listed if d["code"].startswith("QT-"))

    # The views the four processes kept together are exactly what a rebuild from the log gives.
    ledger = Ledger(url, create_tables=False)
    shared = Database(url)
    check_url = url.rsplit("/", 1)[0] + "/postgres"
    fresh_name = f"fresh_{uuid.uuid4().hex[:8]}"
    with psycopg_admin(check_url) as conn:
        conn.execute(f'CREATE DATABASE "{fresh_name}"')
    fresh = Database(url.rsplit("/", 1)[0] + f"/{fresh_name}")
    try:
        kept = Projector(ledger, shared)
        kept.catch_up()
        rebuilt = Projector(ledger, fresh)
        rebuilt.create_tables()
        rebuilt.catch_up()
        assert kept.position() == rebuilt.position() == ledger.recorder.max_notification_id()
        kept_rows, rebuilt_rows = kept.dump(), rebuilt.dump()
        assert kept_rows == rebuilt_rows
        assert len(kept_rows["audit"]) == ledger.recorder.max_notification_id()
    finally:
        fresh.close()
        shared.close()
        ledger.close()


def psycopg_admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)
