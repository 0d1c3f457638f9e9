"""Checkpoints are published without sign-in; proofs from the API verify with nothing but the RFC's algorithms."""

from __future__ import annotations

import pytest

from evidence.notes import open_note, parse_verifier_key
from ledger import merkle
from tests.api.conftest import OWN


@pytest.fixture
def grown(api, world):
    """A few events of the own agency, in a signed checkpoint."""
    for code in ("QT-71", "QT-72"):
        r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                     json={"code": code, "title": "Quy trình đánh giá nội bộ", "kind": "procedure",
                           "department": "Văn phòng"})
        assert r.status_code == 201, r.text
    api.ctx.fresh()
    api.ctx.services.checkpoints.make()
    return api


def test_the_latest_checkpoint_is_public_and_signed_by_the_published_key(grown):
    r = grown.client.get("/api/v1/checkpoints/latest")
    assert r.status_code == 200, r.text
    cp = r.json()
    name, public = parse_verifier_key(grown.client.get("/api/v1/checkpoints/key").text)
    assert open_note(cp["note"], name, public).signed
    assert f"\n{cp['tree_size']}\n" in cp["note"]
    page = grown.client.get("/api/v1/checkpoints").json()
    assert page["items"][0] == cp


def test_an_event_proof_leads_to_the_checkpoint_root(grown):
    feed = grown.call("GET", "/api/v1/events", "thuky").json()["items"]
    cp = grown.client.get("/api/v1/checkpoints/latest").json()
    for event in feed:
        r = grown.call("GET", f"/api/v1/events/{event['position']}/proof", "thuky")
        assert r.status_code == 200, r.text
        proof = r.json()
        assert proof["event_hash"] == event["hash"] and proof["tree_size"] == cp["tree_size"]
        assert merkle.verify_inclusion(proof["leaf_index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]),
                                       [bytes.fromhex(p) for p in proof["proof"]], bytes.fromhex(cp["root_hash"]))


def test_a_consistency_proof_links_two_checkpoints(grown):
    first = grown.client.get("/api/v1/checkpoints/latest").json()
    r = grown.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                   json={"code": "QT-73", "title": "Quy trình", "kind": "procedure", "department": "Văn phòng"})
    assert r.status_code == 201
    grown.ctx.fresh()
    grown.ctx.services.checkpoints.make()
    second = grown.client.get("/api/v1/checkpoints/latest").json()
    c = grown.client.get("/api/v1/checkpoints/consistency",
                         params={"from": first["tree_size"], "to": second["tree_size"]}).json()
    assert merkle.verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root_hash"]),
                                     bytes.fromhex(second["root_hash"]), [bytes.fromhex(p) for p in c["proof"]])


def test_impossible_proof_requests_are_clear_4xx(grown):
    assert grown.client.get("/api/v1/checkpoints/consistency", params={"from": 5, "to": 2}).status_code == 422
    assert grown.client.get("/api/v1/checkpoints/consistency", params={"from": 1, "to": 10**9}).status_code == 404
    assert grown.call("GET", "/api/v1/events/999999/proof", "thuky").status_code == 404
    assert grown.call("GET", "/api/v1/events/abc/proof", "thuky").status_code in (404, 422)


def test_a_document_bundle_downloaded_from_the_api_passes_the_served_verifier(grown, world, tmp_path):
    import subprocess
    import sys

    doc = world[OWN]["document_id"]
    r = grown.call("GET", f"/api/v1/documents/{doc}/evidence", "danhgia")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip" and "filename*=UTF-8''" in r.headers["content-disposition"]
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(r.content)
    tool = tmp_path / "isoledger_verify.py"
    served = grown.client.get("/verifier/isoledger_verify.py")
    assert served.status_code == 200
    tool.write_bytes(served.content)
    key = grown.client.get("/api/v1/checkpoints/key").text
    run = subprocess.run([sys.executable, str(tool), str(bundle), "--key", key], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_another_agencys_bundle_is_not_found(grown, world):
    from tests.api.conftest import OTHER

    assert grown.call("GET", f"/api/v1/records/{world[OTHER]['record_id']}/evidence", "vanthu").status_code == 404


def test_the_integrity_report_holds_the_log_against_the_checkpoints(grown):
    r = grown.call("GET", "/api/v1/audit/verify", "admin", params={"files": "false"})
    assert r.status_code == 200, r.text
    body = r.json()
    made = len(grown.ctx.services.checkpoints.all())
    assert body["intact"] and made >= 1 and body["checkpoints_checked"] == made and body["tree_problems"] == []
    assert f"{made} điểm kiểm tra đã ký" in body["summary_vi"]
