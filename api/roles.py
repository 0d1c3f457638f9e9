"""The role sets, as the routers name them: those of the use cases (``usecases.roles``)."""

from __future__ import annotations

from usecases.roles import (  # noqa: F401 - re-exported for the routers
    ACCOUNT_MANAGERS,
    ALL,
    AUDIT,
    DOC_CONTROLLERS,
    DOC_HISTORY,
    FEED,
    GRANTORS,
    LEADERS,
    MEMBERS,
    RECORD_OVERSIGHT,
    RECORD_READERS,
    REVIEWERS,
    REVISERS,
    USER_READERS,
)
