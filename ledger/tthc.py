"""Administrative procedures (thủ tục hành chính, TTHC) of an agency and their monthly processing figures."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger import validation as v
from ledger.aggregate import LedgerAggregate
from ledger.errors import InvalidInput
from ledger.vocabulary import Role

# Who imports the one-stop system's feed into an agency: its ISO secretary or administrator, the province's
# administrator (the operator's command), or the integration's service account.
IMPORTERS = (Role.ISO_SECRETARY, Role.AGENCY_ADMIN, Role.ADMIN, Role.SERVICE_ACCOUNT)
# Mức độ cung cấp dịch vụ công trực tuyến (Nghị định 42/2022/NĐ-CP).
LEVELS = {"toan_trinh": ("Dịch vụ công trực tuyến toàn trình", "Fully online public service"),
          "mot_phan": ("Dịch vụ công trực tuyến một phần", "Partly online public service"),
          "truc_tiep": ("Tiếp nhận trực tiếp", "In person only")}
FIGURES = ("received", "on_time", "late", "pending")  # tiếp nhận, giải quyết đúng hạn, quá hạn, đang giải quyết
FIGURE_LABELS = {"received": ("Tiếp nhận", "Received"), "on_time": ("Đúng hạn", "On time"),
                 "late": ("Quá hạn", "Late"), "pending": ("Đang giải quyết", "Pending")}
# The national database's code: 1.001234 (central), 2.000123 (local), optionally a province's variant
# 2.000123.000.00.00.H59.
_CODE = re.compile(r"^[1-3]\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.H\d{2})?$")
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_FIGURE = 10_000_000


@dataclass(frozen=True)
class Row:
    """One line of the feed: a procedure and its figures for one month."""

    code: str
    name: str
    field: str
    level: str
    document: str | None  # the code of the agency's QMS document that governs it (e.g. QT-05), if any
    period: str  # YYYY-MM
    received: int
    on_time: int
    late: int
    pending: int

    @property
    def listing(self) -> dict[str, Any]:
        return {"name": self.name, "field": self.field, "level": self.level, "document": self.document}

    @property
    def figures(self) -> dict[str, int]:
        return {k: cast(int, getattr(self, k)) for k in FIGURES}


def check_row(raw: Mapping[str, Any]) -> Row:
    """A feed line checked (InvalidInput naming the field, in Vietnamese and English, for the first fault)."""
    code = v.text(raw.get("code"), "code", max_len=40)
    if not _CODE.match(code):
        raise InvalidInput(f"Mã thủ tục «{code}» không đúng dạng của Cơ sở dữ liệu quốc gia (ví dụ 1.001234 hoặc "
                           "2.000123.000.00.00.H59).", f"Procedure code '{code}' is not in the national "
                           "database's form (e.g. 1.001234 or 2.000123.000.00.00.H59).", field="code")
    document = raw.get("document")
    document = v.code(document, "document") if document not in (None, "") else None
    period = v.text(raw.get("period"), "period", max_len=7)
    if not _PERIOD.match(period):
        raise InvalidInput(f"Kỳ «{period}» phải theo dạng YYYY-MM (ví dụ 2026-03).",
                           f"Period '{period}' must be YYYY-MM (e.g. 2026-03).", field="period")
    figures = {k: _figure(raw.get(k), k) for k in FIGURES}
    return Row(code=code, name=v.text(raw.get("name"), "name", max_len=1000),
               field=v.text(raw.get("field"), "field", max_len=300),
               level=v.choice(raw.get("level"), "level", LEVELS), document=document, period=period, **figures)


def _figure(value: Any, field: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FIGURE:
        raise InvalidInput(f"«{field}» phải là số nguyên từ 0 đến {MAX_FIGURE:,}.".replace(",", "."),
                           f"'{field}' must be a whole number from 0 to {MAX_FIGURE:,}.", field=field)
    return value


def procedure_id(agency_id: str, code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"isoledger:procedure:{agency_id}:{code}")


def import_id(agency_id: str, sha256: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"isoledger:tthc-import:{agency_id}:{sha256}")


class Procedure(LedgerAggregate):
    """One TTHC of one agency: what it is, which QMS document governs it, its figures per month."""

    @classmethod
    def listed(cls, meta: dict[str, str], row: Row, source: dict[str, Any]) -> Procedure:
        created: Procedure = cls._create(cast(Any, cls).ProcedureListed, id=procedure_id(meta["agency_id"], row.code),
                                         agency_id=meta["agency_id"], code=row.code, **row.listing, source=source,
                                         meta=meta)
        return created

    def take(self, meta: dict[str, str], row: Row, source: dict[str, Any]) -> list[str]:
        """Records what ``row`` changes (nothing when it says what the ledger already holds): the change kinds."""
        changed = []
        if row.listing != {"name": self.name, "field": self.field, "level": self.level, "document": self.document}:
            self._amended(**row.listing, source=source, meta=meta)
            changed.append("amended")
        known = self.figures.get(row.period)
        if known != row.figures:
            self._reported(period=row.period, **row.figures, corrects=known is not None, source=source, meta=meta)
            changed.append("corrected" if known is not None else "reported")
        return changed

    @event("ProcedureListed")
    def __init__(self, agency_id: str, code: str, name: str, field: str, level: str, document: str | None,
                 source: dict[str, Any], meta: dict[str, str]) -> None:
        self.agency_id, self.code = agency_id, code
        self.name, self.field, self.level, self.document = name, field, level, document
        self.figures: dict[str, dict[str, int]] = {}

    @event("ProcedureAmended")
    def _amended(self, name: str, field: str, level: str, document: str | None, source: dict[str, Any],
                 meta: dict[str, str]) -> None:
        self.name, self.field, self.level, self.document = name, field, level, document

    @event("ProcedureStatusReported")
    def _reported(self, period: str, received: int, on_time: int, late: int, pending: int, corrects: bool,
                  source: dict[str, Any], meta: dict[str, str]) -> None:
        self.figures = {**self.figures, period: {"received": received, "on_time": on_time, "late": late,
                                                 "pending": pending}}


class TthcImport(LedgerAggregate):
    """One feed file (by its SHA-256) imported into one agency: who, when, what it changed (an event each time it
    changed something)."""

    @classmethod
    def first(cls, meta: dict[str, str], summary: dict[str, Any]) -> TthcImport:
        created: TthcImport = cls._create(cast(Any, cls).ProceduresImported,
                                          id=import_id(meta["agency_id"], summary["sha256"]),
                                          agency_id=meta["agency_id"], **summary, meta=meta)
        return created

    def again(self, meta: dict[str, str], summary: dict[str, Any]) -> None:
        self._imported_again(**summary, meta=meta)

    @event("ProceduresImported")
    def __init__(self, agency_id: str, sha256: str, filename: str, format: str, rows: int,  # noqa: A002
                 changes: dict[str, int], meta: dict[str, str]) -> None:
        self.agency_id, self.sha256 = agency_id, sha256
        self.imports = 1

    @event("ProceduresImportedAgain")
    def _imported_again(self, sha256: str, filename: str, format: str, rows: int,  # noqa: A002
                        changes: dict[str, int], meta: dict[str, str]) -> None:
        self.imports += 1
