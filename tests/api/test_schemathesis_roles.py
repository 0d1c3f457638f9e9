"""Schemathesis over the whole API with each role's token: no server error, every answer matches its schema."""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ROLE_USER
from tests.api.test_schemathesis import signing_web  # noqa: F401 - the same world, with a signing service

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The agency's ISO secretary, its leader, an internal auditor, its archive staff, the province's administrator and
# the supervising agency's inspector (the province side of the world); each case is sent once with each token.
ROLES = ["iso_secretary", "agency_leader", "internal_auditor", "records_controller", "admin", "inspector"]
EXAMPLES_PER_OPERATION = 2


def test_every_role_s_token_gets_no_server_error_and_answers_that_match_the_schema(signing_web):  # noqa: F811
    web = signing_web  # with a signing service, so the signing routes answer too (without one: 503 by design)
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    failures: list[str] = []
    statuses: Counter[tuple[str, int]] = Counter()

    def token(role: str) -> dict[str, str]:
        return web.login(ROLE_USER[role])

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, phases=[Phase.explicit, Phase.generate],
                  database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            # Generated once, sent with every role's token: the roles see the same inputs, generation is paid once.
            for role in ROLES:
                headers = token(role)
                response = case.call(headers=headers)
                statuses[(role, response.status_code)] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except Exception as e:
                    failures.append(f"{role}: {case.operation.method.upper()} {case.formatted_path} -> "
                                    f"{response.status_code}: {str(e)[:1500]}")
                if response.status_code == 401:
                    # A case that ended this session (sign-out, a password change): the next one signs in again.
                    web.tokens.pop(ROLE_USER[role], None)

        check()

    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:5])
    for role in ROLES:
        # Each token did real work: most answers are not a refusal of the token itself.
        answered = sum(n for (r, status), n in statuses.items() if r == role)
        refused = statuses[(role, 401)]
        succeeded = sum(n for (r, status), n in statuses.items() if r == role and 200 <= status < 300)
        assert refused < answered / 10 and succeeded > 0, (role, sorted(statuses.items()))
