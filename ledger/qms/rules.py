"""Rules steps share: who, beyond their role, may take a step (the department's own leader, not the author...)."""

from __future__ import annotations

from ledger.errors import NotAllowed, RuleViolation
from ledger.qms.declaration import Rule, Taking
from ledger.vocabulary import Role


def leader_of(field: str) -> Rule:
    """Only the leader of the department named by ``field`` (in the step's values or the case's data); the
    agency leader may always act for the agency."""
    def rule(t: Taking) -> None:
        if t.role == Role.AGENCY_LEADER:
            return
        dep_id = t.values.get(field) or t.data.get(field)
        dep = t.world.department(str(dep_id)) if dep_id else None
        if dep is None or dep.get("leader") != t.actor.user_id:
            name = dep.get("name") if dep else "?"
            raise NotAllowed(f"Chỉ lãnh đạo «{name}» được thực hiện bước này.",
                             f"Only the leader of '{name}' may take this step.", code="not_department_leader")
    return rule


def not_by(field: str, what: tuple[str, str]) -> Rule:
    """Refuses the step when the actor is the person recorded in ``field`` (e.g. the effectiveness check is
    not done by the one who implemented the action)."""
    def rule(t: Taking) -> None:
        if t.data.get(field) == t.actor.user_id or t.values.get(field) == t.actor.user_id:
            raise RuleViolation(f"Người {what[0]} không được thực hiện bước này.",
                                f"The person who {what[1]} may not take this step.", code="same_person")
    return rule


def in_own_agency_year(field: str = "year") -> Rule:
    """The year named by ``field`` is this year, the next or the last (not a typo like 2206)."""
    def rule(t: Taking) -> None:
        year = t.values.get(field)
        if year is None:
            return
        this = t.world.today().year
        if not this - 1 <= int(year) <= this + 1:
            raise RuleViolation(f"Năm phải từ {this - 1} đến {this + 1}.",
                                f"The year must be between {this - 1} and {this + 1}.", field=field,
                                code="year_out_of_range")
    return rule


def own_department(field: str = "department") -> Rule:
    """A department leader acts for the department named by ``field`` only when they lead it; the other roles
    the step names (the ISO secretary, the agency leader...) act for any department of the agency."""
    def rule(t: Taking) -> None:
        if t.role == Role.DEPARTMENT_LEADER:
            leader_of(field)(t)
    return rule


def not_before_today(field: str) -> Rule:
    """The date in ``field`` (when given) is today or later (a due date is not set in the past)."""
    def rule(t: Taking) -> None:
        value = t.values.get(field)
        if value is not None and str(value) < t.world.today().isoformat():
            raise RuleViolation("Ngày này đã qua; hãy chọn từ hôm nay trở đi.",
                                "That date has passed; choose today or later.", field=field, code="date_in_past")
    return rule


def not_after_today(field: str) -> Rule:
    """The date in ``field`` (when given) is today or earlier (a meeting is recorded once it was held)."""
    def rule(t: Taking) -> None:
        value = t.values.get(field)
        if value is not None and str(value) > t.world.today().isoformat():
            raise RuleViolation("Ngày này chưa đến.", "That date has not come yet.", field=field,
                                code="date_in_future")
    return rule
