"""Every person field of every declared QMS step names an active account of the agency (or, where the step allows
it, an outsider), is refused otherwise with a 422 naming it, and is marked ``x-person`` in the API schema."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ledger.errors import InvalidInput
from ledger.qms.fields import check_values
from ledger.qms.registry import processes

AGENCY = "so-khcn-a"
PEOPLE = {"thuky": {"username": "thuky", "agency_id": AGENCY, "status": "active"},
          "cu": {"username": "cu", "agency_id": AGENCY, "status": "deactivated"},
          "thuky-b": {"username": "thuky-b", "agency_id": "so-tu-phap-b", "status": "active"}}
FIELDS = [(p, s, f) for p in processes() for s in p.steps for f in s.fields if f.kind in ("person", "people")]


class _World:
    def today(self) -> date:
        return date(2026, 3, 2)

    def account(self, username: str) -> dict[str, Any] | None:
        return PEOPLE.get(username)

    def department(self, department_id: str) -> None:
        return None

    def document(self, document_id: str) -> None:
        return None

    def case(self, case_id: str) -> None:
        return None


def test_the_processes_declare_person_fields() -> None:
    assert len(FIELDS) >= 5


@pytest.mark.parametrize(("process", "step", "field"), FIELDS,
                         ids=[f"{p.name}.{s.name}.{f.name}" for p, s, f in FIELDS])
def test_a_person_field_takes_an_active_account_of_the_agency_only(process, step, field) -> None:  # type: ignore[no-untyped-def]
    def value(who: Any) -> dict[str, Any]:
        return {field.name: [who] if field.kind == "people" else who}

    fields = (field,)
    assert check_values(fields, value("thuky"), agency_id=AGENCY, world=_World()) == value("thuky")
    for who in ("khong-co-ai", "cu", "thuky-b"):
        with pytest.raises(InvalidInput) as refused:
            check_values(fields, value(who), agency_id=AGENCY, world=_World())
        assert refused.value.field == field.name, (who, refused.value)
    outsider = {"external": {"name": "Lê Văn Tâm", "organisation": "Chi cục Văn thư - Lưu trữ"}}
    if field.external:
        assert check_values(fields, value(outsider), agency_id=AGENCY, world=_World()) == value(outsider)
    else:
        with pytest.raises(InvalidInput):
            check_values(fields, value(outsider), agency_id=AGENCY, world=_World())


def test_every_qms_person_field_is_marked_in_the_api_schema(api) -> None:  # type: ignore[no-untyped-def]
    schema = api.app.openapi()
    components = schema["components"]["schemas"]
    marked = set()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if "qms" not in op.get("tags", ()):
                continue
            for media in op.get("requestBody", {}).get("content", {}).values():
                ref = media["schema"].get("$ref")
                body = components[ref.split("/")[-1]] if ref else media["schema"]
                for name, prop in body.get("properties", {}).items():
                    if prop.get("x-person"):
                        marked.add((method.upper(), path, name, prop["x-person"]))
    expected = set()
    for p, s, f in FIELDS:
        path = (f"/api/v1/agencies/{{agency_id}}/{p.collection}" if s.opens
                else f"/api/v1/{p.collection}/{{case_id}}/{s.name}")
        expected.add(("POST", path, f.name, "account-or-external" if f.external else "account"))
    assert marked == expected
