"""SIGKILL the server in the middle of 200 concurrent uploads: after a restart every event's file exists and
verifies, and no client was told "201" for an event that is missing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.api.conftest import pdf_bytes

UPLOADS = 200
ROOT = Path(__file__).resolve().parents[2]
SERVER = """
import sys
from api.server import serve
from isoledger.settings import Settings
serve(Settings.from_env(), "127.0.0.1", int(sys.argv[1]), demo=False)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def test_a_killed_server_leaves_no_event_without_its_file(database_url, tmp_path):
    env = dict(os.environ, ISOLEDGER_HOME=str(tmp_path), ISOLEDGER_DATABASE_URL=database_url,
               ISOLEDGER_ADMIN_PASSWORD="quan-tri-thu-nghiem", ISOLEDGER_SECRET_KEY="k" * 32,
               ISOLEDGER_INSECURE_COOKIES="1", PYTHONPATH=str(ROOT))
    port = _port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(env, port)
    try:
        c = httpx.Client(base_url=base, timeout=60)
        admin = {"Authorization": "Bearer " + c.post("/api/v1/auth/token", data={
            "username": "admin", "password": "quan-tri-thu-nghiem"}).json()["access_token"]}
        c.post("/api/v1/agencies", json={"agency_id": "so-a", "name": "Sở A"}, headers=admin)
        c.post("/api/v1/agencies/so-a/users", headers=admin, json={
            "username": "vanthu", "full_name": "Văn thư", "roles": ["records_controller"],
            "password": "mat-khau-van-thu"})
        me = {"Authorization": "Bearer " + c.post("/api/v1/auth/token", data={
            "username": "vanthu", "password": "mat-khau-van-thu"}).json()["access_token"]}
        records = []
        for i in range(UPLOADS):
            r = c.post("/api/v1/agencies/so-a/records", headers=me, json={
                "code": f"HS-{i:03}", "title": "Hồ sơ", "series": "S", "retention_years": 5, "legal_basis": "TT"})
            records.append(r.json()["id"])
        told_ok: dict[str, str] = {}
        lock = threading.Lock()

        def upload(i: int) -> None:
            data = pdf_bytes(f"Tep {i}", 20_000 + i)
            try:
                r = httpx.post(f"{base}/api/v1/records/{records[i]}/files", headers=me, timeout=60,
                               files={"file": (f"Tệp {i}.pdf", data, "application/pdf")})
            except httpx.HTTPError:
                return
            if r.status_code == 201:
                with lock:
                    told_ok[records[i]] = r.json()["file"]["sha256"]
                    if len(told_ok) >= UPLOADS // 10:
                        some_done.set()

        some_done = threading.Event()

        def kill() -> None:
            some_done.wait(120)
            proc.send_signal(signal.SIGKILL)

        killer = threading.Thread(target=kill)
        killer.start()
        with ThreadPoolExecutor(50) as pool:
            list(pool.map(upload, range(UPLOADS)))
        killer.join()
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert 0 < len(told_ok) < UPLOADS, f"the kill should land mid-run ({len(told_ok)} succeeded)"

    proc = _start(env, port)
    try:
        from archive import build_archive
        from ledger.application import Ledger
        from ledger.files import FileRef

        ledger = Ledger(database_url)
        store = build_archive(storage_url=f"file://{tmp_path / 'objects'}", home=tmp_path, database_url=database_url)
        try:
            for rec in records:
                files = ledger.files_of_record(rec)
                for ref in files:
                    assert store.verify(FileRef.from_dict(ref), rec).ok
                if rec in told_ok:
                    assert [f["sha256"] for f in files] == [told_ok[rec]]
        finally:
            store.close()
            ledger.close()
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
