#!/usr/bin/env python3
"""isoledger_verify.py — checks an isoledger evidence bundle offline (Python 3.9+ and `cryptography` only).

Kiểm tra một gói chứng cứ của isoledger mà không cần máy chủ: mọi chuỗi băm, mọi tệp, mọi chứng minh bao gồm
tới điểm kiểm tra đã ký, chữ ký của điểm kiểm tra và của bản kê. Thoát 0 chỉ khi mọi thứ đều đúng.

    python3 isoledger_verify.py BUNDLE.zip [--key 'isoledger+ab12cd34+AS...']

Give the installation's checkpoint verifier key with --key (from GET /api/v1/checkpoints/key, kept apart from
the bundle); without it the key inside the bundle is used, with a warning: a forger could have replaced both.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "isoledger-evidence/1"
GENESIS = "0" * 64
DASH = "\u2014"


# ---- signed notes (C2SP signed-note, Ed25519) ------------------------------------------------------------
def key_hash(name: str, raw_public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + b"\x01" + raw_public).digest()[:4]


def parse_verifier_key(text: str) -> tuple[str, Ed25519PublicKey]:
    name, _, rest = text.strip().partition("+")
    hash_hex, _, key_b64 = rest.partition("+")
    raw = base64.b64decode(key_b64, validate=True)
    if raw[:1] != b"\x01" or len(raw) != 33 or key_hash(name, raw[1:]).hex() != hash_hex:
        raise ValueError("not an Ed25519 verifier key of this name")
    return name, Ed25519PublicKey.from_public_bytes(raw[1:])


def open_note(note: str, name: str, public: Ed25519PublicKey) -> tuple[str, bool]:
    """(the note's text, whether ``name``'s key signed it)."""
    text, sep, signatures = note.rpartition("\n\n")
    if not sep:
        raise ValueError("a signed note has a blank line before its signatures")
    text += "\n"
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    wanted = key_hash(name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != name:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError:
            continue
        if blob[:4] != wanted:
            continue
        try:
            public.verify(blob[4:], text.encode())
            return text, True
        except InvalidSignature:
            return text, False
    return text, False


# ---- RFC 9162 inclusion proofs --------------------------------------------------------------------------
def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


# ---- the bundle ------------------------------------------------------------------------------------------
class Report:
    def __init__(self) -> None:
        self.failures: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []
        self.passed: list[tuple[str, str]] = []

    def ok(self, vi: str, en: str) -> None:
        self.passed.append((vi, en))

    def fail(self, vi: str, en: str) -> None:
        self.failures.append((vi, en))

    def warn(self, vi: str, en: str) -> None:
        self.warnings.append((vi, en))

    def print(self, out: object = sys.stdout) -> None:
        for vi, en in self.passed:
            print(f"  ĐÚNG / OK    {vi} / {en}", file=out)  # type: ignore[arg-type]
        for vi, en in self.warnings:
            print(f"  CẢNH BÁO / WARNING  {vi} / {en}", file=out)  # type: ignore[arg-type]
        for vi, en in self.failures:
            print(f"  SAI / FAILED {vi} / {en}", file=out)  # type: ignore[arg-type]
        verdict = ("KẾT LUẬN: gói chứng cứ TOÀN VẸN / VERDICT: the bundle is INTACT" if not self.failures else
                   f"KẾT LUẬN: gói chứng cứ KHÔNG toàn vẹn ({len(self.failures)} lỗi) / "
                   f"VERDICT: the bundle is NOT intact ({len(self.failures)} failures)")
        print(verdict, file=out)  # type: ignore[arg-type]


def _file_hashes(value: object) -> set[str]:
    """Every ``sha256`` of a file reference inside an event's fields."""
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str) and "key" in value:
            found.add(value["sha256"])
        for v in value.values():
            found |= _file_hashes(v)
    elif isinstance(value, list):
        for v in value:
            found |= _file_hashes(v)
    return found


def verify_bundle(path: str, key_text: str | None = None) -> Report:
    report = Report()
    try:
        z = zipfile.ZipFile(path)
        manifest_bytes = z.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        note = z.read("checkpoint.txt").decode()
        seal = z.read("manifest.sig").decode()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        report.fail(f"không đọc được gói chứng cứ ({e})", f"the bundle cannot be read ({e})")
        return report
    if manifest.get("format") != FORMAT:
        report.fail("gói không đúng định dạng isoledger-evidence/1", "not an isoledger-evidence/1 bundle")
        return report

    # 1. the key, the checkpoint and the manifest's seal
    if key_text is None:
        key_text = z.read("checkpoint.pub").decode()
        report.warn("dùng khóa kiểm tra nằm trong gói; hãy so với khóa công bố của hệ thống (--key)",
                    "using the verifier key inside the bundle; compare it with the published one (--key)")
    try:
        name, public = parse_verifier_key(key_text)
    except ValueError as e:
        report.fail(f"khóa kiểm tra không hợp lệ ({e})", f"the verifier key is not valid ({e})")
        return report
    text, signed = open_note(note, name, public)
    lines = text.splitlines()
    if not signed or len(lines) < 3 or not lines[1].isdigit():
        report.fail("điểm kiểm tra không có chữ ký hợp lệ của khóa này", "the checkpoint is not signed by this key")
        return report
    tree_size, root = int(lines[1]), base64.b64decode(lines[2])
    report.ok(f"điểm kiểm tra cỡ {tree_size} do {name} ký", f"checkpoint of size {tree_size} signed by {name}")
    seal_text, sealed = open_note(seal, name, public)
    expected_seal = f"isoledger evidence manifest\n{hashlib.sha256(manifest_bytes).hexdigest()}"
    if not sealed or seal_text.strip() != expected_seal:
        report.fail("bản kê (manifest.json) đã bị thay đổi hoặc không có chữ ký",
                    "the manifest was changed or is unsigned")
        return report
    report.ok("bản kê được ký, không bị thay đổi", "the manifest is signed and unchanged")

    # 2. the hash chain, from the first event, every version present
    previous, referenced, erased = GENESIS, set(), set()
    events = manifest.get("events", [])
    for expected_version, entry in enumerate(events, start=1):
        try:
            canonical = z.read(entry["member"])
            doc = json.loads(canonical)
        except (KeyError, ValueError):
            report.fail(f"thiếu hoặc hỏng sự kiện phiên bản {expected_version}",
                        f"event version {expected_version} is missing or unreadable")
            return report
        fields = doc.get("fields", {})
        computed = hashlib.sha256(previous.encode("ascii") + canonical).hexdigest()
        if doc.get("aggregate_id") != manifest["aggregate_id"] or doc.get("version") != expected_version \
                or entry.get("version") != expected_version:
            report.fail(f"sự kiện phiên bản {expected_version} bị thiếu hoặc sai thứ tự",
                        f"event version {expected_version} is missing or out of order")
            return report
        if fields.get("prev_hash") != previous or computed != entry.get("hash"):
            report.fail(f"chuỗi băm đứt ở phiên bản {expected_version}",
                        f"the hash chain breaks at version {expected_version}")
            return report
        referenced |= _file_hashes(fields)
        erased |= set(fields.get("erased_hashes", []))
        previous = computed
        # 3. its inclusion proof to the checkpoint
        try:
            proof = json.loads(z.read(entry["proof"]))
            path_ = [bytes.fromhex(p) for p in proof["proof"]]
            leaf = leaf_hash(bytes.fromhex(computed))
            got = root_from_inclusion(int(proof["leaf_index"]), int(proof["tree_size"]), leaf, path_)
        except (KeyError, ValueError, TypeError):
            got, proof = None, {}
        if got != root or proof.get("tree_size") != tree_size:
            report.fail(f"sự kiện phiên bản {expected_version} không chứng minh được nằm trong điểm kiểm tra",
                        f"event version {expected_version} is not proven to be in the checkpoint")
            return report
    if not events:
        report.fail("gói không có sự kiện nào", "the bundle holds no event")
        return report
    report.ok(f"{len(events)} sự kiện: chuỗi băm liền mạch, mỗi sự kiện nằm trong điểm kiểm tra",
              f"{len(events)} events: the hash chain holds and every event is in the checkpoint")

    # 4. the files: each one's bytes have the hash an event names
    for f in manifest.get("files", []):
        try:
            data = z.read(f["member"])
        except KeyError:
            report.fail(f"thiếu tệp {f.get('filename')}", f"the file {f.get('filename')} is missing")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != f.get("sha256") or digest not in referenced:
            report.fail(f"tệp «{f.get('filename')}» không khớp mã băm mà sự kiện ghi",
                        f"the file '{f.get('filename')}' does not match the hash its event records")
    listed = {f.get("sha256") for f in manifest.get("files", [])}
    for digest in sorted(referenced - listed - erased):
        report.fail(f"gói thiếu tệp có mã băm {digest[:16]}…", f"the bundle lacks the file with hash {digest[:16]}…")
    if erased:
        report.ok(f"{len(erased)} tệp đã hủy: sự kiện hủy ghi lại mã băm của chúng",
                  f"{len(erased)} destroyed files: the destruction event keeps their hashes")
    if not report.failures:
        report.ok(f"{len(listed)} tệp đúng mã băm SHA-256", f"{len(listed)} files match their SHA-256")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kiểm tra gói chứng cứ isoledger / check an isoledger evidence bundle")
    parser.add_argument("bundle")
    parser.add_argument("--key", help="khóa kiểm tra công bố / the published verifier key (text, or @file)")
    args = parser.parse_args(argv)
    key = args.key
    if key and key.startswith("@"):
        with open(key[1:], encoding="utf-8") as f:
            key = f.read()
    report = verify_bundle(args.bundle, key)
    print(f"Gói chứng cứ / evidence bundle: {args.bundle}")
    report.print()
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
