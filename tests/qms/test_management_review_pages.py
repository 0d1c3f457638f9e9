"""A management review on its page: the secretary freezes the input pack from a form that asks nothing (the server
computes the pack), then the page offers the pack's download, which answers the frozen bytes."""

from __future__ import annotations

import hashlib
import re

from tests.qms.review_setup import reported
from tests.qms.test_objectives_pages import _signed_in


def test_the_pack_is_frozen_from_the_page_and_downloaded_from_it(api, world) -> None:
    y, review = reported(api)
    client = _signed_in(api, "thuky")
    page = client.get(f"/qms/management-reviews/{review}")
    assert page.status_code == 200 and "Phòng Kế hoạch - Tài chính" in page.text  # the asks by department name
    form = re.search(rf'action="/qms/management-reviews/{review}/freeze".*?</form>', page.text, re.S)
    assert form and "pack_sha256" not in form.group(0)  # nothing to type: the server computes it
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.group(0))
    version = re.search(r'name="expected_version" value="(\d+)"', form.group(0))
    assert csrf and version
    r = client.post(f"/qms/management-reviews/{review}/freeze", data={"csrf": csrf.group(1),
                                                                       "expected_version": version.group(1)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(f"/qms/management-reviews/{review}").text
    link = re.search(r'<a href="(/api/v1/management-reviews/[^"]+/input-pack)" download data-input-pack>', page)
    assert link, page
    got = client.get(link.group(1))
    recorded = api.call("GET", f"/api/v1/management-reviews/{review}", "giamdoc").json()["data"]["pack_sha256"]
    assert got.status_code == 200 and got.headers["X-Pack-Verified"] == "true"
    assert hashlib.sha256(got.content).hexdigest() == recorded and recorded in page
