"""Property-based checks of the whole API from /openapi.json: the links name real operations, and sequences that
follow them get no server error and answers that match their schemas (every role's token over every operation is
tests/api/test_schemathesis_roles.py)."""

from __future__ import annotations

import traceback
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import Bundle, initialize
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful.state_machine import StepInput
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ledger.actors import Actor
from signing import PadesLevel, SigningConfig, build_signing_service
from tests.api.conftest import OWN, PASSWORD, build_world, make_api, pdf_bytes


@pytest.fixture
def web(database_url, tmp_path, ledger, projector):
    api = make_api(database_url, tmp_path, ledger, projector)
    build_world(api)
    yield api
    api.archive.close()


# ---- stateful: sequences that follow the OpenAPI links ---------------------------------------------------
EVERY_ROLE_BUT_ADMIN_AND_INSPECTOR = ["iso_secretary", "agency_leader", "department_leader", "records_controller",
                                      "staff", "internal_auditor"]
UPLOADS = ("file", "minutes_file")
# Fixed seeds: the same sequences on every run, whatever the machine's speed or load. The server keeps its state from
# one sequence to the next, so Hypothesis sometimes meets a prefix that now behaves differently and stops a run
# (Flaky); several short seeded runs lose little when one stops early, where one long run could lose most of itself.
SEEDS = range(4)
SEQUENCES_PER_SEED = 25
STEPS_PER_SEQUENCE = 15
LINKED = (("POST", "/api/v1/agencies/{agency_id}/documents"), ("GET", "/api/v1/documents/{document_id}"),
          ("POST", "/api/v1/documents/{document_id}/versions"), ("POST", "/api/v1/agencies/{agency_id}/records"))


def test_every_link_names_operations_that_exist(web):
    from api.links import LINKS

    paths = web.app.openapi()["paths"]
    for (method, path, status), targets in LINKS.items():
        assert status in paths[path][method]["responses"], (method, path, status)
        for t_method, t_path, parameters in targets:
            assert t_method in paths[t_path], (t_method, t_path)
            names = {p["name"] for p in paths[t_path][t_method].get("parameters", []) if p["in"] == "path"}
            assert set(parameters) == names, (t_method, t_path, parameters)


@pytest.fixture
def signing_web(database_url, tmp_path, ledger, projector):
    service = build_signing_service(SigningConfig(level=PadesLevel.B_B))
    api = make_api(database_url, tmp_path, ledger, projector, signing=service)
    build_world(api)
    yield api
    api.archive.close()
    service.close()


def test_stateful_sequences_through_the_links_conform(signing_web):
    web = signing_web
    # One person holding every role of the own agency, so sequences can go from register to issue.
    admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
    web.ctx.directory.create_account(admin, username="tonghop", agency_id=OWN, full_name="Nguyễn Tổng Hợp",
                                     roles=EVERY_ROLE_BUT_ADMIN_AND_INSPECTOR)
    web.ctx.store.set_password_hash("tonghop", web.ctx.passwords.hash(PASSWORD))
    headers = web.login("tonghop")
    pdf = pdf_bytes()
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
    # Valid requests only: deeper sequences (the stateless test above sends invalid ones too).
    schema.config.generation.update(modes=[GenerationMode.POSITIVE], with_security_parameters=False)
    # The chains of the links from "who am I" (lists, accounts and sign-in are left to the stateless test).
    schema = schema.include(path_regex=r"^/api/v1/(auth/me|agencies/\{agency_id\}/(documents|records)|documents/.*|"
                                       r"records/.*)$")
    seen: Counter[tuple[str, str, int]] = Counter()
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    who_am_i = schema["/api/v1/auth/me"]["GET"]

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        @initialize(target=Bundle("who_am_i"))
        def start_from_who_am_i(self):
            # Every sequence opens with "who am I", so the links to the own agency's registers are there from its
            # second step on (schemathesis files the answer under that link's bundle, whatever the target's name).
            step = StepInput.initial(who_am_i.Case())
            self.recorder.record_case(case=step.case)
            self.control.record_step(step, self.recorder)
            return self.step(step)

        def before_call(self, case):
            # Our token, no stale If-Match or reused Idempotency-Key (those have their own tests), real files.
            sent = {k: v for k, v in (case.headers or {}).items()
                    if k.lower() not in ("authorization", "if-match", "idempotency-key")}
            case.headers = {**sent, **headers}
            if isinstance(case.body, dict):
                for name in UPLOADS:
                    if name in case.body:
                        case.body[name] = pdf

        def call(self, case, **kwargs):
            try:
                return super().call(case, **kwargs)
            except Exception as e:
                failures.append(f"{case.operation.method.upper()} {case.formatted_path} raised: "
                                + "".join(traceback.format_exception(e))[-3000:])
                raise

        def after_call(self, response, case):
            seen[(case.operation.method.upper(), case.operation.path, response.status_code)] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=checks, headers=headers, transport_kwargs=kwargs)
            except Exception as e:
                failures.append(f"{case.operation.method.upper()} {case.formatted_path} -> {response.status_code}: "
                                f"{str(e)[:1500]}")
                raise

    failures: list[str] = []
    runs = settings(max_examples=SEQUENCES_PER_SEED, stateful_step_count=STEPS_PER_SEQUENCE, deadline=None,
                    database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    for n in SEEDS:
        try:
            seed(n)(Sequences).run(settings=runs)
        except Flaky:
            # That run ends there (schemathesis' own runner ends its phase there too); any failure seen first is in
            # `failures`, and the next seed goes on.
            pass
    assert not failures, "\n\n".join(failures[:3])
    reached = {(m, p) for (m, p, status), _ in seen.items() if 200 <= status < 300}
    print("stateful sequences reached:", *sorted(reached), sep="\n  ")
    for step in LINKED:
        assert step in reached, (step, sorted(seen.items()))
