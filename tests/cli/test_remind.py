"""`isoledger remind` (cron): the day's reminders, once however often it runs, then mailed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isoledger.bootstrap import bootstrap, use_cases
from isoledger.cli import app
from isoledger.settings import Settings
from ledger.actors import Actor
from tests.mailserver import PASSWORD, USERNAME, MailServer, start_mail_server

ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
AGENCY = "so-khcn-tra-vinh"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[MailServer]:
    server = start_mail_server(tmp_path)
    yield server
    server.stop()


def test_remind_twice_in_a_day_tells_and_mails_once(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    smtp: MailServer) -> None:
    env = {"ISOLEDGER_HOME": str(tmp_path / "home"), "ISOLEDGER_DATABASE_URL": database_url,
           "ISOLEDGER_SMTP_HOST": "127.0.0.1", "ISOLEDGER_SMTP_PORT": str(smtp.port),
           "ISOLEDGER_SMTP_USERNAME": USERNAME, "ISOLEDGER_SMTP_PASSWORD": PASSWORD,
           "ISOLEDGER_SMTP_CA_FILE": str(smtp.ca_file), "ISOLEDGER_PUBLIC_URL": "https://iso.travinh.gov.vn"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    services = bootstrap(Settings.from_env())
    try:
        uc = use_cases(services)
        uc.deps.directory.create_agency(ADMIN, agency_id=AGENCY, name="Sở KH&CN Trà Vinh", supervised_by=[])
        uc.deps.directory.create_account(ADMIN, username="van.thu", agency_id=AGENCY, full_name="Thạch Thị Sà Rây",
                                         roles=["records_controller"], email="sa.ray@travinh.gov.vn")
        uc.deps.directory.create_account(ADMIN, username="giam.doc", agency_id=AGENCY, full_name="Nguyễn Văn Ánh",
                                         roles=["agency_leader"])
        archivist = Actor("van.thu", AGENCY, frozenset({"records_controller"}))
        record = services.ledger.open_record(archivist, code="HS-01", title="Hồ sơ đánh giá nội bộ năm 2026",
                                             series="Đánh giá", retention_years=5, legal_basis="Thông tư 10/2022")
        today = services.ledger.today()
        services.ledger.lend(archivist, record, purpose="Thanh tra",
                             borrower={"external": {"name": "Nguyễn Văn Bình", "organisation": "Thanh tra tỉnh"}},
                             due_on=today + timedelta(days=2), approved_by="giam.doc")
    finally:
        services.close()
    runner = CliRunner()
    first = runner.invoke(app, ["remind"])
    assert first.exit_code == 0, first.output
    assert "1 sắp đến hạn trả" in first.output and "Thư đã gửi / mails sent: 1" in first.output
    second = runner.invoke(app, ["remind"])
    assert second.exit_code == 0 and "0 sắp đến hạn trả" in second.output and "mails sent: 0" in second.output
    [mail] = smtp.to("sa.ray@travinh.gov.vn")
    assert mail["Subject"] == "[ISO điện tử] Hồ sơ mượn sắp đến hạn trả (còn 3 ngày): HS-01 — Hồ sơ đánh giá nội bộ " \
                              "năm 2026"
    assert f"https://iso.travinh.gov.vn/records/{record}" in mail.get_body(("plain",)).get_content()
    later = runner.invoke(app, ["remind", "--date", (date.fromisoformat(str(today)) + timedelta(days=5)).isoformat()])
    assert "1 quá hạn" in later.output and len(smtp.to("sa.ray@travinh.gov.vn")) == 2
    assert runner.invoke(app, ["remind", "--date", "31/12/2026"]).exit_code == 2
