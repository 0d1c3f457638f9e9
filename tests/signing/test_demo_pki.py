"""The demo installation has its own root: one signature valid and trusted, one deliberately not, side by side."""

from __future__ import annotations

from pathlib import Path

from isoledger.bootstrap import bootstrap
from isoledger.demo import load_demo
from isoledger.settings import Settings
from ledger.files import FileRef
from signing import build_signing_service
from tests.pdf_checks import overlap, signature_widgets


def test_the_demo_trusts_its_own_root_and_shows_an_untrusted_signature_beside_a_trusted_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    services = bootstrap(Settings.from_env({"ISOLEDGER_HOME": str(home)}))
    try:
        load_demo(services)
        ledger = services.ledger
        qt02 = ledger.document(str(ledger._unique_id("document", "so-khcn-tra-vinh", "QT-02")))
        version = qt02["versions"][0]
        assert [s["meaning"] for s in version["signatures"]] == ["review", "approval"]
        pdf = services.archive.read_bytes(FileRef.from_dict(version["file"]), qt02["id"])
    finally:
        services.close()
    assert (home / "trust-roots").is_dir()
    config = Settings.from_env({"ISOLEDGER_HOME": str(home)}).signing_config()  # what the demo server reads
    with build_signing_service(config) as service:
        review, approval = service.validate(pdf)
    assert review.intact and review.valid and not review.trusted
    assert approval.ok and approval.trusted
    first, second = signature_widgets(pdf)
    assert first.visible and second.visible and not overlap(first.rect, second.rect)
