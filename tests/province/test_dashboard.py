"""The province dashboard: every agency the caller oversees × every step; an inspector sees only the agencies their
agency supervises, the administrator all; filters by level and supervisor; its counts equal a count made by
replaying the log independently of the projections."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.clock import clocked
from tests.factories import AGENCY, OTHER_AGENCY
from tests.province.conftest import COMMUNE, DISTRICT, NOIVU, TDC
from tests.province.helpers import approved_context, nonconformity

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EVERYONE = {AGENCY, OTHER_AGENCY, DISTRICT, COMMUNE, TDC, NOIVU, "quan-tri-tinh"}  # and the administrator's


def board(province: Any, user: str = "admin", **params: Any) -> dict[str, Any]:
    return province.get("/api/v1/province/dashboard", user, year=2026, **params)  # type: ignore[no-any-return]


def ids(found: dict[str, Any]) -> set[str]:
    return {a["agency_id"] for a in found["agencies"]}


def test_an_inspector_sees_only_the_agencies_their_agency_supervises(province) -> None:
    assert ids(board(province, "kiemtra")) == {AGENCY, DISTRICT, COMMUNE}
    assert ids(board(province, "kiemtra-nv")) == {OTHER_AGENCY}
    assert ids(board(province, "admin")) == EVERYONE
    r = province.api.call("GET", "/api/v1/province/dashboard", "thu.ky", params={"year": 2026})
    assert r.status_code == 403


def test_the_dashboard_filters_by_level_and_by_supervisor(province) -> None:
    assert ids(board(province, "kiemtra", level="district")) == {DISTRICT}
    assert ids(board(province, "kiemtra", level="commune")) == {COMMUNE}
    assert ids(board(province, "admin", supervisor=NOIVU)) == {OTHER_AGENCY}
    assert ids(board(province, "kiemtra", supervisor=NOIVU)) == set()  # never more than they oversee
    r = province.api.call("GET", "/api/v1/province/dashboard", "admin", params={"year": 2026, "level": "tinh"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "level"


def test_each_agency_shows_its_level(province) -> None:
    levels = {a["agency_id"]: (a["level"], a["level_label"][0]) for a in board(province)["agencies"]}
    assert levels[DISTRICT] == ("district", "Cấp huyện") and levels[COMMUNE] == ("commune", "Cấp xã")
    assert levels[AGENCY] == ("province", "Sở, ban, ngành tỉnh")  # created without a level


# ---- an independent count from the log ------------------------------------------------------------------------
def _day(ts: Any) -> date:
    return ts.astimezone(VN).date()


def replayed(ledger: Any, year: int, today: date) -> dict[str, dict[str, int]]:
    """Done and late per step of the default plan, from the raw events (no projection read): the cases' states
    reached, the documents issued and reviewed."""
    agencies: set[str] = set()
    cases: dict[str, dict[str, Any]] = {}
    documents: dict[str, dict[str, Any]] = defaultdict(lambda: {"issued": [], "reviewed": [], "drafted": []})
    for n in ledger.recorder.select_notifications(None, 100000):
        e = ledger.mapper.to_domain_event(n)
        kind = type(e).__qualname__.split(".")[0]
        name = type(e).__qualname__.split(".")[-1]
        if kind == "Agency" and name == "AgencyCreated":
            agencies.add(e.agency_id)
        elif kind == "Case" and name == "CaseOpened":
            y = e.values.get("year")
            cases[str(e.originator_id)] = {"agency": e.agency_id, "process": e.process, "year": y,
                                           "states": {e.state}}
        elif kind == "Case":
            cases[str(e.originator_id)]["states"].add(e.to_state)
        elif kind == "Document" and name == "Registered":
            documents[str(e.originator_id)]["agency"] = e.agency_id
        elif kind == "Document" and name in ("Issued", "ReviewedNoChange", "DraftCreated"):
            d = documents[str(e.originator_id)]
            if name == "Issued":
                d["issued"].append(_day(e.timestamp))
            if name in ("Issued", "ReviewedNoChange"):
                d["reviewed"].append(_day(e.timestamp))
            if name == "DraftCreated":
                d["drafted"].append(_day(e.timestamp))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"done": 0, "late": 0, "due": 0})
    deadlines = {"context": date(year, 2, 28), "corrective_action": date(year, 10, 31), "review": date(year, 8, 31)}
    for agency in agencies:
        mine = [c for c in cases.values() if c["agency"] == agency and c["year"] == year]
        context = any(c["process"] == "context" and c["states"] & {"approved", "published", "superseded"}
                      for c in mine)
        ncs = [c for c in mine if c["process"] == "nonconformity" and "cancelled" not in c["states"]]
        corrective = all("closed" in c["states"] for c in ncs) and (bool(ncs) or today > deadlines["corrective_action"])
        docs = [d for d in documents.values() if d.get("agency") == agency and d["issued"]]
        review = bool(docs) and all(any(x.year == year for x in d["reviewed"]) for d in docs)
        for key, done in (("context", context), ("corrective_action", corrective), ("review", review)):
            counts[key]["done" if done else "late" if today > deadlines[key] else "due"] += 1
    return counts


def test_the_dashboard_counts_equal_a_count_replayed_from_the_log(province, clock) -> None:
    ledger = province.api.ctx.ledger
    with clocked(clock):
        approved_context(ledger)  # the Sở KH&CN: context done (late), one document issued and so reviewed
        nonconformity(ledger, province.org.khtc)  # ... and a nonconformity left open
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    found = board(province)
    expected = replayed(ledger, 2026, date(2026, 11, 20))
    steps = {s["key"]: s["counts"] for s in found["steps"]}
    for key in ("context", "corrective_action", "review"):
        assert {k: steps[key][k] for k in ("done", "late", "due")} == expected[key], key
    assert steps["context"]["done"] == 1 and steps["corrective_action"]["late"] == 1
    assert sum(steps["context"].values()) == found["total"] == len(EVERYONE)
    per_agency = {a["agency_id"]: {s["key"]: s["status"] for s in a["steps"]} for a in found["agencies"]}
    assert per_agency[AGENCY]["context"] == "done" and per_agency[AGENCY]["corrective_action"] == "late"
    assert per_agency[DISTRICT]["corrective_action"] == "done"  # nothing raised, nothing open after 31/10
