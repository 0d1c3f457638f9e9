"""GET throughput of one server process against several (`serve --workers N`) on one PostgreSQL, same run.

Run: `.venv/bin/python bench/processes.py [--n 2000] [--workers 4]`. Prints a table and writes nothing.
Both servers serve the same database (documents registered once), one after the other, to 50 clients
reading documents; the bench prints the cores the machine has, which bound what more processes can add.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import PASSWORD, free_port, run  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402


def serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "isoledger.cli", "serve", "--no-demo", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(3000):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                if workers > 1:  # every worker up, not only the first
                    children = [c for c in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
                                if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
                    if len(children) < workers:
                        time.sleep(0.2)
                        continue
                    time.sleep(5)
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="GET requests per measure")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with PgServer() as pg:
        home = Path(tempfile.mkdtemp(prefix="isoledger-bench-procs-"))
        env = dict(os.environ, ISOLEDGER_HOME=str(home), ISOLEDGER_DATABASE_URL=pg.create_database("procs"),
                   ISOLEDGER_ADMIN_PASSWORD=PASSWORD, ISOLEDGER_INSECURE_COOKIES="1", PYTHONPATH=str(ROOT))
        rows = []
        docs: list[str] = []
        for workers in (1, args.workers, 1):
            proc, base = serve(env, workers)
            try:
                c = httpx.Client(base_url=base, timeout=120)
                admin = {"Authorization": "Bearer " + c.post("/api/v1/auth/token", data={
                    "username": "admin", "password": PASSWORD}).json()["access_token"]}
                if not docs:
                    c.post("/api/v1/agencies", json={"agency_id": "so-bench", "name": "Sở Bench"}, headers=admin)
                    c.post("/api/v1/agencies/so-bench/users", headers=admin, json={
                        "username": "thuky", "full_name": "Thư ký", "roles": ["iso_secretary"], "password": PASSWORD})
                me = {"Authorization": "Bearer " + c.post("/api/v1/auth/token", data={
                    "username": "thuky", "password": PASSWORD}).json()["access_token"]}
                if not docs:
                    for i in range(50):
                        r = c.post("/api/v1/agencies/so-bench/documents", headers=me, json={
                            "code": f"QT-{i}", "title": "Quy trình", "kind": "form", "department": "VP"})
                        docs.append(r.json()["id"])
                http = httpx.Client(base_url=base, timeout=120, headers=me, limits=httpx.Limits(max_connections=50))

                def read(i: int, http: httpx.Client = http) -> None:
                    assert http.get(f"/api/v1/documents/{docs[i % len(docs)]}").status_code == 200
                run(50, 200, read)  # warm every worker's caches
                rate, p50, p99 = run(50, args.n, read)
                rows.append((workers, rate, p50, p99))
            finally:
                proc.terminate()
                proc.wait(60)
    one = (rows[0][1] + rows[2][1]) / 2
    print(f"\n{os.cpu_count()} cores; PostgreSQL on the same machine; 50 clients GET /api/v1/documents/{{id}}\n")
    print("| processes | GET/s | p50 ms | p99 ms | × one process |")
    print("|---:|---:|---:|---:|---:|")
    for workers, rate, p50, p99 in rows:
        print(f"| {workers} | {rate:,.0f} | {p50:.1f} | {p99:.1f} | {rate / one:.2f} |")
    load = os.getloadavg()[0]
    print(f"\nOne process is bound by one core (the GIL); {args.workers} processes can use at most the "
          f"{os.cpu_count()} cores, which the database, the clients and this bench share; the load average at the"
          f" end was {load:.1f} ({load / (os.cpu_count() or 1):.1f} runnable per core), so more processes could only"
          f" add what the cores had left.")


if __name__ == "__main__":
    main()
