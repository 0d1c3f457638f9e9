"""The closing rule of an internal audit holds for any checklist (hypothesis): whatever the lines' results, the
findings raised from them and the nonconformities linked, the audit closes exactly when every major or minor NC
finding has its NC — an audit with an NC finding lacking its NC never closes, and the refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.clock import clocked
from ledger.errors import NotFound, RuleViolation
from ledger.qms.case import case_uuid
from ledger.qms.processes.audits import NC_KINDS, RESULTS
from ledger.qms.registry import process_named
from tests.factories import AGENCY
from tests.qms.org import AUDITOR, KHTC_LEADER, QLKH_LEADER, SECRETARY
from tests.qms.test_internal_audit import in_progress, signed_by

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LINE = st.tuples(st.sampled_from(sorted(RESULTS)), st.booleans(), st.booleans())  # result, a finding?, its NC?


def _exists(ledger, case_id: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        ledger.case(case_id)
    except NotFound:
        return False
    return True


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, min_size=1, max_size=5))
def test_an_audit_closes_exactly_when_every_nc_finding_has_its_nc(org, clock, lines) -> None:  # type: ignore[no-untyped-def]
    ledger = org.ledger
    clock.now = START  # each example plans its audit on 02/03/2026, under the one programme of 2026
    with clocked(clock):
        prog = str(case_uuid(AGENCY, process_named("internal_audit_programme"), {"year": 2026}))
        case_id = in_progress(org, clock, prog if _exists(ledger, prog) else None)  # lines L1–L3
        for n in range(4, len(lines) + 1):
            ledger.take_step(AUDITOR, case_id, "add_line", values={"clause": f"8.{n}", "question": "Có hồ sơ?"})
        lacking = []
        for n, (result, _, _) in enumerate(lines, start=1):
            ledger.take_step(AUDITOR, case_id, "record_line", values={
                "line_id": f"L{n}", "evidence": "Hồ sơ năm 2026", "result": result})
        for n in range(len(lines) + 1, 4):  # the lines of the fixture beyond the drawn ones: conforming
            ledger.take_step(AUDITOR, case_id, "record_line", values={
                "line_id": f"L{n}", "evidence": "Hồ sơ năm 2026", "result": "conforming"})
        findings = 0
        for n, (result, raise_it, linked) in enumerate(lines, start=1):
            if not raise_it or result == "conforming":
                continue
            ledger.take_step(AUDITOR, case_id, "raise_finding", values={"line_id": f"L{n}", "description": "Thiếu"})
            findings += 1
            if result in NC_KINDS and linked:
                nc = ledger.open_case(AUDITOR, "nonconformity", values={
                    "year": 2026, "department": org.khtc, "source": "audit_finding", "ref": case_id,
                    "title": f"F{findings}", "description": "Từ đánh giá nội bộ"})
                ledger.take_step(KHTC_LEADER, case_id, "link_nc", values={"finding_id": f"F{findings}",
                                                                          "nonconformity": nc})
            elif result in NC_KINDS:
                lacking.append(f"F{findings}")
        ledger.take_step(QLKH_LEADER, case_id, "finish", values={})
        ledger.take_step(AUDITOR, case_id, "write_report", values={"summary": "Tóm tắt", "conclusion": "Kết luận"})
        ledger.take_step(QLKH_LEADER, case_id, "issue", values={"document": signed_by(ledger, QLKH_LEADER)})
        ledger.take_step(KHTC_LEADER, case_id, "acknowledge", values={})
        before = ledger.case(case_id)
        assert before["derived"]["ncs_missing"] == lacking
        try:
            ledger.take_step(SECRETARY, case_id, "close", values={})
        except RuleViolation as refused:
            assert lacking and refused.code == "findings_without_nc"
            assert all(f in refused.message_vi for f in lacking)
            after = ledger.case(case_id)
            assert (after["version"], after["state"], after["data"]) == (
                before["version"], before["state"], before["data"])
        else:
            assert not lacking and ledger.case(case_id)["state"] == "closed"
