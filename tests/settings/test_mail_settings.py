"""The mail server's variables reach MailSettings; its password is masked and a placeholder refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from isoledger.settings import Settings, SettingsError


def test_the_mail_variables_reach_the_mail_section_with_the_password_masked(tmp_path: Path) -> None:
    s = Settings.from_env({"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_SMTP_HOST": "mail.travinh.gov.vn",
                           "ISOLEDGER_SMTP_PORT": "2525", "ISOLEDGER_SMTP_STARTTLS": "yes",
                           "ISOLEDGER_SMTP_USERNAME": "iso@travinh.gov.vn", "ISOLEDGER_SMTP_PASSWORD": "thu-bi-mat-77",
                           "ISOLEDGER_SMTP_FROM": "iso-dien-tu@travinh.gov.vn", "ISOLEDGER_SMTP_TIMEOUT": "7",
                           "ISOLEDGER_SMTP_CA_FILE": "/etc/ssl/ca.pem", "ISOLEDGER_DIGEST_HOUR": "16",
                           "ISOLEDGER_PUBLIC_URL": "https://iso.travinh.gov.vn/", "ISOLEDGER_REMIND_INTERVAL": "900"})
    m = s.mail
    assert (m.host, m.port, m.starttls, m.username, m.sender, m.timeout, m.ca_file, m.digest_hour, m.public_url) == (
        "mail.travinh.gov.vn", 2525, True, "iso@travinh.gov.vn", "iso-dien-tu@travinh.gov.vn", 7.0,
        Path("/etc/ssl/ca.pem"), 16, "https://iso.travinh.gov.vn")
    assert m.password is not None and m.password.get_secret_value() == "thu-bi-mat-77" and m.remind_interval == 900
    printed = str(s.redacted()) + repr(s)
    assert "thu-bi-mat-77" not in printed and "smtp://iso@travinh.gov.vn:***@mail.travinh.gov.vn:2525" in printed


def test_without_a_mail_host_nothing_is_mailed_and_a_placeholder_password_is_refused(tmp_path: Path) -> None:
    assert not Settings.from_env({"ISOLEDGER_HOME": str(tmp_path)}).mail.enabled
    with pytest.raises(SettingsError) as e:
        Settings.from_env({"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_SMTP_HOST": "mail", "ISOLEDGER_SMTP_PASSWORD":
                           "changeme"})
    assert e.value.field == "ISOLEDGER_SMTP_PASSWORD"
    with pytest.raises(SettingsError) as e:
        Settings.from_env({"ISOLEDGER_HOME": str(tmp_path), "ISOLEDGER_SMTP_STARTTLS": "maybe"})
    assert e.value.field == "ISOLEDGER_SMTP_STARTTLS"
