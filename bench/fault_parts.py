"""The parts the fault harness starts, breaks and mends: the server process, PostgreSQL, an S3 gate, a small disk."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.archive.conftest import MotoServer  # noqa: E402
from tests.pgserver import PgServer, _bin, free_port  # noqa: E402


class Server:
    """`isoledger serve` as a subprocess of its own (the real server: uvicorn, one worker), on a loopback port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180.0) -> float:
        """Start it and wait until /healthz answers 200; returns the seconds it took."""
        began = time.monotonic()
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "isoledger.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--no-demo"], env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}); see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - began
            time.sleep(0.2)
        raise RuntimeError(f"the server did not become healthy in {timeout:.0f} s; see {self.log}")

    def kill9(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


class Postgres(PgServer):
    """The tests' throwaway PostgreSQL (fsync on: an immediate shutdown must not lose a commit), restartable."""

    def __init__(self) -> None:
        super().__init__(fsync=True)

    def _options(self) -> str:
        return f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"

    def shutdown(self, mode: str) -> None:
        """`pg_ctl stop -m fast|immediate`: fast ends sessions cleanly, immediate is a crash (recovery at start)."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", self._options(), "-l", str(self.dir / "log"), "-w",
                  "start")

    def hold_lock(self, database_url: str, table: str, seconds: float) -> None:
        """A session that takes the table in ACCESS EXCLUSIVE mode and keeps it ``seconds`` (a slow database)."""
        with psycopg.connect(database_url) as conn:
            conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            time.sleep(seconds)
            conn.rollback()


def hold_sqlite_writer(path: Path, seconds: float) -> None:
    """A writer that holds SQLite's write lock (BEGIN IMMEDIATE) for ``seconds``."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        time.sleep(seconds)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


class Gate:
    """A TCP relay on loopback in front of the S3 server: closing it cuts every transfer in flight and refuses new
    ones (the S3 endpoint down), opening it again lets the same server answer (moto keeps its objects in memory,
    so stopping moto itself would lose what it stored: that is another fault, data loss at the provider)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for s in list(self._open):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._open.discard(src)


class SmallDisk:
    """A tmpfs of a few MB mounted for ISOLEDGER_HOME (root in a container may mount one); ``fill`` leaves it with no
    free byte, ``free`` removes the filler. ``mounted`` is False when the kernel refused the mount."""

    def __init__(self, size_mb: int) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="isoledger-home-"))
        self.filler = self.path / "filler.bin"
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(self.path)],
                              capture_output=True)
        self.mounted = done.returncode == 0
        self.refusal = done.stderr.decode(errors="replace").strip()

    def fill(self) -> int:
        written = 0
        with open(self.filler, "ab", buffering=0) as f:
            for block in (1 << 20, 1 << 12, 1):
                chunk = b"\0" * block
                try:
                    while True:
                        written += f.write(chunk)
                except OSError:
                    continue
        return written

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def free_mb(self) -> float | None:
        """Free space on the disk, MB (None when it was not mounted: then it is the machine's own disk)."""
        return shutil.disk_usage(self.path).free / (1 << 20) if self.mounted else None

    def release(self) -> None:
        self.free()
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def start_s3() -> tuple[MotoServer, Gate]:
    moto = MotoServer()
    gate = Gate(("127.0.0.1", moto.port))
    gate.open()
    return moto, gate


def event_table(database_url: str) -> str:
    """The table PostgreSQL keeps the events in (the recorder's name for it)."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND "
                           "table_name LIKE '%events' ORDER BY length(table_name) LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("no events table")
    return str(row[0])


def env_for(home: Path, extra: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISOLEDGER_")}
    env.update({"ISOLEDGER_HOME": str(home), "PYTHONPATH": str(ROOT), "ISOLEDGER_LOG_LEVEL": "warning",
                "ISOLEDGER_ADMIN_PASSWORD": ADMIN_PASSWORD, "ISOLEDGER_INSECURE_COOKIES": "1"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


ADMIN_PASSWORD = "quan-tri-thu-loi-2026"
