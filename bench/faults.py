"""Fault harness: the real server under concurrent clients of every role while its parts fail, then the log checked.

    python bench/faults.py                       # the full run: both backends, every fault kind, 50 clients
    python bench/faults.py --short --backend sqlite    # one fault of each kind, a few clients (make test)

Every acknowledged command (2xx) must be in the event log exactly once, every file an event names stored and
verifying, no command half-applied, `isoledger verify` green, and no 5xx other than 503 while a part is down.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fault_parts import (  # noqa: E402
    ADMIN_PASSWORD,
    Postgres,
    Server,
    SmallDisk,
    env_for,
    event_table,
    hold_sqlite_writer,
    start_s3,
)
from tests.pdfs import padded_pdf  # noqa: E402

AGENCY = "so-thu-loi"
PASSWORD = "mat-khau-thu-loi-2026"
PEOPLE = {"thuky": ("Nguyễn Thị Thư Ký", ["iso_secretary"]), "giamdoc": ("Trần Văn Giám Đốc", ["agency_leader"]),
          "truongphong": ("Lê Văn Trưởng Phòng", ["department_leader"]),
          "vanthu": ("Phạm Thị Văn Thư", ["records_controller"])}
RETRY_WINDOW = 60.0  # how long a client keeps retrying one command (same Idempotency-Key) before giving up
TRANSIENT = {409, 429, 503}


def today() -> date:
    """Today in Vietnam, as the server counts dates."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


@dataclass(frozen=True)
class Expect:
    """What an acknowledged command must have produced: one event of ``kind`` on ``aggregate`` (carrying
    ``marker`` somewhere in its data, or for ``version``)."""

    aggregate: str
    kind: str
    marker: str | None = None
    version: int | None = None


@dataclass
class Tally:
    sent: int = 0
    acked: int = 0
    attempts: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    given_up: int = 0
    applied_unanswered: int = 0  # 409 request_already_applied: written before a crash, its answer lost
    expects: list[Expect] = field(default_factory=list)
    ack_times: list[float] = field(default_factory=list)


class Run:
    """The shared state of one fault phase's clients."""

    def __init__(self, base: str, tokens: dict[str, str], department: str, seed: int, window: float) -> None:
        self.window = window
        self.base = base
        self.tokens = tokens
        self.department = department
        self.tally = Tally()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.codes = itertools.count(seed)

    def note(self, **changes: Any) -> None:
        with self.lock:
            for name, value in changes.items():
                if name in ("refused", "statuses"):
                    getattr(self.tally, name)[value] += 1
                elif name in ("unexpected", "expects", "ack_times"):
                    getattr(self.tally, name).append(value)
                else:
                    setattr(self.tally, name, getattr(self.tally, name) + value)


class Client(threading.Thread):
    """One user agent: flows of commands (documents, records, QMS cases), each with its own Idempotency-Key,
    retried with the same key through outages until acknowledged or the retry window ends."""

    def __init__(self, run: Run, number: int) -> None:
        super().__init__(daemon=True, name=f"client-{number}")
        self.window = run.window
        self.run_ = run
        self.random = random.Random(number)
        self.http = httpx.Client(base_url=run.base, timeout=30)

    def run(self) -> None:
        flows = (self.document_flow, self.record_flow, self.risk_flow)
        while not self.run_.stop.is_set():
            self.random.choice(flows)()
        self.http.close()

    # -- one command ---------------------------------------------------------------------------------------
    def command(self, path: str, user: str, expect: Callable[[dict[str, Any]], Expect] | None, *,
                json_body: Any = None, form: dict[str, str] | None = None, file: tuple[str, bytes] | None = None,
                ok: tuple[int, ...] = (200, 201)) -> dict[str, Any] | None:
        r = self.run_
        key = uuid.uuid4().hex
        r.note(sent=1)
        deadline = time.monotonic() + self.window
        while True:
            r.note(attempts=1)
            headers = {"Authorization": f"Bearer {r.tokens[user]}", "Idempotency-Key": key}
            files = {"file": (file[0], file[1], "application/pdf")} if file else None
            try:
                resp = self.http.post(path, headers=headers, json=json_body, data=form, files=files)
            except httpx.TransportError:
                resp = None
            if resp is not None:
                r.note(statuses=resp.status_code)
                if resp.status_code >= 500 and resp.status_code != 503:
                    r.note(unexpected=f"{resp.status_code} {path}: {resp.text[:300]}")
                if resp.status_code in ok:
                    body = resp.json() if resp.content else {}
                    r.note(acked=1, ack_times=time.monotonic())
                    if expect is not None:
                        r.note(expects=expect(body))
                    return body  # type: ignore[no-any-return]
                if resp.status_code < 500 and resp.status_code not in TRANSIENT:
                    r.note(refused=f"{resp.status_code} {resp.json().get('code', '?')}")
                    return None
                if resp.status_code == 409 and resp.json().get("code") == "request_already_applied":
                    r.note(applied_unanswered=1)
                    return None
                if resp.status_code == 409 and resp.json().get("code") not in ("request_in_progress",
                                                                                "concurrent_write"):
                    r.note(refused=f"409 {resp.json().get('code')}")
                    return None
            if time.monotonic() > deadline:
                r.note(given_up=1)
                return None
            time.sleep(0.25 + self.random.random() * 0.25)

    def _marker(self) -> str:
        return f"fx-{uuid.uuid4().hex[:16]}"

    # -- flows -----------------------------------------------------------------------------------------------
    def document_flow(self) -> None:
        code = f"FX-{next(self.run_.codes)}"
        doc = self.command(f"/api/v1/agencies/{AGENCY}/documents", "thuky",
                           lambda b: Expect(b["id"], "Registered"),
                           json_body={"code": code, "title": f"Quy trình thử lỗi {code}", "kind": "form",
                                      "department": "Văn phòng"})
        if doc is None:
            return
        for n in (1, 2) if self.random.random() < 0.5 else (1,):
            if not self.version(doc["id"], n):
                return

    def version(self, doc: str, n: int) -> bool:
        base = f"/api/v1/documents/{doc}"
        mark = self._marker()
        steps: list[tuple[str, str, Expect, dict[str, Any]]] = [
            (f"{base}/versions/{n}/submit", "thuky", Expect(doc, "SubmittedForReview", version=n),
             {"json_body": {"reviewers": ["truongphong"], "approver": "giamdoc"}}),
            (f"{base}/versions/{n}/reviews", "truongphong", Expect(doc, "Reviewed", marker=mark + "r"),
             {"json_body": {"verdict": "agree", "comment": mark + "r"}}),
            (f"{base}/versions/{n}/approve", "giamdoc", Expect(doc, "Approved", version=n), {}),
            (f"{base}/versions/{n}/issue", "thuky", Expect(doc, "Issued", version=n),
             {"json_body": {"effective_from": today().isoformat(), "distribution": ["leadership"]}}),
        ]
        size = self.random.choice((2_000, 60_000, 400_000))
        if self.command(f"{base}/versions", "thuky", lambda b: Expect(doc, "DraftCreated", marker=mark),
                        form={"change_summary": mark}, file=(f"{mark}.pdf", padded_pdf(size, title=mark))) is None:
            return False
        for path, user, expect, kw in steps:
            if self.command(path, user, lambda b, e=expect: e, **kw) is None:
                return False
        return True

    def record_flow(self) -> None:
        code = f"HS-FX-{next(self.run_.codes)}"
        rec = self.command(f"/api/v1/agencies/{AGENCY}/records", "vanthu", lambda b: Expect(b["id"], "Opened"),
                           json_body={"code": code, "title": f"Hồ sơ thử lỗi {code}", "series": "Thử lỗi",
                                      "retention_years": 5, "legal_basis": "Thông tư 10/2022"})
        if rec is None:
            return
        rid, mark = rec["id"], self._marker()
        base = f"/api/v1/records/{rid}"
        if self.command(f"{base}/files", "vanthu", lambda b: Expect(rid, "FileAdded", marker=mark),
                        form={"description": mark}, file=(f"{mark}.pdf", padded_pdf(20_000, title=mark))) is None:
            return
        if self.command(f"{base}/loans", "vanthu", lambda b: Expect(rid, "Borrowed", marker=mark + "l"),
                        json_body={"borrower": {"external": {"name": "Trần Thị Bích", "organisation": "Thanh tra"}},
                                   "purpose": mark + "l", "due_on": (today() + timedelta(days=10)).isoformat(),
                                   "approved_by": "giamdoc"}) is None:
            return
        self.command(f"{base}/loans/current/return", "vanthu", lambda b: Expect(rid, "Returned", marker=mark + "t"),
                     json_body={"received_by": "vanthu", "note": mark + "t"})

    def risk_flow(self) -> None:
        mark = self._marker()
        case = self.command(f"/api/v1/agencies/{AGENCY}/risks", "thuky",
                            lambda b: Expect(b["id"], "CaseOpened", marker=mark),
                            json_body={"year": today().year, "department": self.run_.department, "kind": "risk",
                                       "title": f"Rủi ro {mark}", "description": mark,
                                       "processes": "Kiểm soát tài liệu"})
        if case is None:
            return
        cid = case["id"]
        self.command(f"/api/v1/risks/{cid}/assess", "thuky", lambda b: Expect(cid, "StepTaken", marker=mark + "a"),
                     json_body={"likelihood": 3, "impact": 4, "basis": mark + "a"})


class Probe(threading.Thread):
    """Asks /healthz and an authenticated list every 0.2 s: what the server answers while a part is down."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(daemon=True, name="probe")
        self.http = httpx.Client(base_url=base, timeout=10)
        self.token = token
        self.stop = threading.Event()
        self.statuses: Counter[int] = Counter()
        self.unexpected: list[str] = []
        self.down_named: Counter[str] = Counter()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            for path, auth in (("/healthz", False), (f"/api/v1/agencies/{AGENCY}/documents?status=all", True)):
                try:
                    r = self.http.get(path, headers={"Authorization": f"Bearer {self.token}"} if auth else {})
                except httpx.TransportError:
                    self.statuses[0] += 1
                    continue
                self.statuses[r.status_code] += 1
                if r.status_code >= 500 and r.status_code != 503:
                    self.unexpected.append(f"{r.status_code} {path}: {r.text[:300]}")
                elif r.status_code == 503:
                    body = r.json()
                    named = [k for k in ("database", "storage") if body.get(k) not in (None, "ok")]
                    self.down_named[",".join(named) or body.get("code", "?")] += 1
        self.http.close()


# -- the installation under test ------------------------------------------------------------------------------
class Installation:
    """A server on one backend with its parts: SQLite + local files, or PostgreSQL + S3 (moto behind a gate)."""

    def __init__(self, backend: str, workdir: Path, disk_mb: int) -> None:
        self.backend = backend
        self.disk = SmallDisk(disk_mb)
        self.home = self.disk.path
        self.pg: Postgres | None = None
        self.moto = self.gate = None
        extra: dict[str, Any] = {}
        if backend == "postgres":
            self.pg = Postgres().start()
            self.database_url = self.pg.create_database("isoledger_faults")
            self.moto, self.gate = start_s3()
            extra = {"ISOLEDGER_DATABASE_URL": self.database_url,
                     "ISOLEDGER_STORAGE_URL": f"s3://127.0.0.1:{self.gate.port}/isoledger-faults",
                     "ISOLEDGER_S3_ACCESS_KEY": "test-key", "ISOLEDGER_S3_SECRET_KEY": "test-secret-faults",
                     "ISOLEDGER_S3_SECURE": "false", "ISOLEDGER_S3_REGION": "us-east-1"}
        else:
            self.database_url = f"sqlite:///{self.home / 'isoledger.sqlite3'}"
            extra = {"ISOLEDGER_DATABASE_URL": self.database_url}
        self.env = env_for(self.home, extra)
        self.server = Server(self.env, workdir / f"server-{backend}.log")

    def close(self) -> None:
        self.server.stop()
        if self.gate is not None:
            self.gate.close()
        if self.moto is not None:
            self.moto.stop()
        if self.pg is not None:
            self.pg.stop()
        self.disk.release()

    def setup(self) -> tuple[dict[str, str], str]:
        """The agency, a department and one account per role, through the API as the administrator."""
        http = httpx.Client(base_url=self.server.url, timeout=60)

        def token(user: str, password: str) -> str:
            r = http.post("/api/v1/auth/token", data={"username": user, "password": password})
            r.raise_for_status()
            return str(r.json()["access_token"])

        admin = {"Authorization": f"Bearer {token('admin', ADMIN_PASSWORD)}"}
        r = http.post("/api/v1/agencies", headers=admin,
                      json={"agency_id": AGENCY, "name": "Sở Thử lỗi", "supervised_by": []})
        assert r.status_code in (201, 409), r.text
        r = http.post(f"/api/v1/agencies/{AGENCY}/departments", headers=admin, json={"code": "VP", "name": "Văn phòng"})
        if r.status_code == 201:
            department = r.json()["id"]
        else:
            department = http.get(f"/api/v1/agencies/{AGENCY}/departments", headers=admin).json()["items"][0]["id"]
        for username, (name, roles) in PEOPLE.items():
            r = http.post(f"/api/v1/agencies/{AGENCY}/users", headers=admin, json={
                "username": username, "full_name": name, "roles": roles, "password": PASSWORD,
                "department": department})
            assert r.status_code in (201, 409), r.text
        tokens = {user: token(user, PASSWORD) for user in PEOPLE}
        http.close()
        return tokens, department


# -- faults ----------------------------------------------------------------------------------------------------
@dataclass
class Fault:
    name: str
    backends: tuple[str, ...]
    inject: Callable[[Installation], Callable[[], Any]]  # breaks the part, returns how to mend it
    hold: float = 4.0
    back_after_mend: bool = False  # the part is back when the mend returns (a lock released), not when it starts


def _kill(inst: Installation) -> Callable[[], None]:
    inst.server.kill9()
    return inst.server.start  # returns how long the start took (the row notes it)


def _pg(mode: str) -> Callable[[Installation], Callable[[], None]]:
    def inject(inst: Installation) -> Callable[[], None]:
        assert inst.pg is not None
        inst.pg.shutdown(mode)
        return inst.pg.restart
    return inject


def _s3(inst: Installation) -> Callable[[], None]:
    assert inst.gate is not None
    inst.gate.close()
    return inst.gate.open


def _disk(inst: Installation) -> Callable[[], None]:
    if not inst.disk.mounted:
        raise Skipped(f"tmpfs mount refused: {inst.disk.refusal}")
    inst.disk.fill()
    return inst.disk.free


def _locks(seconds: float) -> Callable[[Installation], Callable[[], None]]:
    def inject(inst: Installation) -> Callable[[], None]:
        if inst.pg is not None:
            target = lambda: inst.pg.hold_lock(inst.database_url, event_table(inst.database_url), seconds)  # noqa: E731
        else:
            target = lambda: hold_sqlite_writer(inst.home / "isoledger.sqlite3", seconds)  # noqa: E731
        holder = threading.Thread(target=target, daemon=True)
        holder.start()
        return holder.join
    return inject


class Skipped(Exception):
    """This fault cannot be injected here (said in the table)."""


FAULTS = [
    Fault("kill -9 server", ("sqlite", "postgres"), _kill, hold=1.0),
    Fault("pg restart fast", ("postgres",), _pg("fast")),
    Fault("pg restart immediate", ("postgres",), _pg("immediate")),
    Fault("s3 down mid-upload", ("postgres",), _s3),
    Fault("disk full (tmpfs)", ("sqlite", "postgres"), _disk),
    Fault("db locked 6 s", ("sqlite", "postgres"), _locks(6.0), hold=0.0, back_after_mend=True),
]


def mixed(kinds: list[Fault]) -> Fault:
    """Several faults at once (the ones of this backend, drawn at random), mended in reverse order."""
    def inject(inst: Installation) -> Callable[[], None]:
        parts: dict[str, Fault] = {}
        for f in random.Random(7).sample(kinds, k=len(kinds)):
            parts.setdefault(f.name.split()[0], f)  # one fault per part: one PostgreSQL shutdown, not two
        chosen = list(parts.values())[:3]
        menders = []
        for f in chosen:
            try:
                menders.append(f.inject(inst))
            except Skipped:
                continue
            time.sleep(0.5)
        return lambda: [m() for m in reversed(menders)] and None
    parts: dict[str, Fault] = {}
    for f in random.Random(7).sample(kinds, k=len(kinds)):
        parts.setdefault(f.name.split()[0], f)
    return Fault("mixed: " + " + ".join(f.name for f in list(parts.values())[:3]), ("sqlite", "postgres"), inject)


# -- checks ------------------------------------------------------------------------------------------------------
@dataclass
class Row:
    backend: str
    fault: str
    sent: int = 0
    acked: int = 0
    found: int = 0
    lost: int = 0
    duplicated: int = 0
    half_applied: int = 0
    bad_files: int = 0
    unexpected_5xx: int = 0
    served_503: int = 0
    recovery: float | None = None
    verify_ok: bool = False
    note: str = ""
    problems: list[str] = field(default_factory=list)


def read_log(database_url: str) -> list[tuple[str, str, int, dict[str, Any]]]:
    """Every event straight from the store (aggregate, type, version, data), in log order."""
    from ledger.application import Ledger

    ledger = Ledger(database_url)
    try:
        decode = ledger.mapper.transcoder.decode
        out, start = [], 0
        while page := ledger.recorder.select_notifications(start, 2000, inclusive_of_start=False):
            for n in page:
                out.append((str(n.originator_id), n.topic.rpartition(".")[2], n.originator_version, decode(n.state)))
            start = page[-1].id
        return out
    finally:
        ledger.close()


def check(inst: Installation, expects: list[Expect], row: Row) -> None:
    events = read_log(inst.database_url)
    by_agg: dict[str, list[tuple[str, int, dict[str, Any], str]]] = {}
    for agg, kind, version, data in events:
        by_agg.setdefault(agg, []).append((kind, version, data, json.dumps(data, ensure_ascii=False, default=str)))
    for e in expects:
        hits = [1 for kind, _, data, text in by_agg.get(e.aggregate, ()) if kind == e.kind
                and (e.marker is None or e.marker in text) and (e.version is None or data.get("version") == e.version)]
        if len(hits) == 1:
            row.found += 1
        elif not hits:
            row.lost += 1
            row.problems.append(f"lost: {e}")
        else:
            row.duplicated += 1
            row.problems.append(f"{len(hits)}×: {e}")
    for agg, stream in by_agg.items():
        for problem in half_applied(stream):
            row.half_applied += 1
            row.problems.append(f"{agg}: {problem}")
    row.bad_files = check_files(inst)
    done = subprocess.run([sys.executable, "-m", "isoledger.cli", "verify", "--full"], env=inst.env,
                          capture_output=True, text=True, timeout=900, cwd=Path(__file__).resolve().parents[1])
    row.verify_ok = done.returncode == 0
    if not row.verify_ok:
        row.problems.append("verify: " + (done.stdout + done.stderr)[-600:])


def half_applied(stream: list[tuple[str, int, dict[str, Any], str]]) -> list[str]:
    """Named invariants over one aggregate's events: at most one version in force and every Issued that replaced
    one followed by its Superseded; loans and returns alternate; a QMS case starts with CaseOpened."""
    problems, in_force, on_loan = [], set(), False
    for i, (kind, _, data, _) in enumerate(stream):
        if kind == "Issued":
            if in_force and not any(k == "Superseded" and d.get("by_version") == data.get("version")
                                    and d.get("previous_version") in in_force for k, _, d, _ in stream[i + 1:]):
                problems.append(f"Issued v{data.get('version')} without the Superseded of v{sorted(in_force)}")
            in_force = {data.get("version")}
        elif kind in ("Superseded", "Withdrawn", "Obsoleted"):
            in_force.discard(data.get("previous_version", data.get("version")))
        elif kind == "Borrowed":
            if on_loan:
                problems.append("Borrowed while on loan")
            on_loan = True
        elif kind == "Returned":
            if not on_loan:
                problems.append("Returned while not on loan")
            on_loan = False
        elif kind == "StepTaken" and stream[0][0] != "CaseOpened":
            problems.append("StepTaken on a case that was never opened")
    return problems


def check_files(inst: Installation) -> int:
    """Every file an event names is stored and its bytes verify against its SHA-256 (read through the archive)."""
    from archive import open_store
    from isoledger.settings import Settings
    from ledger.application import Ledger
    from ledger.references import references

    ledger = Ledger(inst.database_url)
    archive = open_store(Settings.from_env(inst.env).storage)
    bad = 0
    try:
        for ref in references(ledger):
            try:
                archive.read_bytes(ref.ref, ref.scope)
            except Exception:  # noqa: BLE001 - any failure to read a referenced file back is a finding
                bad += 1
    finally:
        archive.close()
        ledger.close()
    return bad


# -- a phase ---------------------------------------------------------------------------------------------------
def phase(inst: Installation, tokens: dict[str, str], department: str, fault: Fault, *, clients: int,
          warmup: float, after: float, seed: int, window: float) -> Row:
    row = Row(inst.backend, fault.name)
    run = Run(inst.server.url, tokens, department, seed, window)
    probe = Probe(inst.server.url, tokens["thuky"])
    workers = [Client(run, seed + i) for i in range(clients)]
    for w in workers:
        w.start()
    probe.start()
    time.sleep(warmup)
    mended_at = None
    try:
        mend = fault.inject(inst)
        time.sleep(fault.hold)
        mended_at = time.monotonic()
        took = mend()
        if isinstance(took, float):
            row.note += f" restart {took:.1f} s"
        if fault.back_after_mend:
            mended_at = time.monotonic()
    except Skipped as e:
        row.note = str(e)
    time.sleep(after)
    run.stop.set()
    for w in workers:
        w.join(timeout=window + 60)
    probe.stop.set()
    probe.join()
    t = run.tally
    row.sent, row.acked = t.sent, t.acked
    row.unexpected_5xx = len(t.unexpected) + len(probe.unexpected)
    row.problems += (t.unexpected + probe.unexpected)[:10]
    row.served_503 = t.statuses[503] + probe.statuses[503]
    if mended_at is not None:
        later = [a for a in t.ack_times if a >= mended_at]
        row.recovery = (min(later) - mended_at) if later else None
    if t.given_up:
        row.note += f" {t.given_up} given up (unacknowledged)"
    if t.applied_unanswered:
        row.note += f" {t.applied_unanswered} applied before the fault, answer lost (409 request_already_applied)"
    if t.refused:
        row.note += " refused: " + ", ".join(f"{k}×{v}" for k, v in t.refused.most_common(3))
    if probe.down_named:
        row.note += " 503 named: " + ", ".join(f"{k}×{v}" for k, v in probe.down_named.most_common(3))
    check(inst, t.expects, row)
    return row


def run_backend(backend: str, *, short: bool, clients: int, workdir: Path) -> list[Row]:
    # The tmpfs takes memory only as it fills; the disk-full fault fills it whatever its size. Smaller ones
    # (48 MB) filled up by themselves on a fast run (~40 MB of uploads per row): every later row then failed.
    inst = Installation(backend, workdir, disk_mb=512 if short else 2048)
    rows: list[Row] = []
    try:
        inst.server.start()
        tokens, department = inst.setup()
        kinds = [f for f in FAULTS if backend in f.backends]
        plan = kinds if short else [*kinds, mixed(kinds)]
        warmup, after = (2.0, 3.0) if short else (6.0, 10.0)
        for i, fault in enumerate(plan):
            try:
                row = phase(inst, tokens, department, fault, clients=clients, warmup=warmup, after=after,
                            seed=1000 * (i + 1), window=RETRY_WINDOW)
            except Exception as e:  # noqa: BLE001 - the harness itself failed: a row that says so, not a lost run
                row = Row(backend, fault.name, note=f"harness error: {type(e).__name__}: {e}", problems=[repr(e)])
            free = inst.disk.free_mb()
            if free is not None and free < 16:
                row.problems.append(f"the small disk filled up by itself ({free:.0f} MB free after the row):"
                                    " the harness's disk is too small for this run")
            rows.append(row)
            print(f"{row.backend} / {row.fault}: sent {row.sent} acked {row.acked} in log {row.found} lost {row.lost}"
                  f" dup {row.duplicated} half {row.half_applied} bad files {row.bad_files} 5xx {row.unexpected_5xx}"
                  f" 503 {row.served_503} recovery {row.recovery} verify {row.verify_ok} {row.note}", flush=True)
            if not inst.server.process or inst.server.process.poll() is not None:
                inst.server.start()
    finally:
        inst.close()
    return rows


def table(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="Fault harness / Thử lỗi")
    for col in ("backend", "injected fault", "sent", "acked", "in log", "lost", "dup", "half", "bad files",
                "5xx≠503", "503s", "recovery s", "verify", "note"):
        t.add_column(col)
    for r in rows:
        t.add_row(r.backend, r.fault, str(r.sent), str(r.acked), str(r.found), str(r.lost), str(r.duplicated),
                  str(r.half_applied), str(r.bad_files), str(r.unexpected_5xx), str(r.served_503),
                  "—" if r.recovery is None else f"{r.recovery:.1f}", "ok" if r.verify_ok else "FAIL", r.note.strip())
    Console(width=220).print(t)
    for r in rows:
        for p in r.problems[:5]:
            print(f"  {r.backend} / {r.fault}: {p}")


def main(argv: list[str] | None = None) -> list[Row]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--short", action="store_true", help="one fault of each kind, few clients (~2 minutes)")
    p.add_argument("--clients", type=int, default=None, help="concurrent clients (default 50; 4 in --short)")
    p.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = p.parse_args(argv)
    clients = args.clients or (4 if args.short else 50)
    workdir = Path(__import__("tempfile").mkdtemp(prefix="isoledger-faults-"))
    rows: list[Row] = []
    for backend in (("sqlite", "postgres") if args.backend == "both" else (args.backend,)):
        rows += run_backend(backend, short=args.short, clients=clients, workdir=workdir)
    table(rows)
    print(f"server logs: {workdir}")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1, default=str))
    return rows


if __name__ == "__main__":
    results = main()
    bad = any(r.lost or r.duplicated or r.half_applied or r.bad_files or r.unexpected_5xx or not r.verify_ok
              for r in results)
    sys.exit(1 if bad else 0)
