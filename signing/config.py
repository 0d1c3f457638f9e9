"""Signing settings: PAdES level, TSA, trust anchors and the look of the stamp, read from the environment."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from signing.errors import SigningConfigError

DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def trust_root_files(entries: tuple[Path, ...]) -> tuple[Path, ...]:
    """Every certificate file named by ``entries``: a file as is, a directory as its .pem/.crt/.cer/.der files."""
    out: list[Path] = []
    for entry in entries:
        if entry.is_dir():
            out.extend(sorted(p for p in entry.iterdir() if p.is_file() and p.suffix.lower() in CERT_SUFFIXES))
        else:
            out.append(entry)
    return tuple(out)


class PadesLevel(enum.StrEnum):
    """PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def timestamped(self) -> bool:
        return self is not PadesLevel.B_B

    @property
    def long_term(self) -> bool:
        return self in (PadesLevel.B_LT, PadesLevel.B_LTA)


class Meaning(enum.StrEnum):
    """Why a leader signs: review (ký xem xét) or approval (ký phê duyệt)."""

    REVIEW = "review"
    APPROVAL = "approval"

    @property
    def label_vi(self) -> str:
        return "Ký xem xét" if self is Meaning.REVIEW else "Ký phê duyệt"


@dataclass(frozen=True)
class SigningConfig:
    """Process-wide signing settings; build with ``from_env`` or directly in tests."""

    level: PadesLevel = PadesLevel.B_B
    tsa_url: str | None = None
    trust_roots: tuple[Path, ...] = ()
    font_path: Path = DEFAULT_FONT
    font_size: int = 8
    # Check the signer's certificate (chain, expiry, OCSP/CRL) before signing; needs trust_roots.
    check_signer: bool = True
    http_timeout: float = 10.0
    md_algorithm: str = "sha256"

    def __post_init__(self) -> None:
        if self.level.timestamped and not self.tsa_url:
            raise SigningConfigError(
                f"PAdES {self.level} needs a time-stamping service: set ISOLEDGER_TSA_URL.",
                f"Mức PAdES {self.level} cần dịch vụ cấp dấu thời gian: hãy đặt ISOLEDGER_TSA_URL.",
                field="ISOLEDGER_TSA_URL",
            )
        if self.level.long_term and not self.trust_roots:
            raise SigningConfigError(
                f"PAdES {self.level} needs trust anchors: set ISOLEDGER_TRUST_ROOTS.",
                f"Mức PAdES {self.level} cần chứng thư gốc tin cậy: hãy đặt ISOLEDGER_TRUST_ROOTS.",
                field="ISOLEDGER_TRUST_ROOTS",
            )
        if self.http_timeout <= 0:
            raise SigningConfigError(
                "The HTTP timeout must be positive.",
                "Thời gian chờ HTTP phải lớn hơn 0.",
                field="ISOLEDGER_SIGNING_TIMEOUT",
            )

    @property
    def verifies_signer(self) -> bool:
        return self.check_signer and bool(self.trust_roots)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SigningConfig:
        """Read ``ISOLEDGER_*`` variables; B-T is the default when a TSA is configured, else B-B."""
        env = os.environ if env is None else env
        tsa_url = env.get("ISOLEDGER_TSA_URL") or None
        raw_level = env.get("ISOLEDGER_PADES_LEVEL") or ("B-T" if tsa_url else "B-B")
        try:
            level = PadesLevel(raw_level.upper())
        except ValueError as e:
            raise SigningConfigError(
                f"Unknown PAdES level {raw_level!r}; use B-B, B-T, B-LT or B-LTA.",
                f"Mức PAdES {raw_level!r} không hợp lệ; dùng B-B, B-T, B-LT hoặc B-LTA.",
                field="ISOLEDGER_PADES_LEVEL",
            ) from e
        roots = tuple(Path(p) for p in env.get("ISOLEDGER_TRUST_ROOTS", "").split(os.pathsep) if p)
        home_roots = Path(env.get("ISOLEDGER_HOME", "./var")) / "trust-roots"
        if "ISOLEDGER_TRUST_ROOTS" not in env and home_roots.is_dir():
            roots = (home_roots,)  # the installation's own directory of roots (the demo puts its root there)
        try:
            timeout = float(env.get("ISOLEDGER_SIGNING_TIMEOUT", "10"))
        except ValueError as e:
            raise SigningConfigError(
                "ISOLEDGER_SIGNING_TIMEOUT must be a number of seconds.",
                "ISOLEDGER_SIGNING_TIMEOUT phải là số giây.",
                field="ISOLEDGER_SIGNING_TIMEOUT",
            ) from e
        return cls(
            level=level,
            tsa_url=tsa_url,
            trust_roots=roots,
            font_path=Path(env.get("ISOLEDGER_SIGNING_FONT") or DEFAULT_FONT),
            check_signer=env.get("ISOLEDGER_SIGNING_CHECK_SIGNER", "1") not in ("0", "false", "no"),
            http_timeout=timeout,
        )
