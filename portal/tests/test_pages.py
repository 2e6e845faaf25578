"""The public pages: channels with breadcrumbs, the article page with every element of the source
page, print view, share page with a QR code, comments with "view all", most read counted once per
reader per day, RSS feeds, readable URLs."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from portal import selectors, services
from portal.models import ArticleView, Comment
from portal.tests.helpers import import_seed, publish


def test_the_article_page_has_every_element_of_the_source_page(portal, client):
    seed = import_seed(portal)
    response = client.get(seed.get_absolute_url())
    body = response.content.decode()
    expected = [
        "当前位置：", ">首页</a> » <a href=\"/news/zixun/\">资讯</a> » <a href=\"/news/zixun/guonei/\">国内</a>"
        " » <a href=\"/news/zixun/guonei/gedi/\">全国各地资讯</a> » <a href=\"/news/zixun/guonei/gedi/tianjin/\">天津</a> » 正文",
        "全球报道:天津市各级党组织推进基层党建全面进步全面过硬</h1>",
        'data-font="up"', "放大字体", 'data-font="down"', "缩小字体",
        "发布日期：<time datetime=\"2017-07-03", "来源：<span class=\"source\">人民网</span>",
        "核心提示：</strong>基础不牢,地动山摇", "<h2>分类研究精准施策 统筹推进基层党建</h2>",
        'class="disclaimer">免责声明', ">资讯搜索</a>", "告诉好友", f'src="/news/a/{seed.pk}/qr.svg"',
        ">打印本文</a>", "data-close>关闭窗口</a>", f'<span id="comment-count">0</span>条 [<a href="/news/a/{seed.pk}/comments/">查看全部</a>] 相关评论',
        "推荐图文", "推荐资讯", "点击排行", "日排行", "周排行", "总排行",
        "portal/portal.js", "portal/print.css\" media=\"print\"",
    ]
    for part in expected:
        assert part in body, part


def test_readable_urls_redirect_to_the_canonical_slug(portal, client):
    seed = import_seed(portal)
    assert seed.get_absolute_url() == f"/news/a/{seed.pk}-quan-qiu-bao-dao-tian-jin-shi-ge-ji-dang-zu-zhi-tui-jin-ji/"
    response = client.get(f"/news/a/{seed.pk}/?fs=4")
    assert response.status_code == 301 and response["Location"] == seed.get_absolute_url() + "?fs=4"
    assert client.get(f"/news/a/{seed.pk}-wrong/").status_code == 301
    assert client.get("/news/a/99999/").status_code == 404


def test_the_font_size_works_without_javascript(portal, client):
    seed = import_seed(portal)
    body = client.get(seed.get_absolute_url() + "?fs=5").content.decode()
    assert 'class="article fs-5"' in body and "?fs=6" in body
    assert 'class="article fs-3"' in client.get(seed.get_absolute_url() + "?fs=99").content.decode()


def test_the_print_view_has_the_article_without_navigation(portal, client):
    seed = import_seed(portal)
    body = client.get(seed.get_absolute_url() + "?print=1").content.decode()
    assert "<h2>全面压实政治责任 确保任务落到实处</h2>" in body and "data-print" in body
    for absent in ("site-nav", "推荐资讯", "comment-form", "site-search"):
        assert absent not in body
    assert "本文地址：http://testserver" in body


def test_the_share_page_and_qr_code(portal, client):
    seed = import_seed(portal)
    body = client.get(reverse("portal:share", args=[seed.pk])).content.decode()
    assert f"http://testserver{seed.get_absolute_url()}" in body and "qr.svg" in body
    svg = client.get(reverse("portal:qr", args=[seed.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    assert b"<script" not in svg.content


def test_channels_list_their_subtree_with_children_and_breadcrumbs(portal, client):
    seed = import_seed(portal)
    local = publish(portal, channel="jiceng", title="基层动态文章")
    body = client.get("/news/zixun/").content.decode()
    assert seed.title in body and local.title in body and "国内" in body
    body = client.get("/news/zixun/guonei/gedi/tianjin/").content.decode()
    assert seed.title in body and local.title not in body and "» <a href=\"/news/zixun/guonei/gedi/\">" in body
    assert client.get("/news/zixun/nope/").status_code == 404


def test_the_index_shows_sections_and_notices(portal, client):
    import_seed(portal)
    today = timezone.localdate()
    services.publish_notice(channel_code="notice", title="一则通知", body_text="内容", starts_on=today,
                            ends_on=today + timedelta(days=3), external_key="t:1")
    body = client.get(reverse("portal:index")).content.decode()
    assert "一则通知" in body and "资讯" in body and "通知公告" in body


def test_comments_count_only_approved_and_view_all_lists_them(portal, client):
    seed = import_seed(portal)
    response = client.post(reverse("portal:comments", args=[seed.pk]), {"name": "读者", "body": "写得好"},
                           follow=True)
    assert "评论已提交，审核通过后显示" in response.content.decode()
    assert '<span id="comment-count">0</span>' in client.get(seed.get_absolute_url()).content.decode()
    queue = portal.client("news_reviewer").get(reverse("portal:comment_queue")).content.decode()
    assert "写得好" in queue
    comment = Comment.objects.get()
    portal.client("news_reviewer").post(reverse("portal:comment_approve", args=[comment.pk]))
    page = client.get(seed.get_absolute_url()).content.decode()
    assert '<span id="comment-count">1</span>' in page and "写得好" in page
    assert "写得好" in client.get(reverse("portal:comments", args=[seed.pk])).content.decode()


def test_a_logged_in_reader_comments_under_their_name(portal):
    article = publish(portal)
    portal.client("member").post(reverse("portal:comments", args=[article.pk]), {"body": "登录后评论"})
    comment = Comment.objects.get()
    assert comment.user == portal.world.users["member"] and comment.name == str(portal.world.users["member"])


def test_an_anonymous_comment_needs_a_name(portal, client):
    article = publish(portal)
    response = client.post(reverse("portal:comments", args=[article.pk]), {"body": "无名"})
    assert "请填写署名" in response.content.decode() and not Comment.objects.exists()


def test_rejected_comments_stay_hidden(portal, client):
    article = publish(portal)
    client.post(reverse("portal:comments", args=[article.pk]), {"name": "x", "body": "不当言论"})
    services.comment_reject(actor=portal.users["news_reviewer"], comment=Comment.objects.get())
    assert "不当言论" not in client.get(reverse("portal:comments", args=[article.pk])).content.decode()


def test_reloads_by_one_reader_count_once_and_other_readers_count(portal, client):
    article = publish(portal)
    for _ in range(3):
        client.get(article.get_absolute_url())
    from django.test import Client

    Client().get(article.get_absolute_url())
    assert ArticleView.objects.get(article=article).count == 2
    client.cookies["portal_read"] = "forged"
    client.get(article.get_absolute_url())  # a forged cookie is ignored (and counted as new)
    assert ArticleView.objects.get(article=article).count == 3


def test_most_read_by_day_week_and_all_time(portal, client):
    today = timezone.localdate()
    old, week, fresh = (publish(portal, title=t) for t in ("很久以前热门", "本周热门", "今天热门"))
    ArticleView.objects.bulk_create([
        ArticleView(article=old, day=today - timedelta(days=30), count=500),
        ArticleView(article=week, day=today - timedelta(days=3), count=50),
        ArticleView(article=fresh, day=today, count=5),
    ])
    assert [a.title for a in selectors.most_read("day")] == ["今天热门"]
    assert [a.title for a in selectors.most_read("week")] == ["本周热门", "今天热门"]
    assert [a.title for a in selectors.most_read("all")] == ["很久以前热门", "本周热门", "今天热门"]
    fragment = client.get(reverse("portal:rank"), {"rank": "week"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "本周热门" in fragment.content.decode()
    assert "很久以前热门" in client.get(reverse("portal:index"), {"rank": "all"}).content.decode()


def test_the_side_lists_show_featured_articles(portal, client):
    featured = publish(portal, title="推荐的文章", featured=True)
    body = client.get(featured.get_absolute_url()).content.decode()
    assert body.count("推荐的文章") >= 2  # the title and the 推荐资讯 entry


def test_rss_feeds_overall_and_per_channel(portal, client):
    seed = import_seed(portal)
    local = publish(portal, channel="jiceng", title="基层动态文章")
    feed = client.get(reverse("portal:feed"))
    assert feed["Content-Type"].startswith("application/rss+xml")
    text = feed.content.decode()
    assert seed.title in text and local.title in text
    text = client.get("/news/rss/zixun/guonei/gedi/tianjin/").content.decode()
    assert seed.title in text and local.title not in text


def test_pages_are_light_and_use_local_assets_only(portal, client):
    seed = import_seed(portal)
    body = client.get(seed.get_absolute_url()).content.decode()
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body
    scripts = body.count("<script")
    assert scripts == 2  # htmx and portal.js


def test_query_counts_of_the_article_page_stay_flat(portal, client, django_assert_max_num_queries):
    seed = import_seed(portal)
    for i in range(10):
        publish(portal, title=f"文章{i}", featured=True)
    # 相关新闻 (one index query for each of at most four title words, then one for the articles)
    # and 上一篇/下一篇 add a fixed number, not one per article.
    with django_assert_max_num_queries(26):
        client.get(seed.get_absolute_url())


def test_editors_find_the_editor_area_in_the_navigation(portal):
    assert "资讯编辑" in portal.client("news_editor").get("/").content.decode()
    assert "资讯编辑" not in portal.client("outsider").get("/").content.decode()


def test_the_login_page_links_to_the_portal(db, client):
    assert 'href="/news/"' in client.get("/accounts/login/").content.decode()


# --- 责任编辑, 上一篇/下一篇, 相关新闻 (issue 10.10) ----------------------------------------------


def test_the_article_page_names_its_responsible_editor(portal, client):
    article = publish(portal, title="社区党建", editor_name="王编辑")
    assert "（责任编辑：王编辑）" in client.get(article.get_absolute_url()).content.decode()
    reviewer = portal.users["news_reviewer"]
    written = services.article_create(actor=reviewer, channel=portal.channels["jiceng"], title="无名")
    assert written.editor_name == reviewer.full_name  # the writer, unless named otherwise


def test_previous_and_next_are_the_neighbours_in_the_channel_by_publication(portal, client):
    now = timezone.now()
    older, middle, newer = (publish(portal, title=title) for title in ("较早一篇", "中间一篇", "较新一篇"))
    for article, hours in ((older, 3), (middle, 2), (newer, 1)):
        type(article).objects.filter(pk=article.pk).update(publish_at=now - timedelta(hours=hours))
    publish(portal, channel="notice", title="别的栏目")
    body = client.get(middle.get_absolute_url()).content.decode()
    assert f'上一篇：<a href="{older.get_absolute_url()}" rel="prev">较早一篇</a>' in body
    assert f'下一篇：<a href="{newer.get_absolute_url()}" rel="next">较新一篇</a>' in body
    first = client.get(older.get_absolute_url()).content.decode()
    assert "上一篇：<span class=\"muted\">没有了</span>" in first


def test_related_articles_share_words_of_the_title_and_leave_out_the_article_itself(portal, client):
    article = publish(portal, title="社区志愿服务暖人心")
    sharing = publish(portal, channel="tianjin", title="志愿服务队走进社区")
    unrelated = publish(portal, channel="tianjin", title="停车场维修公告")
    notice = publish(portal, channel="notice", title="志愿服务活动通知")  # a notice, not news
    related = selectors.related(article)
    assert sharing in related and article not in related and notice not in related
    assert unrelated not in related
    body = client.get(article.get_absolute_url()).content.decode()
    section = body[body.index('id="related-title"'):]
    assert sharing.title in section[:section.index("</section>")]
