"""Property-based checks of the whole API from /openapi.json: no server errors, responses match their schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import build_world, make_api


@pytest.fixture
def web(database_url, tmp_path, ledger, projector):
    api = make_api(database_url, tmp_path, ledger, projector)
    build_world(api)
    yield api
    api.archive.close()


def test_the_api_conforms_to_its_openapi_document(web):
    # As the ISO secretary of the own agency: most routes answer with data, the rest with problems.
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
    headers = web.login("thuky")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, checks=checks)

        check()
