"""The portal's answers are cacheable: a strong ETag and Cache-Control: public; the same ETag in If-None-Match
answers 304 with no body; anything recorded, or a new day (documents come into force by date), gives a new ETag."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import OWN
from tests.public.published_world import policy

PATHS = ["/public", f"/public/agencies/{OWN}", "/api/v1/public/agencies", f"/api/v1/public/agencies/{OWN}",
         f"/api/v1/public/agencies/{OWN}/procedures", f"/api/v1/public/agencies/{OWN}/documents"]


def test_each_public_answer_has_a_strong_etag_and_a_matching_if_none_match_is_304(api, world) -> None:
    for path in PATHS:
        first = api.call("GET", path)
        assert first.status_code == 200, path
        tag = first.headers["ETag"]
        assert tag.startswith('"') and not tag.startswith("W/"), path
        assert first.headers["Cache-Control"].startswith("public, max-age="), path
        again = api.call("GET", path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag, path
        assert api.call("GET", path, headers={"If-None-Match": '"something-else"'}).status_code == 200
        assert api.call("GET", path, headers={"If-None-Match": f'"x", W/{tag}'}).status_code == 304


def test_the_english_page_and_a_search_have_etags_of_their_own(api, world) -> None:
    tags = {api.call("GET", p).headers["ETag"] for p in (f"/public/agencies/{OWN}", f"/public/agencies/{OWN}?lang=en",
                                                         "/public?q=khoa", "/public")}
    assert len(tags) == 4


def test_a_change_recorded_anywhere_or_a_new_day_gives_a_new_etag(api, world, clock) -> None:
    path = f"/public/agencies/{OWN}"
    tag = api.call("GET", path).headers["ETag"]
    policy(api.ctx, OWN, 2026, "Chính sách mới", "draft")  # not public, but the answer must be asked again
    changed = api.call("GET", path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    tag = changed.headers["ETag"]
    assert api.call("GET", path, headers={"If-None-Match": tag}).status_code == 304
    clock.now = clock.now + timedelta(days=1)
    tomorrow = api.call("GET", path, headers={"If-None-Match": tag})
    assert tomorrow.status_code == 200 and tomorrow.headers["ETag"] != tag


def test_an_unknown_agency_is_404_on_every_public_answer(api, world) -> None:
    for path in ("/public/agencies/khong-co", "/api/v1/public/agencies/khong-co",
                 "/api/v1/public/agencies/khong-co/procedures", "/api/v1/public/agencies/khong-co/documents"):
        r = api.call("GET", path)
        assert r.status_code == 404, path
