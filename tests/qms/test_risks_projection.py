"""The read model of risks and nonconformities: kept step by step it equals a rebuild from zero, and it holds the
same data (assessments with their matrix, actions, checks) as the aggregates replayed from the log."""

from __future__ import annotations

import json

from ledger.clock import clocked
from tests.qms.org import AUDITOR, KHTC_LEADER, QLKH_LEADER, SECRETARY, STAFF


def test_a_rebuild_of_the_case_views_equals_the_incrementally_kept_ones(org, clock, projector) -> None:
    ledger = org.ledger
    with clocked(clock):
        risk = ledger.open_case(KHTC_LEADER, "risk", values={
            "year": 2026, "department": org.khtc, "kind": "risk", "title": "Giải ngân đề tài chậm",
            "description": "Chứng từ nộp trễ.", "processes": "Quản lý tài chính đề tài"})
        opportunity = ledger.open_case(QLKH_LEADER, "risk", values={
            "year": 2026, "department": org.qlkh, "kind": "opportunity", "title": "Kết nối dữ liệu đề tài quốc gia",
            "description": "Giảm trùng lặp đề tài.", "processes": "Quản lý đề tài"})
        nc = ledger.open_case(AUDITOR, "nonconformity", values={
            "year": 2026, "department": org.khtc, "source": "audit_finding", "ref": risk,
            "title": "Hồ sơ đề tài xử lý quá hạn", "description": "3/20 hồ sơ xử lý quá hạn."})
        steps = [
            (KHTC_LEADER, risk, "assess", {"likelihood": 4, "impact": 4}),
            (QLKH_LEADER, opportunity, "assess", {"benefit": 4, "effort": 2}),
            (KHTC_LEADER, risk, "treat", {"treatment": "mitigate", "plan": "Nhắc hằng tháng.",
                                          "reassess_on": "2026-06-30"}),
            (KHTC_LEADER, risk, "actions", {"action": "Gửi công văn nhắc", "owner": STAFF.user_id,
                                            "due": "2026-03-20"}),
            (STAFF, risk, "complete_action", {"action_id": "A1"}),
            (KHTC_LEADER, risk, "residual", {"likelihood": 2, "impact": 3, "reassess_on": "2026-09-30"}),
            (KHTC_LEADER, nc, "analyse", {"method": "five_whys", "causes": "Không có người theo dõi hạn"}),
            (KHTC_LEADER, nc, "plan", {"plan": "Phân công.", "criteria": "Ba tháng không quá hạn.",
                                       "check_on": "2026-06-30"}),
            (KHTC_LEADER, nc, "actions", {"action": "Lập sổ theo dõi", "owner": STAFF.user_id, "due": "2026-04-30"}),
            (KHTC_LEADER, nc, "actions", {"action": "Mua phần mềm", "owner": STAFF.user_id, "due": "2026-04-30"}),
            (STAFF, nc, "complete_action", {"action_id": "A1"}),
            (KHTC_LEADER, nc, "cancel_action", {"action_id": "A2"}),
            (SECRETARY, nc, "verify", {"note": "Đã lập sổ."}),
            (AUDITOR, nc, "effectiveness", {"result": "ineffective", "findings": "Còn quá hạn."}),
        ]
        for who, case_id, step, values in steps:
            clock.advance(days=1)
            ledger.take_step(who, case_id, step, values=values, reason="Theo giao ban.")
            projector.catch_up()
    kept = projector.dump()
    projector.rebuild()
    assert projector.dump() == kept
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT id, state, data, department_id, year FROM cases WHERE process IN ('risk', 'nonconformity')")
        rows = {r[0]: (r[1], json.loads(r[2]), r[3], r[4]) for r in cur.fetchall()}
    for case_id in (risk, opportunity, nc):
        case = ledger.case(case_id)
        assert rows[case_id] == (case["state"], case["data"], case["data"]["department"], 2026)
    assert rows[nc][0] == "reopened" and rows[risk][0] == "monitored"
