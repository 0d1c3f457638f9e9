"""`isoledger checkpoint` signs the tree over the log, and refuses to sign a log that no longer extends it."""

from __future__ import annotations

from typer.testing import CliRunner

from evidence.notes import open_note, parse_verifier_key
from isoledger.bootstrap import bootstrap
from isoledger.cli import app
from isoledger.settings import Settings
from tests.cli.test_verify import _rows, env  # noqa: F401 - the same environment fixture
from tests.factories import issued_document


def test_checkpoint_signs_the_whole_log_with_the_installations_key(env):
    services = bootstrap(Settings.from_env())
    try:
        issued_document(services.ledger)
    finally:
        services.close()
    result = CliRunner().invoke(app, ["checkpoint"])
    assert result.exit_code == 0, result.output
    assert "7 sự kiện / events" in result.output
    services = bootstrap(Settings.from_env())
    try:
        latest = services.checkpoints.latest()
        name, public = parse_verifier_key(services.checkpoints.key.verifier_key)
    finally:
        services.close()
    assert latest.tree_size == 7 and open_note(latest.note, name, public).signed
    assert services.checkpoints.key.verifier_key in result.output.replace("\n", "")


def test_checkpoint_refuses_to_sign_a_log_whose_past_was_changed(env):
    services = bootstrap(Settings.from_env())
    try:
        doc = issued_document(services.ledger)
        services.projector.catch_up()
        services.checkpoints.make()
        issued_document(services.ledger, code="QT-02")
    finally:
        services.close()
    conn, table, mark = _rows(env)
    try:
        conn.execute(f"DELETE FROM {table} WHERE originator_version = 7")  # the first document's issue, gone
    finally:
        conn.close()
    services = bootstrap(Settings.from_env())
    try:
        services.projector.rebuild()
    finally:
        services.close()
    result = CliRunner().invoke(app, ["checkpoint"])
    assert result.exit_code == 1 and "KHÔNG KÝ / NOT SIGNED" in result.output, (doc, result.output)


def test_evidence_writes_a_bundle_the_verifier_accepts(env, tmp_path):
    from evidence.isoledger_verify import verify_bundle
    from tests.cli.test_verify import _ledger_with_document

    doc = _ledger_with_document(env)
    target = tmp_path / "bundle.zip"
    result = CliRunner().invoke(app, ["evidence", doc, "-o", str(target)])
    assert result.exit_code == 0, result.output
    services = bootstrap(Settings.from_env())
    try:
        key = services.checkpoints.key.verifier_key
    finally:
        services.close()
    report = verify_bundle(str(target), key)
    assert not report.failures and not report.warnings
    missing = CliRunner().invoke(app, ["evidence", "00000000-0000-0000-0000-000000000000", "-o", str(tmp_path / "x")])
    assert missing.exit_code == 1 and not (tmp_path / "x").exists()


def test_verify_names_events_deleted_since_a_checkpoint(env):
    from tests.cli.test_verify import _ledger_with_document

    doc = _ledger_with_document(env)  # its files really are stored: verify reads them
    services = bootstrap(Settings.from_env())
    try:
        services.projector.catch_up()
        services.checkpoints.make()
    finally:
        services.close()
    assert CliRunner().invoke(app, ["verify"]).exit_code == 0
    conn, table, mark = _rows(env)
    try:
        conn.execute(f"DELETE FROM {table} WHERE originator_version = 7")  # the issue: the chain still holds
    finally:
        conn.close()
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1, result.output
    assert "xóa khỏi nhật ký: vị trí 7" in result.output.replace("\n", " "), result.output
    assert "điểm kiểm tra đã ký" in result.output, (doc, result.output)
