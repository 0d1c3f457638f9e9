"""HTTP benchmark: register + upload a 100 KiB PDF draft, and document reads, at 1/10/50 clients,
on SQLite and PostgreSQL, beside the ledger's own rate for the same work measured in the same run.

    .venv/bin/python bench/api.py [--n 200] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signing.testing import sample_pdf  # noqa: E402

SERVER = """
import sys
from api.server import serve
from isoledger.settings import Settings
serve(Settings.from_env(), "127.0.0.1", int(sys.argv[1]), demo=False)
"""
PASSWORD = "mat-khau-bench-42"


def pdf_100k(i: int) -> bytes:
    data = sample_pdf(1, f"Bench {i}")
    return data.replace(b"%%EOF\n", b"%%EOF\n%" + b"x" * (100 * 1024 - len(data) - 2) + b"\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def run(clients: int, n: int, work) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []

    def one(i: int) -> None:
        t = time.perf_counter()
        work(i)
        latencies.append(time.perf_counter() - t)
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(n)))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return n / elapsed, q[49] * 1000, q[98] * 1000


def ledger_rate(database_url: str, home: Path, n: int) -> float:
    from archive import build_archive
    from ledger.actors import Actor
    from ledger.application import Ledger

    ledger = Ledger(database_url)
    store = build_archive(storage_url=f"file://{home / 'objects-direct'}", home=home, database_url=database_url)
    actor = Actor("thuky", "so-bench-direct", frozenset({"iso_secretary"}))
    started = time.perf_counter()
    for i in range(n):
        doc = ledger.register_document(actor, code=f"D-{i}", title="Quy trình", kind="form", department="VP")
        ref = store.put(io.BytesIO(pdf_100k(i)), "Quy trình.pdf", doc)
        ledger.create_draft(actor, doc, file=ref.to_dict(), change_summary="Lần đầu")
    rate = n / (time.perf_counter() - started)
    store.close()
    ledger.close()
    return rate


def bench(backend: str, database_url: str, n: int) -> list[str]:
    home = Path(tempfile.mkdtemp(prefix=f"isoledger-bench-{backend}-"))
    env = dict(os.environ, ISOLEDGER_HOME=str(home), ISOLEDGER_DATABASE_URL=database_url,
               ISOLEDGER_ADMIN_PASSWORD=PASSWORD, ISOLEDGER_INSECURE_COOKIES="1", PYTHONPATH=str(ROOT))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(env, port)
    lines = []
    try:
        c = httpx.Client(base_url=base, timeout=120)
        admin = {"Authorization": "Bearer " + c.post("/api/v1/auth/token", data={
            "username": "admin", "password": PASSWORD}).json()["access_token"]}
        c.post("/api/v1/agencies", json={"agency_id": "so-bench", "name": "Sở Bench"}, headers=admin)
        c.post("/api/v1/agencies/so-bench/users", headers=admin, json={
            "username": "thuky", "full_name": "Thư ký", "roles": ["iso_secretary"], "password": PASSWORD})
        me = {"Authorization": "Bearer " + c.post("/api/v1/auth/token", data={
            "username": "thuky", "password": PASSWORD}).json()["access_token"]}
        pools = {k: httpx.Client(base_url=base, timeout=120, headers=me,
                                 limits=httpx.Limits(max_connections=k)) for k in (1, 10, 50)}
        direct = ledger_rate(database_url, home, n)
        lines.append(f"| {backend} | ledger only (register + 100 KiB draft) | 1 | {direct:.0f} | | |")
        docs: list[str] = []
        for clients in (1, 10, 50):
            http = pools[clients]
            offset = len(docs)

            def write(i: int) -> None:
                # Clients retry "database_busy" (503) as the API asks; the retries count in the latency.
                key = {"Idempotency-Key": f"reg-{offset + i}"}
                for _ in range(50):
                    r = http.post("/api/v1/agencies/so-bench/documents", headers=key, json={
                        "code": f"QT-{offset + i}", "title": "Quy trình", "kind": "form", "department": "VP"})
                    if r.status_code != 503:
                        break
                assert r.status_code == 201, r.text
                doc = r.json()["id"]
                for _ in range(50):
                    r = http.post(f"/api/v1/documents/{doc}/versions", data={"change_summary": "Lần đầu"},
                                  files={"file": ("Quy trình.pdf", pdf_100k(i), "application/pdf")})
                    if r.status_code != 503:
                        break
                assert r.status_code == 201, r.text
                docs.append(doc)
            rate, p50, p99 = run(clients, n, write)
            lines.append(f"| {backend} | HTTP register + upload 100 KiB | {clients} | {rate:.0f} | {p50:.1f} | "
                         f"{p99:.1f} |")
        for clients in (1, 10, 50):
            http = pools[clients]

            def read(i: int) -> None:
                r = http.get(f"/api/v1/documents/{docs[i % len(docs)]}")
                assert r.status_code == 200
            rate, p50, p99 = run(clients, n * 2, read)
            lines.append(f"| {backend} | HTTP GET document | {clients} | {rate:.0f} | {p50:.1f} | {p99:.1f} |")
    finally:
        proc.terminate()
        proc.wait(30)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="operations per concurrency level")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    out = ["| backend | operation | clients | ops/s | p50 ms | p99 ms |", "|---|---|---|---|---|---|"]
    for backend in args.backends.split(","):
        if backend == "sqlite":
            home = Path(tempfile.mkdtemp(prefix="isoledger-bench-db-"))
            out += bench("sqlite", f"sqlite:///{home / 'bench.sqlite3'}", args.n)
        else:
            from tests.pgserver import PgServer

            server = PgServer().start()
            try:
                out += bench("postgres", server.create_database("bench"), args.n)
            finally:
                server.stop()
        print("\n".join(out), flush=True)


if __name__ == "__main__":
    main()
