"""RFC 3161 timestamps of checkpoints, asked of the configured time-stamping service through pyHanko."""

from __future__ import annotations

import hashlib
from typing import Any


class CheckpointTimestamper:
    """``timestamper(note bytes) -> DER token``: a TimeStampToken (CMS SignedData) over SHA-256 of the bytes.

    It shares the signing code's way to the service (pyHanko's HTTPTimeStamper on a private event loop,
    signing.runtime), opened on first use so that an installation that never checkpoints never connects."""

    def __init__(self, tsa_url: str, timeout: float) -> None:
        self.tsa_url = tsa_url
        self.timeout = timeout
        self._runtime: Any = None

    def __call__(self, data: bytes) -> bytes:
        if self._runtime is None:
            from signing.runtime import SigningRuntime

            self._runtime = SigningRuntime(self.tsa_url, self.timeout)
        digest = hashlib.sha256(data).digest()
        token = self._runtime.run(self._runtime.timestamper.async_timestamp(digest, "sha256"))
        imprint = token["content"]["encap_content_info"]["content"].parsed["message_imprint"]
        if imprint["hashed_message"].native != digest:
            raise ValueError("the time-stamping service stamped another digest than the checkpoint's")
        return bytes(token.dump())

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()
            self._runtime = None
