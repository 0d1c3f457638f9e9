"""English mode: every label of the record page, the record register and the timelines is English (the data
people typed stays as typed; here it is ASCII, so any Vietnamese letter left on the page is an untranslated
label)."""

from __future__ import annotations

import io
import re

from signing.testing import sample_pdf
from tests.web.conftest import OWN_NAME, PEOPLE, Browser, Site

VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")


def main_text(html: str) -> str:
    """The page's <main>, without tags (the header keeps "Tiếng Việt" on purpose, and people's names)."""
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", body)


def untranslated(html: str) -> list[str]:
    text = main_text(html).replace(OWN_NAME, "")  # the agency's name is data, and so are people's names
    for name, _, _ in PEOPLE.values():  # (the grant form of a confidential record lists the agency's accounts)
        text = text.replace(name, "")
    return sorted({text[max(0, m.start() - 30):m.end() + 30].strip() for m in VIETNAMESE.finditer(text)})


def records(site: Site) -> dict[str, str]:
    ctx, vanthu, giamdoc = site.ctx, site.actor("vanthu"), site.actor("giamdoc")
    out = {}
    out["open"] = ctx.ledger.open_record(vanthu, code="HS-OPEN", title="Inspection 2026", series="Inspections",
                                         retention_years=5, legal_basis="Circular 10/2022",
                                         confidentiality="confidential")
    busy = ctx.ledger.open_record(vanthu, code="HS-BUSY", title="Internal audit 2019", series="Audits",
                                  retention_years=5, legal_basis="Circular 10/2022")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "report.pdf", busy)
    ctx.ledger.add_file(vanthu, busy, file=ref.to_dict(), description="Audit report")
    ctx.ledger.close_record(vanthu, busy, closed_on="2019-12-31")
    ctx.ledger.lend(vanthu, busy, borrower={"external": {"name": "Auditor A", "organisation": "Province inspectorate"}},
                    purpose="Audit", due_on="2099-01-31", approved_by="giamdoc")
    ctx.ledger.extend_loan(vanthu, busy, due_on="2099-02-28")
    ctx.ledger.take_back(vanthu, busy, received_by="vanthu", note="intact")
    ctx.ledger.place_hold(vanthu, busy, reason="Inspection")
    ctx.ledger.release_hold(vanthu, busy)
    ctx.ledger.propose_destruction(vanthu, busy, reason="Retention ended")
    out["busy"] = busy
    gone = ctx.ledger.open_record(vanthu, code="HS-GONE", title="Old letters", series="Letters",
                                  retention_years=1, legal_basis="Circular 10/2022")
    ctx.ledger.close_record(vanthu, gone, closed_on="2018-12-31")
    ctx.ledger.propose_destruction(vanthu, gone, reason="Retention ended")
    ctx.ledger.approve_destruction(giamdoc, gone, decision_no="45/QD", decided_by="giamdoc",
                                   council=["giamdoc", "vanthu"])
    out["gone"] = gone
    ctx.after_command()
    return out


def test_record_pages_and_register_in_english(web: Browser, site: Site) -> None:
    recs = records(site)
    web.login("vanthu")
    web.get("/lang/en")
    r = web.client.post(f"/records/{recs['gone']}/destruction/execute",
                        data={"csrf": web.csrf(), "executed_by": "vanthu", "witnesses": ["danhgia", "giamdoc"],
                              "method": "shredding"},
                        files={"minutes_file": ("minutes.pdf", io.BytesIO(sample_pdf(1)), "application/pdf")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    for key in ("open", "busy", "gone"):
        page = web.get(f"/records/{recs[key]}").text
        assert 'lang="en"' in page and untranslated(page) == [], (key, untranslated(page))
    assert "Proposed, awaiting approval" in web.get(f"/records/{recs['busy']}").text
    for url in ("/records", "/records?status=due", "/records/new", "/loans"):
        page = web.get(url).text
        assert untranslated(page) == [], (url, untranslated(page))
    web.login("giamdoc")
    page = web.get(f"/records/{recs['busy']}").text  # with the leader's approval form
    assert "Approve the destruction" in page and untranslated(page) == [], untranslated(page)


def test_timelines_in_english(web: Browser, site: Site) -> None:
    recs = records(site)
    ctx, thuky, giamdoc = site.ctx, site.actor("thuky"), site.actor("giamdoc")
    doc = ctx.ledger.register_document(thuky, code="QT-01", title="Document control", kind="procedure",
                                       department="Office")
    ref = ctx.archive.put(io.BytesIO(sample_pdf(1)), "procedure.pdf", doc)
    ctx.ledger.create_draft(thuky, doc, file=ref.to_dict(), change_summary="First issue")
    ctx.ledger.submit_for_review(thuky, doc, 1, reviewers=["truongphong"], approver="giamdoc")
    ctx.ledger.reject(giamdoc, doc, 1, reason="Too long")
    ctx.ledger.revise_draft(thuky, doc, 1, file=ref.to_dict(), change_summary="Shorter")
    ctx.ledger.withdraw(thuky, doc, 1, reason="Replaced by QT-02")
    ctx.ledger.obsolete(thuky, doc, reason="Merged into QT-02")
    ctx.after_command()
    web.login("danhgia")
    web.get("/lang/en")
    for url in (f"/documents/{doc}/history", f"/records/{recs['busy']}/history", f"/records/{recs['open']}/history",
                f"/records/{recs['busy']}/history?day=2019-12-31", "/audit"):
        page = web.get(url).text
        assert 'lang="en"' in page and untranslated(page) == [], (url, untranslated(page))
    text = web.get(f"/records/{recs['busy']}/history").text
    assert "Legal hold placed: Inspection" in text and "Records controller" in text and "Timeline" in text
