"""The province's yearly QMS plan: its steps, each with a deadline, the roles responsible and what makes it done."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ledger import validation as v
from ledger.calendar.workdays import add_working_days
from ledger.errors import InvalidInput
from ledger.vocabulary import Role

GUIDANCE = "guidance"  # a step's deadline may run from new guidance the province recorded for the year
DOCUMENTS_REVIEWED = "documents.reviewed"  # every document in force has had its periodic review in the year
DOCUMENTS_AMENDED = "documents.amended"  # every document redrafted in the year is issued again


@dataclass(frozen=True)
class DoneWhen:
    """What makes a step done, in terms of process events: the year's cases of ``subject`` (a QMS process name,
    or one of the document subjects above) reaching one of ``states`` — one case is enough, or ``every`` case of
    the year (those reaching a state in ``skip`` are left out); ``none_is_done``: a year with no case at all is
    done once the deadline has passed (nothing was left open)."""

    subject: str
    states: tuple[str, ...]
    every: bool = False
    skip: tuple[str, ...] = ()
    none_is_done: bool = False


@dataclass(frozen=True)
class PlanStep:
    """One step of the plan: due on a fixed day of the year (month, day), or ``working_days`` after ``after`` (the
    recorded guidance or another step done) when that comes later; the roles that carry it out."""

    key: str
    label: tuple[str, str]
    month: int
    day: int
    roles: tuple[str, ...]
    done: DoneWhen
    after: str | None = None
    working_days: int = 0

    def fixed_due(self, year: int) -> date:
        return date(year, self.month, self.day)

    def due(self, year: int, trigger: date | None) -> date:
        """The deadline: the fixed day, or ``working_days`` after ``trigger`` when that is later."""
        fixed = self.fixed_due(year)
        if trigger is None or self.after is None:
            return fixed
        return max(fixed, add_working_days(trigger, self.working_days))


SECRETARY, LEADER, AUDITOR = Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.INTERNAL_AUDITOR

# The seed's 2023 plan (kế hoạch duy trì, cải tiến HTQLCL), the default for every year.
DEFAULT_STEPS: tuple[PlanStep, ...] = (
    PlanStep("objectives", ("Xây dựng, phê duyệt mục tiêu chất lượng", "Quality objectives set and approved"), 2, 28,
             (SECRETARY, LEADER),
             DoneWhen("quality_objective", ("approved", "allocated", "change_proposed", "registered", "closed"),
                      every=True)),
    PlanStep("context", ("Phân tích bối cảnh, rủi ro và cơ hội", "Context analysis approved"), 2, 28,
             (SECRETARY, LEADER), DoneWhen("context", ("approved", "published", "superseded"))),
    PlanStep("review", ("Rà soát các quy trình, tài liệu", "Procedures and documents reviewed"), 8, 31,
             (SECRETARY,), DoneWhen(DOCUMENTS_REVIEWED, ("reviewed",)), after=GUIDANCE, working_days=30),
    PlanStep("amendments", ("Ban hành quyết định sửa đổi, bổ sung", "Amendment decisions issued"), 9, 15,
             (LEADER,), DoneWhen(DOCUMENTS_AMENDED, ("issued",)), after="review", working_days=10),
    PlanStep("internal_audit", ("Đánh giá nội bộ", "Internal audit"), 10, 20, (AUDITOR, SECRETARY),
             DoneWhen("internal_audit", ("issued", "closed"), every=True, skip=("cancelled",))),
    PlanStep("management_review", ("Họp xem xét của lãnh đạo", "Management review"), 10, 25, (LEADER,),
             DoneWhen("management_review", ("minuted", "closed"))),
    PlanStep("corrective_action", ("Thực hiện hành động khắc phục", "Corrective actions completed"), 10, 31,
             (SECRETARY, Role.DEPARTMENT_LEADER),
             DoneWhen("nonconformity", ("closed",), every=True, skip=("cancelled",), none_is_done=True)),
    PlanStep("declaration", ("Công bố HTQLCL phù hợp TCVN ISO 9001:2015", "Declaration of conformity published"),
             12, 30, (LEADER,), DoneWhen("conformity_declaration", ("published",))),
)


def step_dict(step: PlanStep) -> dict[str, Any]:
    """A step as the event and the API carry it (lists, not tuples)."""
    out = asdict(step)
    out["label"] = list(step.label)
    out["roles"] = list(step.roles)
    out["done"] = {**out["done"], "states": list(step.done.states), "skip": list(step.done.skip)}
    return out


def step_from(raw: Any, known: list[str], field: str = "steps") -> PlanStep:
    """A step from its dict (as given to the API), checked; ``known``: the keys of the steps before it."""
    if not isinstance(raw, dict):
        raise InvalidInput("Mỗi bước là một đối tượng.", "Each step is an object.", field=field)
    key = v.text(raw.get("key"), f"{field}.key", max_len=40)
    label = raw.get("label")
    if not (isinstance(label, list | tuple) and len(label) == 2):
        raise InvalidInput("Tên bước gồm tiếng Việt và tiếng Anh.", "A step's label is [Vietnamese, English].",
                           field=f"{field}.label")
    names = (v.text(label[0], f"{field}.label", max_len=200), v.text(label[1], f"{field}.label", max_len=200))
    month, day = raw.get("month"), raw.get("day")
    try:
        if not (isinstance(month, int) and isinstance(day, int)):
            raise TypeError
        date(2024, month, day)  # a leap year: 29/02 is a day of the year
    except (TypeError, ValueError):
        raise InvalidInput("Hạn không phải một ngày trong năm.", "The deadline is not a day of the year.",
                           field=f"{field}.month") from None
    roles = tuple(v.choice(r, f"{field}.roles", tuple(Role)) for r in v.user_ids(raw.get("roles"), f"{field}.roles",
                                                                                 at_least=1))
    after = raw.get("after")
    if after is not None and after != GUIDANCE and after not in known:
        raise InvalidInput("«after» là «guidance» hoặc mã một bước đứng trước.",
                           "'after' is 'guidance' or the key of an earlier step.", field=f"{field}.after")
    wd = raw.get("working_days", 0)
    if not isinstance(wd, int) or isinstance(wd, bool) or not 0 <= wd <= 250:
        raise InvalidInput("Số ngày làm việc từ 0 đến 250.", "Working days are 0 to 250.",
                           field=f"{field}.working_days")
    done = raw.get("done")
    if not isinstance(done, dict):
        raise InvalidInput("Thiếu điều kiện hoàn thành.", "The done condition is missing.", field=f"{field}.done")
    states = tuple(v.text(s, f"{field}.done.states", max_len=40) for s in v.user_ids(
        done.get("states"), f"{field}.done.states", at_least=1))
    skip = tuple(v.text(s, f"{field}.done.skip", max_len=40) for s in (done.get("skip") or []))
    flags = {k: done.get(k, False) for k in ("every", "none_is_done")}
    if any(not isinstance(x, bool) for x in flags.values()):
        raise InvalidInput("Giá trị phải là đúng hoặc sai.", "The value must be true or false.", field=f"{field}.done")
    return PlanStep(key, names, month, day, roles,
                    DoneWhen(v.text(done.get("subject"), f"{field}.done.subject", max_len=80), states,
                             skip=skip, **flags), after=after, working_days=wd)


def steps_from(raw: Any) -> tuple[PlanStep, ...]:
    if not isinstance(raw, list) or not raw or len(raw) > 30:
        raise InvalidInput("Kế hoạch có từ 1 đến 30 bước.", "A plan has 1 to 30 steps.", field="steps")
    steps: list[PlanStep] = []
    for raw_step in raw:
        step = step_from(raw_step, [s.key for s in steps])
        if step.key in {s.key for s in steps}:
            raise InvalidInput(f"Mã bước «{step.key}» bị trùng.", f"Step key '{step.key}' is repeated.",
                               field="steps.key")
        steps.append(step)
    return tuple(steps)
