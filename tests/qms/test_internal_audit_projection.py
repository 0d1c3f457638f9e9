"""The read model of internal audits: kept step by step it equals a rebuild from zero, and holds the same
programme lines, checklist lines, findings and NC links as the aggregates replayed from the log."""

from __future__ import annotations

import json

from ledger.clock import clocked
from tests.qms.org import AUDITOR, KHTC_LEADER, QLKH_LEADER, SECRETARY
from tests.qms.test_internal_audit import plan_values, programme, signed_by


def test_a_rebuild_of_the_audit_cases_equals_the_incrementally_kept_ones(org, clock, projector) -> None:
    ledger = org.ledger
    with clocked(clock):
        prog = programme(org)
        projector.catch_up()
        audit = ledger.open_case(SECRETARY, "internal_audit", values=plan_values(org, prog))
        projector.catch_up()
        steps = [
            (SECRETARY, "schedule", {"notice": "Đoàn làm việc 10–11/3."}),
            (AUDITOR, "add_line", {"clause": "7.5", "question": "Hồ sơ có được lưu?"}),
            (AUDITOR, "add_line", {"clause": "8.5", "question": "Tạm ứng có được nhắc?"}),
            (QLKH_LEADER, "start", {}),
            (AUDITOR, "record_line", {"line_id": "L1", "evidence": "20 hồ sơ", "result": "conforming"}),
            (AUDITOR, "record_line", {"line_id": "L2", "evidence": "Sổ tạm ứng", "result": "minor_nc"}),
            (AUDITOR, "raise_finding", {"line_id": "L2", "description": "Không nhắc hạn hoàn ứng."}),
            (QLKH_LEADER, "finish", {}),
            (AUDITOR, "write_report", {"summary": "1 không phù hợp nhẹ.", "conclusion": "Khắc phục."}),
        ]
        for who, step, values in steps:
            clock.advance(days=8 if step == "start" else 0, hours=1)
            ledger.take_step(who, audit, step, values=values)
            projector.catch_up()
        ledger.take_step(QLKH_LEADER, audit, "issue", values={"document": signed_by(ledger, QLKH_LEADER)})
        ledger.take_step(KHTC_LEADER, audit, "acknowledge", values={"comment": "Thống nhất."})
        nc = ledger.open_case(AUDITOR, "nonconformity", values={
            "year": 2026, "department": org.khtc, "source": "audit_finding", "ref": audit, "title": "F1",
            "description": "Không nhắc hạn hoàn ứng."})
        ledger.take_step(KHTC_LEADER, audit, "link_nc", values={"finding_id": "F1", "nonconformity": nc})
        projector.catch_up()
    kept = projector.dump()
    projector.rebuild()
    assert projector.dump() == kept
    with projector.db.transaction(write=False) as cur:
        cur.execute("SELECT id, state, data, department_id, year FROM cases "
                    "WHERE process IN ('internal_audit', 'internal_audit_programme')")
        rows = {r[0]: (r[1], json.loads(r[2]), r[3], r[4]) for r in cur.fetchall()}
    assert rows[prog] == (ledger.case(prog)["state"], ledger.case(prog)["data"], None, 2026)
    case = ledger.case(audit)
    assert rows[audit] == (case["state"], case["data"], org.khtc, 2026)
    assert rows[audit][0] == "issued" and rows[audit][1]["findings"][0]["nonconformity"] == nc
