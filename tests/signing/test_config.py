"""The signing section of the settings, read from the environment, with errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from isoledger.settings import Settings, SettingsError
from signing import PadesLevel, SigningConfig
from signing.errors import SigningConfigError


def _signing(env: dict[str, str]) -> SigningConfig:
    return Settings.from_env(env).signing


def test_without_a_tsa_the_default_level_is_b_b() -> None:
    assert _signing({}).level is PadesLevel.B_B


def test_with_a_tsa_the_default_level_is_b_t() -> None:
    config = _signing({"ISOLEDGER_TSA_URL": "http://tsa.example/tsr"})
    assert config.level is PadesLevel.B_T and config.tsa_url == "http://tsa.example/tsr"


def test_long_term_level_reads_trust_roots() -> None:
    config = _signing(
        {
            "ISOLEDGER_TSA_URL": "http://t",
            "ISOLEDGER_PADES_LEVEL": "b-lta",
            "ISOLEDGER_TRUST_ROOTS": "/a.pem:/b.pem",
        }
    )
    assert config.level is PadesLevel.B_LTA
    assert config.trust_roots == (Path("/a.pem"), Path("/b.pem"))


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"ISOLEDGER_PADES_LEVEL": "B-T"}, "ISOLEDGER_TSA_URL"),
        ({"ISOLEDGER_PADES_LEVEL": "B-LT", "ISOLEDGER_TSA_URL": "http://t"}, "ISOLEDGER_TRUST_ROOTS"),
        ({"ISOLEDGER_PADES_LEVEL": "B-XL"}, "ISOLEDGER_PADES_LEVEL"),
        ({"ISOLEDGER_SIGNING_TIMEOUT": "soon"}, "ISOLEDGER_SIGNING_TIMEOUT"),
    ],
)
def test_inconsistent_settings_name_the_variable(env: dict[str, str], field: str) -> None:
    with pytest.raises((SigningConfigError, SettingsError)) as err:
        _signing(env)
    assert err.value.field == field


def test_unreadable_font_is_a_config_error(tmp_path: Path) -> None:
    from signing.fonts import font_bytes

    bad = tmp_path / "font.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(SigningConfigError) as err:
        font_bytes(bad)
    assert err.value.field == "ISOLEDGER_SIGNING_FONT"
