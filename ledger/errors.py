"""The one error base of the product, and the ledger's family: every refused command raises one of these.

    IsoledgerError            base of the ledger's, archive's, signing's, settings' and API's errors
    └── LedgerError
        ├── InvalidInput          a value is malformed or out of range
        ├── NotFound              no such document, record, agency or account (or not visible)
        ├── NotAllowed            the actor's role or identity does not permit the command
        ├── RuleViolation         the current state refuses the command
        ├── ConcurrencyConflict   someone else changed the aggregate
        │   ├── StaleVersion      the version the caller saw (If-Match) is no longer the current one
        │   └── ConcurrentWrite   a write lost the race while saving
        └── Unavailable           the database cannot serve now (busy, locked, down)

No HTTP status here: the API decides it by class, in one mapping (api/errors.py). This module imports
nothing, so every package (archive, signing, isoledger, api) can build on the base without reaching outward.
"""

from __future__ import annotations

from typing import Any, ClassVar


class IsoledgerError(Exception):
    """A refusal or failure with a stable ``code``, Vietnamese and English messages, the ``field`` and details.

    The form is keyword-only: ``Error(code=..., message_vi=..., message_en=..., field=..., **details)``;
    what is not given comes from the class (its messages may name details: ``"version {current}"``).
    The older positional form of each family (``positional`` says the order) is still accepted.
    """

    code: str = "error"
    message_vi: str = "Không thực hiện được yêu cầu."
    message_en: str = "The request could not be carried out."
    field: str | None = None
    positional: ClassVar[tuple[str, ...]] = ("message_vi", "message_en")

    def __init__(self, *messages: str | None, code: str | None = None, message_vi: str | None = None,
                 message_en: str | None = None, field: str | None = None, **details: Any) -> None:
        if len(messages) > len(self.positional):
            raise TypeError(f"{type(self).__name__} takes at most {len(self.positional)} positional messages")
        given: dict[str, str | None] = dict(zip(self.positional, messages, strict=False))
        vi = message_vi if message_vi is not None else given.get("message_vi")
        en = message_en if message_en is not None else given.get("message_en")
        self.details: dict[str, Any] = details
        self.message_vi = vi if vi is not None else _fill(type(self).message_vi, details)
        self.message_en = en if en is not None else _fill(type(self).message_en, details)
        if code is not None:
            self.code = code
        self.field = field if field is not None else type(self).field
        super().__init__(f"{self.message_vi} / {self.message_en}")

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message_vi": self.message_vi, "message_en": self.message_en,
                "field": self.field, **self.details}


def _fill(template: str, details: dict[str, Any]) -> str:
    """The catalogue message with the details it names filled in (left as written when one is missing)."""
    try:
        return template.format(**details)
    except (KeyError, IndexError, ValueError):
        return template


class LedgerError(IsoledgerError):
    """A refused command of the ledger."""

    code = "ledger_error"
    message_vi = "Lệnh không được thực hiện."
    message_en = "The command was refused."


class InvalidInput(LedgerError):
    """A value the command was given is malformed or out of range."""

    code = "invalid_input"
    message_vi = "Dữ liệu không hợp lệ."
    message_en = "The input is invalid."


class NotFound(LedgerError):
    """No such document or record (or not visible to the caller)."""

    code = "not_found"
    message_vi = "Không tìm thấy mục."
    message_en = "No such item."
    field = "id"


class NotAllowed(LedgerError):
    """The actor's role or identity does not permit this command."""

    code = "not_allowed"
    message_vi = "Bạn không có quyền thực hiện thao tác này."
    message_en = "You may not do this."


class RuleViolation(LedgerError):
    """The command conflicts with the current state (a domain rule refuses it)."""

    code = "rule_violation"
    message_vi = "Trạng thái hiện tại không cho phép thao tác này."
    message_en = "The current state does not allow this."


class ConcurrencyConflict(LedgerError):
    """Someone else changed the aggregate: raise one of the two kinds below."""

    code = "concurrency_conflict"
    message_vi = "Dữ liệu đã được người khác thay đổi; hãy tải lại và thử lại."
    message_en = "Someone else changed it; reload and retry."


class StaleVersion(ConcurrencyConflict):
    """The caller's expected version (If-Match) is no longer the current one: nothing was tried."""

    code = "concurrency_conflict"
    message_vi = "Dữ liệu đã được người khác thay đổi (phiên bản {current}, bạn đang xem {expected})."
    message_en = "Changed by someone else meanwhile (now version {current}, you had {expected})."
    field = "If-Match"


class ConcurrentWrite(ConcurrencyConflict):
    """Two writes of the same aggregate raced and this one lost while saving: nothing was written."""

    code = "concurrent_write"
    message_vi = "Dữ liệu vừa được người khác thay đổi; hãy tải lại và thử lại."
    message_en = "Someone else changed it at the same moment; reload and retry."


class RequestAlreadyApplied(LedgerError):
    """The request's command was applied before (its answer was lost); nothing was written again."""

    code = "request_already_applied"
    message_vi = ("Yêu cầu này đã được thực hiện trước đó, nhưng câu trả lời bị mất khi máy chủ dừng đột ngột. "
                  "Hãy tải lại để xem kết quả; đừng gửi lại bằng một khoá mới.")
    message_en = ("This request was applied before, but its answer was lost when the server stopped. Reload to see "
                  "the result; do not resend it under a new key.")
    field = "Idempotency-Key"


class Unavailable(LedgerError):
    """The database cannot serve the command now (busy, locked, connections exhausted); retry later."""

    code = "database_busy"
    message_vi = "Cơ sở dữ liệu đang bận hoặc không kết nối được; vui lòng thử lại sau."
    message_en = "The database is busy or unreachable; please retry later."
