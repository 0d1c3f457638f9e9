"""Every route × every role × own/other agency, generated from the app's route table.

A route without a role guard must be listed as public here, so a new route cannot slip in unguarded.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from tests.api.conftest import OTHER, OWN, ROLE_USER

PUBLIC = {("GET", "/healthz"), ("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/session"),
          ("GET", "/api/v1/public/agencies/{agency_id}/documents"), ("GET", "/public/agencies/{agency_id}"),
          ("GET", "/api/v1/public/documents/{document_id}/file")}
ADMIN_WIDE = re.compile(r"^/api/v1/(agencies(/\{agency_id\})?(/users)?|users/\{user_id\}|audit/verify)$")


def guarded_roles(route: APIRoute) -> frozenset[str] | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return frozenset(roles)
        stack.extend(dep.dependencies)
    return None


def routes():
    from api.app import create_app  # noqa: F401 - the table comes from a real app below

    from api.routers import agencies, audit, auth, documents, public, records, signing
    from api.routers import health
    out = []
    for module in (health, auth, agencies, documents, signing, records, audit, public):
        for r in module.router.routes:
            if isinstance(r, APIRoute):
                for method in sorted(r.methods):
                    out.append((method, r))
    return out


ROUTES = routes()


def test_every_route_is_guarded_or_listed_as_public():
    unguarded = {(m, r.path) for m, r in ROUTES if guarded_roles(r) is None}
    assert unguarded == PUBLIC


def test_the_matrix_covers_the_apps_own_route_table(api):
    # FastAPI keeps included routers nested; the OpenAPI document lists every route the app serves.
    served = {(m.upper(), path) for path, ops in api.app.openapi()["paths"].items() for m in ops}
    assert served == {(m, r.path) for m, r in ROUTES}


def _path(template: str, world: dict, agency: str) -> str:
    values = {"agency_id": agency, "document_id": world[agency]["document_id"],
              "record_id": world[agency]["record_id"], "user_id": "chuyenvien" if agency == OWN else "thuky-b",
              "n": "1", "index": "1"}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


@pytest.mark.parametrize(("method", "route"), [(m, r) for m, r in ROUTES if (m, r.path) not in PUBLIC],
                         ids=[f"{m} {r.path}" for m, r in ROUTES if (m, r.path) not in PUBLIC])
def test_role_and_agency_matrix(api, world, method, route):
    allowed = guarded_roles(route)
    scoped = "{" in route.path
    for role, user in ROLE_USER.items():
        for agency in (OWN, OTHER) if scoped else (OWN,):
            r = api.call(method, _path(route.path, world, agency), user)
            code = r.json().get("code") if r.headers.get("content-type", "").endswith("json") else None
            where = f"{role} on {agency}: {r.status_code} {r.text[:200]}"
            assert r.status_code < 500 or code == "signing_unavailable", where
            assert r.status_code != 401, where
            if role not in allowed:
                assert (r.status_code, code) == (403, "role_required"), where
            elif agency == OTHER and not (role == "admin" and ADMIN_WIDE.match(route.path)):
                # Request validation runs before any lookup, so a 422 reveals nothing about the other agency.
                assert r.status_code == 404 or (r.status_code, code) == (422, "invalid_input"), where
            else:
                assert code not in ("role_required", "not_found", "other_agency"), where
    # Without signing in at all: 401, never data.
    assert api.call(method, _path(route.path, world, OWN)).status_code == 401
