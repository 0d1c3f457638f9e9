"""Actions inside a case (a risk's treatment, a nonconformity's correction): an owner, a due date, done or cancelled.

The steps that add, complete and cancel them share these fields, effects and rules. An action is ``open``
until it is ``done`` or ``cancelled``; a cancelled action is never counted as done.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.errors import InvalidInput, NotAllowed, RuleViolation
from ledger.qms.declaration import Applied, Field, Rule, Taking
from ledger.vocabulary import Role

OPEN, DONE, CANCELLED = "open", "done", "cancelled"

ACTION_ID = Field("action_id", "text", ("Mã hành động", "Action id"), max_len=20)
ADD_FIELDS = (Field("action", "text", ("Hành động", "Action")),
              Field("owner", "person", ("Người thực hiện", "Owner")),
              Field("due", "date", ("Hạn hoàn thành", "Due date")))
COMPLETE_FIELDS = (ACTION_ID,
                   Field("result", "long_text", ("Kết quả thực hiện", "What was done"), required=False),
                   Field("evidence", "file", ("Bằng chứng", "Evidence"), required=False))
CANCEL_FIELDS = (ACTION_ID,)


def actions_of(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = data.get("actions")
    return list(found) if isinstance(found, list) else []


def open_actions(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [a for a in actions_of(data) if a.get("status") == OPEN]


def overdue_actions(data: Mapping[str, Any], today: date) -> list[str]:
    """The ids of the open actions whose due date has passed."""
    return [str(a["id"]) for a in open_actions(data) if str(a.get("due", "9999-12-31")) < today.isoformat()]


# ---- effects (pure over the event) ------------------------------------------------------
def add(data: dict[str, Any], applied: Applied) -> None:
    """Appends an open action, numbered A1, A2... in the order they were added, in the case's current round."""
    actions = data.setdefault("actions", [])
    actions.append({"id": f"A{len(actions) + 1}", "action": applied.values["action"], "owner": applied.values["owner"],
                    "due": applied.values["due"], "status": OPEN, "round": data.get("round", 1),
                    "added_by": applied.user_id, "added_at": applied.at})


def complete(data: dict[str, Any], applied: Applied) -> None:
    action = _named(data, applied.values["action_id"])
    action.update(status=DONE, done_by=applied.user_id, done_at=applied.at)
    for name in ("result", "evidence"):
        if name in applied.values:
            action[name] = applied.values[name]


def cancel(data: dict[str, Any], applied: Applied) -> None:
    """Marks one action cancelled; the reason is the step's (in the case's trail at ``cancelled_seq``)."""
    _named(data, applied.values["action_id"]).update(status=CANCELLED, cancelled_by=applied.user_id,
                                                     cancelled_at=applied.at, cancelled_seq=applied.seq)


def cancel_open(data: dict[str, Any], applied: Applied) -> None:
    """Cancels every action still open (when the whole case is cancelled)."""
    for action in open_actions(data):
        action.update(status=CANCELLED, cancelled_by=applied.user_id, cancelled_at=applied.at,
                      cancelled_seq=applied.seq)


def _named(data: dict[str, Any], action_id: str) -> dict[str, Any]:
    for action in data.get("actions", []):
        if action["id"] == action_id:
            return action  # type: ignore[no-any-return]
    raise KeyError(action_id)  # the rules refused it before the event was recorded


# ---- rules -------------------------------------------------------------------------------
def action_open(t: Taking) -> None:
    """``action_id`` names an action of the case that is still open."""
    action_id = t.values.get("action_id")
    action = next((a for a in actions_of(t.data) if a.get("id") == action_id), None)
    if action is None:
        raise InvalidInput(f"Không có hành động «{action_id}» trong mục này.",
                           f"There is no action '{action_id}' here.", field="action_id")
    if action.get("status") != OPEN:
        done = action.get("status") == DONE
        raise RuleViolation(f"Hành động {action_id} đã {'hoàn thành' if done else 'bị hủy'}.",
                            f"Action {action_id} is already {'done' if done else 'cancelled'}.", field="action_id",
                            code="action_not_open")


def owner_or_leader(field: str = "department") -> Rule:
    """The action's owner marks it done, or the leader of the case's department (``field``), or the ISO secretary
    or the agency leader for them."""
    def rule(t: Taking) -> None:
        if t.role in (Role.AGENCY_LEADER, Role.ISO_SECRETARY):
            return
        action = next((a for a in actions_of(t.data) if a.get("id") == t.values.get("action_id")), {})
        if action.get("owner") == t.actor.user_id:
            return
        dep_id = t.data.get(field)
        dep = t.world.department(str(dep_id)) if dep_id else None
        if dep is None or dep.get("leader") != t.actor.user_id:
            raise NotAllowed("Chỉ người thực hiện hoặc lãnh đạo phòng ban được đánh dấu hoàn thành.",
                             "Only the action's owner or the department's leader may mark it done.",
                             code="not_action_owner")
    return rule


def none_open(what: tuple[str, str]) -> Rule:
    """Refuses the step while an action is open (``what``: the step, e.g. ("đóng", "close"))."""
    def rule(t: Taking) -> None:
        still = [str(a["id"]) for a in open_actions(t.data)]
        if still:
            names = ", ".join(still)
            raise RuleViolation(f"Không thể {what[0]} khi còn hành động chưa hoàn thành: {names}.",
                                f"Cannot {what[1]} while actions are open: {names}.", code="actions_open",
                                actions=still)
    return rule


def not_an_owner(t: Taking) -> None:
    """The actor owns none of the case's actions (an effectiveness check is not made by an implementer)."""
    if any(a.get("owner") == t.actor.user_id for a in actions_of(t.data)):
        raise RuleViolation("Người thực hiện hành động không được tự kiểm tra hiệu lực.",
                            "Someone who implemented an action may not check its effectiveness.", code="same_person")
