"""While PostgreSQL is down the API answers 503 naming the database (problem+json), never 500, and it serves again
by itself once the database is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.fault_parts import Postgres
from ledger.application import Ledger
from projections.db import Database
from projections.runner import Projector
from tests.api.conftest import OWN, build_world, make_api


@pytest.fixture
def outage(tmp_path: Path) -> Iterator[tuple[Any, Any, Postgres]]:
    pg = Postgres().start()
    url = pg.create_database("outage")
    ledger = Ledger(url)
    db = Database(url)
    projector = Projector(ledger, db)
    projector.create_tables()
    api = make_api(url, tmp_path, ledger, projector)
    try:
        with api.client:
            yield api, build_world(api), pg
    finally:
        api.archive.close()
        db.close()
        ledger.close()
        pg.stop()


KEY = "muon-ho-so-1"


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_command_while_postgresql_is_down_is_503_and_works_once_it_is_back(outage, mode: str) -> None:
    api, world, pg = outage
    rec = world[OWN]["record_id"]
    body = {"borrower": "giamdoc", "purpose": "Kiểm tra", "due_on": (date.today() + timedelta(days=10)).isoformat(),
            "approved_by": "giamdoc"}
    api.login("vanthu")  # signed in before the outage
    pg.shutdown(mode)
    began = time.monotonic()
    r = api.call("POST", f"/api/v1/records/{rec}/loans", "vanthu", json=body, headers={"Idempotency-Key": KEY})
    took = time.monotonic() - began
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json") and "Retry-After" in r.headers
    assert r.json()["code"] == "database_busy"
    assert "cơ sở dữ liệu" in r.json()["detail"].lower() and "database" in r.json()["detail_en"].lower()
    health = api.client.get("/healthz")
    assert health.status_code == 503 and health.json()["database"] != "ok"
    pg.restart()
    back = time.monotonic()
    while (r := api.call("POST", f"/api/v1/records/{rec}/loans", "vanthu", json=body,
                         headers={"Idempotency-Key": KEY})).status_code == 503 and time.monotonic() - back < 60:
        time.sleep(0.5)  # what a client does on 503 (Retry-After)
    assert r.status_code == 200, r.text
    print(f"503 after {took:.1f} s; served again {time.monotonic() - back:.1f} s after the restart")
    health = api.client.get("/healthz")
    assert health.status_code == 200, health.text
    loans = api.call("GET", f"/api/v1/agencies/{OWN}/loans", "giamdoc").json()["items"]
    assert len(loans) == 1  # applied once, though sent twice with its key
