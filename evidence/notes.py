"""Signed notes (C2SP signed-note) with Ed25519, the format of transparency-log checkpoints.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
``— <key name> <base64(key hash ‖ signature)>``, where the key hash is the first four bytes of
SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key) and 0x01 names Ed25519.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014"


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw_public(public)).digest()[:4]


def verifier_key(name: str, public: Ed25519PublicKey) -> str:
    """The one-line public key an auditor keeps: ``name+hex(key hash)+base64(0x01 ‖ key)``."""
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ED25519 + raw_public(public)).decode()}"


def parse_verifier_key(text: str) -> tuple[str, Ed25519PublicKey]:
    name, _, rest = text.strip().partition("+")
    hash_hex, _, key_b64 = rest.partition("+")
    raw = base64.b64decode(key_b64, validate=True)
    if raw[:1] != ED25519 or len(raw) != 33:
        raise ValueError("not an Ed25519 verifier key")
    public = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_hash(name, public).hex() != hash_hex:
        raise ValueError("the verifier key's hash does not match its name and key")
    return name, public


def sign(text: str, name: str, private: Ed25519PrivateKey) -> str:
    if not text.endswith("\n"):
        raise ValueError("a note's text ends with a newline")
    signature = private.sign(text.encode())
    stamp = base64.b64encode(key_hash(name, private.public_key()) + signature).decode()
    return f"{text}\n{DASH} {name} {stamp}\n"


@dataclass(frozen=True)
class Opened:
    text: str
    signed: bool  # whether a signature by the given key verifies


def open_note(note: str, name: str, public: Ed25519PublicKey) -> Opened:
    """Splits a note into its text and whether ``name``'s key signed that text (the standalone verifier's own
    reading, so the server and an auditor's copy of the tool can never read a note differently)."""
    from evidence import isoledger_verify

    text, signed = isoledger_verify.open_note(note, name, public)
    return Opened(text, signed)
