"""A confidential (Mật) record's page: the badge, the grants, the grant form for who may grant, and files that
open only for who may read them (every opening written in the history)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from datetime import timedelta

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from signing.testing import sample_pdf
from tests.web.conftest import Browser, Site

CONTENT = sample_pdf(1, "Bien ban ky luat")


@pytest.fixture
def people(site: Site) -> Iterator[dict[str, Browser]]:
    clients = {u: TestClient(site.app, raise_server_exceptions=False) for u in
               ("vanthu", "giamdoc", "truongphong", "danhgia", "kiemtra", "chuyenvien")}
    browsers = {}
    for user, client in clients.items():
        client.__enter__()
        browsers[user] = Browser(client)
        browsers[user].login(user)
    yield browsers
    for client in clients.values():
        client.__exit__(None, None, None)


@pytest.fixture
def secret(site: Site) -> str:
    ledger = site.ctx.ledger
    rec: str = ledger.open_record(site.actor("vanthu"), code="HS-MAT-01", title="Hồ sơ xử lý kỷ luật",
                                  series="Tổ chức cán bộ", retention_years=10, legal_basis="Thông tư 10/2022",
                                  confidentiality="confidential")
    ref = site.services.archive.put(io.BytesIO(CONTENT), "Biên bản kỷ luật ông A.pdf", rec).to_dict()
    ledger.add_file(site.actor("vanthu"), rec, file=ref, description="Biên bản họp")
    return rec


def test_the_controller_sees_the_badge_opens_the_file_and_the_opening_is_in_the_history(people, secret):
    web = people["vanthu"]
    page = web.get(f"/records/{secret}").text
    assert "data-confidential" in page and ">Mật<" in page
    assert "Biên bản kỷ luật ông A.pdf" in page and f'href="/records/{secret}/files/1"' in page
    assert 'action="/records/' + secret + '/access-grants"' in page  # the grant form
    r = web.get(f"/records/{secret}/files/1")
    assert r.status_code == 200 and r.content == CONTENT
    history = web.get(f"/records/{secret}/history").text
    assert "vanthu (theo vai trò) xem tệp mật thứ 1" in history


@pytest.mark.parametrize(("user", "status"), [("truongphong", 403), ("danhgia", 403), ("kiemtra", 403),
                                               ("chuyenvien", 404)])
def test_others_see_that_files_exist_a_vietnamese_message_and_no_link(people, secret, user, status):
    web = people[user]
    page = web.get(f"/records/{secret}")
    if user == "chuyenvien":  # staff do not open the records at all (the pages answer 404, as before)
        assert page.status_code == 404
    else:
        assert page.status_code == 200
        html = page.text
        assert "data-withheld" in html and "Tệp mật 1" in html
        assert "Biên bản kỷ luật ông A" not in html and f"/records/{secret}/files/1" not in html
        assert 'access-grants"' not in html  # no grant form
        if user == "kiemtra":
            assert "không được cung cấp cho cán bộ của cơ quan khác" in html
        else:
            assert "hãy đề nghị lãnh đạo cơ quan hoặc người kiểm soát hồ sơ cấp quyền" in html
    r = web.get(f"/records/{secret}/files/1")
    assert r.status_code == status and CONTENT not in r.content
    if user != "chuyenvien":
        assert "Hồ sơ mật" in r.text


def test_the_leader_grants_then_the_grantee_opens_and_after_revoking_may_not(people, secret, site):
    leader, grantee = people["giamdoc"], people["truongphong"]
    page = leader.get(f"/records/{secret}").text
    assert 'value="truongphong"' in page and 'value="vanthu"' not in page and 'value="chuyenvien"' not in page
    until = (site.ctx.ledger.today() + timedelta(days=30)).strftime("%d/%m/%Y")
    r = leader.post(f"/records/{secret}/access-grants", {"grantee": "truongphong", "reason": "Thanh tra nội bộ",
                                                        "until": until}, page=f"/records/{secret}")
    assert r.status_code == 303, r.text
    page = grantee.get(f"/records/{secret}").text
    assert "Trần Quốc Bảo" in page and until in page and "Thanh tra nội bộ" in page
    assert grantee.get(f"/records/{secret}/files/1").content == CONTENT
    r = leader.post(f"/records/{secret}/access-grants/revoke", {"grantee": "truongphong", "reason": "Đã xong"},
                    page=f"/records/{secret}")
    assert r.status_code == 303, r.text
    assert grantee.get(f"/records/{secret}/files/1").status_code == 403
    page = leader.get(f"/records/{secret}").text
    assert "Đã thu hồi" in page
    reads = [e for e in site.ctx.ledger.history(secret) if e["type"] == "ConfidentialFileRead"]
    assert [(e["data"]["reader"], e["data"]["basis"]) for e in reads] == [("truongphong", "grant")]


def test_a_bad_grant_is_said_beside_its_field(people, secret):
    leader = people["giamdoc"]
    r = leader.post(f"/records/{secret}/access-grants", {"grantee": "truongphong", "reason": "Thanh tra",
                                                        "until": "01/01/2020"}, page=f"/records/{secret}")
    assert r.status_code == 422 and 'id="e-until"' in r.text
    r = leader.post(f"/records/{secret}/access-grants", {"grantee": "chuyenvien", "reason": "Thanh tra"},
                    page=f"/records/{secret}")
    assert r.status_code == 422 and 'id="e-grantee"' in r.text and "không có vai trò được xem hồ sơ" in r.text


def test_the_register_marks_the_record_confidential(people, secret):
    html = people["truongphong"].get("/records").text
    assert "HS-MAT-01" in html and "data-confidential" in html
