"""Complaints from the public (no sign-in): received by the public portal, followed by a tracking code, and the
answered ones published anonymised — the name, the contact and the address never leave the agency."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ledger.actors import Actor
from ledger.clock import override
from ledger.errors import InvalidInput, NotFound
from ledger.files import FileKind, file_scope
from ledger.qms.processes.complaints import COMPLAINTS, PUBLIC_PORTAL, public_view
from ledger.vocabulary import Role
from projections.text import fold
from usecases.deps import Deps
from usecases.disclosure import SECTIONS, Section
from usecases.files import Upload, store
from usecases.visibility import Visibility

DUPLICATE_WINDOW = timedelta(hours=24)  # the same content sent again within a day is the same complaint
ATTACHMENT_TYPES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
ATTACHMENT_CAP = 5 * 1024 * 1024
CODE_LEN = 12
_CLOSE = COMPLAINTS.step("close")
assert _CLOSE is not None and _CLOSE.target is not None
ANSWERED = (*_CLOSE.sources, _CLOSE.target)  # answered, then closed: the states a published answer shows in
_LOCK = threading.Lock()  # one public submission at a time decides "duplicate or new"


def tracking_code(case_id: str) -> str:
    """The code a citizen follows a complaint by: the first 12 hex digits of its random id, in three groups."""
    digits = case_id.replace("-", "")[:CODE_LEN].upper()
    return "-".join(digits[i:i + 4] for i in range(0, CODE_LEN, 4))


def _prefix(code: str) -> str:
    """The case id's beginning that a tracking code stands for (``1A2B-3C4D-5E6F`` -> ``1a2b3c4d-5e6f``)."""
    digits = code.replace("-", "").strip().lower()
    if len(digits) != CODE_LEN or any(c not in "0123456789abcdef" for c in digits):
        raise NotFound("Không có phản ánh với mã theo dõi này.", "No complaint has this tracking code.", field="code")
    return f"{digits[:8]}-{digits[8:]}"


def sniffed_type(head: bytes) -> str | None:
    """The attachment's type read from its first bytes (PDF, PNG or JPEG), whatever its name says."""
    return next((t for magic, t in ATTACHMENT_TYPES.items() if head.startswith(magic)), None)


def _same(text: str) -> str:
    return " ".join(fold(text).split())


class PublicComplaints:
    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    def agency(self, agency_id: str) -> dict[str, Any]:
        """The agency the public writes to (an unknown one: 404)."""
        return self.visibility.agency(agency_id)

    def departments(self, agency_id: str) -> list[tuple[str, str]]:
        """The agency's open departments (id, name), for the form's "department concerned"."""
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, name FROM departments WHERE agency_id=? AND closed=0 ORDER BY code, id",
                        (agency_id,))
            return [(str(i), str(n)) for i, n in cur.fetchall()]

    def submit(self, agency_id: str, values: dict[str, Any], *, client: str, request_id: str,
               attachment: Upload | None = None) -> tuple[str, bool]:
        """Opens a complaint from the public page by the public portal: ``(tracking code, True)``, or, when the same
        subject and content reached the agency within a day, ``(the earlier one's code, False)`` and no new case."""
        self.agency(agency_id)
        portal = Actor(PUBLIC_PORTAL, agency_id, frozenset({Role.SERVICE_ACCOUNT}), request_id=request_id)
        values = {**values, "channel": "web", "client": client}
        with _LOCK:
            earlier = self._duplicate(agency_id, values)
            if earlier is not None:
                return tracking_code(earlier), False
            case_id = uuid.uuid4()
            if attachment is not None:
                values["attachment"] = self._attach(attachment, str(case_id))
            opened = self.deps.ledger.open_case(portal, COMPLAINTS.name, values=values, case_id=case_id)
            self.deps.projections.after_command()
        return tracking_code(opened), True

    def _attach(self, upload: Upload, case_id: str) -> dict[str, Any]:
        head = upload.stream.read(16)
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        if sniffed_type(head) is None:
            raise InvalidInput("Tệp đính kèm phải là PDF, JPEG hoặc PNG.", "The attachment must be a PDF, JPEG or PNG.",
                               field="attachment", code="attachment_type")
        if size > ATTACHMENT_CAP:
            raise InvalidInput("Tệp đính kèm không được quá 5 MB.", "The attachment may not exceed 5 MB.",
                               field="attachment", code="attachment_too_large")
        upload.stream.seek(0)
        return store(self.deps.archive, upload, file_scope(FileKind.CASE, case_id)).to_dict()

    def _duplicate(self, agency_id: str, values: dict[str, Any]) -> str | None:
        since = ((override() or (lambda: datetime.now(UTC)))() - DUPLICATE_WINDOW).isoformat()  # events' own clock
        wanted = (_same(str(values.get("subject", ""))), _same(str(values.get("content", ""))))
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, data FROM cases WHERE agency_id=? AND process=? AND opened_at>=? "
                        "ORDER BY opened_at", (agency_id, COMPLAINTS.name, since))
            rows = cur.fetchall()
        for case_id, data in rows:
            d = json.loads(data)
            if (_same(str(d.get("subject", ""))), _same(str(d.get("content", "")))) == wanted:
                return str(case_id)
        return None

    def status(self, code: str) -> dict[str, Any]:
        """What the public sees of one complaint by its tracking code: its state, and the answer once published."""
        prefix = _prefix(code)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, agency_id, state, data, opened_at FROM cases WHERE process=? AND "
                        "substr(id, 1, 13)=?", (COMPLAINTS.name, prefix))
            row = cur.fetchone()
        if row is None:
            raise NotFound("Không có phản ánh với mã theo dõi này.", "No complaint has this tracking code.",
                           field="code")
        case_id, agency_id, state, data, opened_at = row
        view = public_view({"data": json.loads(data), "opened_at": opened_at})
        published = bool(json.loads(data).get("published")) and state in ANSWERED
        agency = self.visibility.agency(agency_id)
        return {"code": tracking_code(case_id), "agency_id": agency_id, "agency_name": agency["name"],
                "state": state, "state_label": list(COMPLAINTS.states[state]), "kind": view["kind"],
                "received_on": view["received_on"], "answered": state in ANSWERED,
                "answer": view["answer"] if published else None, "answered_on": view["answered_on"]}

    def published(self, agency_id: str, limit: int = 50) -> dict[str, Any]:
        """The agency's answered complaints its secretary published, newest first, anonymised."""
        agency = self.agency(agency_id)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, state, data, opened_at FROM cases WHERE agency_id=? AND process=? AND state IN "
                        "(?, ?) ORDER BY opened_at DESC, id", (agency_id, COMPLAINTS.name, *ANSWERED))
            rows = cur.fetchall()
        items = []
        for _case_id, _state, data, opened_at in rows:
            d = json.loads(data)
            if d.get("published") and d.get("answer"):
                items.append(public_view({"data": d, "opened_at": opened_at}))
            if len(items) >= limit:
                break
        return {"agency_id": agency_id, "agency_name": agency["name"], "items": items}


def _day(iso: str | None) -> str:
    return "—" if not iso else "/".join(reversed(str(iso)[:10].split("-")))


def published_section(deps: Deps, agency_id: str) -> list[dict[str, Any]]:
    """The portal's section of answered complaints the secretary published (anonymised as on the complaints page)."""
    items = PublicComplaints(deps, Visibility(deps)).published(agency_id)["items"]
    return [{"title": i["subject"],
             "fields": [(("Loại", "Kind"), i["kind_label"]),
                        (("Ngày tiếp nhận", "Received on"), _day(i["received_on"])),
                        (("Nội dung", "Content"), i["content"]), (("Trả lời", "Answer"), i["answer"]),
                        (("Ngày trả lời", "Answered on"), _day(i["answered_on"]))]} for i in items]


SECTIONS.append(Section("complaints", ("Phản ánh, khiếu nại, góp ý và trả lời", "Complaints, feedback and answers"),
                        published_section))
