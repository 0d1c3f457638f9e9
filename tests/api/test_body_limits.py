"""Bodies are not read before authentication, JSON is capped at 1 MiB and multipart per route, and a declared
length over the cap is a 413 at once (over a real socket: the server does not wait for the body)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from tests.api.conftest import OWN, pdf_bytes

DOCS = f"/api/v1/agencies/{OWN}/documents"


class Chunks:
    """A body sent in chunks (no Content-Length), counting how much of it the server pulled."""

    def __init__(self, size: int, chunk: int = 64 * 1024) -> None:
        self.size, self.chunk, self.sent = size, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        while self.sent < self.size:
            self.sent += self.chunk
            yield b" " * self.chunk


def test_an_unauthenticated_body_is_refused_before_it_is_read(api, world):
    body = Chunks(300 * 1024 * 1024)
    r = api.client.post(DOCS, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    assert body.sent <= 1024 * 1024  # at most what was already on its way, not 300 MB


def test_a_json_body_over_one_mebibyte_is_413_by_its_declared_length_or_while_read(api, world):
    big = b'{"code": "QT-99", "title": "' + b"x" * (1024 * 1024) + b'"}'
    r = api.call("POST", DOCS, "thuky", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["errors"][0]["field"] == "Content-Length"
    streamed = Chunks(2 * 1024 * 1024)  # chunked: no length declared, counted while read
    r = api.call("POST", DOCS, "thuky", content=streamed, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")
    ok = api.call("POST", DOCS, "thuky", json={"code": "QT-98", "title": "Quy trình nhỏ", "kind": "form",
                                                "department": "VP"})
    assert ok.status_code == 201


def test_multipart_caps_are_per_route(api, world):
    r = api.call("POST", DOCS, "thuky", files={"file": ("x.pdf", b"%PDF-" + b"x" * (2 * 1024 * 1024), "a/b")})
    assert r.status_code == 413  # a route that takes no file takes a 1 MiB form
    image = b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024)
    r = api.call("PUT", "/api/v1/users/giamdoc/signature-image", "giamdoc",
                 files={"file": ("chu-ky.png", image, "image/png")})
    assert r.status_code == 413  # a signature image route takes 10 MiB
    doc = world[OWN]["document_id"]
    r = api.upload(f"/api/v1/documents/{doc}/versions", "thuky", data=pdf_bytes(size=12 * 1024 * 1024),
                   change_summary="Sửa đổi lần 2")
    assert r.status_code != 413, r.text  # a file route takes up to the upload limit


def test_sign_in_forms_take_small_bodies_only(api, world):
    r = api.client.post("/api/v1/auth/token", data={"username": "thuky", "password": "x" * (100 * 1024)})
    assert r.status_code == 413
    doc = world[OWN]["document_id"]  # a page's upload after its session ended: to the sign-in page, unread
    r = api.client.post(f"/documents/{doc}/drafts", files={"file": ("a.pdf", pdf_bytes(size=200 * 1024))},
                        follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


@pytest.fixture
def server(api, world) -> Iterator[int]:
    config = uvicorn.Config(api.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield port
    srv.should_exit = True
    thread.join(10)


def _raw(port: int, head: str, timeout: float = 5.0) -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode())
        s.sendall(b"{")  # a first byte of the two gigabytes announced, then nothing
        answer = s.recv(65536)
    return answer, time.monotonic() - started


def test_a_huge_declared_length_is_answered_413_at_once_by_the_real_server(server, api):
    token = api.login("thuky")["Authorization"]
    head = (f"POST {DOCS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: {token}\r\nContent-Length: 2000000000\r\n\r\n")
    answer, took = _raw(server, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert took < 3.0
    anonymous, took = _raw(server, head.replace(f"Authorization: {token}\r\n", ""))
    assert anonymous.startswith(b"HTTP/1.1 401") and took < 3.0, anonymous[:200]
