"""Every route that stores a file stores it where the reference index looks, so `isoledger verify` stays green."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isoledger.cli import app as cli
from ledger.actors import Actor
from ledger.files import FileKind, FileRef, file_scope
from ledger.references import references
from signing import SigningConfig, build_signing_service
from tests.api.conftest import OTHER, OWN, build_world, make_api, pdf_bytes
from tests.qms.objectives_setup import measured_objective
from tests.web.conftest import make_p12


@pytest.fixture
def api(database_url: str, tmp_path: Path, ledger: Any, projector: Any,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The API with a signing service, and the environment `isoledger verify` reads pointing at the same ledger."""
    service = build_signing_service(SigningConfig(check_signer=False))
    built = make_api(database_url, tmp_path, ledger, projector, signing=service)
    monkeypatch.setenv("ISOLEDGER_HOME", str(tmp_path))
    monkeypatch.setenv("ISOLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("ISOLEDGER_STORAGE_URL", raising=False)
    with built.client:
        yield built
    built.archive.close()
    service.close()


ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))


def verify_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, ["verify", *args])


def destroy(api: Any, rec: str) -> None:
    """A record taken through the whole destruction path: a file, closed, proposed, approved, destroyed."""
    r = api.upload(f"/api/v1/records/{rec}/files", "vanthu", pdf_bytes("Bien ban hop"), name="Biên bản họp.pdf")
    assert r.status_code == 201, r.text
    assert api.call("POST", f"/api/v1/records/{rec}/close", "vanthu", json={"closed_on": "2020-01-02"}
                    ).status_code == 200
    assert api.call("POST", f"/api/v1/records/{rec}/destruction/propose", "vanthu",
                    json={"reason": "Hết thời hạn bảo quản"}).status_code == 200
    assert api.call("POST", f"/api/v1/records/{rec}/destruction/approve", "giamdoc",
                    json={"decision_no": "QĐ-12", "decided_by": "giamdoc", "council": ["giamdoc"]}
                    ).status_code == 200
    files = {"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(pdf_bytes("Bien ban huy")), "application/pdf")}
    done = api.call("POST", f"/api/v1/records/{rec}/destruction/execute", "vanthu", files=files,
                    data={"executed_by": "vanthu", "witnesses": ["danhgia"]})
    assert done.status_code == 200, done.text


def test_destroying_a_record_through_the_api_keeps_verify_green(api: Any) -> None:
    world = build_world(api)
    destroy(api, world[OWN]["record_id"])
    result = verify_cli()
    assert result.exit_code == 0, result.output
    assert "1 biên bản hủy" in result.output
    report = api.call("GET", "/api/v1/audit/verify", "admin").json()
    assert report["intact"] and report["evidence_files_checked"] == 1


def qms_evidence(api) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Uploads an action's evidence to a risk and to a nonconformity; each lands in its case's own scope."""
    dep = api.ctx.directory.create_department(ADMIN, OWN, code="P-TEP", name="Phòng Quản lý khoa học",
                                              leader="truongphong")["id"]
    year = api.ctx.services.ledger.today().year
    opened = {"risks": {"year": year, "department": dep, "kind": "risk", "title": "Chậm giải quyết TTHC",
                        "description": "Hồ sơ tồn đọng cuối năm", "processes": "Tiếp nhận hồ sơ"},
              "nonconformities": {"year": year, "department": dep, "source": "direct", "title": "Sổ theo dõi thiếu",
                                  "description": "Thiếu chữ ký người nhận tại sổ giao nhận"},
              "complaints": {"kind": "feedback", "channel": "letter", "subject": "Đề nghị hướng dẫn thủ tục",
                             "content": "Thư đề nghị hướng dẫn thành phần hồ sơ.", "sender_name": "Trần Văn Nam",
                             "sender_contact": "nam.tran@example.vn"},
              "improvements": {"year": year, "department": dep, "title": "Số hóa sổ theo dõi", "area": "Đề tài",
                               "situation": "Sổ giấy", "proposal": "Bảng tính dùng chung", "benefit": "Tra cứu nhanh",
                               "effort": "low"},
              "management-reviews": {"year": year, "meeting_date": f"{year}-12-20", "chair": "giamdoc",
                                     "agenda": "Xem xét kết quả hệ thống quản lý chất lượng (mục 9.3)."}}
    driven = set()
    for collection, body in opened.items():
        r = api.call("POST", f"/api/v1/agencies/{OWN}/{collection}", "thuky", json=body)
        assert r.status_code == 201, r.text
        case_id = r.json()["id"]
        up = api.call("POST", f"/api/v1/{collection}/{case_id}/files", "thuky",
                      files={"file": ("Biên bản khắc phục.pdf", io.BytesIO(pdf_bytes("khac phuc")), "application/pdf")})
        assert up.status_code == 201, up.text
        assert api.archive.verify(FileRef.from_dict(up.json()), file_scope(FileKind.CASE, case_id)).ok
        driven.add(("POST", f"/api/v1/{collection}/{{case_id}}/files"))
    return driven | public_complaint_attachment(api)


def public_complaint_attachment(api) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """A complaint sent from the public page with a scanned letter: the file lands in the new case's own scope."""
    from api.limits import PublicGuard
    from tests.api.test_public_complaints import SEND, Clock, token

    clock = Clock()
    api.app.state.public_guard = PublicGuard(api.ctx.store, api.ctx.auth.tokens, min_fill=3, clock=clock)
    r = api.client.post(f"/api/v1/public/agencies/{OWN}/complaints",
                        data={**SEND, "form_token": token(api, clock)},
                        files={"attachment": ("Đơn phản ánh.pdf", io.BytesIO(pdf_bytes("don")), "application/pdf")})
    assert r.status_code == 201, r.text
    items = api.call("GET", f"/api/v1/agencies/{OWN}/complaints", "thuky").json()["items"]
    case = next(c for c in items if c["data"].get("channel") == "web")
    ref = api.call("GET", f"/api/v1/complaints/{case['id']}", "thuky").json()["data"]["attachment"]
    assert api.archive.verify(FileRef.from_dict(ref), file_scope(FileKind.CASE, case["id"])).ok
    return {("POST", "/api/v1/public/agencies/{agency_id}/complaints")}


def file_routes(api: Any) -> set[tuple[str, str]]:
    """The operations whose request body carries files (multipart), as the OpenAPI document says."""
    schema = api.client.get("/openapi.json").json()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method, op in ops.items()
            if "multipart/form-data" in op.get("requestBody", {}).get("content", {})}


def test_every_route_that_stores_a_file_stores_it_where_verify_looks(api: Any) -> None:
    world = build_world(api)  # POST …/versions: the first draft of QT-01
    doc, rec = world[OWN]["document_id"], world[OWN]["record_id"]
    driven = {("POST", "/api/v1/documents/{document_id}/versions")}
    r = api.upload(f"/api/v1/documents/{doc}/versions/1/revise", "thuky", pdf_bytes("QT-01 sua doi"),
                   change_summary="Sửa lỗi chính tả")
    assert r.status_code == 200, r.text
    driven.add(("POST", "/api/v1/documents/{document_id}/versions/{n}/revise"))
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/submit", "thuky",
                    json={"reviewers": [], "approver": "giamdoc"}).status_code == 200
    assert api.call("POST", f"/api/v1/documents/{doc}/versions/1/approve", "giamdoc").status_code == 200
    r = api.call("POST", f"/api/v1/documents/{doc}/versions/1/sign", "giamdoc",
                 files={"p12": ("giamdoc.p12", io.BytesIO(make_p12("Nguyễn Văn Ánh")), "application/x-pkcs12")},
                 data={"meaning": "approval", "passphrase": "mat-khau-ky"})
    assert r.status_code == 200, r.text
    driven.add(("POST", "/api/v1/documents/{document_id}/versions/{n}/sign"))
    destroy(api, rec)  # POST …/files, then POST …/destruction/execute
    kept = api.upload(f"/api/v1/records/{world[OTHER]['record_id']}/files", "vanthu-b", name="Báo cáo.pdf")
    assert kept.status_code == 201, kept.text  # a record file that is not shredded
    driven |= {("POST", "/api/v1/records/{record_id}/files"),
               ("POST", "/api/v1/records/{record_id}/destruction/execute")}
    from signing.samples import sample_seal_png, sample_signature_png

    png = {"file": ("chu-ky.png", io.BytesIO(sample_signature_png()), "image/png")}
    assert api.call("PUT", "/api/v1/users/giamdoc/signature-image", "giamdoc", files=png).status_code == 200
    seal = {"file": ("con-dau.png", io.BytesIO(sample_seal_png()), "image/png")}
    assert api.call("PUT", f"/api/v1/agencies/{OWN}/seal-image", "giamdoc", files=seal).status_code == 200
    driven |= {("PUT", "/api/v1/users/{user_id}/signature-image"), ("PUT", "/api/v1/agencies/{agency_id}/seal-image")}
    measured_objective(api)  # a QMS case's evidence: POST …/objectives/{id}/files, then a step names it
    driven.add(("POST", "/api/v1/objectives/{case_id}/files"))
    driven |= qms_evidence(api)  # a risk's and a nonconformity's action evidence: into the case's own scope
    checked = api.call("POST", "/api/v1/signatures/verify", "giamdoc",
                       files={"file": ("Quy trình.pdf", io.BytesIO(pdf_bytes("x")), "application/pdf")})
    assert checked.status_code == 200, checked.text
    driven.add(("POST", "/api/v1/signatures/verify"))  # takes a file, stores nothing
    assert file_routes(api) == driven, "a route that takes a file is not driven by this test"

    found = list(references(api.services.ledger))
    assert {r.kind for r in found} == set(FileKind)  # versions, signed copy, record file, minutes, images, case
    for r in found:
        assert r.scope == file_scope(r.kind, r.aggregate_id), (r.kind, r.ref.key)
        assert api.archive.verify(r.ref, r.scope).ok, r.ref.key
    result = verify_cli()
    assert result.exit_code == 0, result.output
    assert api.call("GET", "/api/v1/audit/verify", "danhgia").json()["intact"]
