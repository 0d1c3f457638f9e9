"""A throwaway PostgreSQL server on a free loopback port, for tests and benchmarks (Debian's postgresql)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make install` (apt-get install postgresql)")
    return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """initdb + pg_ctl start in a temporary directory; initdb refuses root, so it runs as ``postgres``."""

    def __init__(self, *, fsync: bool = False) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="isoledger-pg-"))
        self.data = self.dir / "data"
        self.fsync = fsync
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._as_postgres, *cmd], check=True, capture_output=True, timeout=120)

    def start(self) -> PgServer:
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
                   + ("" if self.fsync else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"))
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run([*self._as_postgres, _bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = "postgres", password: str = "") -> str:
        auth = f"{user}:{password}@" if password else f"{user}@"
        return f"postgresql://{auth}127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, owner: str = "postgres") -> str:
        self.admin(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drops the database, ending the sessions still on it (a test's worker thread winding down)."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def trouble(self) -> list[str]:
        """The server log's lines that tell of something wrong: a backend that crashed or was killed, a session
        it ended (an idle transaction, a deadlock), a full disk. Not the sessions a dropped database ended."""
        try:
            lines = (self.dir / "log").read_text(errors="replace").splitlines()
        except OSError:
            return []
        wanted = ("PANIC", "FATAL", "terminated by signal", "out of memory", "No space left", "deadlock")
        expected = ("due to administrator command", "does not exist",
                    "the database system is shutting down")
        return [line for line in lines
                if any(w in line for w in wanted) and not any(e in line for e in expected)]

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
