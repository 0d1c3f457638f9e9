"""The people a command names, checked against the agency's accounts: accounts picked, or outsiders named as such."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger import validation as v
from ledger.approval import may_approve
from ledger.department import LEADERSHIP
from ledger.errors import InvalidInput
from ledger.vocabulary import AccountStatus, Role

Facts = Callable[[str], dict[str, Any]]
Person = str | dict[str, Any]  # a username, or {"external": {"name": ..., "organisation": ...}}

LEADER_ROLES = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)


@dataclass(frozen=True)
class Who:
    """What one person field may name: an active account of the agency (holding one of ``roles`` when given),
    also an outsider when ``external``, also a department of the agency when ``departments``."""

    external: bool = False
    roles: tuple[str, ...] = ()
    many: bool = False
    at_least: int = 0
    departments: bool = False


# Every person field of every command, by command; the tests walk this list, so a new field fails until it is here.
PERSON_FIELDS: dict[str, dict[str, Who]] = {
    "submit": {"reviewers": Who(many=True), "approver": Who(roles=LEADER_ROLES)},
    "issue": {"distribution": Who(many=True, departments=True)},
    "lend": {"borrower": Who(external=True), "approved_by": Who(roles=LEADER_ROLES)},
    "return": {"received_by": Who()},
    "approve_destruction": {"decided_by": Who(roles=(Role.AGENCY_LEADER,)),
                            "council": Who(external=True, many=True, at_least=1)},
    "execute_destruction": {"executed_by": Who(), "witnesses": Who(external=True, many=True, at_least=1)},
    "grant_access": {"grantee": Who()},
    "department": {"leader": Who()},
}
ROLE_WORDS: dict[str, tuple[str, str]] = {Role.AGENCY_LEADER: ("lãnh đạo cơ quan", "an agency leader"),
              Role.DEPARTMENT_LEADER: ("lãnh đạo phòng ban", "a department leader")}


def external(value: Any, field: str) -> dict[str, Any]:
    """``{"external": {"name": ..., "organisation": ...}}`` checked and normalised (name required)."""
    body = value.get("external") if isinstance(value, dict) and set(value) == {"external"} else None
    if not isinstance(body, dict) or not set(body) <= {"name", "organisation"}:
        raise InvalidInput(f"«{field}»: người ngoài cơ quan ghi dạng {{\"external\": {{\"name\", \"organisation\"}}}}.",
                           f"'{field}': an outsider is written {{\"external\": {{\"name\", \"organisation\"}}}}.",
                           field=field)
    return {"external": {"name": v.text(body.get("name"), field, max_len=200),
                         "organisation": v.text(body.get("organisation"), field, max_len=300, required=False)}}


def is_external(value: Any) -> bool:
    return isinstance(value, dict) and "external" in value


def label(value: Any) -> str:
    """A person as words: the username (or old free text) as it is, an outsider as "Name (Organisation)"."""
    if is_external(value):
        body = value["external"]
        return f"{body['name']} ({body['organisation']})" if body.get("organisation") else str(body["name"])
    return str(value)


def key(value: Person) -> str:
    """One text per person (to find someone named twice, or to keep in a text column): a username as it is, an
    outsider as their JSON; ``from_key`` reads it back."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, dict) else value


def from_key(text: str | None) -> Person | None:
    if text is not None and text.startswith('{"external"'):
        try:
            return json.loads(text)  # type: ignore[no-any-return]
        except ValueError:
            return text  # old free text that only looks like an outsider
    return text


@dataclass(frozen=True)
class AgencyRules:
    """An agency's rules for documents and records; ``facts`` looks an account up and ``departments`` a
    department (None when the agency is not in the directory, as in a ledger used on its own: then accounts are
    not checked and a name stays the text it was given)."""

    agency_id: str
    delegated: tuple[str, ...]
    controllers: tuple[str, ...]
    facts: Facts | None
    departments: Callable[[str], dict[str, Any] | None] | None = None

    # ---- one field, by the declared list ------------------------------------------------------
    def pick(self, command: str, field: str, value: Any) -> Any:
        """``value`` of ``command``'s person field ``field``, checked as ``PERSON_FIELDS`` says (422 naming it)."""
        who = PERSON_FIELDS[command][field]
        if not who.many:
            return self.person(value, field, who)
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise InvalidInput(f"«{field}» phải là danh sách.", f"'{field}' must be a list.", field=field)
        out = [self.person(x, field, who) for x in value]
        if len({key(x) for x in out}) != len(out):
            raise InvalidInput(f"«{field}» có người bị lặp lại.", f"'{field}' names someone twice.", field=field)
        if len(out) < who.at_least:
            raise InvalidInput(f"«{field}» cần ít nhất {who.at_least} người.",
                               f"'{field}' needs at least {who.at_least}.", field=field)
        return out

    def person(self, value: Any, field: str, who: Who) -> Person:
        if isinstance(value, dict):
            if not who.external:
                raise InvalidInput(f"«{field}» phải là một tài khoản của cơ quan (không nhận người ngoài).",
                                   f"'{field}' must be an account of the agency (no outsiders here).", field=field)
            return external(value, field)
        name = v.text(value, field, max_len=100 if self.facts is not None else 200)
        if self.facts is None:
            return name
        if who.departments and self._department(name):
            return name
        acc = self.member(name, field, departments=who.departments)
        if who.roles and not set(acc.get("roles", ())) & set(who.roles):
            words_vi = " hoặc ".join(ROLE_WORDS[r][0] for r in who.roles)
            words_en = " or ".join(ROLE_WORDS[r][1] for r in who.roles)
            raise InvalidInput(f"«{name}» không phải {words_vi}.", f"'{name}' is not {words_en}.", field=field,
                               code="person_role_required")
        return name

    def _department(self, value: str) -> bool:
        """Whether ``value`` is the agency's leadership or an open department of the agency (by id)."""
        if value == LEADERSHIP:
            return True
        dep = self.departments(value) if self.departments is not None else None
        return dep is not None and dep.get("agency_id") == self.agency_id and not dep.get("closed")

    # ---- accounts ------------------------------------------------------------------------------
    def member(self, username: Any, field: str, *, departments: bool = False) -> dict[str, Any]:
        """The account ``username`` if it is an active account of the agency (422 naming ``field`` if not)."""
        if self.facts is None:
            return {"username": username}
        acc = self.facts(str(username))
        if acc.get("agency_id") != self.agency_id:
            what_vi = "phòng ban hay tài khoản" if departments else "tài khoản"
            what_en = "a department or an account" if departments else "an account"
            raise InvalidInput(f"«{username}» không phải {what_vi} của cơ quan.",
                               f"'{username}' is not {what_en} of this agency.", field=field, code="unknown_person")
        if acc.get("status") != AccountStatus.ACTIVE:
            raise InvalidInput(f"Tài khoản «{username}» không còn hoạt động.",
                               f"The account '{username}' is no longer active.", field=field, code="inactive_person")
        return acc

    def check_people(self, kind: str, reviewers: Any, approver: Any) -> None:
        """Reviewers are the agency's active accounts; the approver is one who may approve ``kind``."""
        from ledger.document import KINDS  # documents build on this module

        if self.facts is None:
            return
        for reviewer in reviewers if isinstance(reviewers, list | tuple) else []:
            self.member(reviewer, "reviewers")
        if not isinstance(approver, str) or not approver.strip():
            return  # the document's own check names the missing approver
        acc = self.member(approver.strip(), "approver")
        if not may_approve(acc.get("roles", ()), kind, self.delegated):
            label_vi, label_en = KINDS[kind][0], KINDS[kind][1].lower()
            if Role.DEPARTMENT_LEADER in acc.get("roles", ()):
                vi = (f"«{approver}» là lãnh đạo phòng ban; «{label_vi}» do lãnh đạo cơ quan phê duyệt "
                      "(cơ quan chưa ủy quyền loại tài liệu này cho lãnh đạo phòng ban).")
                en = (f"'{approver}' is a department leader; a {label_en} is approved by the agency leader "
                      "(the agency has not delegated this kind to department leaders).")
            else:
                vi = f"«{approver}» không có quyền phê duyệt «{label_vi}»; hãy chọn lãnh đạo cơ quan."
                en = f"'{approver}' may not approve a {label_en}; choose the agency leader."
            raise InvalidInput(vi, en, field="approver", code="approver_not_allowed")


def unchecked(agency_id: str = "") -> AgencyRules:
    """Rules that check no account (a ledger used on its own, as the domain tests use it)."""
    from ledger.approval import DEFAULT_DELEGATED

    return AgencyRules(agency_id, DEFAULT_DELEGATED, (Role.ISO_SECRETARY,), None)
