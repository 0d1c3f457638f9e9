"""The public portal's tests use the API tests' app and two-agency world."""

from tests.api.conftest import api, world  # noqa: F401
