"""Searching the registers through HTTP: by words, without accents, ranked, and paged through the ranking."""

from __future__ import annotations

from tests.api.conftest import OTHER, OWN

TITLES = {"QT-11": "Quy trình tiếp nhận và giải quyết hồ sơ hành chính", "QT-12": "Quy trình tiếp nhận hồ sơ",
          "QT-13": "Tiếp nhận đơn thư theo quy trình một cửa", "BM-11": "Phiếu đề nghị đăng ký"}


def test_a_search_through_the_api_is_ranked_and_its_cursor_pages_through_the_ranking(api, world):
    for code, title in TITLES.items():
        r = api.call("POST", f"/api/v1/agencies/{OWN}/documents", "thuky",
                     json={"code": code, "title": title, "kind": "form", "department": "Văn phòng"})
        assert r.status_code == 201, r.text
    seen, cursor = [], ""
    while True:
        r = api.call("GET", f"/api/v1/agencies/{OWN}/documents?status=all&q=Quy trinh tiep nhan&limit=2{cursor}",
                     "chuyenvien")
        assert r.status_code == 200, r.text
        page = r.json()
        seen += [d["code"] for d in page["items"]]
        assert all("sort_key" not in d for d in page["items"])
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == ["QT-12", "QT-11", "QT-13"]  # the phrase first, the shorter title first
    found = api.call("GET", f"/api/v1/agencies/{OWN}/documents?status=all&q=ĐĂNG KÝ", "chuyenvien").json()
    assert [d["code"] for d in found["items"]] == ["BM-11"]
    other = api.call("GET", f"/api/v1/agencies/{OTHER}/documents?status=all&q=quy trinh", "thuky-b").json()
    assert [d["code"] for d in other["items"]] == ["QT-01"]  # its own QT-01 only, none of OWN's


def test_a_record_search_through_the_api_finds_title_and_series_words(api, world):
    r = api.call("POST", f"/api/v1/agencies/{OWN}/records", "vanthu",
                 json={"code": "HS-11", "title": "Sổ đăng ký công văn đến", "series": "Công văn",
                       "retention_years": 5, "legal_basis": "Thông tư 10/2022"})
    assert r.status_code == 201, r.text
    found = api.call("GET", f"/api/v1/agencies/{OWN}/records?q=cong van den", "vanthu").json()
    assert [d["code"] for d in found["items"]] == ["HS-11"]
    series = api.call("GET", f"/api/v1/agencies/{OWN}/records?q=danh gia noi bo", "vanthu").json()
    assert [d["code"] for d in series["items"]] == ["HS-01"]  # the world's record, by its series
