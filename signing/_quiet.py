"""Expected validation outcomes (an untrusted chain, a revoked certificate) stay in the report, not the log."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from contextvars import ContextVar
from typing import Any, TypeVar

from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator.errors import PathError, ValidationError

T = TypeVar("T")

# Set only inside the validation task (and the tasks it starts): signing and everything else log as before.
_VALIDATING: ContextVar[bool] = ContextVar("isoledger_validating_signatures", default=False)
# What pyHanko and certvalidator raise when a signature simply does not pass: that is the report's finding.
_OUTCOMES = (PathError, ValidationError, SignatureValidationError)
# pyHanko's notice that a signature has no document timestamp after it, i.e. that it is not B-LTA.
_NOTICES = ("No document timestamps after signature",)


def _is_outcome(record: logging.LogRecord) -> bool:
    if record.exc_info and isinstance(record.exc_info[1], _OUTCOMES):
        return True
    if isinstance(record.msg, _OUTCOMES):
        return True
    return isinstance(record.msg, str) and record.msg.startswith(_NOTICES)


class _OutcomesAreNotErrors(logging.Filter):
    """Drops an expected outcome's warning (kept at DEBUG for whoever debugs pyHanko); errors pass untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _VALIDATING.get() or record.levelno >= logging.ERROR or not _is_outcome(record):
            return True
        if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_FILTER = _OutcomesAreNotErrors()
_LIBRARIES = ("pyhanko.", "pyhanko_certvalidator.")


def install() -> None:
    """Attach the filter to pyHanko's and certvalidator's module loggers (idempotent; new modules included)."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.startswith(_LIBRARIES) and _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


async def validating(coro: Coroutine[Any, Any, T]) -> T:
    """Await ``coro`` with expected outcomes kept out of the log."""
    token = _VALIDATING.set(True)
    try:
        return await coro
    finally:
        _VALIDATING.reset(token)
