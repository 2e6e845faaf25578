"""Headless Chromium (Debian's, driven by Playwright) on the seed article, desktop and phone: every
element of the source page works — font size changes and persists, the print view renders, share
shows a QR code, the close button falls back to the channel, comments post and await moderation,
the side lists sit beside (desktop) or below (phone) the article. No request leaves the site and
the CSP reports nothing. Screenshots go to /tmp/shots/portal-*.png."""

import pytest
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, shot
from dangjian.testing import make_world
from portal.models import Comment, CommentState
from portal.tests.helpers import import_seed, make_portal, publish

pytestmark = BROWSER_MARKS


@pytest.fixture
def seeded(transactional_db):
    portal = make_portal(make_world())
    seed = import_seed(portal)
    publish(portal, title="推荐图文以外的推荐资讯", featured=True)
    return seed


def font_px(page) -> float:
    return page.eval_on_selector(".article-body p", "p => parseFloat(getComputedStyle(p).fontSize)")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_seed_article_works_in_a_browser(live_server, seeded, browser, viewport):
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    elsewhere, problems = [], []
    context.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or elsewhere.append(r.url))
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    url = f"{base}{seeded.get_absolute_url()}"
    page.goto(url)

    # Title, date, source, 核心提示, section headings, disclaimer, breadcrumb.
    assert page.locator("h1.article-title").inner_text() == seeded.title
    meta = page.locator(".article-meta").inner_text()
    assert "2017-07-03" in meta and "人民网" in meta
    assert page.locator(".summary-box").inner_text().startswith("核心提示：基础不牢")
    assert page.locator(".article-body h2").count() == 5
    assert "免责声明" in page.locator(".disclaimer").inner_text()
    assert page.locator(".crumbs").inner_text().endswith("天津 » 正文")
    shot(page, f"portal-article-{viewport}", full_page=False)

    # Larger and smaller font, remembered across a reload (localStorage), no reload needed.
    normal = font_px(page)
    page.click("[data-font=up]")
    page.click("[data-font=up]")
    assert font_px(page) > normal
    assert page.url == url  # the script handled it; the link is the no-script fallback
    page.reload()
    assert font_px(page) > normal
    page.click("[data-font=down]")
    page.click("[data-font=down]")
    page.click("[data-font=down]")
    assert font_px(page) < normal

    # Side lists: beside the article on a desktop, below it on a phone.
    article_box = page.locator("#article").bounding_box()
    side_box = page.locator("#most-read").bounding_box()
    assert page.locator("#featured-news").inner_text().count("推荐图文以外的推荐资讯") == 1
    if viewport == "phone":
        assert side_box["y"] > article_box["y"] + article_box["height"] - 1
        assert article_box["width"] <= 375
    else:
        assert side_box["x"] >= article_box["x"] + article_box["width"]

    # Tell a friend: a QR code drawn by the platform, and a copy-link button.
    page.click("#share summary")
    qr = page.locator("#share img.qr")
    qr.wait_for()
    assert page.evaluate("img => img.naturalWidth > 0", qr.element_handle())
    page.click("[data-copy]")
    expect(page.locator("[data-copy-status]")).to_contain_text("链接")
    shot(page, f"portal-share-{viewport}", full_page=False)

    # The most-read tabs refresh their list in place (htmx).
    page.click("#most-read a:text('周排行')")
    page.wait_for_selector("#most-read a[aria-current]:text('周排行')")

    # A comment: posted, waiting for moderation, not yet counted.
    page.fill("#id_name", "读者甲")
    page.fill("#id_body", "<script>alert(1)</script>写得好\n第二行")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector(".msg:text('评论已提交，审核通过后显示')")
    assert page.locator("#comment-count").inner_text() == "0"
    comment = Comment.objects.get()
    assert comment.state == CommentState.PENDING and "<script>" in comment.body  # kept as text
    shot(page, f"portal-comment-{viewport}")

    # The print view: the article alone, with its print button.
    page.goto(f"{url}?print=1")
    assert page.locator(".article-body h2").count() == 5
    assert page.locator(".site-nav").count() == 0 and page.locator("[data-print]").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".print-tools").is_visible()
    page.emulate_media(media="screen")
    shot(page, f"portal-print-{viewport}", full_page=False)

    # Close window: a window the reader opened is not closable by script, so it goes to the channel.
    page.goto(url)
    page.click("[data-close]")
    page.wait_for_url(f"{base}/news/zixun/guonei/gedi/tianjin/")

    # "View all" comments, the search box.
    page.goto(url)
    page.click("text=查看全部")
    page.wait_for_url(f"{base}/news/a/{seeded.pk}/comments/")
    page.goto(url)
    page.fill("#site-q", "三会一课")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/news/search/?q=*")
    assert page.locator("mark").first.inner_text() == "三会一课"
    shot(page, f"portal-search-{viewport}", full_page=False)

    assert elsewhere == []
    assert problems == []
    context.close()
