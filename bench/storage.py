"""Storage benchmark: our archive (AES-GCM, hashing, spooling) vs the bare minio client and raw files.

Run: .venv/bin/python bench/storage.py [--big-mib 512] [--small-count 100]
Starts and stops its own moto S3 server (the test stand-in for MinIO/Ceph) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minio import Minio  # noqa: E402

from archive.keys import sqlite_key_store  # noqa: E402
from archive.local import LocalObjectStore  # noqa: E402
from archive.masterkey import MasterKey  # noqa: E402
from archive.s3 import DEFAULT_PART_SIZE, S3ObjectStore, http_client  # noqa: E402
from archive.service import Archive  # noqa: E402
from ledger.files import FileRef  # noqa: E402

MIB = 1024 * 1024
PARALLEL = 2
BLOCK = os.urandom(MIB)


def source(size: int, seed: int = 0) -> Iterator[bytes]:
    """``size`` bytes that sniff as a PDF, generated in 1 MiB blocks (nothing read from disk)."""
    head = f"%PDF-1.7 {seed:08d}\n".encode()
    yield head + BLOCK[len(head) : min(size, MIB)]
    remaining = size - min(size, MIB)
    while remaining > 0:
        n = min(remaining, MIB)
        yield BLOCK[:n]
        remaining -= n


class GeneratorReader(io.RawIOBase):
    """A file-like view of ``source`` for the bare minio client (which wants ``read(n)``).

    Returns a generated block as it is when it fits (no copy) and joins blocks otherwise, so the
    bare client is not slowed down by its adapter (an earlier ``bytes +=`` version was quadratic
    in the part size and cost the bare 512 MiB upload about half a second).
    """

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._head = memoryview(b"")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        if size < 0:
            return bytes(self._head) + b"".join(self._pieces)
        parts: list[bytes | memoryview] = []
        needed = size
        while needed:
            if not self._head:
                block = next(self._pieces, b"")
                if not block:
                    break
                if not parts and len(block) == needed:
                    return block  # exactly what was asked: no copy
                self._head = memoryview(block)
            take = self._head[:needed]
            parts.append(take)
            self._head = self._head[len(take) :]
            needed -= len(take)
        return b"".join(parts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto_server did not start")


def client(endpoint: str) -> Minio:
    return Minio(endpoint, "bench", "bench-secret", secure=False, http_client=http_client())


def s3_archive(endpoint: str, bucket: str, home: Path) -> Archive:
    store = S3ObjectStore(client(endpoint), bucket, home / "staging", parallel_uploads=PARALLEL)
    return Archive(store, sqlite_key_store(home / "keys.sqlite3"), MasterKey(b"k" * 32), max_size=2048 * MIB)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def drain(chunks: Iterator[bytes]) -> int:
    return sum(len(c) for c in chunks)


def bare_read(c: Minio, bucket: str, key: str) -> int:
    response = c.get_object(bucket, key)
    try:
        return sum(len(b) for b in response.stream(MIB))
    finally:
        response.close()
        response.release_conn()


# -- the measurements -------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (the moto server's, here)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_cpu(action: Callable[[], object], server_pid: int) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds of this process (all threads) and of the server, for one action."""
    wall, cpu, server = time.perf_counter(), time.process_time(), cpu_seconds(server_pid)
    action()
    return time.perf_counter() - wall, time.process_time() - cpu, cpu_seconds(server_pid) - server


def s3_pair(endpoint: str, home: Path, sizes: list[int], label: str, repeat: int,
            server_pid: int) -> dict[str, tuple[float, float, float, list[float]]]:
    ours = s3_archive(endpoint, f"ours-{label}", home / f"ours-{label}")
    bare = client(endpoint)
    bare.make_bucket(f"bare-{label}")
    total = sum(sizes) / MIB
    refs: list[FileRef] = []

    def put_ours() -> None:
        refs[:] = [ours.put(source(n, i), f"{i}.pdf", "bench") for i, n in enumerate(sizes)]

    def put_bare() -> None:
        for i, n in enumerate(sizes):
            bare.put_object(
                f"bare-{label}",
                f"obj/{i}",
                GeneratorReader(source(n, i)),
                n,
                part_size=DEFAULT_PART_SIZE,
                num_parallel_uploads=PARALLEL,
            )

    runs: dict[str, list[tuple[float, float, float]]] = {"up_ours": [], "up_bare": [], "down_ours": [],
                                                         "down_bare": []}
    for _ in range(repeat):  # alternate ours and bare so both see the same server state
        runs["up_ours"].append(timed_cpu(put_ours, server_pid))
        runs["up_bare"].append(timed_cpu(put_bare, server_pid))
        runs["down_ours"].append(timed_cpu(lambda: [drain(ours.open(ref, "bench")) for ref in refs], server_pid))
        runs["down_bare"].append(timed_cpu(
            lambda: [bare_read(bare, f"bare-{label}", f"obj/{i}") for i in range(len(sizes))], server_pid
        ))
    ours.close()
    # per case: MiB/s of the median run, median client CPU s, median server CPU s, MiB/s of every run
    return {
        name: (total / statistics.median(r[0] for r in values), statistics.median(r[1] for r in values),
               statistics.median(r[2] for r in values), [total / r[0] for r in values])
        for name, values in runs.items()
    }


def local_pair(home: Path, size: int) -> dict[str, float]:
    archive = Archive(
        LocalObjectStore(home / "objects"),
        sqlite_key_store(home / "keys.sqlite3"),
        MasterKey(b"k" * 32),
        max_size=2048 * MIB,
    )
    raw = home / "raw.bin"
    refs = []

    def raw_write() -> None:
        with open(raw, "wb") as f:
            for piece in source(size):
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())

    def raw_read() -> None:
        with open(raw, "rb") as f:
            while f.read(MIB):
                pass

    up_ours = timed(lambda: refs.append(archive.put(source(size), "big.pdf", "bench")))
    up_raw = timed(raw_write)
    down_ours = timed(lambda: drain(archive.open(refs[0], "bench")))
    down_raw = timed(raw_read)
    archive.close()
    mib = size / MIB
    return {
        "MiB": mib,
        "up_ours": mib / up_ours,
        "up_raw": mib / up_raw,
        "down_ours": mib / down_ours,
        "down_raw": mib / down_raw,
    }


def child_upload(endpoint: str, home: str, size: int, bare: bool) -> None:
    """Runs in a fresh process so ru_maxrss is this upload's alone."""
    before = current_rss_kib()
    if bare:
        c = client(endpoint)
        c.make_bucket("rss-bare")
        c.put_object(
            "rss-bare",
            "big",
            GeneratorReader(source(size)),
            size,
            part_size=DEFAULT_PART_SIZE,
            num_parallel_uploads=PARALLEL,
        )
    else:
        archive = s3_archive(endpoint, "rss-ours", Path(home))
        archive.put(source(size), "big.pdf", "bench")
        archive.close()
    # ru_maxrss survives fork+exec on Linux (it starts at the parent's size), so the peak of this
    # process's own memory is VmHWM; ru_maxrss is reported too and can only be higher.
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before_mib": before / 1024, "peak_mib": status_kib("VmHWM") / 1024,
                      "ru_maxrss_mib": maxrss / 1024}))


def status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def current_rss_kib() -> int:
    return status_kib("VmRSS")


def rss_of_upload(endpoint: str, home: Path, size: int, bare: bool) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", endpoint, str(home), str(size), "bare" if bare else "ours"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-mib", type=int, default=512)
    parser.add_argument("--small-count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs per S3 case; the median is shown")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        endpoint, home, size, which = args.child
        child_upload(endpoint, home, int(size), which == "bare")
        return

    home = Path(tempfile.mkdtemp(prefix="isoledger-bench-"))
    proc, endpoint = start_moto()
    try:
        big = args.big_mib * MIB
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, moto S3 on {endpoint}, "
            f"part size {DEFAULT_PART_SIZE // MIB} MiB x {PARALLEL} parallel, AES-256-GCM 1 MiB chunks\n"
        )
        print(f"{'case':<28}{'ours MB/s':>12}{'bare MB/s':>12}{'ratio':>8}   CPU s ours/bare: "
              "client, server; MB/s of each run ours | bare")
        for label, sizes in (("small", [MIB] * args.small_count), ("big", [big])):
            r = s3_pair(endpoint, home, sizes, label, args.repeat, proc.pid)
            name = f"{len(sizes)} x {sizes[0] // MIB} MiB" if len(sizes) > 1 else f"1 x {sizes[0] // MIB} MiB"
            for way in ("up", "down"):
                o, b = r[f"{way}_ours"], r[f"{way}_bare"]
                ours, bare = o[0] * MIB / 1e6, b[0] * MIB / 1e6
                each = " ".join(f"{x * MIB / 1e6:.0f}" for x in o[3]) + " | " + \
                    " ".join(f"{x * MIB / 1e6:.0f}" for x in b[3])
                print(f"{'S3 ' + way + 'load ' + name:<28}{ours:>12.1f}{bare:>12.1f}{ours / bare:>8.2f}   "
                      f"{o[1]:.2f}/{b[1]:.2f}, {o[2]:.2f}/{b[2]:.2f}; {each}")
        lr = local_pair(home / "local", big)
        for way in ("up", "down"):
            ours, raw = lr[f"{way}_ours"] * MIB / 1e6, lr[f"{way}_raw"] * MIB / 1e6
            print(
                f"{'dir ' + way + 'load 1 x ' + str(args.big_mib) + ' MiB':<28}{ours:>12.1f}{raw:>12.1f}"
                f"{ours / raw:>8.2f}   (bare = raw file write+fsync / read)"
            )
        print()
        for bare in (False, True):
            rss = rss_of_upload(endpoint, home / ("rss-bare" if bare else "rss-ours"), big, bare)
            who = "bare minio" if bare else "our archive"
            print(
                f"peak RSS of the {args.big_mib} MiB S3 upload, {who}: {rss['peak_mib']:.0f} MiB (VmHWM; "
                f"{rss['before_mib']:.0f} MiB before the upload, after imports; ru_maxrss "
                f"{rss['ru_maxrss_mib']:.0f} MiB, which Linux carries over from the parent at fork+exec)"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
