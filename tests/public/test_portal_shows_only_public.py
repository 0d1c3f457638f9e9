"""The public portal shows what is published and nothing else: every kind of item is published beside non-public
ones of its kind (a draft and an approved-but-unpublished policy, an unpublished context, a confidential and an
internal record, a draft document, another agency's things), then every public page and JSON answer reachable from
the province index is crawled: only the public items appear, each on its own agency's page, and no account's
e-mail, phone number or user name ever does."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.factories import OTHER, OWN, WORLD_PEOPLE
from tests.public.published_world import PUBLIC, SECRET, publish_everything

PHONE = re.compile(r"(?<![\w.])(0\d{2,3} \d{3,4} \d{3,4}|0\d{9})(?![\w.])")  # 0294 3862 123, 0912345678
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.found.append(value)


def crawl(api) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every public page and JSON answer reachable from /public (and its English twin), by address."""
    start = ["/public", "/public?lang=en", "/api/v1/public/agencies"]
    for agency in (OWN, OTHER):
        start += [f"/api/v1/public/agencies/{agency}", f"/api/v1/public/agencies/{agency}/procedures",
                  f"/api/v1/public/agencies/{agency}/documents"]
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        r = api.call("GET", url)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        kind = r.headers["content-type"]
        seen[url] = r.text if ("html" in kind or "json" in kind) else ""
        if "html" in kind:
            parser = Links()
            parser.feed(r.text)
            for link in parser.found:
                target = urljoin(url, link)
                parts = urlsplit(target)
                if parts.path.startswith(("/public", "/api/v1/public")) and not parts.path.endswith("/file"):
                    todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_every_public_page_and_answer_shows_only_public_items_and_no_personal_data(api, world) -> None:
    publish_everything(api)
    answers = crawl(api)
    pages = {u for u in answers if u.startswith("/public/agencies/")}
    assert {f"/public/agencies/{OWN}", f"/public/agencies/{OTHER}"} <= {u.split("?")[0] for u in pages}
    everything = "\n".join(answers.values())
    for secret in SECRET:
        assert secret not in everything, secret
    assert not EMAIL.findall(everything) and not PHONE.findall(everything)
    for username in WORLD_PEOPLE:  # who typed an issue in, who approved: never shown
        assert not re.search(rf"\b{re.escape(username)}\b", everything), username
    for agency, other in ((OWN, OTHER), (OTHER, OWN)):
        for marker in PUBLIC[agency]:
            for shown in (f"/public/agencies/{agency}", f"/public/agencies/{agency}?lang=en",
                          f"/api/v1/public/agencies/{agency}"):
                assert marker in answers[shown], (shown, marker)
            for elsewhere in (f"/public/agencies/{other}", f"/api/v1/public/agencies/{other}"):
                assert marker not in answers[elsewhere], (elsewhere, marker)


def test_a_policy_leaves_the_portal_when_it_is_withdrawn(api, world) -> None:
    made = publish_everything(api)
    assert "CÔNG-KHAI-CHÍNH-SÁCH-A" in api.call("GET", f"/public/agencies/{OWN}").text
    r = api.call("POST", f"/api/v1/policies/{made['policy']}/withdraw", "giamdoc", json={"reason": "Thay thế"})
    assert r.status_code == 200, r.text
    assert "CÔNG-KHAI-CHÍNH-SÁCH-A" not in api.call("GET", f"/public/agencies/{OWN}").text
    assert "CÔNG-KHAI-CHÍNH-SÁCH-A" not in api.call("GET", f"/api/v1/public/agencies/{OWN}").text


def test_a_published_context_shows_its_issues_and_parties_by_their_labels(api, world) -> None:
    publish_everything(api)
    page = api.call("GET", f"/public/agencies/{OWN}").text
    section = page[page.index('data-section="context"'):page.index('data-section="quality_policy"')]
    assert "CÔNG-KHAI-ĐIỂM-MẠNH-A" in section and "CÔNG-KHAI-BÊN-A" in section
    assert "Điểm mạnh (S)" in section and "Dịch vụ công, TTHC" in section and ">strength<" not in section
    english = api.call("GET", f"/public/agencies/{OWN}?lang=en").text
    assert "Strength (S)" in english and "Public services" in english
    twin = api.call("GET", f"/api/v1/public/agencies/{OWN}").json()
    context = next(p for p in twin["processes"] if p["process"] == "context")
    issues = next(f for f in context["items"][0]["fields"] if f["name"] == "issues")
    assert {c["key"] for c in issues["columns"]} == {"quadrant", "category", "description"}
