"""The demo's quality planning: the 2025 and 2026 policies published, the 2026 objectives of two departments
registered (one after a proposed change, one late) and measured Q1–Q3 with evidence; verify stays green."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from isoledger.demo import AGENCY_ID, actor
from isoledger.demo_objectives import OBJECTIVES, load_objectives
from ledger.files import FileKind, FileRef, file_scope
from ledger.references import references
from tests.cli.test_demo import demo  # noqa: F401 - the demo loaded once, as `make run` does

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_demo_year_has_its_policies_and_objectives_per_department_with_measurements(demo) -> None:  # noqa: F811
    services, _, _ = demo
    uc = services_uc(demo)
    secretary = actor("thuky")
    policies = {p["year"]: p["id"] for p in uc.qms.listed(secretary, AGENCY_ID, "policies")}
    assert {2025, 2026} <= set(policies)
    objectives = uc.qms.listed(secretary, AGENCY_ID, "objectives", year=2026)
    assert {o["data"]["policy"] for o in objectives} == {policies[2026]}
    assert sorted(o["data"]["code"] for o in objectives) == [o.code for o in OBJECTIVES]
    assert {o["state"] for o in objectives} == {"registered"}
    by_code = {o["data"]["code"]: o for o in objectives}
    assert len({o["department_id"] for o in objectives}) == 2
    assert by_code["MT-03"]["data"]["revision"] == 2 and by_code["MT-03"]["data"]["target"] == 5
    assert by_code["MT-06"]["data"]["registered_at"] > "2026-02-28"
    statuses = {o["derived"]["status"] for o in objectives}
    assert {"on_track", "at_risk"} <= statuses
    for o in objectives:
        assert [m["period"] for m in o["data"]["measurements"]][:1] in (["Q1"], ["H1"])
        for m in o["data"]["measurements"]:
            ref = m["evidence"]
            assert services.archive.verify(FileRef.from_dict(ref), file_scope(FileKind.CASE, o["id"])).ok
    plan = uc.planning.year(secretary, AGENCY_ID, 2026)
    assert [r["data"]["code"] for r in plan["objectives"] if any(d["late"] for d in r["deadlines"])] == ["MT-06"]


def test_the_demo_planning_happens_in_office_hours_and_loads_once(demo) -> None:  # noqa: F811
    services, _, _ = demo
    uc = services_uc(demo)
    for o in uc.qms.listed(actor("giamdoc"), AGENCY_ID, "objectives", year=2026):
        stamps = [datetime.fromisoformat(e["timestamp"]) for e in services.ledger.history(o["id"])]
        assert stamps == sorted(stamps) and stamps[0].astimezone(VN).date().isoformat() == "2026-01-19"
        for moment in stamps:
            local = moment.astimezone(VN)
            assert local.weekday() < 5 and (time(7, 30) <= local.time() < time(11, 30)
                                            or time(13, 30) <= local.time() < time(17)), local
        assert stamps[-1] < datetime.now(UTC)
    before = services.ledger.recorder.max_notification_id()
    assert load_objectives(services, demo[2].app.state.ctx.directory) == {"loaded": False}
    assert services.ledger.recorder.max_notification_id() == before


def test_verify_passes_on_the_demo_with_its_evidence_files(demo) -> None:  # noqa: F811
    services, _, _ = demo
    evidence = [r for r in references(services.ledger) if r.kind is FileKind.CASE]
    assert len(evidence) == sum(len(o.measured) for o in OBJECTIVES)
    report = services_uc(demo).verification.run(agencies=[AGENCY_ID])
    assert report.intact and report.files_checked and report.files >= len(evidence), report.first_break


def services_uc(demo):  # type: ignore[no-untyped-def]  # noqa: F811
    return demo[2].app.state.ctx.uc
