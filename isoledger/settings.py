"""Settings from the environment (ISOLEDGER_*), with embedded defaults that need nothing installed."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ledger.config import default_database_url


def _secret_file(path: Path, nbytes: int = 32) -> str:
    """Reads a generated secret, creating it (mode 0600) on first start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    owner_database_url: str
    storage_url: str
    tsa_url: str | None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        home = Path(env.get("ISOLEDGER_HOME", "./var")).resolve()
        database_url = env.get("ISOLEDGER_DATABASE_URL") or default_database_url(home)
        return cls(home=home, database_url=database_url,
                   owner_database_url=env.get("ISOLEDGER_DATABASE_OWNER_URL") or database_url,
                   storage_url=env.get("ISOLEDGER_STORAGE_URL") or f"file://{home / 'objects'}",
                   tsa_url=env.get("ISOLEDGER_TSA_URL") or None)

    def secret_key(self) -> str:
        return os.environ.get("ISOLEDGER_SECRET_KEY") or _secret_file(self.home / "secret.key")

    def redacted(self) -> dict[str, str]:
        """The settings as they may be printed: passwords in URLs are masked."""
        from urllib.parse import urlsplit

        def mask(url: str) -> str:
            parts = urlsplit(url)
            if parts.password:
                return url.replace(f":{parts.password}@", ":***@")
            return url
        return {"home": str(self.home), "database": mask(self.database_url), "storage": mask(self.storage_url),
                "tsa": self.tsa_url or "—"}
