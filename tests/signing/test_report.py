"""The validation report says when a signature was made (the signer's claim or the timestamp, never "now"),
in words a person reads, with the raw codes beside them, and keeps expected outcomes out of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from signing import SigningConfig, SigningService, build_signing_service
from signing.indications import SIGNING_TIME, describe
from signing.signers import Pkcs12Signer
from signing.testing import AGENCY, LoopbackPki

TEN_DAYS_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)


@pytest.fixture(scope="module")
def signing_ten_days_ago(config: SigningConfig) -> Iterator[SigningService]:
    """The same installation, but its clock says ten days ago: what a file signed then looks like today."""
    with build_signing_service(config, clock=lambda: TEN_DAYS_AGO) as svc:
        yield svc


@pytest.fixture(scope="module")
def trusting_nothing() -> Iterator[SigningService]:
    """An installation whose trusted roots do not include the test PKI's (a file from another province)."""
    with build_signing_service(SigningConfig(check_signer=False)) as svc:
        yield svc


def _sign(service: SigningService, pdf: bytes, signer: Pkcs12Signer, level: str) -> bytes:
    signed = service.sign(pdf, signer, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning="approval", level=level)
    return signed.content


def test_a_b_b_signature_made_days_ago_reports_the_signers_time_not_the_moment_of_viewing(
    signing_ten_days_ago: SigningService, service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    (report,) = service.validate(_sign(signing_ten_days_ago, pdf, leader, "B-B"))
    assert report.ok and report.timestamp_time is None
    assert report.signer_reported_time == TEN_DAYS_AGO
    assert report.signing_time == TEN_DAYS_AGO and report.signing_time_source == "signer"
    words = describe(report)
    assert words.signing_time is not None and words.signing_time.vi == "Thời điểm ký do người ký khai báo"
    assert words.signing_time.en == "Signing time claimed by the signer"
    assert words.level is not None and words.level.code == "B-B" and "không có dấu thời gian" in words.level.vi


def test_a_b_t_signature_is_dated_by_its_timestamp(service: SigningService, pdf: bytes, leader: Pkcs12Signer) -> None:
    signed = service.sign(pdf, leader, signer_name="Nguyễn Văn Ánh", agency=AGENCY, meaning="approval", level="B-T")
    (report,) = service.validate(signed.content)
    assert report.timestamp_valid and report.signing_time_source == "timestamp"
    assert report.signing_time == report.timestamp_time == signed.facts.timestamp_time
    assert report.signer_reported_time == signed.facts.signing_time.replace(microsecond=0)
    words = describe(report)
    assert words.signing_time is not None and words.signing_time.vi == "Thời điểm ký theo dấu thời gian"
    assert words.indication.code == "OK_AT_CURRENT_TIME" and "hợp lệ" in words.indication.vi


def test_an_untrusted_signature_says_why_what_to_do_and_that_revocation_was_not_checked(
    trusting_nothing: SigningService, service: SigningService, pdf: bytes, leader: Pkcs12Signer
) -> None:
    (report,) = trusting_nothing.validate(_sign(service, pdf, leader, "B-T"))
    assert report.intact and report.valid and not report.trusted and not report.ok
    assert (report.status, report.indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert report.revocation == "not_checked"
    assert report.pades_level == "B-T" and report.timestamp_valid is False  # present, but not vouched for
    assert report.signing_time_source == "signer"
    words = describe(report)
    assert words.indication.vi == "Chứng thư số không nối được tới chứng thư gốc nào mà hệ thống tin cậy."
    assert "chứng thư gốc" in words.indication.advice_vi and "root" in words.indication.advice_en
    assert words.revocation.vi.startswith("Không kiểm tra") and words.revocation.en.startswith("Not checked")
    assert words.coverage.code == "ENTIRE_FILE" and "toàn bộ tệp" in words.coverage.vi


def test_the_signer_is_read_from_the_certificate_as_a_person_reads_it(
    service: SigningService, pdf: bytes, leader: Pkcs12Signer, pki: LoopbackPki
) -> None:
    (report,) = service.validate(_sign(service, pdf, leader, "B-B"))
    c = report.certificate
    assert c is not None
    assert (c.common_name, c.organization) == ("Nguyễn Văn Ánh", "Sở Khoa học và Công nghệ tỉnh Trà Vinh")
    assert c.issuer_name == "CA cấp dưới thử nghiệm isoledger"
    assert c.valid_from is not None and c.valid_until is not None and c.valid_from < datetime.now(UTC) < c.valid_until
    assert report.revocation == "not_revoked"


def test_a_revoked_certificate_reads_revoked(
    pki: LoopbackPki, pdf: bytes, revoked_signer: Pkcs12Signer
) -> None:
    config = SigningConfig(tsa_url=pki.tsa_url, trust_roots=(pki.root_cert_path,), check_signer=False)
    with build_signing_service(config) as lax:  # refuses nothing before signing: the report must say it
        (report,) = lax.validate(_sign(lax, pdf, revoked_signer, "B-B"))
    assert report.revoked and report.revocation == "revoked" and report.revoked_at is not None
    assert not report.ok
    words = describe(report)
    assert words.indication.code == "REVOKED_NO_POE" and "thu hồi" in words.indication.vi
    assert words.revocation.vi == "Đã bị thu hồi."


def test_viewing_an_untrusted_signature_logs_no_traceback_and_no_warning(
    trusting_nothing: SigningService, service: SigningService, pdf: bytes, leader: Pkcs12Signer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    signed = _sign(service, pdf, leader, "B-T")
    with caplog.at_level(logging.WARNING):
        (report,) = trusting_nothing.validate(signed)
    assert report.indication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "Traceback" not in caplog.text


def test_the_signer_time_words_name_both_times() -> None:
    assert set(SIGNING_TIME) == {"timestamp", "signer"}
    assert SIGNING_TIME["signer"].advice_vi and SIGNING_TIME["signer"].advice_en


def test_every_code_pyhanko_can_report_has_vietnamese_and_english_words_and_advice_where_it_fails() -> None:
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESPassed, AdESStatus
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    from signing import PadesLevel
    from signing.indications import COVERAGE, INDICATIONS, LEVELS, MODIFICATIONS, STATUSES

    def words_for(table: dict, codes: list[str]) -> None:  # type: ignore[type-arg]
        for code in codes:
            assert code in table, code
            w = table[code]
            assert w.vi and w.en and w.vi != w.en, code

    words_for(STATUSES, [s.name for s in AdESStatus])
    words_for(INDICATIONS, [i.name for e in (AdESPassed, AdESFailure, AdESIndeterminate) for i in e])
    words_for(COVERAGE, [c.name for c in SignatureCoverageLevel])
    words_for(MODIFICATIONS, [m.name for m in ModificationLevel])
    words_for(LEVELS, [lv.value for lv in PadesLevel])
    for code in [i.name for e in (AdESFailure, AdESIndeterminate) for i in e]:
        assert INDICATIONS[code].advice_vi and INDICATIONS[code].advice_en, code


def test_real_errors_from_pyhanko_still_reach_the_log_while_validating(caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    from pyhanko_certvalidator.errors import PathBuildingError

    from signing import _quiet

    cms = logging.getLogger("pyhanko.sign.validation.generic_cms")
    _quiet.install()

    async def validation() -> None:
        cms.warning("Failed to build path", exc_info=PathBuildingError("no issuer"))  # an outcome: in the report
        cms.error("Processing error in validation process", exc_info=ValueError("broken"))  # a real error
        cms.warning("Unexpected", exc_info=OSError("disk"))  # not a validation outcome either

    with caplog.at_level(logging.WARNING):
        asyncio.run(_quiet.validating(validation()))
        cms.warning("Signer's path outside validation", exc_info=PathBuildingError("no issuer"))  # e.g. signing
    assert [r.getMessage() for r in caplog.records] == [
        "Processing error in validation process", "Unexpected", "Signer's path outside validation"]
