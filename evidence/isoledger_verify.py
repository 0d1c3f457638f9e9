#!/usr/bin/env python3
"""isoledger_verify.py — checks an isoledger evidence bundle offline (Python 3.9+ and `cryptography` only).

Kiểm tra một gói chứng cứ của isoledger mà không cần máy chủ: mọi chuỗi băm, mọi tệp, mọi chứng minh bao gồm
tới điểm kiểm tra đã ký, chữ ký của điểm kiểm tra và của bản kê. Thoát 0 chỉ khi mọi thứ đều đúng.

    python3 isoledger_verify.py BUNDLE.zip [--key 'isoledger+ab12cd34+AS...']

Give the installation's checkpoint verifier key with --key (from GET /api/v1/checkpoints/key, kept apart from
the bundle); without it the key inside the bundle is used, with a warning: a forger could have replaced both.

When the checkpoint carries an RFC 3161 timestamp (checkpoint.tsr), this tool reads its time and checks that it
stamps exactly checkpoint.txt (the SHA-256 in the token); it does not check the time-stamping authority's
signature and certificate, which needs that authority's certificate chain:
``openssl ts -verify -data checkpoint.txt -in checkpoint.tsr -token_in -CAfile tsa-chain.pem``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from datetime import datetime, timedelta, timezone

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


# ---- RFC 3161 timestamp tokens: just enough DER to read the stamped digest and the time ------------------
SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2
TST_INFO = bytes.fromhex("2a864886f70d0109100104")  # 1.2.840.113549.1.9.16.1.4
SHA256 = bytes.fromhex("608648016503040201")  # 2.16.840.1.101.3.4.2.1
VIETNAM = timezone(timedelta(hours=7), "GMT+7")


def _der(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[int, bytes]]:
    """The (tag, content) of each DER element in ``data[start:end]``; ValueError when it is not DER."""
    out, i, end = [], start, len(data) if end is None else end
    while i < end:
        if i + 2 > end:
            raise ValueError("truncated DER")
        tag, length = data[i], data[i + 1]
        i += 2
        if tag & 0x1F == 0x1F:
            raise ValueError("multi-byte DER tags are not used in timestamp tokens")
        if length & 0x80:
            count = length & 0x7F
            if not 0 < count <= 4 or i + count > end:
                raise ValueError("bad DER length")
            length, i = int.from_bytes(data[i:i + count], "big"), i + count
        if i + length > end:
            raise ValueError("truncated DER")
        out.append((tag, data[i:i + length]))
        i += length
    return out


def _one(data: bytes, tag: int) -> bytes:
    items = _der(data)
    if len(items) != 1 or items[0][0] != tag:
        raise ValueError(f"expected one DER element of tag {tag:#x}")
    return items[0][1]


def read_timestamp(token: bytes) -> tuple[bytes, datetime]:
    """(the SHA-256 digest stamped, the time) of an RFC 3161 TimeStampToken; ValueError if it is not one."""
    content_type, signed = _der(_one(token, 0x30))[:2]
    if content_type != (0x06, SIGNED_DATA) or signed[0] != 0xA0:
        raise ValueError("not a CMS SignedData")
    encap = [v for t, v in _der(_one(signed[1], 0x30)) if t == 0x30][0]
    e_type, e_content = _der(encap)[:2]
    if e_type != (0x06, TST_INFO) or e_content[0] != 0xA0:
        raise ValueError("not a timestamp token (TSTInfo)")
    tst = _der(_one(_one(e_content[1], 0x04), 0x30))
    imprint = _der(tst[2][1])
    algorithm = _der(imprint[0][1])[0]
    if algorithm != (0x06, SHA256) or imprint[1][0] != 0x04:
        raise ValueError("the token does not stamp a SHA-256 digest")
    if tst[4][0] != 0x18:
        raise ValueError("the token has no genTime")
    text = tst[4][1].decode("ascii")
    if not text.endswith("Z"):
        raise ValueError("genTime is not in UTC")
    when = datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)  # noqa: UP017 - 3.9
    if text[14:15] == ".":  # fractions of a second, as many digits as the service gives
        when += timedelta(microseconds=round(float("0" + text[14:-1]) * 1_000_000))
    return imprint[1][1], when


# ---- the bundle ------------------------------------------------------------------------------------------
class Report:
    def __init__(self) -> None:
        self.failures: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []
        self.passed: list[tuple[str, str]] = []
        self.notes: list[tuple[str, str]] = []
        self.timestamp: datetime | None = None  # the RFC 3161 time of the checkpoint, when it has one

    def ok(self, vi: str, en: str) -> None:
        self.passed.append((vi, en))

    def note(self, vi: str, en: str) -> None:
        self.notes.append((vi, en))

    def fail(self, vi: str, en: str) -> None:
        self.failures.append((vi, en))

    def warn(self, vi: str, en: str) -> None:
        self.warnings.append((vi, en))

    def print(self, out: object = sys.stdout) -> None:
        for vi, en in self.passed:
            print(f"  ĐÚNG / OK    {vi} / {en}", file=out)  # type: ignore[arg-type]
        for vi, en in self.notes:
            print(f"  GHI CHÚ / NOTE  {vi} / {en}", file=out)  # type: ignore[arg-type]
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
    _check_timestamp(z, manifest, note.encode(), report)

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


def _check_timestamp(z: zipfile.ZipFile, manifest: dict, note: bytes, report: Report) -> None:
    """The checkpoint's RFC 3161 token, if any: that it stamps checkpoint.txt, and when."""
    member = manifest.get("checkpoint", {}).get("timestamp_token")
    if not member:
        report.note("điểm kiểm tra không có dấu thời gian RFC 3161: thời điểm của nó là lời của chính hệ thống",
                    "the checkpoint has no RFC 3161 timestamp: its time is the installation's own word")
        return
    try:
        token = z.read(member)
        if hashlib.sha256(token).hexdigest() != manifest["checkpoint"].get("timestamp_sha256"):
            raise ValueError("it is not the token the signed manifest names")
        digest, when = read_timestamp(token)
    except (KeyError, ValueError, IndexError) as e:
        report.fail(f"dấu thời gian của điểm kiểm tra không đọc được ({e})",
                    f"the checkpoint's timestamp cannot be read ({e})")
        return
    if digest != hashlib.sha256(note).digest():
        report.fail("dấu thời gian RFC 3161 không đóng cho điểm kiểm tra này",
                    "the RFC 3161 timestamp does not stamp this checkpoint")
        return
    report.timestamp = when
    shown = when.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S")
    report.ok(f"dấu thời gian RFC 3161 đóng cho đúng điểm kiểm tra này, lúc {shown} (giờ Việt Nam)",
              f"an RFC 3161 timestamp stamps exactly this checkpoint, at {when.isoformat()} ({shown} GMT+7)")
    report.note("chữ ký của đơn vị cấp dấu thời gian không được kiểm tra ngoại tuyến ở đây; dùng: openssl ts "
                f"-verify -data checkpoint.txt -in {member} -token_in -CAfile <chuỗi chứng thư TSA>",
                "the time-stamping authority's signature is not checked offline here; use: openssl ts -verify "
                f"-data checkpoint.txt -in {member} -token_in -CAfile <the TSA's certificate chain>")


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
