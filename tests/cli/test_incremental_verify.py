"""`isoledger verify` checks only what is new since the last verified checkpoint, and still misses nothing new."""

from __future__ import annotations

import io
import re

from typer.testing import CliRunner

from isoledger.bootstrap import bootstrap
from isoledger.cli import app
from isoledger.settings import Settings
from ledger.files import FileKind, file_scope
from signing.samples import sample_pdf
from tests.cli.test_verify import _ledger_with_document, _rows, env  # noqa: F401 - the same environment fixture
from tests.factories import ARCHIVIST, SECRETARY


def _verify(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["verify", *args])


def _checkpoint() -> int:
    services = bootstrap(Settings.from_env())
    try:
        services.projector.catch_up()
        return services.checkpoints.make().tree_size
    finally:
        services.close()


def _grow(old_doc: str) -> tuple[str, str]:
    """New events after the verified checkpoint: a new draft of the old document (its chain continues from an
    event before the checkpoint), a new document and a new record; returns the new document and record."""
    services = bootstrap(Settings.from_env())
    try:
        ledger, archive = services.ledger, services.archive
        ref = archive.put(io.BytesIO(sample_pdf(1, "Ban sua doi")), "Quy trình (sửa đổi).pdf",
                          file_scope(FileKind.VERSION, old_doc)).to_dict()
        ledger.create_draft(SECRETARY, old_doc, file=ref, change_summary="Sửa đổi lần 1")
        doc = ledger.register_document(SECRETARY, code="BM-02", title="Biểu mẫu đề nghị", kind="form",
                                       department="Văn phòng")
        ledger.create_draft(SECRETARY, doc, file=archive.put(io.BytesIO(sample_pdf(1, "Bieu mau")), "Biểu mẫu.pdf",
                                                             file_scope(FileKind.VERSION, doc)).to_dict(),
                            change_summary="Lần đầu")
        rec = ledger.open_record(ARCHIVIST, code="HS-05", title="Hồ sơ khắc phục", series="Khắc phục",
                                 retention_years=5, legal_basis="Thông tư 10/2022")
        return doc, rec
    finally:
        services.close()


def _tamper(url: str, aggregate_id: str, version: int, old: bytes, new: bytes) -> None:
    from uuid import UUID

    from ledger.config import is_postgres

    conn, table, mark = _rows(url)
    uid = UUID(aggregate_id) if is_postgres(url) else UUID(aggregate_id).hex
    try:
        row = conn.execute(f"SELECT state FROM {table} WHERE originator_id = {mark} AND originator_version = {mark}",
                           (uid, version)).fetchone()
        changed = bytes(row[0]).replace(old, new)
        assert changed != bytes(row[0])
        conn.execute(f"UPDATE {table} SET state = {mark} WHERE originator_id = {mark} AND originator_version = "
                     f"{mark}", (changed, uid, version))
    finally:
        conn.close()


def _delete(url: str, aggregate_id: str, version: int) -> None:
    from uuid import UUID

    from ledger.config import is_postgres

    conn, table, mark = _rows(url)
    uid = UUID(aggregate_id) if is_postgres(url) else UUID(aggregate_id).hex
    try:
        conn.execute(f"DELETE FROM {table} WHERE originator_id = {mark} AND originator_version = {mark}",
                     (uid, version))
    finally:
        conn.close()


def _verified_base(env: str) -> str:
    """A document, a checkpoint, and a full verification that recorded it."""
    doc = _ledger_with_document(env)
    assert _checkpoint() == 7
    first = _verify()
    assert first.exit_code == 0, first.output
    assert "Kiểm tra gia tăng" not in first.output and "recorded: the checkpoint of 7 events" in first.output
    return doc


def test_the_second_verify_walks_only_the_new_events_and_agrees_with_the_full_one(env):
    old = _verified_base(env)
    doc, rec = _grow(old)
    assert _checkpoint() == 11
    incremental = _verify()
    assert incremental.exit_code == 0, incremental.output
    text = incremental.output.replace("\n", " ")
    assert "Kiểm tra gia tăng từ điểm kiểm tra cỡ 7" in text
    # the four new events, of the old document (joined to its seventh event), the new document and the record
    assert "đã kiểm tra 4 sự kiện của 3 tài liệu và hồ sơ (sự kiện mới)" in text
    assert "2 tệp" in text  # the two new drafts' files, not the old document's
    assert "recorded: the checkpoint of 11 events" in text
    full = _verify("--full")
    assert full.exit_code == 0, full.output
    assert "Kiểm tra gia tăng" not in full.output
    assert "Đã kiểm tra 11 sự kiện của 3 tài liệu và hồ sơ" in full.output.replace("\n", " ")
    assert "2 điểm kiểm tra đã ký" in full.output


def test_a_changed_new_event_is_named_by_the_incremental_verify(env):
    old = _verified_base(env)
    doc, _ = _grow(old)
    _checkpoint()
    _tamper(env, doc, 2, "Lần đầu".encode(), "Lần hai".encode())
    result = _verify()
    assert result.exit_code == 1, result.output
    assert "Kiểm tra gia tăng" in result.output
    assert f"aggregate {doc} version 2" in result.output and "hash does not match" in result.output


def test_a_changed_link_from_a_new_event_to_an_old_one_is_found(env):
    old = _verified_base(env)
    _grow(old)
    _checkpoint()
    _tamper(env, old, 8, b'"prev_hash":"', b'"prev_hash":"0')  # version 8 now names another predecessor
    result = _verify()
    assert result.exit_code == 1, result.output
    assert f"aggregate {old} version 8" in result.output and "prev_hash does not match" in result.output


def test_a_deleted_new_event_is_found_by_the_incremental_verify(env):
    old = _verified_base(env)
    _, rec = _grow(old)
    _checkpoint()
    _delete(env, rec, 1)  # the log's last event: no chain after it, only the signed checkpoint shows it
    result = _verify()
    assert result.exit_code == 1, result.output
    text = result.output.replace("\n", " ")
    assert "Kiểm tra gia tăng" in text
    assert "xóa khỏi nhật ký: vị trí 11" in text and "nhật ký đã bị cắt bớt" in text


def test_a_deleted_old_event_is_found_by_the_count_without_walking_the_old_log(env):
    old = _verified_base(env)
    _grow(old)
    _checkpoint()
    assert _verify().exit_code == 0
    services = bootstrap(Settings.from_env())
    try:
        other = services.ledger.register_document(SECRETARY, code="BM-03", title="Biểu mẫu khác", kind="form",
                                                  department="Văn phòng")
    finally:
        services.close()
    assert _checkpoint() == 12
    assert _verify().exit_code == 0
    _delete(env, old, 3)  # an event from before the first checkpoint, of a document nothing new touches
    result = _verify()
    assert result.exit_code == 1, result.output
    text = result.output.replace("\n", " ")
    assert "Kiểm tra gia tăng từ điểm kiểm tra cỡ 12" in text
    assert re.search(r"Đến vị trí 12, nhật ký còn 11 sự kiện, nhưng điểm kiểm tra cỡ 12", text), text
    assert "xóa khỏi nhật ký: vị trí 3" in text, (other, text)  # and then the whole walk names it


def test_rewriting_an_old_event_in_place_is_for_the_full_verify(env):
    old = _verified_base(env)
    _tamper(env, old, 4, b'"agree"', b'"disagree"')
    full = _verify("--full")
    assert full.exit_code == 1, full.output
    assert f"aggregate {old} version 4" in full.output


def test_the_verified_checkpoint_survives_a_rebuild_of_the_projections(env):
    _verified_base(env)
    assert CliRunner().invoke(app, ["projections", "rebuild"]).exit_code == 0
    again = _verify()
    assert again.exit_code == 0, again.output
    assert "Kiểm tra gia tăng từ điểm kiểm tra cỡ 7" in again.output
