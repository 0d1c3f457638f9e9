"""An app over a fresh ledger (SQLite or PostgreSQL), a local archive, and a small world of agencies and people."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2 for its TestClient; httpx works the same here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.app import create_app
from api.seed import ensure_admin
from archive import build_archive
from isoledger.bootstrap import Services, open_checkpoints
from isoledger.settings import Settings
from ledger.actors import Actor
from signing.testing import sample_pdf
from tests.factories import OTHER, OWN, SUPERVISOR, WORLD_PASSWORD, WORLD_PEOPLE
from tests.pdfs import padded_pdf

PASSWORD, PEOPLE = WORLD_PASSWORD, WORLD_PEOPLE
ROLE_USER = {"admin": "admin", "iso_secretary": "thuky", "agency_leader": "giamdoc",
             "department_leader": "truongphong", "records_controller": "vanthu", "staff": "chuyenvien",
             "internal_auditor": "danhgia", "inspector": "kiemtra", "agency_admin": "quantri"}


def pdf_bytes(title: str = "QT-01 Quy trinh", size: int = 0) -> bytes:
    data = sample_pdf(1, title)
    return padded_pdf(size, title=title) if size > len(data) else data


@dataclass
class Api:
    client: TestClient
    app: Any
    services: Services
    archive: Any
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    def login(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        if username not in self.tokens:
            r = self.client.post("/api/v1/auth/token", data={"username": username, "password": password})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def as_(self, username: str) -> dict[str, str]:
        return self.login(username)

    def call(self, method: str, path: str, user: str | None = None, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}) or {})
        if user:
            headers.update(self.login(user))
        return self.client.request(method, path, headers=headers, **kw)

    def upload(self, path: str, user: str, data: bytes | None = None, name: str = "Quy trình kiểm soát.pdf",
               **form: Any) -> Any:
        files = {"file": (name, io.BytesIO(data if data is not None else pdf_bytes()), "application/pdf")}
        return self.call("POST", path, user, files=files, data=form)


def make_api(database_url: str, tmp_path: Path, ledger: Any, projector: Any, **options: Any) -> Api:
    settings = Settings.from_env({"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_DATABASE_URL": database_url})
    archive = build_archive(storage_url=f"file://{tmp_path / 'objects'}", home=tmp_path, database_url=database_url)
    services = Services(settings, ledger, projector.db, projector, archive)
    open_checkpoints(services)
    app = create_app(services, archive=archive, secret_key="khoa-bi-mat-cho-thu-nghiem", fast_passwords=True,
                     secure_cookies=False, **options)
    ensure_admin(app.state.ctx, password=PASSWORD)
    client = TestClient(app, raise_server_exceptions=False)
    return Api(client, app, services, archive)


def build_world(api: Api) -> dict[str, Any]:
    ctx = api.ctx
    admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
    ctx.directory.create_agency(admin, agency_id=SUPERVISOR, name="Chi cục TĐC S", supervised_by=[])
    ctx.directory.create_agency(admin, agency_id=OWN, name="Sở Khoa học và Công nghệ A", supervised_by=[SUPERVISOR])
    ctx.directory.create_agency(admin, agency_id=OTHER, name="Sở Tư pháp B", supervised_by=[])
    hashed = ctx.passwords.hash(PASSWORD)
    for username, (name, roles, agency) in PEOPLE.items():
        ctx.directory.create_account(admin, username=username, agency_id=agency, full_name=name, roles=roles)
        ctx.store.set_password_hash(username, hashed)
    world: dict[str, Any] = {}
    for agency, sec, arch in ((OWN, "thuky", "vanthu"), (OTHER, "thuky-b", "vanthu-b")):
        r = api.call("POST", f"/api/v1/agencies/{agency}/documents", sec,
                     json={"code": "QT-01", "title": "Quy trình kiểm soát tài liệu", "kind": "form",
                           "department": "Văn phòng"})
        assert r.status_code == 201, r.text
        doc = r.json()["id"]
        r = api.upload(f"/api/v1/documents/{doc}/versions", sec, change_summary="Ban hành lần đầu")
        assert r.status_code == 201, r.text
        r = api.call("POST", f"/api/v1/agencies/{agency}/records", arch,
                     json={"code": "HS-01", "title": "Hồ sơ đánh giá nội bộ", "series": "Đánh giá nội bộ",
                           "retention_years": 5, "legal_basis": "Thông tư 10/2022"})
        assert r.status_code == 201, r.text
        world[agency] = {"document_id": doc, "record_id": r.json()["id"]}
    return world


@pytest.fixture
def api(database_url: str, tmp_path: Path, ledger: Any, projector: Any) -> Iterator[Api]:
    built = make_api(database_url, tmp_path, ledger, projector)
    with built.client:
        yield built
    built.archive.close()


@pytest.fixture
def world(api: Api) -> dict[str, Any]:
    return build_world(api)
