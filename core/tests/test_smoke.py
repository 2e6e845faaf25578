"""Smoke: every persona walks every page it can reach by following links from its home page, and
every page answers without a server error and passes the HTML inspector (dangjian.testing.HtmlInspector:
no inline script or style, no event handler — nothing the strict CSP would block)."""

import re
from collections import Counter, deque
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.testing import inspect_html

# Not pages: downloads, exports, the API (its docs page is Swagger UI, allowed inline styles),
# the QR images and feeds, and leaving.
SKIP = ("/static/", "/api/", "/accounts/logout/", "export=", "/documents/", "/news/media/", "qr.svg",
        "/docx/", "/rss/", "errors.", "template.xlsx", "/attachments/")
PAGE_LIMIT = 300  # per persona: enough for every kind of page of this small world
PER_KIND = 4  # pages of one kind (the same path but for its ids, the same query keys): sorts, tabs …


def crawl(client: Client, start: str) -> dict:
    """Breadth-first over the site's own links; returns {url: problems} for every page visited."""
    seen, queue, found, kinds = {start}, deque([start]), {}, Counter()
    while queue and len(found) < PAGE_LIMIT:
        url = queue.popleft()
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        content = response.content.decode()
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp, url
        found[url] = inspect_html(content)
        for href in _links(content):
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or any(s in target for s in SKIP):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = (re.sub(r"\d+", "N", parts.path), tuple(sorted(parse_qs(parts.query))))
            if target not in seen and kinds[kind] < PER_KIND:
                seen.add(target)
                kinds[kind] += 1
                queue.append(target)
    return found


def _links(content: str):
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href")
            if tag == "a" and href and not href.startswith(("#", "mailto:", "javascript:")):
                self.hrefs.append(href)

    parser = Links()
    parser.feed(content)
    return parser.hrefs


PERSONAS = ["city_admin", "a_admin", "secretary", "member", "sysadmin", "secadmin", "auditor",
            "news_editor", "news_reviewer", None]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_answers_and_has_nothing_the_csp_blocks(busy_world, persona):
    portal = busy_world
    client = Client()
    if persona:
        client.force_login(portal.user(persona))
    found = crawl(client, reverse("core:home") if persona else reverse("portal:index"))
    assert len(found) >= (3 if persona in ("member", "sysadmin", "secadmin", "auditor", None) else 10)
    assert {url: problems for url, problems in found.items() if problems} == {}


def test_world_builds_and_district_admin_sees_own_district(world):
    client = world.client("a_admin")
    response = client.get(reverse("orgs:detail", args=[world.district_a.pk]))
    assert response.status_code == 200
    assert world.district_a.name in response.content.decode()


def test_district_admin_gets_404_for_other_district(world):
    client = world.client("a_admin")
    assert client.get(reverse("orgs:detail", args=[world.district_b.pk])).status_code == 404
