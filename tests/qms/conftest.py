"""The QMS tests use the API tests' app and two-agency world."""

from tests.api.conftest import api, world  # noqa: F401
from tests.qms.org import org  # noqa: F401, E402  (the directory of the process tests: people, departments)
