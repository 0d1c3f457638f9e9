"""The ledger's error family: every refused command raises one of these, nothing else."""

from __future__ import annotations


class LedgerError(Exception):
    """A refused command: stable ``code``, Vietnamese and English messages, optional ``field``."""

    code = "ledger_error"
    http_status = 400

    def __init__(self, message_vi: str, message_en: str, *, field: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message_vi": self.message_vi,
                "message_en": self.message_en, "field": self.field}


class InvalidInput(LedgerError):
    """A value the command was given is malformed or out of range."""

    code = "invalid_input"
    http_status = 422


class NotFound(LedgerError):
    """No such document or record (or not visible to the caller)."""

    code = "not_found"
    http_status = 404


class NotAllowed(LedgerError):
    """The actor's role or identity does not permit this command."""

    code = "not_allowed"
    http_status = 403


class RuleViolation(LedgerError):
    """The command conflicts with the current state (a domain rule refuses it)."""

    code = "rule_violation"
    http_status = 409


class ConcurrencyConflict(LedgerError):
    """Someone else changed the aggregate first: the expected version is stale."""

    code = "concurrency_conflict"
    http_status = 412


class Unavailable(LedgerError):
    """The database cannot serve the command now (busy, locked, connections exhausted); retry later."""

    code = "database_busy"
    http_status = 503
