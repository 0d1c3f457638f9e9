"""Large JSON answers serialised once by the standard library, not value by value through FastAPI's encoder: the
province dashboard (every agency × every step) spent twice its use case's time in ``jsonable_encoder``."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from fastapi import Response


def _plain(value: Any) -> Any:
    """What FastAPI's encoder would make of a value json cannot write itself."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_answer(data: Any, *, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_plain, separators=(",", ":"))
    return Response(body.encode(), media_type="application/json", headers=headers)
