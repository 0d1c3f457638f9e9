"""The demo dataset: PDFs whose Vietnamese text survives, and a two-year history whose dates agree everywhere."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from api.server import build
from isoledger.bootstrap import Services
from isoledger.cli import app
from isoledger.settings import Settings
from ledger.files import FileRef, evidence_scope
from tests.conftest import BACKEND
from tests.environment import require

with warnings.catch_warnings():  # starlette prefers httpx2 for its TestClient; httpx works the same here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Services, dict[str, Any], TestClient]]:
    """The demo loaded once into an empty ledger (the same for every test of this module)."""
    home = tmp_path_factory.mktemp("demo")
    if BACKEND == "postgres":
        module = request.module.__name__.rsplit(".", 1)[-1]  # another module reuses this fixture: its own database
        url = request.getfixturevalue("pg_server").create_database(f"demo{os.getpid()}_{module}")
    else:
        url = f"sqlite:///{home / 'ledger.sqlite3'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ISOLEDGER_HOME", str(home / "home"))
        mp.setenv("ISOLEDGER_DATABASE_URL", url)
        mp.delenv("ISOLEDGER_STORAGE_URL", raising=False)
        printed = io.StringIO()
        app = build(Settings.from_env(), demo=True, out=printed)  # what `make run` does on a first start
        app.state.printed = printed.getvalue()
        services = app.state.services
        try:
            yield services, _register(services), TestClient(app)
        finally:
            services.close()


def _register(services: Services) -> dict[str, dict[str, str]]:
    """The codes and ids of the Sở's documents and records, as its register lists them (the province's other
    agencies in the demo have registers of their own)."""
    out: dict[str, dict[str, str]] = {}
    with services.db.transaction(write=False) as cur:
        for table in ("documents", "records"):
            cur.execute(f"SELECT code, id FROM {table} WHERE agency_id=? ORDER BY code", ("so-khcn-tra-vinh",))
            out[table] = {code: str(id_) for code, id_ in cur.fetchall()}
    return out


def _text(pdf: bytes, tmp_path: Any, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def _demo_pdfs(services: Services, result: dict[str, Any]) -> Iterator[tuple[str, str, bytes]]:
    """(where, the title a reader looks for, bytes) for every PDF of the demo that still exists."""
    ledger, archive = services.ledger, services.archive
    for code, doc in result["documents"].items():
        state = ledger.document(doc)
        for v in state["versions"]:
            yield f"{code} v{v['n']}", state["title"], archive.read_bytes(FileRef.from_dict(v["file"]), doc)
    for code, rec in result["records"].items():
        state = ledger.record(rec)
        if state.get("destruction") and state["destruction"].get("minutes_file"):
            ref = FileRef.from_dict(state["destruction"]["minutes_file"])
            yield f"{code} minutes", ref.filename.removesuffix(".pdf"), archive.read_bytes(ref, evidence_scope(rec))
            continue
        for f in state["files"]:
            yield code, f["description"], archive.read_bytes(FileRef.from_dict(f["file"]), rec)


def test_every_demo_pdf_extracts_its_vietnamese_title_with_every_diacritic(demo, tmp_path) -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    services, result, _ = demo
    seen = 0
    for where, title, pdf in _demo_pdfs(services, result):
        text = _text(pdf, tmp_path, f"f{seen}")
        assert _flat(title) in _flat(text), f"{where}: «{title}» not in the extracted text:\n{text[:600]}"
        assert "?" not in text and "\ufffd" not in text, f"{where}: a letter was replaced:\n{text[:600]}"
        assert all(part in text for part in MOTTO), f"{where}: the national motto is missing:\n{text[:300]}"
        seen += 1
    assert seen >= 25  # every document version, every record's papers and the destruction minutes


def _events(services: Services, result: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    ids = {**result["documents"], **result["records"]}
    return {code: services.ledger.history(aggregate) for code, aggregate in ids.items()}


def test_the_demo_history_spans_two_years_in_office_hours_and_each_chain_goes_forward(demo) -> None:
    services, result, _ = demo
    everything = []
    for code, events in _events(services, result).items():
        stamps = [datetime.fromisoformat(e["timestamp"]) for e in events]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), f"{code} goes back in time"
        everything += stamps
    first, last = min(everything), max(everything)
    assert first.astimezone(VN).date() < date(2025, 1, 1) and (last - first).days > 700
    assert last < datetime.now(UTC) and last.astimezone(VN).date() < date(2026, 12, 1)
    for moment in everything:
        local = moment.astimezone(VN)
        assert local.weekday() < 5, f"{local} is a weekend"
        assert time(7, 30) <= local.time() < time(11, 30) or time(13, 30) <= local.time() < time(17), local


def test_the_public_page_serves_each_document_in_force_with_its_vietnamese_title(demo, tmp_path) -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    services, result, client = demo
    page = client.get("/cong-khai/so-khcn-tra-vinh")
    assert page.status_code == 200
    shown = 0
    for code, doc in result["documents"].items():
        state = services.ledger.document(doc)
        link = f"/api/v1/public/documents/{doc}/file"
        assert (link in page.text) == (state["in_force"] is not None), code
        if state["in_force"] is None:
            continue
        r = client.get(link)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf"), code
        text = _text(r.content, tmp_path, code)
        assert _flat(state["title"]) in _flat(text) and "?" not in text, f"{code}:\n{text[:400]}"
        shown += 1
    assert shown == 13  # 9, and the decisions and declarations of conformity of 2025 and 2026


def _in_force_on(state: dict[str, Any], day: date) -> int | None:
    """What the register says: the last issued version whose effective date has come."""
    issued = [v["n"] for v in state["versions"]
              if v.get("effective_from") and date.fromisoformat(v["effective_from"]) <= day]
    return max(issued, default=None)


def test_the_state_as_of_1_june_2025_shows_what_the_register_says_was_in_force(demo) -> None:
    services, result, _ = demo
    day = date(2025, 6, 1)
    as_of = datetime.combine(day, time(23, 59), VN)
    in_force = {}
    for code, doc in result["documents"].items():
        expected = _in_force_on(services.ledger.document(doc), day)
        then = services.ledger.state_at(doc, as_of=as_of)
        assert (then or {}).get("in_force") == expected, f"{code} on {day}: {then and then.get('in_force')}"
        if expected:
            in_force[code] = expected
    assert in_force == {"QT-01": 1, "QT-02": 1, "CSCL": 1, "BM-01": 1, "PTBC": 1, "MTCL-2025": 1}
    # the auditor's own tool says the same (the fixture's environment points it at the demo)
    out = CliRunner().invoke(app, ["history", result["documents"]["QT-01"], "--as-of", "2025-06-01T12:00:00+07:00",
                                   "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["state"]["in_force"] == 1


def test_loans_retention_destruction_and_signatures_agree_with_the_demo_dates(demo) -> None:
    services, result, _ = demo
    ledger, today = services.ledger, services.ledger.today()
    records = {code: ledger.record(rec) for code, rec in result["records"].items()}
    on_loan = {code: r["loan"] for code, r in records.items() if r.get("loan")}
    assert list(on_loan) == ["HS-DGNB-2026"] and date.fromisoformat(on_loan["HS-DGNB-2026"]["due_on"]) < today
    returned = [e for e in ledger.history(result["records"]["HS-XXLD-2025"]) if e["type"] == "Returned"]
    assert [e["data"]["returned_on"] for e in returned] == ["2026-10-01"]
    ended = {code for code, r in records.items()
             if r["retention_ends_on"] and date.fromisoformat(r["retention_ends_on"]) <= today}
    assert {"HS-TTHC-2019", "HS-DGNB-2019"} <= ended and "HS-XXLD-2025" not in ended
    destroyed = [e for e in ledger.history(result["records"]["HS-DGNB-2019"]) if e["type"] == "Destroyed"]
    assert datetime.fromisoformat(destroyed[0]["timestamp"]).astimezone(VN).date() > \
        date.fromisoformat(records["HS-DGNB-2019"]["retention_ends_on"])
    for code, doc in result["documents"].items():
        for e in ledger.history(doc):
            if e["type"] == "Signed":  # the signature claims the moment the leader signed, in the demo's past
                claimed = datetime.fromisoformat(e["data"]["signing_time"])
                assert abs((claimed - datetime.fromisoformat(e["timestamp"])).total_seconds()) < 600, code


def test_verify_passes_on_the_demo(demo) -> None:
    services, result, _ = demo
    events = sum(len(e) for e in _events(services, result).values())
    out = CliRunner().invoke(app, ["verify"])  # the fixture's environment points the CLI at the demo
    assert out.exit_code == 0, out.output
    checked = re.search(r"chains intact: (\d+) sự kiện", out.output)
    assert checked and int(checked.group(1)) >= events and "BAD" not in out.output  # + the accounts' own events


def test_every_demo_account_sits_in_a_department_or_the_leadership_and_serve_prints_it(demo) -> None:
    from isoledger.demo import AGENCY_ID, DEMO_PEOPLE
    from ledger.directory import Directory

    services, _, client = demo
    directory = Directory(services.ledger)
    with services.db.transaction(write=False) as cur:
        cur.execute("SELECT id, agency_id, name, leader FROM departments WHERE closed=0 ORDER BY code")
        departments = {row[0]: row[1:] for row in cur.fetchall()}
    names = {name for agency, name, _ in departments.values() if agency == AGENCY_ID}
    assert {"Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý khoa học",
            "Phòng Quản lý công nghệ và chuyên ngành", "Thanh tra Sở"} <= names
    for dep, (agency, name, leader) in departments.items():
        if agency == AGENCY_ID:
            assert leader and directory.account(leader)["department"] == dep, name  # led by one of its own
    for username, (full_name, roles, agency) in DEMO_PEOPLE.items():
        acc = directory.account(username)
        assert acc["department"] == "leadership" or departments[acc["department"]][0] == agency, username
        line = next(x for x in client.app.state.printed.splitlines() if x.strip().startswith(username + " "))
        assert full_name in line and ", ".join(roles) in line
    assert any("agency_admin" in roles and agency == AGENCY_ID for _, roles, agency in DEMO_PEOPLE.values())


def test_the_demo_names_people_by_account_and_outsiders_as_such(demo) -> None:
    services, result, _ = demo
    ledger = services.ledger
    old = ledger.record(result["records"]["HS-DGNB-2019"])
    assert old["destruction"]["decided_by"] == "giamdoc" and old["destruction"]["witnesses"] == ["thuky", "danhgia"]
    assert {"external": {"name": "Lê Văn Tâm", "organisation": "Chi cục Văn thư - Lưu trữ tỉnh Trà Vinh"}} in \
        old["destruction"]["council"]
    lent = [e["data"] for code in ("HS-XXLD-2025", "HS-DGNB-2026")
            for e in ledger.history(result["records"][code]) if e["type"] == "Borrowed"]
    assert [x["borrower"] for x in lent] == ["danhgia", "truongphong"]
    qt01 = ledger.document(result["documents"]["QT-01"])
    assert qt01["versions"][0]["distribution"][0] == "leadership" and len(qt01["versions"][0]["distribution"]) == 6


def test_the_demo_has_a_risk_register_per_department_and_a_closed_and_an_open_nonconformity(demo) -> None:
    services, _, _ = demo
    with services.db.transaction(write=False) as cur:
        cur.execute("SELECT c.process, d.code, c.state, c.data FROM cases c JOIN departments d ON d.id=c.department_id "
                    "WHERE c.process IN ('risk', 'nonconformity') ORDER BY c.process, d.code, c.title")
        cases = [(p, code, state, json.loads(data)) for p, code, state, data in cur.fetchall()]
    risks = [c for c in cases if c[0] == "risk"]
    assert {code for _, code, _, _ in risks} == {"VP", "KHTC", "QLKH", "QLCN"}
    assessed = [data["assessments"] for _, _, _, data in risks if data.get("assessments")]
    assert len(assessed) >= 5 and all(a["matrix"] in ("R1", "O1") for each in assessed for a in each)
    assert {state for _, _, state, _ in risks} >= {"identified", "assessed", "treated", "monitored"}
    ncs = {data["year"]: (state, data) for p, _, state, data in cases  # the audits' (others: inspection, complaint)
           if p == "nonconformity" and data["source"] not in ("inspection", "complaint")}
    assert ncs[2025][0] == "closed" and ncs[2025][1]["checks"][-1]["result"] == "effective"
    assert ncs[2026][0] == "planned" and [a["status"] for a in ncs[2026][1]["actions"]] == ["done", "open"]
    for _, _, _, data in cases:
        assert unicodedata.is_normalized("NFC", data["title"]) and data["title"].strip()


def test_the_demo_has_an_inspection_scored_in_2025_one_scheduled_and_a_re_declaration_of_conformity(demo) -> None:
    services, _, client = demo
    with services.db.transaction(write=False) as cur:
        cur.execute("SELECT id, agency_id, year, state, data FROM cases WHERE process IN ('inspection', "
                    "'nonconformity', 'conformity_declaration') ORDER BY process, year, id")
        rows = [(i, a, y, st, json.loads(d)) for i, a, y, st, d in cur.fetchall()]
    inspections = {y: (i, a, st, d) for i, a, y, st, d in rows if "inspected_agency" in d}
    case, agency, state, data = inspections[2025]
    assert agency == "chi-cuc-tdc-tra-vinh" and state == "closed" and data["inspected_agency"] == "so-khcn-tra-vinh"
    assert sum(data["scores"].values()) == 85 and len(data["findings"]) == 1
    assert inspections[2026][2] == "scheduled" and inspections[2026][3]["planned_on"] == "2026-12-15"
    [nc] = [d for _, a, _, _, d in rows if d.get("source") == "inspection"]
    assert nc["ref"] == case
    declarations = {y: st for _, _, y, st, d in rows if "scope" in d and "inspected_agency" not in d}
    assert declarations == {2025: "superseded", 2026: "published"}
    page = client.get("/cong-khai/so-khcn-tra-vinh").text
    assert "Công bố sử dụng dấu định lượng trên nhãn hàng đóng gói sẵn" in page and "data-conformity" in page


def test_the_demo_has_the_2026_context_complete_and_waiting_on_the_leader(demo) -> None:
    services, _, _ = demo
    with services.db.transaction(write=False) as cur:
        cur.execute("SELECT id, state, data FROM cases WHERE process='context' AND year=2026")
        [(case_id, state, data)] = cur.fetchall()
    issues = json.loads(data)["issues"]
    assert state == "submitted" and {i["quadrant"] for i in issues} == {"strength", "weakness", "opportunity",
                                                                        "threat"}
    assert len(json.loads(data)["parties"]) == 3
    assert all(unicodedata.is_normalized("NFC", i["description"]) for i in issues)


def test_the_demo_province_dashboard_shows_done_due_and_late_and_one_agency_clearly_late(demo) -> None:
    from ledger.actors import Actor

    services, _, client = demo
    board = client.app.state.ctx.uc.province.dashboard(Actor("kiemtra", "chi-cuc-tdc-tra-vinh",
                                                             frozenset({"inspector"})), 2026)
    statuses = {a["agency_id"]: {s["key"]: s["status"] for s in a["steps"]} for a in board["agencies"]}
    assert {"so-tu-phap-tra-vinh", "ubnd-huyen-cang-long", "ubnd-huyen-cau-ke", "ubnd-xa-phuong-thanh",
            "so-khcn-tra-vinh"} == set(statuses)
    seen = {s for steps in statuses.values() for s in steps.values()}
    assert {"done", "due", "late"} <= seen
    assert statuses["so-tu-phap-tra-vinh"]["review"] == "done" and statuses["ubnd-huyen-cau-ke"]["review"] == "due"
    late = {a["agency_id"]: a["late"] for a in board["agencies"]}
    assert late["ubnd-huyen-cau-ke"] > late["so-tu-phap-tra-vinh"]


def test_the_demo_has_a_published_complaint_one_that_raised_a_nonconformity_and_one_waiting_on_the_secretary(
        demo) -> None:
    services, _, _ = demo
    with services.db.transaction(write=False) as cur:
        cur.execute("SELECT id, state, data, opened_by FROM cases WHERE process='complaint' ORDER BY opened_at")
        complaints = [(i, state, json.loads(data), by) for i, state, data, by in cur.fetchall()]
        cur.execute("SELECT data FROM cases WHERE process='nonconformity'")
        refs = [json.loads(d).get("ref") for (d,) in cur.fetchall()]
        cur.execute("SELECT role, step FROM case_waiting WHERE case_id=?", (complaints[-1][0],))
        waiting = set(cur.fetchall())
    assert [(state, by) for _, state, _, by in complaints] == [("closed", "cong-khai"), ("closed", "chuyenvien"),
                                                                ("received", "cong-khai")]
    assert complaints[0][2]["published"] is True and complaints[0][2]["answer"]
    assert complaints[1][0] in refs  # the nonconformity raised from the phoned-in feedback points at it
    assert ("iso_secretary", "assign") in waiting



def test_the_demo_measurement_reports_write_percentages_with_a_decimal_comma(demo, tmp_path) -> None:
    """Each quality objective's measurement evidence (a department's report) writes «96,2 %», never "96.2%"."""
    from ledger.files import FileKind, file_scope

    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    services, _, _ = demo
    with services.db.transaction(write=False) as cur:
        cur.execute("SELECT id, data FROM cases WHERE process='quality_objective' AND agency_id=?",
                    ("so-khcn-tra-vinh",))
        rows = cur.fetchall()
    lines = []
    for case_id, data in rows:
        for m in (json.loads(data) if isinstance(data, str) else data).get("measurements", []):
            if m.get("evidence"):
                pdf = services.archive.read_bytes(FileRef.from_dict(m["evidence"]), file_scope(FileKind.CASE, case_id))
                text = " ".join(_text(pdf, tmp_path, f"m{len(lines)}").split())
                lines.append(text[text.index("Kỳ "):text.index(".", text.index("chỉ tiêu năm"))])
    assert lines and "Kỳ Q1: đạt 96,2 %, chỉ tiêu năm 98 %" in lines, lines[:4]
    assert all(re.fullmatch(r"Kỳ \w+: đạt \d+(,\d)? %, chỉ tiêu năm \d+(,\d)? %", line) for line in lines), lines
