"""The closing rules of a nonconformity hold for any sequence of steps, by anyone, on any day (hypothesis): nothing
reaches closed with an action open, an ineffective check always reopens, a cancelled action never counts as done,
and a refused step changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ledger.clock import clocked
from ledger.errors import LedgerError
from ledger.qms.registry import process_named
from tests.qms.org import AUDITOR, KHTC_LEADER, LEADER, QLKH_LEADER, SECRETARY, STAFF, STAFF_2

ACTORS = (LEADER, SECRETARY, KHTC_LEADER, QLKH_LEADER, STAFF, STAFF_2, AUDITOR)
OWNERS = (STAFF, STAFF_2, AUDITOR, KHTC_LEADER)
NC = process_named("nonconformity")
EVERY_STEP = [s.name for s in NC.steps if not s.opens]

MODES = ("onward",) * 58 + ("offered", "any")  # not cancelling the case nor reopening it (so sequences get far);
# any step the state offers; any step at all (mostly refused)


def values_for(step: str, owner, action: str, result: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"contain": {"correction": "Xử lý ngay các hồ sơ quá hạn."},
            "analyse": {"method": "five_whys", "causes": "Không có người theo dõi hạn xử lý"},
            "plan": {"plan": "Phân công người nhắc hạn.", "criteria": "Ba tháng không quá hạn.",
                     "check_on": "2099-12-31"},
            "actions": {"action": "Lập sổ theo dõi hạn", "owner": owner.user_id, "due": "2099-12-31"},
            "complete_action": {"action_id": action}, "cancel_action": {"action_id": action},
            "verify": {"note": "Đã kiểm tra sổ theo dõi."},
            "effectiveness": {"result": result, "findings": "Đối chiếu tiêu chí ba tháng."}}.get(step, {})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), length=st.integers(20, 50))
def test_no_sequence_of_steps_breaks_the_closing_rules(org, clock, data, length) -> None:  # type: ignore[no-untyped-def]
    ledger = org.ledger
    with clocked(clock):
        case_id = ledger.open_case(AUDITOR, "nonconformity", values={
            "year": ledger.today().year, "department": org.khtc, "source": "audit_finding",
            "title": "Hồ sơ đề tài xử lý quá hạn", "description": "3/20 hồ sơ xử lý quá hạn."})
        done: set[str] = set()
        cancelled: set[str] = set()
        before = ledger.case(case_id)
        for _ in range(length):
            clock.advance(days=data.draw(st.integers(0, 2)))
            offered = [s.name for s in NC.available(before["state"])]
            # the later steps first: hypothesis draws the first ones more often, so sequences get further
            onward = [s for s in reversed(offered) if s not in ("cancel", "reopen")] or offered
            mode = data.draw(st.sampled_from(MODES))
            step = data.draw(st.sampled_from(EVERY_STEP if mode == "any" or not offered else
                                             offered if mode == "offered" else onward))
            # onward, the people of the case's own department; otherwise anyone the step names, and any action id
            people = [a for a in ACTORS if a.roles & set(NC.step(step).roles)  # type: ignore[union-attr]
                      and (mode != "onward" or a is not QLKH_LEADER)]
            who = data.draw(st.sampled_from(people))
            actions_now = before["data"].get("actions", [])
            still_open = [a["id"] for a in actions_now if a["status"] == "open"]
            ids = still_open if mode == "onward" and still_open else [
                *(a["id"] for a in actions_now), f"A{len(actions_now) + 1}"]
            action_id = data.draw(st.sampled_from(ids))
            result = data.draw(st.sampled_from(("effective", "ineffective")))
            owner = data.draw(st.sampled_from(OWNERS))
            try:
                ledger.take_step(who, case_id, step, values=values_for(step, owner, action_id, result),
                                 reason="Theo kết luận của cuộc họp giao ban.")
            except LedgerError:
                after = ledger.case(case_id)
                assert (after["version"], after["state"], after["data"]) == (
                    before["version"], before["state"], before["data"])
                before = after
                continue
            after = ledger.case(case_id)
            actions = after["data"].get("actions", [])
            statuses = {a["id"]: a["status"] for a in actions}
            assert set(statuses.values()) <= {"open", "done", "cancelled"}
            assert after["derived"]["done_actions"] == sum(1 for s in statuses.values() if s == "done")
            assert all(statuses[i] == "done" for i in done) and all(statuses[i] == "cancelled" for i in cancelled)
            done |= {i for i, s in statuses.items() if s == "done"}
            cancelled |= {i for i, s in statuses.items() if s == "cancelled"}
            if after["state"] == "closed":
                assert not [a for a in actions if a["status"] == "open"]
                assert after["data"]["checks"][-1]["result"] == "effective"
            event(f"reached {after['state']}")  # --hypothesis-show-statistics: how far the sequences get
            if step == "effectiveness":
                assert after["state"] == ("reopened" if result == "ineffective" else "effective")
            if step == "verify":
                this_round = [a for a in actions if a["round"] == after["data"]["round"]]
                assert any(a["status"] == "done" for a in this_round)
                assert not any(a["status"] == "open" for a in actions)
            before = after
        clock.advance(days=1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fates=st.lists(st.sampled_from(("done", "cancelled", "open")), min_size=1, max_size=4),
       order=st.randoms(use_true_random=False))
def test_implementation_is_verified_only_with_an_action_done_and_none_open(org, clock, fates, order) -> None:  # type: ignore[no-untyped-def]
    """Whatever becomes of each action, in whatever order: verification needs one done (a cancelled one never counts)
    and none still open."""
    ledger = org.ledger
    with clocked(clock):
        case_id = ledger.open_case(AUDITOR, "nonconformity", values={
            "year": ledger.today().year, "department": org.khtc, "source": "direct",
            "title": "Hồ sơ đề tài xử lý quá hạn", "description": "3/20 hồ sơ xử lý quá hạn."})
        ledger.take_step(KHTC_LEADER, case_id, "analyse", values=values_for("analyse", STAFF, "", ""))
        ledger.take_step(KHTC_LEADER, case_id, "plan", values=values_for("plan", STAFF, "", ""))
        for _ in fates:
            ledger.take_step(KHTC_LEADER, case_id, "actions", values=values_for("actions", STAFF, "", ""))
        moves = [(f"A{n + 1}", fate) for n, fate in enumerate(fates) if fate != "open"]
        order.shuffle(moves)
        for action_id, fate in moves:
            if fate == "done":
                ledger.take_step(STAFF, case_id, "complete_action", values={"action_id": action_id})
            else:
                ledger.take_step(KHTC_LEADER, case_id, "cancel_action", values={"action_id": action_id},
                                 reason="Không còn cần thiết sau khi đổi quy trình.")
        try:
            ledger.take_step(SECRETARY, case_id, "verify", values={"note": "Đã kiểm tra."})
            verified = True
        except LedgerError as refused:
            verified = False
            assert refused.code == ("actions_open" if "open" in fates else "no_action_done")
        clock.advance(days=1)
    assert verified == ("done" in fates and "open" not in fates)
    assert ledger.case(case_id)["derived"]["done_actions"] == fates.count("done")
