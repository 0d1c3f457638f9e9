"""The evidence bundle of one document or record: a ZIP an auditor checks offline with isoledger_verify.py.

Members: ``manifest.json`` (what is inside, with hashes), ``manifest.sig`` (the manifest's SHA-256 signed by the
checkpoint key, so no member can be dropped or added unseen), ``events/NNNN.json`` (each event's canonical
bytes, exactly what its chain hash covers), ``proofs/NNNN.json`` (its inclusion proof to the checkpoint),
``checkpoint.txt`` and ``checkpoint.pub`` (and ``checkpoint.tsr``, its RFC 3161 token, when it has one: the
manifest keeps its SHA-256), ``files/…`` (every file an event names that was not destroyed; a
destroyed record's files are represented by the erased hashes its ``Destroyed`` event keeps, and its minutes),
``signatures/…`` (validation reports of signed PDFs, when the server can validate) and ``README.txt``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from typing import IO, Any
from uuid import UUID

from evidence.checkpoints import Checkpoints
from evidence.isoledger_verify import FORMAT
from ledger.files import FileRef, evidence_scope
from ledger.integrity import canonical_bytes

Validate = Callable[[bytes], list[Any]]

README = """Gói chứng cứ isoledger / isoledger evidence bundle

Kiểm tra (cần Python 3 và gói cryptography) / to check it (Python 3 and the cryptography package):

    python3 isoledger_verify.py {name} --key '<khóa công bố / the published key>'

Khóa kiểm tra công bố của hệ thống: GET /api/v1/checkpoints/key. Trình kiểm tra: GET /verifier/isoledger_verify.py.
The installation's published verifier key: GET /api/v1/checkpoints/key. The verifier: GET /verifier/isoledger_verify.py.
"""


class NotInTree(Exception):
    """The aggregate has events the tree does not hold yet (the projections are behind)."""


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str).encode()


def _file_refs(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        if {"key", "sha256", "filename"} <= value.keys():
            return [value]
        return [r for v in value.values() for r in _file_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _file_refs(v)]
    return []


def _safe(name: str) -> str:
    return re.sub(r"[/\\\x00-\x1f]", "_", name)[:120] or "tep"


def export_bundle(ledger: Any, archive: Any, db: Any, checkpoints: Checkpoints, aggregate_id: str, out: IO[bytes],
                  *, validate: Validate | None = None, clock: Callable[[], datetime] | None = None) -> dict[str, Any]:
    """Writes the bundle of ``aggregate_id`` to ``out`` and returns its manifest.

    The tree must already hold every event of the aggregate (catch the projections up first); the checkpoint
    is made now if the latest one does not cover them.
    """
    decode = ledger.mapper.transcoder.decode
    stored = ledger.recorder.select_events(UUID(aggregate_id))
    if not stored:
        raise LookupError(aggregate_id)
    with db.transaction(write=False) as cur:
        cur.execute("SELECT version, position, leaf FROM merkle_leaves WHERE aggregate_id=?", (aggregate_id,))
        placed = {int(v): (int(p), int(leaf)) for v, p, leaf in cur.fetchall()}
    if len(placed) < len(stored):
        raise NotInTree(aggregate_id)
    last_leaf = max(leaf for _, leaf in placed.values())
    checkpoint = checkpoints.latest()
    if checkpoint is None or checkpoint.tree_size <= last_leaf:
        checkpoint = checkpoints.make()
    assert checkpoint is not None
    state = ledger.state_at(aggregate_id)
    token = base64.b64decode(checkpoint.timestamp_token) if checkpoint.timestamp_token else None
    manifest: dict[str, Any] = {
        "format": FORMAT, "aggregate_id": aggregate_id, "kind": state.get("type"),
        "agency_id": state.get("agency_id"), "code": state.get("code"), "title": state.get("title"),
        "exported_at": (clock or (lambda: datetime.now(UTC)))().astimezone(UTC).isoformat(timespec="seconds"),
        "checkpoint": {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash,
                       "made_at": checkpoint.made_at,
                       "timestamp_token": "checkpoint.tsr" if token else None,
                       "timestamp_sha256": hashlib.sha256(token).hexdigest() if token else None},
        "events": [], "files": [], "erased_hashes": [], "signature_reports": []}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        refs: dict[str, tuple[dict[str, Any], str]] = {}
        erased: set[str] = set()
        proofs = checkpoints.inclusions([p for p, _ in placed.values()], checkpoint.tree_size)
        for ev in stored:
            v = ev.originator_version
            fields = decode(ev.state)
            canonical = canonical_bytes(aggregate_id, v, ev.topic, fields)
            member, proof_member = f"events/{v:06d}.json", f"proofs/{v:06d}.json"
            z.writestr(member, canonical)
            position = placed[v][0]
            proof = proofs[position]
            assert proof["event_hash"] == fields["hash"]
            z.writestr(proof_member, _json({k: proof[k] for k in ("leaf_index", "tree_size", "proof", "position")}))
            etype = ev.topic.rpartition(".")[2]
            manifest["events"].append({"version": v, "position": position, "type": etype, "hash": fields["hash"],
                                       "member": member, "proof": proof_member})
            erased |= set(fields.get("erased_hashes", []))
            for ref in _file_refs({k: val for k, val in fields.items() if k != "erased_hashes"}):
                scope = evidence_scope(aggregate_id) if etype == "Destroyed" else aggregate_id
                refs[ref["sha256"]] = (ref, scope)
        manifest["erased_hashes"] = sorted(erased)
        for digest, (ref, scope) in refs.items():
            if digest in erased:
                continue
            data = archive.read_bytes(FileRef.from_dict(ref), scope)
            member = f"files/{digest[:16]}-{_safe(ref['filename'])}"
            z.writestr(member, data)
            manifest["files"].append({"member": member, "sha256": digest, "size": len(data),
                                      "filename": ref["filename"], "media_type": ref.get("media_type")})
            if validate is not None and ref.get("media_type") == "application/pdf":
                results = [asdict(r) if is_dataclass(r) and not isinstance(r, type) else r for r in validate(data)]
                if results:
                    report_member = f"signatures/{digest[:16]}.json"
                    z.writestr(report_member, _json(results))
                    manifest["signature_reports"].append({"file_sha256": digest, "member": report_member})
        manifest_bytes = _json(manifest)
        z.writestr("manifest.json", manifest_bytes)
        z.writestr("manifest.sig", checkpoints.key.sign(
            f"isoledger evidence manifest\n{hashlib.sha256(manifest_bytes).hexdigest()}\n"))
        z.writestr("checkpoint.txt", checkpoint.note)
        if token:
            z.writestr("checkpoint.tsr", token)
        z.writestr("checkpoint.pub", checkpoints.key.verifier_key + "\n")
        z.writestr("README.txt", README.format(name=f"{state.get('code') or aggregate_id}.zip"))
    return manifest
