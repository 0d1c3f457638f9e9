"""The demo installation has its own root: one signature valid and trusted, one deliberately not, side by side."""

from __future__ import annotations

import io
from pathlib import Path

from api.server import build
from isoledger.demo_pki import ROOT_NAME
from isoledger.settings import Settings
from ledger.files import FileRef
from tests.pdf_checks import overlap, signature_widgets


def test_the_demo_trusts_its_own_root_and_shows_an_untrusted_signature_beside_a_trusted_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = build(Settings.from_env({"ISOLEDGER_HOME": str(home)}), out=io.StringIO())  # what `serve` runs
    ctx = app.state.ctx
    try:
        ledger = ctx.ledger
        qt02 = ledger.document(str(ledger._unique_id("document", "so-khcn-tra-vinh", "QT-02")))
        version = qt02["versions"][0]
        assert [s["meaning"] for s in version["signatures"]] == ["review", "approval"]
        pdf = ctx.archive.read_bytes(FileRef.from_dict(version["file"]), qt02["id"])
        assert (home / "trust-roots").is_dir()
        service = ctx.signing()  # the server's signing service, trusting $ISOLEDGER_HOME/trust-roots
        try:
            review, approval = service.validate(pdf)
        finally:
            service.close()
    finally:
        app.state.services.close()
    assert review.intact and review.valid and not review.trusted
    assert approval.ok and approval.trusted
    assert approval.trust_root_name == ROOT_NAME  # the demo's root, as a real installation names its national root
    assert review.trust_root is None and review.trust_root_name is None
    first, second = signature_widgets(pdf)
    assert first.visible and second.visible and not overlap(first.rect, second.rect)
