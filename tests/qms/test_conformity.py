"""The declaration of conformity through its generated routes: drafted by the ISO secretary, published by the agency
leader on the decision and the declaration signed for approval, shown on the public page; a re-declaration when the
scope changes supersedes it with a reason; whether the agency has declared for a year is derived."""

from __future__ import annotations

import io
from typing import Any

from ledger.actors import Actor
from signing.testing import sample_pdf
from tests.factories import CERT, OTHER, OWN

SECRETARY, LEADER = Actor("thuky", OWN, frozenset({"iso_secretary", "staff"})), Actor("giamdoc", OWN,
                                                                                       frozenset({"agency_leader"}))
SCOPE = "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ\nThẩm định công nghệ dự án đầu tư"


def signed(api: Any, code: str, *, sign: bool = True) -> str:
    """A controlled document of the agency, approved by the leader and (``sign``) signed for approval, issued."""
    ledger = api.ctx.ledger
    doc = ledger.register_document(SECRETARY, code=code, title=f"{code}: công bố HTQLCL",
                                   kind="procedure" if sign else "form", department="Văn phòng")
    ledger.create_draft(SECRETARY, doc, file=_file(api, doc), change_summary="Lần đầu")
    ledger.submit_for_review(SECRETARY, doc, 1, reviewers=[], approver="giamdoc")
    ledger.approve(LEADER, doc, 1)
    if sign:
        ledger.record_signature(LEADER, doc, 1, meaning="approval", signed_file=_file(api, doc), certificate=CERT,
                                pades_level="B-B", signing_time=ledger.clock().isoformat(), timestamp_time=None)
    ledger.issue(SECRETARY, doc, 1, effective_from=ledger.today().isoformat(), distribution=["leadership"])
    return str(doc)


def _file(api: Any, scope: str) -> dict[str, Any]:
    return dict(api.archive.put(io.BytesIO(sample_pdf(1, "Cong bo")), "Công bố.pdf", scope).to_dict())


def call(api: Any, method: str, path: str, user: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    r = api.call(method, path, user, json=body) if method == "POST" else api.call(method, path, user)
    assert r.status_code == status, (path, r.text)
    return r.json()


def declare(api: Any, decision: str, document: str, **extra: Any) -> str:
    case = call(api, "POST", f"/api/v1/agencies/{OWN}/conformity-declarations", "thuky",
                {"year": 2026, "scope": SCOPE} | extra, 201)["id"]
    call(api, "POST", f"/api/v1/conformity-declarations/{case}/submit", "thuky",
         {"decision": decision, "document": document})
    return str(case)


def test_a_declaration_is_published_only_on_documents_the_leader_signed(api, world) -> None:
    unsigned, decision, document = signed(api, "QD-00", sign=False), signed(api, "QD-01"), signed(api, "BCB-01")
    case = declare(api, unsigned, document)
    assert call(api, "POST", f"/api/v1/conformity-declarations/{case}/publish", "thuky", {}, 403)["code"] == \
        "role_required"
    refused = call(api, "POST", f"/api/v1/conformity-declarations/{case}/publish", "giamdoc", {}, 409)
    assert refused["code"] == "signature_required" and refused["errors"][0]["field"] == "decision"
    call(api, "POST", f"/api/v1/conformity-declarations/{case}/return", "giamdoc", {}, 422)  # a reason
    call(api, "POST", f"/api/v1/conformity-declarations/{case}/return", "giamdoc", {"reason": "Sai quyết định"})
    call(api, "POST", f"/api/v1/conformity-declarations/{case}/submit", "thuky",
         {"decision": decision, "document": document})
    assert api.ctx.uc.conformity.declared(OWN, 2026)["declared"] is False
    call(api, "POST", f"/api/v1/conformity-declarations/{case}/publish", "giamdoc", {})
    got = call(api, "GET", f"/api/v1/conformity-declarations/{case}", "chuyenvien")
    assert got["state"] == "published" and got["derived"]["scope_items"] == 2
    declared = call(api, "GET", f"/api/v1/agencies/{OWN}/conformity?year=2026", "kiemtra")
    assert declared["declared"] and declared["in_force"] and declared["case_id"] == case
    assert call(api, "GET", f"/api/v1/agencies/{OWN}/conformity?year=2025", "giamdoc")["declared"] is False
    assert api.call("GET", f"/api/v1/agencies/{OWN}/conformity?year=2026", "thuky-b").status_code == 404
    assert call(api, "POST", f"/api/v1/conformity-declarations/{case}/cancel", "giamdoc", {"reason": "x"},
                409)["code"] == "wrong_state"


def test_the_public_page_shows_the_declaration_in_force_and_its_scope(api, world) -> None:
    page = api.client.get(f"/cong-khai/{OWN}").text
    assert "Chưa công bố" in page
    case = declare(api, signed(api, "QD-01"), signed(api, "BCB-01"))
    call(api, "POST", f"/api/v1/conformity-declarations/{case}/publish", "giamdoc", {})
    page = api.client.get(f"/cong-khai/{OWN}").text
    assert "Công bố HTQLCL phù hợp TCVN ISO 9001:2015 năm 2026" in page
    assert "Thẩm định công nghệ dự án đầu tư" in page and "QD-01" in page and "data-conformity" in page
    assert "Thẩm định công nghệ" not in api.client.get(f"/cong-khai/{OTHER}").text


def test_a_re_declaration_supersedes_the_published_one_with_a_reason(api, world) -> None:
    decision, document = signed(api, "QD-01"), signed(api, "BCB-01")
    first = declare(api, decision, document)
    url = f"/api/v1/agencies/{OWN}/conformity-declarations"
    early = {"year": 2026, "scope": SCOPE, "supersedes": first, "change_reason": "Thêm TTHC"}
    assert call(api, "POST", url, "thuky", early, 409)["code"] == "not_published"  # the first is not published yet
    call(api, "POST", f"/api/v1/conformity-declarations/{first}/publish", "giamdoc", {})
    no_reason = call(api, "POST", url, "thuky", {"year": 2026, "scope": SCOPE, "supersedes": first}, 409)
    assert no_reason["errors"][0]["field"] == "change_reason"
    second = declare(api, signed(api, "QD-02"), signed(api, "BCB-02"), supersedes=first,
                     change_reason="Bổ sung TTHC cấp phép sử dụng bức xạ vào phạm vi.", scope=SCOPE + "\nCấp phép X")
    refused = call(api, "POST", f"/api/v1/conformity-declarations/{first}/supersede", "giamdoc",
                   {"superseded_by": second, "reason": "Công bố lại"}, 409)
    assert refused["code"] == "not_a_replacement"  # the re-declaration is not published yet
    call(api, "POST", f"/api/v1/conformity-declarations/{second}/publish", "giamdoc", {})
    call(api, "POST", f"/api/v1/conformity-declarations/{first}/supersede", "giamdoc", {"superseded_by": second}, 422)
    call(api, "POST", f"/api/v1/conformity-declarations/{first}/supersede", "giamdoc",
         {"superseded_by": second, "reason": "Phạm vi thay đổi: công bố lại."})
    assert call(api, "GET", f"/api/v1/conformity-declarations/{first}", "giamdoc")["state"] == "superseded"
    shown = api.ctx.uc.conformity.published(OWN)
    assert shown["case_id"] == second and shown["scope"][-1] == "Cấp phép X"
    assert shown["earlier"][0]["reason"] is None and shown["change_reason"].startswith("Bổ sung")
    assert api.ctx.uc.conformity.declared(OWN, 2026)["case_id"] == first  # declared since the first publication
    page = api.client.get(f"/cong-khai/{OWN}").text
    assert "Bổ sung TTHC cấp phép sử dụng bức xạ" in page
