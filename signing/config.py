"""The signing section of the settings: PAdES level, TSA, trust anchors and the look of the stamp."""

from __future__ import annotations

import enum
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
    """Process-wide signing settings; ``isoledger.settings`` reads them from the environment."""

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
