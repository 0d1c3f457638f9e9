"""What made a calendar step done, said the reader's way: the process and its step in words («Đánh giá nội bộ ·
Ban hành báo cáo»), not the stored names (``internal_audit · StepTaken:issue``), with a link for the agency's
own people."""

from __future__ import annotations

from typing import Any

from api.web import i18n
from ledger.errors import NotFound
from ledger.qms.registry import process_named

DOCUMENT_EVENTS = {"Issued": ("ban hành", "issued"), "ReviewedNoChange": ("rà soát, không thay đổi",
                                                                         "reviewed, unchanged"),
                   "DraftCreated": ("dự thảo", "drafted"), "Obsoleted": ("hết hiệu lực", "made obsolete")}


def describe(event: dict[str, Any], lang: str, *, own: bool) -> dict[str, Any]:
    """``{"what": ..., "step": ..., "href": ... or None}`` for a step's evidence (a fact of the calendar)."""
    subject, name = str(event["subject"]), str(event["event"])
    if subject == "document":
        return {"what": i18n.pick(("Tài liệu", "Document"), lang),
                "step": i18n.pick(DOCUMENT_EVENTS.get(name, (name, name)), lang),
                "href": f"/documents/{event['id']}" if own else None}
    try:
        process = process_named(subject)
    except NotFound:
        return {"what": subject, "step": name, "href": None}
    step_name = name.split(":", 1)[1] if ":" in name else name
    labels = {s.name: s.label for s in process.steps}
    return {"what": i18n.pick(process.label, lang), "step": i18n.pick(labels.get(step_name, (step_name, step_name)),
                                                                       lang),
            "href": f"/qms/{process.collection}/{event['id']}" if own else None}
