"""The master key: loaded or generated (mode 0600), and used to wrap and unwrap per-scope data keys."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from archive.errors import InvalidConfiguration, KeyUnavailable, WrongMasterKey

log = logging.getLogger(__name__)

KEY_FILE = "master.key"
_WRAP_VERSION = b"\x01"


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under the master key identified by ``master_key_id``."""

    master_key_id: str
    blob: bytes


class MasterKey:
    """AES-256-GCM key-encryption key. ``key_id`` names it without revealing it."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise InvalidConfiguration(
                "The master key must be 32 bytes (base64-encoded in ISOLEDGER_MASTER_KEY).",
                "Khóa chủ phải dài 32 byte (mã hóa base64 trong ISOLEDGER_MASTER_KEY).",
            )
        self._aead = AESGCM(key)
        self.key_id = hmac.new(key, b"isoledger/master-key-id", hashlib.sha256).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"MasterKey(key_id={self.key_id!r})"

    @staticmethod
    def _aad(scope: str) -> bytes:
        return b"isoledger/data-key/v1\x00" + scope.encode("utf-8")

    def wrap(self, scope: str, data_key: bytes) -> WrappedKey:
        nonce = os.urandom(12)
        blob = _WRAP_VERSION + nonce + self._aead.encrypt(nonce, data_key, self._aad(scope))
        return WrappedKey(self.key_id, blob)

    def unwrap(self, scope: str, wrapped: WrappedKey) -> bytes:
        if wrapped.master_key_id != self.key_id:
            raise WrongMasterKey(
                f"The data key of scope {scope!r} was wrapped by master key {wrapped.master_key_id}, "
                f"but the configured master key (ISOLEDGER_MASTER_KEY) is {self.key_id}.",
                f"Khóa dữ liệu của {scope!r} được bọc bằng khóa chủ {wrapped.master_key_id}, "
                f"nhưng khóa chủ đang cấu hình (ISOLEDGER_MASTER_KEY) là {self.key_id}.",
            )
        blob = wrapped.blob
        if blob[:1] != _WRAP_VERSION or len(blob) != 1 + 12 + 32 + 16:
            raise KeyUnavailable(f"The stored data key of scope {scope!r} is malformed.")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], self._aad(scope))
        except InvalidTag as e:
            raise KeyUnavailable(f"The stored data key of scope {scope!r} failed authentication.") from e


def decode_master_key(value: str) -> MasterKey:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidConfiguration(
            "ISOLEDGER_MASTER_KEY is not valid base64.", "ISOLEDGER_MASTER_KEY không phải base64 hợp lệ."
        ) from e
    return MasterKey(raw)


def load_master_key(value: str | None, home: Path) -> MasterKey:
    """The master key from ``value`` (base64 of 32 bytes) or from ``home/master.key``.

    Embedded mode: when no value is given and the file does not exist, a new key is generated
    into it with mode 0600 (created atomically, so two processes starting at once agree).
    """
    if value:
        return decode_master_key(value)
    path = home / KEY_FILE
    try:
        home.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _generate(path)
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("master key file %s is readable by others (mode %o); use 0600", path, mode)
        return decode_master_key(path.read_text("ascii"))
    except OSError as e:
        raise InvalidConfiguration(
            f"Cannot read or create the master key file {path}: {e.strerror}.",
            f"Không đọc hoặc tạo được tệp khóa chủ {path}.",
        ) from e


def _generate(path: Path) -> None:
    # Written completely to a private temporary name, then linked into place: a second process
    # starting at the same time either wins the link or reads the complete winner.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, base64.b64encode(os.urandom(32)) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
        log.warning("generated a new master key in %s: back it up apart from the data", path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
