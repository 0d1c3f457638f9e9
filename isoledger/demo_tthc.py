"""The demo's administrative procedures (TTHC): the Sở KH&CN Trà Vinh's 20 procedures and their monthly figures from
the one-stop system, imported from the committed sample (samples/tthc/sample.json) in two goes, as scenes."""

from __future__ import annotations

import json
from pathlib import Path

from isoledger.demo import Demo, actor
from usecases.tthc_import import read_feed

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "tthc" / "sample.json"
GOVERNING = ("QT-05", "Quy trình giải quyết thủ tục hành chính")


def story(d: Demo) -> None:
    """10/06/2025 the procedure that governs the TTHC is registered; 04/08/2026 the one-stop system's feed up to
    July is imported; 03/11/2026 the full sample (to October) — only the new months are recorded."""
    d.on("2025-06-10", "09:43", lambda: d.document(*GOVERNING, "procedure"))
    d.on("2026-08-04", "10:13", lambda: _import(d, until="2026-07"))
    d.on("2026-11-03", "09:23", lambda: _import(d, until=None))


def _import(d: Demo, *, until: str | None) -> None:
    data = SAMPLE.read_bytes()
    name = SAMPLE.name
    if until is not None:
        doc = json.loads(data)
        doc["rows"] = [r for r in doc["rows"] if r["period"] <= until]
        data = json.dumps(doc, ensure_ascii=False).encode()
        name = f"igate-den-{until}.json"
    feed = read_feed(data, name)
    d.ledger.import_procedures(actor("thuky"), feed.rows, sha256=feed.sha256, filename=name, fmt=feed.format)
