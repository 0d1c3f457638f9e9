"""The integrity chain: hash = SHA-256(previous hash ‖ canonical bytes of the event)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

GENESIS = "0" * 64
EXCLUDED_FIELDS = frozenset({"hash", "originator_id", "originator_version"})


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"value of type {type(value).__name__} is not canonical JSON")


def canonical_bytes(aggregate_id: str, version: int, topic: str, fields: dict[str, Any]) -> bytes:
    """The bytes that are hashed: sorted-key compact UTF-8 JSON of the event's identity and fields."""
    body = {k: v for k, v in fields.items() if k not in EXCLUDED_FIELDS}
    doc = {"aggregate_id": aggregate_id, "version": version, "topic": topic, "fields": body}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_default).encode("utf-8")


def chain_hash(previous_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(previous_hash.encode("ascii") + canonical).hexdigest()
