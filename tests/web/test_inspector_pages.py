"""Inspectors (role `inspector` of a supervising agency) stay in the supervised agency on every page they reach,
switch between the agencies they supervise, and never reach one they do not supervise (404)."""

from __future__ import annotations

import html
import re

import pytest

from ledger.actors import Actor
from tests.factories import OTHER, OWN, SUPERVISOR
from tests.web.conftest import OWN_NAME, Browser, Site
from tests.web.test_document_ending import issued_form
from tests.web.test_record_pages import open_record

SECOND = "so-noi-vu-c"
SECOND_NAME = "Sở Nội vụ C"


def href(page: str, text: str) -> str:
    """The address of the link whose text is ``text``."""
    m = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", page)
    assert m, f"no link «{text}»"
    return html.unescape(m.group(1))


def chosen_agency(page: str) -> str:
    """The agency selected in the header's switcher."""
    switch = page.split('id="f-view-agency"', 1)[1].split("</select>", 1)[0]
    m = re.search(r'<option value="([^"]+)" selected>', switch)
    assert m, "no agency selected in the header"
    return m.group(1)


@pytest.fixture
def world(web: Browser, site: Site) -> dict[str, str]:
    """OWN has an issued document, a record on loan; a second supervised agency SECOND has its own document."""
    doc = issued_form(web, site)
    web.login("vanthu")
    rec = open_record(web)
    r = web.post(f"/records/{rec}/lend", {"borrower": "danhgia", "purpose": "Thanh tra",
                                          "due_on": "31/12/2099", "approved_by": "giamdoc"},
                 page=f"/records/{rec}")
    assert r.status_code == 303, r.text
    admin = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
    site.ctx.directory.create_agency(admin, agency_id=SECOND, name=SECOND_NAME, supervised_by=[SUPERVISOR])
    site.ctx.directory.create_account(admin, username="thuky-c", agency_id=SECOND, full_name="Đỗ Văn Chiến",
                                      roles=["iso_secretary"])
    other = site.ctx.ledger.register_document(Actor("thuky-c", SECOND, frozenset({"iso_secretary"})),
                                              code="QD-09", title="Quy định nội bộ", kind="procedure",
                                              department="Văn phòng")
    site.ctx.after_command()
    web.login("kiemtra")
    return {"doc": doc, "rec": rec, "other_doc": other}


def test_inspector_goes_back_from_a_document_to_the_supervised_register(web: Browser, world: dict[str, str]) -> None:
    page = web.get(f"/documents/{world['doc']}").text
    back = href(page, "← Sổ đăng ký tài liệu")
    assert back == f"/documents?agency={OWN}"
    register = web.get(back)
    assert register.status_code == 200 and "BM-01" in register.text  # OWN's document, not the empty own agency
    assert chosen_agency(register.text) == OWN
    assert href(register.text, "Hồ sơ") == f"/records?agency={OWN}"  # the menu keeps the agency too
    assert href(register.text, "Mượn, trả") == f"/loans?agency={OWN}"
    assert f'name="agency" value="{OWN}"' in register.text  # and so does the filter form


def test_inspector_goes_to_records_and_loans_of_the_supervised_agency(web: Browser, world: dict[str, str]) -> None:
    page = web.get(f"/records/{world['rec']}").text
    back = href(page, "← Danh mục hồ sơ")
    assert back == f"/records?agency={OWN}"
    records = web.get(back).text
    assert "HS-01" in records and chosen_agency(records) == OWN
    loans = web.get(href(records, "Mượn, trả"))
    assert loans.status_code == 200 and "HS-01" in loans.text and "Võ Thành Đạt" in loans.text
    assert href(loans.text, "Chỉ xem hồ sơ quá hạn") == f"/loans?overdue=true&agency={OWN}"


def test_inspector_without_an_agency_sees_a_supervised_one_not_their_own(web: Browser,
                                                                        world: dict[str, str]) -> None:
    for path, shows in (("/documents", "BM-01"), ("/records", "HS-01"), ("/loans", "HS-01")):
        page = web.get(path).text
        assert shows in page and chosen_agency(page) == OWN, path


def test_inspector_switches_between_supervised_agencies(web: Browser, world: dict[str, str]) -> None:
    page = web.get(f"/documents?agency={OWN}").text
    switch = page.split('id="f-view-agency"', 1)[1].split("</select>", 1)[0]
    assert OWN_NAME in switch and SECOND_NAME in switch and "Sở Tư pháp B" not in switch
    assert '<form method="get" action="/documents" class="switch"' in page  # switching stays on the register
    second = web.get(f"/documents?agency={SECOND}&status=all").text
    assert "QD-09" in second and "BM-01" not in second and chosen_agency(second) == SECOND
    doc = web.get(f"/documents/{world['other_doc']}").text
    assert href(doc, "← Sổ đăng ký tài liệu") == f"/documents?agency={SECOND}"
    assert chosen_agency(doc) == SECOND


@pytest.mark.parametrize("path", ["/documents", "/records", "/loans", "/", "/inbox"])
def test_inspector_never_reaches_an_agency_they_do_not_supervise(web: Browser, world: dict[str, str],
                                                                 path: str) -> None:
    for agency in (OTHER, SUPERVISOR, "khong-co"):
        r = web.get(f"{path}?agency={agency}")
        assert r.status_code == 404 and "Không tìm thấy" in r.text, (path, agency)


def test_others_only_see_their_own_agency(web: Browser, world: dict[str, str]) -> None:
    web.login("thuky")
    assert web.get(f"/documents?agency={OWN}").status_code == 200
    assert web.get(f"/documents?agency={OTHER}").status_code == 404
    page = web.get("/documents").text
    assert 'id="f-view-agency"' not in page and "?agency=" not in page  # nothing to switch, nothing to keep
    web.login("thuky-b")
    assert web.get(f"/records?agency={OWN}").status_code == 404


def test_inspector_home_lists_the_supervised_agencies_with_counts(web: Browser, world: dict[str, str]) -> None:
    page = web.get("/").text
    assert "Cơ quan bạn giám sát" in page and OWN_NAME in page and SECOND_NAME in page
    card = page.split(f'data-agency="{OWN}"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"Tài liệu đang hiệu lực</dt><dd>1 / 1<", card)
    assert re.search(r"Hồ sơ đang cho mượn</dt><dd>1<", card)
    for link in (f"/documents?agency={OWN}", f"/records?agency={OWN}", f"/loans?agency={OWN}",
                 f"/audit?agency={OWN}"):
        assert f'href="{link}"' in card
    assert "Không có việc nào." not in page  # no empty inbox boxes
    assert 'href="/inbox"' not in page  # an inspector has nothing waiting to approve
    inbox = web.get("/inbox").text
    assert OWN_NAME in inbox and "Không có việc nào." not in inbox
